//! The events of changes in an external-users workspace, emitted in the change's
//! transaction, in the org the workspace belongs to. Their `data` is the resource as the
//! API shows it (`{"id"}` for a removal) with the workspace's id as `workspace_id`; never
//! an API key.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::events::{self, EventType, NewEvent};
use roster_core::DomainError;
use serde::Serialize;

use crate::schema::external_workspaces;
use crate::WorkspaceId;

/// Emits the event of a change to `target` of a workspace, with `data` the resource after
/// the change.
pub(crate) async fn emit(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    kind: EventType,
    target: &impl std::fmt::Display,
    data: &impl Serialize,
) -> DomainResult<()> {
    let org_id: String = external_workspaces::table
        .find(workspace_id)
        .select(external_workspaces::org_id)
        .first(conn)
        .await?;
    events::emit(conn, event(org_id, workspace_id, kind, target, data)?).await
}

/// The event of a change to `target` of a workspace of the org `org_id`.
pub(crate) fn event(
    org_id: impl Into<String>,
    workspace_id: WorkspaceId,
    kind: EventType,
    target: &impl std::fmt::Display,
    data: &impl Serialize,
) -> DomainResult<NewEvent> {
    let mut data = serde_json::to_value(data).map_err(DomainError::internal)?;
    if let Some(object) = data.as_object_mut() {
        object.insert(
            "workspace_id".to_owned(),
            serde_json::to_value(workspace_id).map_err(DomainError::internal)?,
        );
    }
    NewEvent::new(org_id, kind, target.to_string(), &data)
}

/// Emits the event of a removal: `{"id", "workspace_id"}`.
pub(crate) async fn removed(
    conn: &mut AsyncPgConnection,
    workspace_id: WorkspaceId,
    kind: EventType,
    id: &impl std::fmt::Display,
) -> DomainResult<()> {
    let data = serde_json::json!({ "id": id.to_string() });
    emit(conn, workspace_id, kind, id, &data).await
}
