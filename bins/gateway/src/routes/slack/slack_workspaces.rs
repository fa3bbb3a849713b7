//! Slack workspaces of a tenant: register by hand, list, uninstall, and the linked users
//! of one workspace.

use actix_web::{web, HttpResponse};
use roster_core::DomainError;
use roster_identity::auth;
use roster_slack::links;
use roster_slack::wire::{LinkedUser, LinkedUsers, RegisterWorkspaceRequest, Workspaces};
use roster_slack::workspaces::{self, Workspace};
use roster_slack::TeamId;
use serde::Deserialize;
use utoipa::IntoParams;

use super::member;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, IdPath};
use crate::state::AppState;

/// Query naming the tenant.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct TenantQuery {
    /// The org (slug or id); defaults to the session's org, else `default`.
    pub tenant_id: Option<String>,
}

/// Registers a Slack workspace for a tenant without OAuth (AppAdmin of that tenant).
/// A workspace already connected to any tenant is a 409. It stays unconfirmed until a
/// signed slash command arrives from the team; until then an OAuth install of the team,
/// in any tenant, replaces it.
#[utoipa::path(post, path = "/work-apps/slack/workspaces", tag = "slack",
    request_body = RegisterWorkspaceRequest,
    responses((status = 201, body = Workspace)),
    security(("bearer" = []), ("session" = [])))]
pub async fn register_workspace(
    state: web::Data<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<RegisterWorkspaceRequest>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let me = member(&state, &mut conn, &caller, body.tenant_id.as_deref()).await?;
    me.require_admin()?;
    let new = body.parse(&me.user.id)?;
    let workspace = workspaces::register(&mut conn, &me.user.org_id, new).await?;
    Ok(HttpResponse::Created().json(workspace))
}

/// The tenant's Slack workspaces, oldest first (any active user of the tenant).
#[utoipa::path(get, path = "/work-apps/slack/workspaces", tag = "slack", operation_id = "list_slack_workspaces",
    params(TenantQuery),
    responses((status = 200, body = Workspaces)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list_workspaces(
    state: web::Data<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TenantQuery>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let me = member(&state, &mut conn, &caller, q.tenant_id.as_deref()).await?;
    let workspaces = workspaces::list(&mut conn, &me.user.org_id).await?;
    Ok(HttpResponse::Ok().json(Workspaces { workspaces }))
}

/// Uninstalls a workspace (AppAdmin): its links go with it. Another tenant's is a 404.
#[utoipa::path(delete, path = "/work-apps/slack/workspaces/{teamId}", tag = "slack",
    params(("teamId" = String, Path, description = "A Slack team id (T…)"), TenantQuery),
    responses((status = 204, description = "Uninstalled")),
    security(("bearer" = []), ("session" = [])))]
pub async fn remove_workspace(
    state: web::Data<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TenantQuery>,
    IdPath(team_id): IdPath<TeamId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let me = member(&state, &mut conn, &caller, q.tenant_id.as_deref()).await?;
    me.require_admin()?;
    workspaces::remove(&mut conn, &me.user.org_id, &team_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The linked users of a workspace, for active users of the tenant that owns it. An
/// unknown workspace, or another tenant's, is a 404; a malformed `teamId` a 400.
#[utoipa::path(get, path = "/work-apps/slack/workspaces/{teamId}/users", tag = "slack",
    params(("teamId" = String, Path, pattern = "^T[A-Z0-9]+$", description = "A Slack team id (T…)")),
    responses((status = 200, body = LinkedUsers)),
    security(("bearer" = []), ("session" = [])))]
pub async fn linked_users(
    state: web::Data<AppState>,
    caller: Caller,
    team_id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let team_id = TeamId::parse_field("teamId", &team_id)?;
    let mut conn = state.conn().await?;
    let owner = workspaces::owner(&mut conn, &team_id)
        .await?
        .ok_or_else(|| ApiError::not_found("slack_workspace"))?;
    // Never reveal that another tenant's workspace exists.
    auth::principal(&mut conn, &caller.0, Some(owner.as_str()))
        .await
        .map_err(|e| match e {
            DomainError::Forbidden { .. } => DomainError::not_found("slack_workspace"),
            other => other,
        })?;
    let linked = links::of_team(&mut conn, &owner, &team_id).await?;
    Ok(HttpResponse::Ok().json(LinkedUsers {
        linked_users: linked.into_iter().map(LinkedUser::from).collect(),
    }))
}
