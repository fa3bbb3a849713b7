//! Sign-up, sign-in, sign-out and the current session.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};
use roster_core::DomainError;
use roster_identity::accounts::{self, Account};
use roster_identity::auth::Authenticated;
use roster_identity::requests::{SignInRequest, SignUp, SignUpRequest};
use roster_identity::sessions::{self, Client, SESSION_LIFETIME};

use super::shapes::{CurrentSession, SessionView, SignedIn, Success};

use crate::auth::{authenticate, credential, SESSION_COOKIE};
use crate::config::Signup;
use crate::defences::client_addr;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::rate_limit::Endpoint;
use crate::state::AppState;

pub(crate) fn session_cookie(state: &AppState, token: &str) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.https())
        .max_age(CookieDuration::seconds(SESSION_LIFETIME.whole_seconds()))
        .finish()
}

/// The client a request comes from, as a session records it.
pub(crate) fn client(req: &HttpRequest) -> Client {
    Client {
        ip_address: client_addr::of(req).map(|ip| ip.to_string()),
        user_agent: req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}

async fn start_session(
    state: &AppState,
    req: &HttpRequest,
    account: Account,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let (_, token) = sessions::create(&mut conn, &account.id, &client(req)).await?;
    Ok(HttpResponse::Ok()
        .cookie(session_cookie(state, &token))
        .json(SignedIn {
            token,
            user: account.into(),
        }))
}

/// Creates an account with a password and signs it in. Closed with `ROSTER_SIGNUP=closed`.
#[utoipa::path(post, path = "/api/auth/sign-up/email", tag = "auth", request_body = SignUpRequest,
    responses((status = 200, body = SignedIn, headers(("Set-Cookie" = String, description = "better-auth.session_token")))))]
pub async fn sign_up(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiJson(body): ApiJson<SignUpRequest>,
) -> ApiResult<HttpResponse> {
    state
        .limits
        .check(Endpoint::SignUp, Some(&body.email), client_addr::of(&req))?;
    if state.config.signup == Signup::Closed {
        return Err(DomainError::forbidden(
            "signup_closed",
            "sign-up is closed on this server; ask an administrator",
        )
        .into());
    }
    let cmd = SignUp::try_from(body)?;
    let account =
        accounts::sign_up(&**state, &state.hasher, &cmd.email, cmd.password, &cmd.name).await?;
    start_session(&state, &req, account).await
}

/// Signs in with email and password: sets the session cookie and returns its token.
#[utoipa::path(post, path = "/api/auth/sign-in/email", tag = "auth", request_body = SignInRequest,
    responses((status = 200, body = SignedIn, headers(("Set-Cookie" = String, description = "better-auth.session_token")))))]
pub async fn sign_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiJson(body): ApiJson<SignInRequest>,
) -> ApiResult<HttpResponse> {
    state
        .limits
        .check(Endpoint::SignIn, Some(&body.email), client_addr::of(&req))?;
    body.check()?;
    let account =
        accounts::verify_credentials(&**state, &state.hasher, &body.email, &body.password).await?;
    start_session(&state, &req, account).await
}

/// Ends the session (cookie or bearer) and clears the cookie.
#[utoipa::path(post, path = "/api/auth/sign-out", tag = "auth", responses((status = 200, body = Success)))]
pub async fn sign_out(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let gone = end_session(&state, &req).await?;
    Ok(HttpResponse::Ok()
        .cookie(gone)
        .json(Success { success: true }))
}

/// Ends the request's session (cookie or bearer), if any; returns the cookie that clears
/// it in the browser (the console signs out with it too).
pub(crate) async fn end_session(state: &AppState, req: &HttpRequest) -> ApiResult<Cookie<'static>> {
    if let Some(token) = credential(req) {
        let mut conn = state.conn().await?;
        sessions::delete(&mut conn, &token).await?;
        state.credentials.forget(&token);
    }
    let mut gone = session_cookie(state, "");
    gone.make_removal();
    Ok(gone)
}

/// The current session and account, or `null` when not signed in (as better-auth answers).
/// The session comes from the credential cache (as every authenticated route's), so a
/// warm call reads only the account: one query.
#[utoipa::path(get, path = "/api/auth/get-session", tag = "auth",
    responses((status = 200, body = Option<CurrentSession>)))]
pub async fn get_session(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let signed_out = || Ok(HttpResponse::Ok().json(serde_json::Value::Null));
    let Some(token) = credential(&req) else {
        return signed_out();
    };
    let session = match authenticate(&state, Some(token.clone())).await {
        Ok(Authenticated {
            session: Some(session),
            ..
        }) => session,
        // An API token is no session; an unknown, expired or ended one is none.
        Ok(_) | Err(ApiError(DomainError::Unauthorized { .. })) => return signed_out(),
        Err(e) => return Err(e),
    };
    let mut conn = state.conn().await?;
    let user = match accounts::get(&mut conn, &session.account_id).await {
        Err(e) if e.is_not_found() => return signed_out(),
        user => user?,
    };
    Ok(HttpResponse::Ok().json(CurrentSession {
        session: SessionView::new(session, Some(token)),
        user: user.into(),
    }))
}
