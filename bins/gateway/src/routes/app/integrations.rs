//! The caller's integrations (`/api/v1/app/user/integrations`).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use roster_identity::integrations::{self, CreateIntegrationRequest, Integration};
use roster_identity::IntegrationId;

use crate::auth::AppCaller;
use crate::error::ApiResult;
use crate::extract::{ApiJson, IdPath};
use crate::state::AppState;

/// Your integrations in this org, oldest first.
#[utoipa::path(get, path = "/api/v1/app/user/integrations", tag = "integrations",
    responses((status = 200, body = Vec<Integration>)))]
pub async fn list_integrations(
    state: web::Data<AppState>,
    caller: AppCaller,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let list = integrations::list(&mut conn, &caller.user.org_id, &caller.user.id).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Connects a tool for yourself; one integration per type (409 for a second).
#[utoipa::path(post, path = "/api/v1/app/user/integrations", tag = "integrations",
    request_body = CreateIntegrationRequest,
    responses((status = 201, body = Integration)))]
pub async fn create_integration(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiJson(body): ApiJson<CreateIntegrationRequest>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let created =
        integrations::create(&mut conn, &caller.user.org_id, &caller.user.id, body.kind).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/app/user/integrations/{}", created.id),
        ))
        .json(created))
}

/// Removes one of your integrations; a Slack one follows your Slack link and is a 409
/// `managed_integration` (disconnect through `/work-apps/slack`).
#[utoipa::path(delete, path = "/api/v1/app/user/integrations/{id}", tag = "integrations",
    params(("id" = String, Path, description = "An integration id (conf_…)")),
    responses((status = 204, description = "Removed")))]
pub async fn delete_integration(
    state: web::Data<AppState>,
    caller: AppCaller,
    IdPath(id): IdPath<IntegrationId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    integrations::delete(&mut conn, &caller.user.org_id, &caller.user.id, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}
