//! External-users workspaces of the org and their API keys (`/api/v1/app/workspaces`,
//! AppAdmin only).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use roster_core::page::{OffsetParams, Page, Paging};
use roster_external_users::workspaces::{self, ApiKey, CreatedApiKey, NameRequest, Workspace};
use roster_external_users::{ApiKeyId, WorkspaceId};

use crate::auth::AppCaller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/workspaces")
            .route(web::get().to(list_workspaces))
            .route(web::post().to(create_workspace)),
    )
    .service(super::resource("/workspaces/{id}").route(web::get().to(get_workspace)))
    .service(
        super::resource("/workspaces/{id}/api-keys")
            .route(web::get().to(list_api_keys))
            .route(web::post().to(create_api_key)),
    )
    .service(
        super::resource("/workspaces/{id}/api-keys/{key_id}")
            .route(web::delete().to(revoke_api_key)),
    );
}

fn workspace_id(raw: &str) -> ApiResult<WorkspaceId> {
    WorkspaceId::parse(raw).ok_or_else(|| ApiError::not_found("workspace"))
}

/// Creates an external-users workspace in the org (AppAdmin).
#[utoipa::path(post, path = "/api/v1/app/workspaces", tag = "workspaces",
    params(("x-org" = String, Header, description = "Org slug or id")),
    request_body = NameRequest,
    responses((status = 201, body = Workspace, headers(("Location" = String, description = "The new workspace's URL")))),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_workspace(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiJson(body): ApiJson<NameRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_admin()?;
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
    params(("x-org" = String, Header, description = "Org slug or id"), OffsetParams),
    responses((status = 200, body = Page<Workspace>)), security(("bearer" = []), ("session" = [])))]
pub async fn list_workspaces(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiQuery(q): ApiQuery<OffsetParams>,
) -> ApiResult<HttpResponse> {
    caller.require_admin()?;
    let paging = Paging::by_offset(&q)?;
    let mut conn = state.conn().await?;
    let page = workspaces::list(&mut conn, caller.user.org_id.as_str(), &paging).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One workspace of the org (AppAdmin).
#[utoipa::path(get, path = "/api/v1/app/workspaces/{id}", tag = "workspaces",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A workspace id (UUID)")),
    responses((status = 200, body = Workspace)), security(("bearer" = []), ("session" = [])))]
pub async fn get_workspace(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    caller.require_admin()?;
    let id = workspace_id(&id)?;
    let mut conn = state.conn().await?;
    let workspace = workspaces::get(&mut conn, caller.user.org_id.as_str(), id).await?;
    Ok(HttpResponse::Ok().json(workspace))
}

/// Creates an API key for the workspace (AppAdmin). The key is in this response only.
#[utoipa::path(post, path = "/api/v1/app/workspaces/{id}/api-keys", tag = "workspaces",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A workspace id (UUID)")),
    request_body = NameRequest,
    responses((status = 201, body = CreatedApiKey)), security(("bearer" = []), ("session" = [])))]
pub async fn create_api_key(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
    ApiJson(body): ApiJson<NameRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_admin()?;
    let id = workspace_id(&id)?;
    let name = body.parse()?;
    let mut conn = state.conn().await?;
    let created = workspaces::create_key(&mut conn, caller.user.org_id.as_str(), id, &name).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(created))
}

/// The workspace's API keys, never their secrets (AppAdmin).
#[utoipa::path(get, path = "/api/v1/app/workspaces/{id}/api-keys", tag = "workspaces",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A workspace id (UUID)"), OffsetParams),
    responses((status = 200, body = Page<ApiKey>)), security(("bearer" = []), ("session" = [])))]
pub async fn list_api_keys(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
    ApiQuery(q): ApiQuery<OffsetParams>,
) -> ApiResult<HttpResponse> {
    caller.require_admin()?;
    let id = workspace_id(&id)?;
    let paging = Paging::by_offset(&q)?;
    let mut conn = state.conn().await?;
    let page = workspaces::list_keys(&mut conn, caller.user.org_id.as_str(), id, &paging).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Revokes an API key (AppAdmin); it stops working at once.
#[utoipa::path(delete, path = "/api/v1/app/workspaces/{id}/api-keys/{key_id}", tag = "workspaces",
    params(("x-org" = String, Header, description = "Org slug or id"),
        ("id" = String, Path, description = "A workspace id (UUID)"),
        ("key_id" = String, Path, description = "An API key id (UUID)")),
    responses((status = 204, description = "Revoked")), security(("bearer" = []), ("session" = [])))]
pub async fn revoke_api_key(
    state: web::Data<AppState>,
    caller: AppCaller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    caller.require_admin()?;
    let (id, key_id) = path.into_inner();
    let id = workspace_id(&id)?;
    let key_id = ApiKeyId::parse(&key_id).ok_or_else(|| ApiError::not_found("api_key"))?;
    let mut conn = state.conn().await?;
    workspaces::revoke_key(&mut conn, caller.user.org_id.as_str(), id, key_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
