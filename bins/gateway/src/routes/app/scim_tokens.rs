//! SCIM tokens of the org (`/api/v1/app/scim-tokens`, AppAdmin): what its identity
//! provider authenticates with on `/scim/v2`.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use roster_core::page::{OffsetParams, Page};
use roster_identity::scim_tokens::{self, CreateScimTokenRequest, CreatedScimToken, ScimToken};
use roster_identity::ScimTokenId;

use crate::auth::AdminCaller;
use crate::error::ApiResult;
use crate::extract::{ApiJson, IdPath, OffsetPaging};
use crate::state::AppState;

/// Creates a SCIM token for the org (AppAdmin). The token is in this response only.
#[utoipa::path(post, path = "/api/v1/app/scim-tokens", tag = "scim-tokens",
    request_body = CreateScimTokenRequest,
    responses((status = 201, body = CreatedScimToken)))]
pub async fn create_scim_token(
    state: web::Data<AppState>,
    caller: AdminCaller,
    ApiJson(body): ApiJson<CreateScimTokenRequest>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let created = scim_tokens::create(&mut conn, &caller.user.org_id, &body).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/app/scim-tokens/{}", created.id),
        ))
        .json(created))
}

/// The org's SCIM tokens (never their secrets), oldest first (AppAdmin).
#[utoipa::path(get, path = "/api/v1/app/scim-tokens", tag = "scim-tokens",
    params(OffsetParams),
    responses((status = 200, body = Page<ScimToken>)))]
pub async fn list_scim_tokens(
    state: web::Data<AppState>,
    caller: AdminCaller,
    OffsetPaging(paging): OffsetPaging,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    Ok(HttpResponse::Ok().json(scim_tokens::list(&mut conn, &caller.user.org_id, &paging).await?))
}

/// Revokes a SCIM token (AppAdmin); it stops working at once.
#[utoipa::path(delete, path = "/api/v1/app/scim-tokens/{id}", tag = "scim-tokens",
    params(("id" = String, Path, description = "A SCIM token id (scimtok_…)")),
    responses((status = 204, description = "Revoked")))]
pub async fn revoke_scim_token(
    state: web::Data<AppState>,
    caller: AdminCaller,
    IdPath(id): IdPath<ScimTokenId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    scim_tokens::revoke(&mut conn, &caller.user.org_id, &id).await?;
    state.scim_clients.forget_token(&caller.user.org_id, &id);
    Ok(HttpResponse::NoContent().finish())
}
