//! The events of changes to projects and their members (`project.*`), emitted in the
//! change's transaction.

use diesel_async::AsyncPgConnection;
use roster_core::error::DomainResult;
use roster_core::events::{self, EventType, NewEvent};
use roster_identity::OrgId;
use serde::Serialize;

use crate::ProjectId;

/// Emits the event of a change to a project (or one of its members), with `data` as the
/// API returns it after the change.
pub(crate) async fn emit(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    kind: EventType,
    project_id: &ProjectId,
    data: &impl Serialize,
) -> DomainResult<()> {
    let event = NewEvent::new(org_id.as_str(), kind, project_id.as_str(), data)?;
    events::emit(conn, event).await
}
