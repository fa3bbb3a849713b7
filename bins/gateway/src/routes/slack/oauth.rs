//! The browser legs of Slack OAuth: installing the app for a tenant (`install` ->
//! Slack -> `oauth_redirect`) and linking a user by "Sign in with Slack" (`connect` ->
//! Slack -> `connect/callback`). Slack hands back a `state` that Roster signed.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use roster_core::events::{Actor, ActorType, EventContext};
use roster_core::DomainError;
use roster_identity::{orgs, UserId};
use roster_slack::links::SlackIdentity;
use roster_slack::oauth_state::{self, Flow, IssuedState, NONCE_COOKIE};
use roster_slack::sealed::BotTokenKey;
use roster_slack::wire::VerifyTokenResponse;
use roster_slack::workspaces::{self, Bot, NewWorkspace, Workspace};
use roster_slack::{connect, ConnectSessionId};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{member, now_unix, public_url, slack_app};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::state::AppState;

/// The cookie that ties a flow to this browser (the state carries the same nonce).
fn nonce_cookie(state: &AppState, value: &str, lifetime_secs: i64) -> Cookie<'static> {
    let mut cookie = Cookie::build(NONCE_COOKIE, value.to_owned())
        .path("/work-apps/slack")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.https())
        .max_age(CookieDuration::seconds(lifetime_secs))
        .finish();
    if value.is_empty() {
        cookie.make_removal();
    }
    cookie
}

/// Sends the browser to Slack, holding the flow's nonce.
fn redirect(
    state: &AppState,
    location: &str,
    issued: &IssuedState,
    lifetime_secs: i64,
) -> HttpResponse {
    HttpResponse::Found()
        .cookie(nonce_cookie(state, &issued.nonce, lifetime_secs))
        .insert_header((header::LOCATION, location))
        .finish()
}

/// A finished flow's answer, which also drops the nonce cookie.
fn finished(state: &AppState, body: &impl serde::Serialize) -> HttpResponse {
    HttpResponse::Ok()
        .cookie(nonce_cookie(state, "", 0))
        .json(body)
}

/// What Slack appends to a redirect URI.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OAuthCallback {
    /// The authorization code.
    pub code: Option<String>,
    /// The state Roster signed.
    pub state: Option<String>,
    /// Set instead of `code` when the user declined.
    pub error: Option<String>,
}

impl OAuthCallback {
    /// The code and the verified state, or a 400 saying what went wrong.
    fn parse(
        &self,
        state: &AppState,
        req: &HttpRequest,
        flow: Flow,
    ) -> ApiResult<(String, roster_identity::OrgId, String)> {
        if let Some(error) = self.error.as_deref() {
            let error: String = error
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .take(64)
                .collect();
            return Err(DomainError::bad_request(
                "slack_authorization_denied",
                format!("Slack did not authorize the request ({error}): start again"),
            )
            .into());
        }
        let key = oauth_state::key(&state.config.secret.0);
        let raw_state = self.state.as_deref().unwrap_or_default();
        let nonce = req.cookie(NONCE_COOKIE);
        let verified = oauth_state::verify(
            &key,
            flow,
            raw_state,
            nonce.as_ref().map(|c| c.value()),
            now_unix(),
        )?;
        let code = self
            .code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty() && c.len() <= 512)
            .ok_or_else(|| DomainError::invalid("code", "Slack's authorization code is missing"))?;
        Ok((code.to_owned(), verified.org_id, verified.sub))
    }
}

/// Query of install.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct InstallQuery {
    /// The org (slug or id); defaults to the session's org, else `default`.
    pub tenant_id: Option<String>,
}

/// Starts installing the Slack app for a tenant (AppAdmin): redirects to Slack's
/// authorize page with a signed state that lives 10 minutes.
#[utoipa::path(get, path = "/work-apps/slack/install", tag = "slack",
    params(InstallQuery),
    responses((status = 302, description = "To Slack's authorize page", headers(("Location" = String)))),
    security(("bearer" = []), ("session" = [])))]
pub async fn install(
    state: web::Data<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<InstallQuery>,
) -> ApiResult<HttpResponse> {
    let app = slack_app(&state)?;
    let mut conn = state.conn().await?;
    let me = member(&state, &mut conn, &caller, q.tenant_id.as_deref()).await?;
    me.require_admin()?;
    let key = oauth_state::key(&state.config.secret.0);
    let lifetime = oauth_state::INSTALL_LIFETIME_SECS;
    let issued = oauth_state::issue(
        &key,
        Flow::Install,
        &me.user.org_id,
        me.user.id.as_str(),
        now_unix(),
        lifetime,
    );
    let redirect_uri = format!("{}/work-apps/slack/oauth_redirect", public_url(&state));
    let location = app.install_url(&redirect_uri, &issued.state);
    Ok(redirect(&state, &location, &issued, lifetime))
}

