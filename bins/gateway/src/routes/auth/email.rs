//! The account flows that go through mail, on better-auth's wire: verification links and
//! password reset. Asking for a link answers the same whether the email has an account.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use roster_core::DomainError;
use roster_identity::ownership::flows::{self, INVALID_TOKEN};
use roster_identity::ownership::requests::{
    callback, MailRequest, RequestPasswordResetRequest, ResetLinkQuery, ResetPasswordRequest,
    SendVerificationEmailRequest, VerifyEmailQuery,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::defences::client_addr;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery};
use crate::rate_limit::Endpoint;
use crate::state::AppState;

/// better-auth's answer to the mail flows.
#[derive(Debug, Serialize, ToSchema)]
pub struct Status {
    pub status: bool,
}

/// The answer to `request-password-reset`, the same for every email.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResetRequested {
    pub status: bool,
    pub message: String,
}

/// The answer to `verify-email` without a callback (`user` is always `null`: following a
/// link signs nobody in).
#[derive(Debug, Serialize, ToSchema)]
pub struct Verified {
    pub status: bool,
    #[schema(value_type = Option<Object>)]
    pub user: Option<()>,
}

/// 503 `mail_not_configured` for the flows that send mail, when mail goes nowhere.
fn require_mail(state: &AppState) -> Result<(), DomainError> {
    if state.config.mail.enabled() {
        Ok(())
    } else {
        Err(DomainError::unavailable_because(
            "mail_not_configured",
            "this server does not send mail (ROSTER_SMTP_URL is not set); ask an administrator",
        ))
    }
}

/// What both requests for a link go through before anything is looked up: the rate
/// limits (per email and per client address, counted even for input that fails to
/// parse), the parse of `email` and the callback, and mail being configured.
fn admit(
    state: &AppState,
    req: &HttpRequest,
    email: &str,
    parse: impl FnOnce(&str) -> Result<MailRequest, DomainError>,
) -> ApiResult<MailRequest> {
    state
        .limits
        .check(Endpoint::AccountMail, Some(email), client_addr::of(req))?;
    let cmd = parse(&state.config.public_url)?;
    require_mail(state)?;
    Ok(cmd)
}

fn redirect(to: String) -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, to))
        .finish()
}

/// `url` with one more query parameter.
fn with_param(url: &str, name: &str, value: &str) -> String {
    let pair: String = form_urlencoded::Serializer::new(String::new())
        .append_pair(name, value)
        .finish();
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{pair}")
}

/// Mails a verification link to the account of `email` if it is unverified; the same
/// answer otherwise. 503 `mail_not_configured` when this server sends no mail.
#[utoipa::path(post, path = "/api/auth/send-verification-email", tag = "auth",
    request_body = SendVerificationEmailRequest, responses((status = 200, body = Status)))]
pub async fn send_verification_email(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiJson(body): ApiJson<SendVerificationEmailRequest>,
) -> ApiResult<HttpResponse> {
    let cmd = admit(&state, &req, &body.email, |url| body.parse(url))?;
    let mut conn = state.conn().await?;
    flows::send_verification(&mut conn, cmd.email.as_str(), cmd.callback).await?;
    Ok(HttpResponse::Ok().json(Status { status: true }))
}

/// Follows a verification link (once, within 24 hours): the account's email is verified.
/// With `callbackURL` the browser is sent there (with `?error=INVALID_TOKEN` on failure);
/// without, a bad link is a 401 `INVALID_TOKEN`.
#[utoipa::path(get, path = "/api/auth/verify-email", tag = "auth", params(VerifyEmailQuery),
    responses((status = 200, body = Verified), (status = 302, description = "to callbackURL")))]
