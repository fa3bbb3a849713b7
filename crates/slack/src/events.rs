//! The events of changes to Slack workspaces and links (`slack.*`), emitted in the
//! change's transaction. Never a bot token or a link token: workspaces and links are
//! shown as the API shows them.

use diesel_async::AsyncPgConnection;
use roster_core::error::DomainResult;
use roster_core::events::{self, EventType, NewEvent};
use roster_identity::OrgId;

use crate::links::LinkRecord;
use crate::wire::LinkedUser;
use crate::workspaces::Workspace;

/// Emits the event of a change to a workspace (its target is the team id).
pub(crate) async fn workspace(
    conn: &mut AsyncPgConnection,
    kind: EventType,
    workspace: &Workspace,
) -> DomainResult<()> {
    let event = NewEvent::new(
        workspace.tenant_id.as_str(),
        kind,
        workspace.team_id.as_str(),
        workspace,
    )?;
    events::emit(conn, event).await
}

/// Emits `slack.workspace_uninstalled` of a team removed from a tenant.
pub(crate) async fn workspace_removed(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    team_id: &str,
) -> DomainResult<()> {
    events::emit_removed(
        conn,
        org_id.as_str(),
        EventType::SlackWorkspaceUninstalled,
        team_id,
    )
    .await
}

/// Emits the event of a change to a link (`data`: the link as a workspace's member list
/// shows it).
pub(crate) async fn link(
    conn: &mut AsyncPgConnection,
    kind: EventType,
    link: &LinkRecord,
) -> DomainResult<()> {
    let data = LinkedUser::from(link.clone());
    let event = NewEvent::new(link.org_id.as_str(), kind, link.id.as_str(), &data)?;
    events::emit(conn, event).await
}