/// Where Slack sends the admin back after an install: exchanges the code at
/// `oauth.v2.access`, seals the bot token and records the workspace, confirmed, for the
/// tenant that started the install. An unconfirmed registration of the team by hand, in
/// any tenant, gives way; a team another tenant confirmed is a 409.
#[utoipa::path(get, path = "/work-apps/slack/oauth_redirect", tag = "slack",
    params(OAuthCallback),
    responses((status = 200, body = Workspace)))]
pub async fn oauth_redirect(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiQuery(q): ApiQuery<OAuthCallback>,
) -> ApiResult<HttpResponse> {
    let app = slack_app(&state)?;
    let (code, org_id, installer) = q.parse(&state, &req, Flow::Install)?;
    let redirect_uri = format!("{}/work-apps/slack/oauth_redirect", public_url(&state));
    let installation = app.oauth_v2_access(&code, &redirect_uri).await?;
    // Slack vouched for the team: the install is Slack's doing, for this team.
    EventContext::set_actor(Actor::new(ActorType::Slack, installation.team_id.as_str()));
    let key = BotTokenKey::derive(&state.config.secret.0);
    let mut conn = state.conn().await?;
    let workspace = workspaces::install(
        &mut conn,
        &key,
        &org_id,
        NewWorkspace {
            team_id: installation.team_id,
            team_name: installation.team_name,
            enterprise_id: installation.enterprise_id,
            installed_by: UserId::parse(&installer),
        },
        Bot {
            user_id: installation.bot_user_id,
            token: &installation.bot_token,
        },
    )
    .await?;
    Ok(finished(&state, &workspace))
}

/// Query of connect.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct ConnectQuery {
    /// The org (`org_…`) of the session.
    pub tenant_id: String,
    /// The session token from `POST /work-apps/slack/users/connect`.
    pub session_token: String,
}

/// A connect session's `connectUrl`: redirects to Slack's "Sign in with Slack" page.
#[utoipa::path(get, path = "/work-apps/slack/connect", tag = "slack",
    params(ConnectQuery),
    responses((status = 302, description = "To Slack's OpenID Connect authorize page", headers(("Location" = String)))))]
pub async fn start_connect(
    state: web::Data<AppState>,
    ApiQuery(q): ApiQuery<ConnectQuery>,
) -> ApiResult<HttpResponse> {
    let app = slack_app(&state)?;
    let mut conn = state.conn().await?;
    let invalid = || {
        DomainError::bad_request(
            "connect_session_invalid",
            "the connect session is invalid, expired or already used: create a new one",
        )
    };
    let org = orgs::find(&mut conn, q.tenant_id.trim())
        .await
        .map_err(|e| if e.is_not_found() { invalid() } else { e })?;
    let session = connect::open_by_token(&mut conn, &org.id, &q.session_token).await?;
    let now = now_unix();
    let lifetime = (session.expires_at.unix_timestamp() - now).max(1);
    let key = oauth_state::key(&state.config.secret.0);
    let issued = oauth_state::issue(
        &key,
        Flow::Connect,
        &org.id,
        session.id.as_str(),
        now,
        lifetime,
    );
    let redirect_uri = format!("{}/work-apps/slack/connect/callback", public_url(&state));
    let location = app.openid_authorize_url(&redirect_uri, &issued.state);
    Ok(redirect(&state, &location, &issued, lifetime))
}

/// Where Slack sends the user back after "Sign in with Slack": exchanges the code at
/// `openid.connect.token`, reads `openid.connect.userInfo`, and links that Slack user to
/// the session's user (409 when the Slack user is linked to someone else).
#[utoipa::path(get, path = "/work-apps/slack/connect/callback", tag = "slack",
    params(OAuthCallback),
    responses((status = 200, body = VerifyTokenResponse)))]
pub async fn connect_callback(
    state: web::Data<AppState>,
    req: HttpRequest,
    ApiQuery(q): ApiQuery<OAuthCallback>,
) -> ApiResult<HttpResponse> {
    let app = slack_app(&state)?;
    let (code, org_id, session_id) = q.parse(&state, &req, Flow::Connect)?;
    let session_id = ConnectSessionId::parse(&session_id).ok_or_else(|| {
        DomainError::bad_request(
            "invalid_oauth_state",
            "the OAuth state is invalid: start again",
        )
    })?;
    // Refuse a used or expired session before spending Slack's code on it.
    {
        let mut conn = state.conn().await?;
        connect::open_by_id(&mut conn, &org_id, &session_id).await?;
    }
    let redirect_uri = format!("{}/work-apps/slack/connect/callback", public_url(&state));
    let user = app.openid_user(&code, &redirect_uri).await?;
    EventContext::set_actor(Actor::new(ActorType::Slack, user.user_id.as_str()));
    let identity = SlackIdentity {
        team_id: user.team_id,
        user_id: user.user_id,
        enterprise_id: user.enterprise_id,
        username: user.name,
        email: user.email,
    };
    let mut conn = state.conn().await?;
    let link = connect::complete(&mut conn, &org_id, &session_id, &identity).await?;
    Ok(finished(&state, &VerifyTokenResponse::from(link)))
}
