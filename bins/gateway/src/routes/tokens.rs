//! API tokens of the caller's account (`/api/v1/app/tokens`).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use roster_core::page::{OffsetParams, Page, Paging};
use roster_identity::requests::CreateTokenRequest;
use roster_identity::tokens::{self, ApiToken, CreatedToken};
use roster_identity::TokenId;

use crate::auth::AppCaller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/tokens")
            .route(web::get().to(list_tokens))
            .route(web::post().to(create_token)),
    )
    .service(super::resource("/tokens/{id}").route(web::delete().to(revoke_token)));
}

/// Creates an API token for yourself. The secret is in this response only.
#[utoipa::path(post, path = "/api/v1/app/tokens", tag = "tokens",
    params(("x-org" = String, Header, description = "Org slug or id")),
    request_body = CreateTokenRequest,
    responses((status = 201, body = CreatedToken)), security(("bearer" = []), ("session" = [])))]
pub async fn create_token(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiJson(body): ApiJson<CreateTokenRequest>,
) -> ApiResult<HttpResponse> {
    let (name, expires_at) = body.parse()?;
    let mut conn = state.conn().await?;
    let created = tokens::create(&mut conn, &caller.account_id, &name, expires_at).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/app/tokens/{}", created.token.id),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(created))
}

/// Your API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/app/tokens", tag = "tokens",
    params(("x-org" = String, Header, description = "Org slug or id"), OffsetParams),
    responses((status = 200, body = Page<ApiToken>)), security(("bearer" = []), ("session" = [])))]
pub async fn list_tokens(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiQuery(q): ApiQuery<OffsetParams>,
) -> ApiResult<HttpResponse> {
    let paging = Paging::by_offset(&q)?;
    let mut conn = state.conn().await?;
    Ok(HttpResponse::Ok().json(tokens::list(&mut conn, &caller.account_id, &paging).await?))
}

/// Revokes one of your tokens; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/app/tokens/{id}", tag = "tokens",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A token id (tok_…)")),
    responses((status = 204, description = "Revoked")), security(("bearer" = []), ("session" = [])))]
pub async fn revoke_token(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = TokenId::parse(&id).ok_or_else(|| ApiError::not_found("token"))?;
    let mut conn = state.conn().await?;
    let hash = tokens::revoke(&mut conn, &caller.account_id, &id).await?;
    state.credentials.forget_hash(&hash);
    Ok(HttpResponse::NoContent().finish())
}
