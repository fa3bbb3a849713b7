//! API tokens of the caller's account (`/api/v1/app/tokens`).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use roster_core::page::{OffsetParams, Page};
use roster_identity::requests::CreateTokenRequest;
use roster_identity::tokens::{self, ApiToken, CreatedToken};
use roster_identity::TokenId;

use crate::auth::AppCaller;
use crate::error::ApiResult;
use crate::extract::{ApiJson, IdPath, OffsetPaging};
use crate::state::AppState;

/// Creates an API token for yourself. The secret is in this response only.
#[utoipa::path(post, path = "/api/v1/app/tokens", tag = "tokens",
    request_body = CreateTokenRequest,
    responses((status = 201, body = CreatedToken)))]
pub async fn create_token(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiJson(body): ApiJson<CreateTokenRequest>,
) -> ApiResult<HttpResponse> {
    let (name, expires_at) = body.parse()?;
    let mut conn = state.conn().await?;
    let created = tokens::create(
        &mut conn,
        &caller.user.org_id,
        &caller.account_id,
        &name,
        expires_at,
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/app/tokens/{}", created.token.id),
        ))
        .json(created))
}

/// Your API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/app/tokens", tag = "tokens",
    params(OffsetParams),
    responses((status = 200, body = Page<ApiToken>)))]
pub async fn list_tokens(
    state: web::Data<AppState>,
    caller: AppCaller,
    OffsetPaging(paging): OffsetPaging,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    Ok(HttpResponse::Ok().json(tokens::list(&mut conn, &caller.account_id, &paging).await?))
}

/// Revokes one of your tokens; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/app/tokens/{id}", tag = "tokens",
    params(("id" = String, Path, description = "A token id (tok_…)")),
    responses((status = 204, description = "Revoked")))]
pub async fn revoke_token(
    state: web::Data<AppState>,
    caller: AppCaller,
    IdPath(id): IdPath<TokenId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let hash = tokens::revoke(&mut conn, &caller.user.org_id, &caller.account_id, &id).await?;
    state.credentials.forget_hash(&hash);
    Ok(HttpResponse::NoContent().finish())
}
