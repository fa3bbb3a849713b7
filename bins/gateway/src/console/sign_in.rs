//! Signing in and out, and choosing the org to work in: the same domain functions as
//! `/api/auth` (rate limits, credential check, sessions, active org), and its cookie.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use roster_core::DomainError;
use roster_identity::accounts;
use roster_identity::active_org::{self, OrgChoice, SetActiveOrganizationRequest};
use roster_identity::requests::SignInRequest;
use roster_identity::sessions;

use super::csrf;
use super::form::Form;
use super::page::{render, see_other, ConsoleError, ConsoleResult, Layout, OrgOption};
use super::session::{app_state, Console};
use crate::auth::{authenticate, credential, Caller};
use crate::defences::client_addr;
use crate::rate_limit::Endpoint;
use crate::routes::auth::sessions::{client, end_session, session_cookie};

#[derive(Template)]
#[template(path = "console/sign_in.html")]
struct SignInPage<'a> {
    layout: Option<&'a Layout>,
    csrf: String,
    email: &'a str,
    message: Option<&'a str>,
}

/// The sign-in page, with the token of its form (and the cookie that token is bound to,
/// when the browser has none yet). Signed in already: on to the console.
pub async fn page(req: HttpRequest) -> ConsoleResult {
    let state = app_state(&req)?;
    if let Some(token) = credential(&req) {
        if authenticate(&state, Some(token)).await.is_ok() {
            return Ok(see_other("/console/"));
        }
    }
    let secret = &state.config.secret.0;
    match csrf::binding(&req) {
        Some(binding) => sign_in_form(csrf::token(secret, &binding), "", None, StatusCode::OK),
        None => {
            let (cookie, binding) = csrf::pre_session_cookie(state.config.https());
            let mut res = sign_in_form(csrf::token(secret, &binding), "", None, StatusCode::OK)?;
            res.add_cookie(&cookie)
                .map_err(|e| ConsoleError::from(DomainError::internal_msg(e.to_string())))?;
            Ok(res)
        }
    }
}

fn sign_in_form(
    csrf: String,
    email: &str,
    message: Option<&str>,
    status: StatusCode,
) -> ConsoleResult {
    render(
        status,
        &SignInPage {
            layout: None,
            csrf,
            email,
            message,
        },
    )
}

/// Checks the credentials as `POST /api/auth/sign-in/email` does, then starts a session
/// and sets its cookie. A wrong password shows the form again with a message.
pub async fn sign_in(req: HttpRequest, form: Form) -> ConsoleResult {
    let state = app_state(&req)?;
    let body = SignInRequest {
        email: form.text("email").unwrap_or_default(),
        password: form.raw("password").unwrap_or_default().to_owned(),
        remember_me: None,
    };
    let again = |message: &str, status| {
        let binding = csrf::binding(&req).unwrap_or_default();
        sign_in_form(
            csrf::token(&state.config.secret.0, &binding),
            &body.email,
            Some(message),
            status,
        )
    };
    let checked = state
        .limits
        .check(Endpoint::SignIn, Some(&body.email), client_addr::of(&req))
        .and_then(|()| body.check().map_err(Into::into));
    if let Err(e) = checked {
        let e = ConsoleError::from(e);
        return again(&e.detail, e.status);
    }
    let account =
        match accounts::verify_credentials(&**state, &state.hasher, &body.email, &body.password)
            .await
        {
            Ok(account) => account,
            Err(DomainError::Unauthorized { .. }) => {
                return again("Wrong email or password.", StatusCode::UNAUTHORIZED)
            }
            Err(e) => return Err(e.into()),
        };
    let mut conn = state.conn().await?;
    let (_, token) = sessions::create(&mut conn, &account.id, &client(&req)).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, "/console/"))
        .cookie(session_cookie(&state, &token))
        .finish())
}

/// Ends the session, as `POST /api/auth/sign-out` does, and clears the cookie.
pub async fn sign_out(req: HttpRequest, _form: Form) -> ConsoleResult {
    let state = app_state(&req)?;
    let gone = end_session(&state, &req).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, "/console/sign-in"))
        .cookie(gone)
        .finish())
}

#[derive(Template)]
#[template(path = "console/orgs.html")]
struct OrgsPage<'a> {
    layout: Option<&'a Layout>,
    csrf: String,
    orgs: Vec<OrgOption>,
}

/// The orgs the account may work in, to choose one (a session without an active org).
pub async fn orgs(
    req: HttpRequest,
    caller: Result<Caller, crate::error::ApiError>,
) -> ConsoleResult {
    let state = app_state(&req)?;
    let Ok(Caller(auth, _)) = caller else {
        return Ok(see_other("/console/sign-in"));
    };
    let mut conn = state.conn().await?;
    let orgs = active_org::list(&mut conn, &auth.account_id).await?;
    let binding = csrf::binding(&req).unwrap_or_default();
    render(
        StatusCode::OK,
        &OrgsPage {
            layout: None,
            csrf: csrf::token(&state.config.secret.0, &binding),
            orgs: orgs
                .into_iter()
                .map(|o| OrgOption {
                    id: o.id.to_string(),
                    name: o.name,
                    selected: false,
                })
                .collect(),
        },
    )
}

/// Makes an org the session's active one, as `POST /api/auth/organization/set-active`.
pub async fn choose_org(
    req: HttpRequest,
    caller: Result<Caller, crate::error::ApiError>,
    form: Form,
) -> ConsoleResult {
    let state = app_state(&req)?;
    let Ok(Caller(auth, _)) = caller else {
        return Ok(see_other("/console/sign-in"));
    };
    let choice = OrgChoice::try_from(SetActiveOrganizationRequest {
        organization_id: Some(form.text("organization_id")),
        organization_slug: None,
    })?;
    let mut conn = state.conn().await?;
    let session_id = auth.session.as_ref().map(|s| &s.id);
    active_org::set_active(&mut conn, &auth.account_id, session_id, choice).await?;
    if let Some(token) = credential(&req) {
        state.credentials.forget(&token);
    }
    Ok(see_other("/console/"))
}

/// The console's front door: AppAdmins to the users, anyone else to their own profile.
pub async fn home(console: Console) -> HttpResponse {
    match console.principal.is_admin() {
        true => see_other("/console/users"),
        false => see_other(format!("/console/users/{}", console.principal.user.id)),
    }
}
