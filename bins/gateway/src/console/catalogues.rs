//! A workspace's channels, tiers and groups, added from its page (AppAdmin): the name
//! checked and the entry made by the functions of `POST /api/v1/channels`,
//! `/api/v1/tiers` and `/api/v1/external-user-groups`, once the workspace is found to be
//! the org's (another org's is a 404, as in `/api/v1/app/workspaces`).

use actix_web::web;
use roster_core::db::AsyncPgConnection;
use roster_core::DomainError;
use roster_external_users::catalogue::NameOf;
use roster_external_users::channels::{self, CreateChannelRequest};
use roster_external_users::groups::{self, CreateGroupRequest, NewGroup};
use roster_external_users::tiers::{self, CreateTierRequest};
use roster_external_users::{workspaces, WorkspaceId};

use super::form::Form;
use super::page::{see_other, ConsoleResult};
use super::session::AdminConsole;

/// Adds an entry named `name` to the catalogue `kind` of the workspace.
async fn add_entry(
    conn: &mut AsyncPgConnection,
    workspace: WorkspaceId,
    kind: &str,
    name: String,
) -> Result<(), DomainError> {
    match kind {
        "channels" => {
            let name = CreateChannelRequest { name }.name()?;
            channels::create(conn, workspace, &name).await?;
        }
        "tiers" => {
            let name = CreateTierRequest { name }.name()?;
            tiers::create(conn, workspace, &name).await?;
        }
        _ => {
            let request = CreateGroupRequest {
                name,
                external_id: None,
                tier_id: None,
                metadata: None,
            };
            groups::create(conn, workspace, NewGroup::try_from(request)?).await?;
        }
    }
    Ok(())
}

/// `POST /console/workspaces/{id}/channels|tiers|groups`: adds one, named `name`.
pub async fn add(
    console: AdminConsole,
    path: web::Path<(String, String)>,
    form: Form,
) -> ConsoleResult {
    let id: WorkspaceId = console.id(&path.0)?;
    // The route lets through these three only.
    let kind = path.1.as_str();
    let name = form.raw("name").unwrap_or_default().to_owned();
    let mut conn = console.state.conn().await?;
    let fail = |e| console.fail(e);
    let workspace = workspaces::get(&mut conn, console.org().as_str(), id)
        .await
        .map_err(fail)?;
    add_entry(&mut conn, workspace.id, kind, name)
        .await
        .map_err(fail)?;
    Ok(see_other(format!("/console/workspaces/{id}")))
}