pub async fn verify_email(
    state: web::Data<AppState>,
    ApiQuery(q): ApiQuery<VerifyEmailQuery>,
) -> ApiResult<HttpResponse> {
    let (token, to) = q.parse(&state.config.public_url)?;
    let mut conn = state.conn().await?;
    let outcome = flows::verify_email(&mut conn, &token).await;
    match (outcome, to) {
        (Ok(_), Some(to)) => Ok(redirect(to)),
        (Ok(_), None) => Ok(HttpResponse::Ok().json(Verified {
            status: true,
            user: None,
        })),
        (Err(e), to) if is_invalid(&e) => match to {
            Some(to) => Ok(redirect(with_param(&to, "error", INVALID_TOKEN))),
            None => Err(DomainError::unauthorized_because(INVALID_TOKEN, "Invalid token").into()),
        },
        (Err(e), _) => Err(e.into()),
    }
}

fn is_invalid(e: &DomainError) -> bool {
    matches!(e, DomainError::BadRequest { code, .. } if code == INVALID_TOKEN)
}

/// Mails a reset link (working once, for an hour) to the account of `email`. The answer
/// is the same whether or not the email has an account. 503 `mail_not_configured` when
/// this server sends no mail.
#[utoipa::path(post, path = "/api/auth/request-password-reset", tag = "auth",
    request_body = RequestPasswordResetRequest, responses((status = 200, body = ResetRequested)))]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiJson(body): ApiJson<RequestPasswordResetRequest>,
) -> ApiResult<HttpResponse> {
    let cmd = admit(&state, &req, &body.email, |url| body.parse(url))?;
    let mut conn = state.conn().await?;
    flows::request_password_reset(&mut conn, cmd.email.as_str(), cmd.callback).await?;
    Ok(HttpResponse::Ok().json(ResetRequested {
        status: true,
        message: "If this email exists in our system, check your email for the reset link".into(),
    }))
}

/// Where a reset link lands: the browser goes on to `callbackURL?token=...` (the client's
/// page that asks for the new password), or `?error=INVALID_TOKEN`. Without a callback it
/// goes to `ROSTER_RESET_PASSWORD_PAGE`; with neither, the answer is JSON (`token`, or a
/// 400 `INVALID_TOKEN`).
#[utoipa::path(get, path = "/api/auth/reset-password/{token}", tag = "auth",
    params(("token" = String, Path, description = "the reset link's token"), ResetLinkQuery),
    responses((status = 302, description = "to callbackURL with ?token= or ?error=INVALID_TOKEN"),
        (status = 200, body = ResetLink)))]
pub async fn reset_password_link(
    state: web::Data<AppState>,
    token: web::Path<String>,
    ApiQuery(q): ApiQuery<ResetLinkQuery>,
) -> ApiResult<HttpResponse> {
    let to = callback(
        "callbackURL",
        q.callback_url.as_deref(),
        &state.config.public_url,
    )?
    .or_else(|| state.config.mail.reset_password_page.clone());
    let token = token.trim();
    let mut conn = state.conn().await?;
    let live = flows::reset_link_is_live(&mut conn, token).await?;
    match (to, live) {
        (Some(to), true) => Ok(redirect(with_param(&to, "token", token))),
        (Some(to), false) => Ok(redirect(with_param(&to, "error", INVALID_TOKEN))),
        (None, true) => Ok(HttpResponse::Ok().json(ResetLink {
            status: true,
            token: token.to_owned(),
        })),
        (None, false) => Err(DomainError::bad_request(INVALID_TOKEN, "Invalid token").into()),
    }
}

/// A live reset link's token, for a client with no reset page configured.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResetLink {
    pub status: bool,
    pub token: String,
}

/// Sets a new password with a reset link's token (once): the password must pass the
/// strength rules; every session of the account ends, and its email counts as verified.
/// A bad token is a 400 `INVALID_TOKEN`.
#[utoipa::path(post, path = "/api/auth/reset-password", tag = "auth",
    request_body = ResetPasswordRequest, responses((status = 200, body = Status)))]
pub async fn reset_password(
    state: web::Data<AppState>,
    ApiJson(body): ApiJson<ResetPasswordRequest>,
) -> ApiResult<HttpResponse> {
    let (password, token) = body.parse()?;
    let account = flows::reset_password(&**state, &state.hasher, &token, password).await?;
    state.credentials.forget_account(&account);
    Ok(HttpResponse::Ok().json(Status { status: true }))
}
