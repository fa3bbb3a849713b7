//! The events of changes to projects, their members and their artifacts (`project.*`,
//! `artifact.*`), emitted in the change's transaction.

use diesel_async::AsyncPgConnection;
use roster_core::error::DomainResult;
use roster_core::events::{self, EventType, NewEvent};
use roster_identity::OrgId;
use serde::Serialize;

/// Emits the event of a change to `target` (a project, or the artifact itself), with
/// `data` as the API returns it after the change.
pub(crate) async fn emit(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    kind: EventType,
    target: &impl std::fmt::Display,
    data: &impl Serialize,
) -> DomainResult<()> {
    let event = NewEvent::new(org_id.as_str(), kind, target.to_string(), data)?;
    events::emit(conn, event).await
}
