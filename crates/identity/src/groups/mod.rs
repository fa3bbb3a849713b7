//! Groups of an org's users: a display name unique in the org (whatever its case), an
//! optional external id (an identity provider's), and member users of the same org.
//!
//! The functions take the org (`&OrgId`), not a caller: the gateway's extractors decide
//! who may call them (reads for every active user of the org, writes for its AppAdmins),
//! and a SCIM server calls the same functions for `/Groups`. Each write runs in one
//! transaction and emits its events there (`group.*`, see `docs/events.md`):
//!
//! - [`create`] (with members), [`update`] (fields), [`replace`] (fields and the whole
//!   member set), [`delete`];
//! - [`add_member`] / [`remove_member`] (one, strict: 409 / 404), [`add_members`] /
//!   [`remove_members`] (several, idempotent);
//! - [`get`], [`list`] (cursor or offset pages), [`list_range`] (any offset: SCIM's
//!   `startIndex`), [`members`] (paged) and [`all_members`].

mod events;
mod list;
mod members;
mod model;
pub mod requests;
mod write;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::DomainError;

pub use list::{list, list_range};
pub use members::{add_member, add_members, all_members, members, remove_member, remove_members};
pub use model::{Group, GroupChanges, GroupFilter, GroupMember, GroupReplacement, NewGroup};
pub use write::{create, delete, replace, update};

use crate::schema::org_groups;
use crate::{OrgGroupId, OrgId};

fn not_found() -> DomainError {
    DomainError::not_found("group")
}

/// One group of the org; another org's group is a 404 like an unknown one.
pub async fn get(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &OrgGroupId,
) -> DomainResult<Group> {
    record(conn, org_id, id, false).await
}

/// The group as stored, locked for the transaction's rest when `for_update` (writes to
/// its members take the lock, so that they and a delete or replace go one at a time).
pub(crate) async fn record(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &OrgGroupId,
    for_update: bool,
) -> DomainResult<Group> {
    let query = org_groups::table
        .find((org_id, id))
        .select(Group::as_select());
    if for_update {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    }
    .ok_or_else(not_found)
}
