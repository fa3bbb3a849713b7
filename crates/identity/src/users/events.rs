//! The events of changes to users (`user.*`), emitted in the change's transaction.

use diesel_async::AsyncPgConnection;
use roster_core::error::DomainResult;
use roster_core::events::{self, EventType, NewEvent};

use super::User;

/// Emits the event of a change to `user` (the user as the API returns it after it).
pub(super) async fn emit(
    conn: &mut AsyncPgConnection,
    kind: EventType,
    user: &User,
) -> DomainResult<()> {
    let event = NewEvent::new(user.org_id.as_str(), kind, user.id.as_str(), user)?;
    events::emit(conn, event).await
}
