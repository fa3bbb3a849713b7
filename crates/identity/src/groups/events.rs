//! The events of changes to groups (`group.*`), emitted in the change's transaction.

use diesel_async::AsyncPgConnection;
use roster_core::error::DomainResult;
use roster_core::events::{self, EventType, NewEvent};
use serde::Serialize;

use crate::{OrgGroupId, OrgId};

/// Emits the event of a change to group `id`, with `data` as the API returns it.
pub(super) async fn emit(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    kind: EventType,
    id: &OrgGroupId,
    data: &impl Serialize,
) -> DomainResult<()> {
    let event = NewEvent::new(org_id.as_str(), kind, id.as_str(), data)?;
    events::emit(conn, event).await
}
