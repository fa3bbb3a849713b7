//! Where a SCIM request works, what a write of one resource brings, and the `If-Match`
//! check every such write makes.

use roster_identity::OrgId;
use serde_json::Value as Json;

use crate::error::{ScimError, ScimResult};
use crate::projection::Projection;

/// Where a SCIM request works: the org of its token, and the base URL of `/scim/v2` for
/// `meta.location`.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub org_id: &'a OrgId,
    pub base: &'a str,
}

/// A write to one resource (PUT or PATCH): where, which one, the body sent, the version it
/// must still have (`If-Match`), and what of the resource to answer.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub scope: Scope<'a>,
    pub id: &'a str,
    pub body: &'a Json,
    pub if_match: Option<&'a str>,
    pub projection: &'a Projection,
}

/// A stale `If-Match` (`roster_core::etag`) is a 412 naming the current version; no
/// `If-Match` (or `*`) passes.
pub fn check_version(what: &str, version: &str, if_match: Option<&str>) -> ScimResult<()> {
    match if_match {
        Some(tag) if !roster_core::etag::if_match(tag, version) => Err(ScimError::new(
            412,
            None,
            format!("the {what} changed: its version is {version}"),
        )),
        _ => Ok(()),
    }
}
