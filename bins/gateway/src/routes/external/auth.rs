//! How external users get and show an access token: `authenticate` (with a workspace
//! API key) and `me` (with the access token).

use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use roster_core::DomainError;
use roster_external_users::access::{
    self, Authenticate, AuthenticateRequest, AuthenticatedExternalUser,
};
use roster_external_users::users::ExternalUser;

use crate::auth::{authorization_credential, ExternalCaller};
use crate::defences::client_addr;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, Conditional};
use crate::rate_limit::Endpoint;
use crate::state::AppState;

fn signing_key(state: &AppState) -> [u8; 32] {
    access::signing_key(&state.config.secret.0)
}

/// Authenticates an external user: finds it by `id`, else by (`channelId`,
/// `externalId`), else by (`channelId`, `identifier`), creating it when none matches,
/// and returns it with an access token valid for one hour. Rate limited per API key and
/// per client address (429 with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/external-users/authenticate", tag = "external-users",
    request_body = AuthenticateRequest,
    responses((status = 200, description = "The external user was authenticated and access token generated.", body = AuthenticatedExternalUser)))]
pub async fn authenticate(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    // Counted before the key is checked, so that guessing keys is limited too; the body
    // is read only after the key passed.
    state.limits.check(
        Endpoint::Authenticate,
        authorization_credential(&req).as_deref(),
        client_addr::of(&req),
    )?;
    let caller = ExternalCaller::extract(&req).await?;
    let ApiJson(body) =
        ApiJson::<AuthenticateRequest>::from_request(&req, &mut payload.into_inner()).await?;
    let request = Authenticate::try_from(body)?;
    let key = signing_key(&state);
    let mut conn = state.conn().await?;
    let authenticated = access::authenticate(&mut conn, caller.key_holder(), request, &key).await?;
    Ok(HttpResponse::Ok().json(authenticated))
}

/// The external user an access token belongs to (`Authorization: Bearer <accessToken>`),
/// so that a resource server can check a token. A token whose API key was revoked since:
/// 401; a user blocked since: 403.
#[utoipa::path(get, path = "/api/v1/external-users/me", tag = "external-users", operation_id = "external_user_me",
    responses((status = 200, description = "The external user the access token was issued to.", body = ExternalUser)),
    security(("accessToken" = [])))]
pub async fn me(
    state: web::Data<AppState>,
    req: HttpRequest,
    cond: Conditional,
) -> ApiResult<HttpResponse> {
    let token = authorization_credential(&req).ok_or_else(|| {
        ApiError(DomainError::unauthorized(
            "authentication required: send Authorization: Bearer <accessToken>",
        ))
    })?;
    let key = signing_key(&state);
    let mut conn = state.conn().await?;
    let user = access::me(&mut conn, &token, &key).await?;
    Ok(cond.read(&user))
}
