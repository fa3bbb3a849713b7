//! Sign-up, sign-in, sign-out and the current session.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};
use roster_core::DomainError;
use roster_identity::accounts::{self, Account};
use roster_identity::requests::{SignInRequest, SignUp, SignUpRequest};
use roster_identity::sessions::{self, Session, SESSION_LIFETIME};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{credential, SESSION_COOKIE};
use crate::config::Signup;
use crate::error::ApiResult;
use crate::extract::ApiJson;
use crate::rate_limit::{client_ip, Endpoint};
use crate::state::AppState;

/// A new session: its token (also set as the `better-auth.session_token` cookie) and account.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedIn {
    pub token: String,
    pub user: Account,
}

/// The current session and its account.
#[derive(Debug, Serialize, ToSchema)]
pub struct CurrentSession {
    pub session: Session,
    pub user: Account,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Success {
    pub success: bool,
}

fn session_cookie(state: &AppState, token: &str) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.https())
        .max_age(CookieDuration::seconds(SESSION_LIFETIME.whole_seconds()))
        .finish()
}

async fn start_session(state: &AppState, account: Account) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let (_, token) = sessions::create(&mut conn, &account.id).await?;
    Ok(HttpResponse::Ok()
        .cookie(session_cookie(state, &token))
        .insert_header(("cache-control", "no-store"))
        .json(SignedIn {
            token,
            user: account,
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
        .check(Endpoint::SignUp, Some(&body.email), client_ip(&req))?;
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
    start_session(&state, account).await
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
        .check(Endpoint::SignIn, Some(&body.email), client_ip(&req))?;
    body.check()?;
    let account =
        accounts::verify_credentials(&**state, &state.hasher, &body.email, &body.password).await?;
    start_session(&state, account).await
}

/// Ends the session (cookie or bearer) and clears the cookie.
#[utoipa::path(post, path = "/api/auth/sign-out", tag = "auth", responses((status = 200, body = Success)))]
pub async fn sign_out(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    if let Some(token) = credential(&req) {
        let mut conn = state.conn().await?;
        sessions::delete(&mut conn, &token).await?;
        state.credentials.forget(&token);
    }
    let mut gone = session_cookie(&state, "");
    gone.make_removal();
    Ok(HttpResponse::Ok()
        .cookie(gone)
        .json(Success { success: true }))
}

/// The current session and account, or `null` when not signed in (as better-auth answers).
#[utoipa::path(get, path = "/api/auth/get-session", tag = "auth",
    responses((status = 200, body = Option<CurrentSession>)))]
pub async fn get_session(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let Some(token) = credential(&req) else {
        return Ok(HttpResponse::Ok().json(serde_json::Value::Null));
    };
    let mut conn = state.conn().await?;
    let Some(session) = sessions::find(&mut conn, &token).await? else {
        return Ok(HttpResponse::Ok().json(serde_json::Value::Null));
    };
    let user = accounts::get(&mut conn, &session.account_id).await?;
    Ok(HttpResponse::Ok().json(CurrentSession { session, user }))
}
