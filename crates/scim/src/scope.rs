//! Where a SCIM request works, and the `If-Match` check every write of a resource makes.

use roster_identity::OrgId;

use crate::error::{ScimError, ScimResult};

/// Where a SCIM request works: the org of its token, and the base URL of `/scim/v2` for
/// `meta.location`.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub org_id: &'a OrgId,
    pub base: &'a str,
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
