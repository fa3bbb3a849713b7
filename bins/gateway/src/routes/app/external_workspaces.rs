//! External-users workspaces of the org and their API keys (`/api/v1/app/workspaces`,
//! AppAdmin only).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use roster_core::page::{OffsetParams, Page};
use roster_external_users::workspaces::{self, ApiKey, CreatedApiKey, NameRequest, Workspace};
use roster_external_users::{ApiKeyId, WorkspaceId};

use crate::auth::AdminCaller;
use crate::error::ApiResult;
use crate::extract::{ApiJson, Conditional, IdPath, OffsetPaging};
use crate::state::AppState;

/// Creates an external-users workspace in the org (AppAdmin).
#[utoipa::path(post, path = "/api/v1/app/workspaces", tag = "workspaces",
    request_body = NameRequest,
    responses((status = 201, body = Workspace, headers(("Location" = String, description = "The new workspace's URL")))))]
pub async fn create_workspace(
    state: web::Data<AppState>,
    caller: AdminCaller,
    ApiJson(body): ApiJson<NameRequest>,
) -> ApiResult<HttpResponse> {
    let name = body.parse()?;
    let mut conn = state.conn().await?;
    let workspace = workspaces::create(&mut conn, caller.user.org_id.as_str(), &name).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/app/workspaces/{}", workspace.id),
        ))
        .json(workspace))
}

/// The org's workspaces, oldest first (AppAdmin).
#[utoipa::path(get, path = "/api/v1/app/workspaces", tag = "workspaces",
    params(OffsetParams),
    responses((status = 200, body = Page<Workspace>)))]
pub async fn list_workspaces(
    state: web::Data<AppState>,
    caller: AdminCaller,
    OffsetPaging(paging): OffsetPaging,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let page = workspaces::list(&mut conn, caller.user.org_id.as_str(), &paging).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One workspace of the org (AppAdmin).
#[utoipa::path(get, path = "/api/v1/app/workspaces/{id}", tag = "workspaces",
    params(("id" = String, Path, description = "A workspace id (UUID)")),
    responses((status = 200, body = Workspace)))]
pub async fn get_workspace(
    state: web::Data<AppState>,
    caller: AdminCaller,
    cond: Conditional,
    IdPath(id): IdPath<WorkspaceId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let workspace = workspaces::get(&mut conn, caller.user.org_id.as_str(), id).await?;
    Ok(cond.read(&workspace))
}

/// Creates an API key for the workspace (AppAdmin). The key is in this response only.
#[utoipa::path(post, path = "/api/v1/app/workspaces/{id}/api-keys", tag = "workspaces",
    params(("id" = String, Path, description = "A workspace id (UUID)")),
    request_body = NameRequest,
    responses((status = 201, body = CreatedApiKey)))]
pub async fn create_api_key(
    state: web::Data<AppState>,
    caller: AdminCaller,
    ApiJson(body): ApiJson<NameRequest>,
    IdPath(id): IdPath<WorkspaceId>,
) -> ApiResult<HttpResponse> {
    let name = body.parse()?;
    let mut conn = state.conn().await?;
    let created = workspaces::create_key(&mut conn, caller.user.org_id.as_str(), id, &name).await?;
    Ok(HttpResponse::Created().json(created))
}

/// The workspace's API keys, never their secrets (AppAdmin).
#[utoipa::path(get, path = "/api/v1/app/workspaces/{id}/api-keys", tag = "workspaces",
    params(("id" = String, Path, description = "A workspace id (UUID)"), OffsetParams),
    responses((status = 200, body = Page<ApiKey>)))]
pub async fn list_api_keys(
    state: web::Data<AppState>,
    caller: AdminCaller,
    OffsetPaging(paging): OffsetPaging,
    IdPath(id): IdPath<WorkspaceId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let page = workspaces::list_keys(&mut conn, caller.user.org_id.as_str(), id, &paging).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Revokes an API key (AppAdmin); it stops working at once.
#[utoipa::path(delete, path = "/api/v1/app/workspaces/{id}/api-keys/{key_id}", tag = "workspaces",
    params(("id" = String, Path, description = "A workspace id (UUID)"),
        ("key_id" = String, Path, description = "An API key id (UUID)")),
    responses((status = 204, description = "Revoked")))]
pub async fn revoke_api_key(
    state: web::Data<AppState>,
    caller: AdminCaller,
    IdPath((id, key_id)): IdPath<(WorkspaceId, ApiKeyId)>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    workspaces::revoke_key(&mut conn, caller.user.org_id.as_str(), id, key_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
