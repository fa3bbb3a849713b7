//! Authentication extractors: who is calling, and as which user of which org.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use roster_core::DomainError;
use roster_identity::auth::{self, Authenticated, Principal};

use crate::credentials::CredentialCache;
use crate::error::ApiError;
use crate::state::AppState;

/// The session cookie, named as better-auth names it so that its clients work unchanged.
pub const SESSION_COOKIE: &str = "better-auth.session_token";
/// The header that picks the org of an App-family request.
pub const ORG_HEADER: &str = "x-org";

/// The bearer token of a request, if it sent one.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
        .then(|| token.trim().to_owned())
}

/// The credential of a request: a bearer token, else the session cookie.
pub fn credential(req: &HttpRequest) -> Option<String> {
    bearer(req).or_else(|| {
        req.cookie(SESSION_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|v| !v.is_empty())
    })
}

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError(DomainError::internal_msg("application state missing")))
}

/// Who a credential belongs to: from this process's short-lived cache, else the database.
async fn authenticate(state: &AppState, secret: Option<String>) -> Result<Authenticated, ApiError> {
    let secret = secret.ok_or_else(|| {
        ApiError(DomainError::unauthorized(
            "authentication required: send Authorization: Bearer <token> or the session cookie",
        ))
    })?;
    let key = CredentialCache::key(&secret);
    if let Some(known) = state.credentials.get(&key) {
        return Ok(known);
    }
    let mut conn = state.conn().await?;
    let authenticated = auth::authenticate(&mut conn, &secret).await?;
    state.credentials.put(key, authenticated.clone());
    Ok(authenticated)
}

/// A signed-in account (token or session), whatever org it is working in.
#[derive(Debug, Clone)]
pub struct Caller(pub Authenticated);

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = state(req);
        let secret = credential(req);
        Box::pin(async move {
            let state = state?;
            Ok(Caller(authenticate(&state, secret).await?))
        })
    }
}

/// The caller as an active user of the org named by `x-org` (or the session's active org).
#[derive(Debug, Clone)]
pub struct AppCaller(pub Principal);

impl std::ops::Deref for AppCaller {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.0
    }
}

impl FromRequest for AppCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = state(req);
        let secret = credential(req);
        let org = req
            .headers()
            .get(ORG_HEADER)
            .map(|v| v.to_str().map(|s| s.trim().to_owned()));
        Box::pin(async move {
            let state = state?;
            let authenticated = authenticate(&state, secret).await?;
            let org = match org {
                None => None,
                Some(Ok(org)) if !org.is_empty() => Some(org),
                Some(_) => {
                    return Err(ApiError::bad_request(
                        "invalid_org_header",
                        "the x-org header must be an org slug or id",
                    ))
                }
            };
            // The org the request names, else the session's; without one, principal() says 400.
            let org_ref = org.clone().or_else(|| {
                let session = authenticated.session.as_ref()?;
                Some(session.active_org_id.as_ref()?.to_string())
            });
            if let Some(known) = org_ref
                .as_deref()
                .and_then(|o| state.principals.get(&authenticated.account_id, o))
            {
                return Ok(AppCaller(known));
            }
            let epoch = state.principals.epoch();
            let mut conn = state.conn().await?;
            let principal = auth::principal(&mut conn, &authenticated, org.as_deref()).await?;
            if let Some(org_ref) = org_ref {
                state.principals.put(&org_ref, principal.clone(), epoch);
            }
            Ok(AppCaller(principal))
        })
    }
}
