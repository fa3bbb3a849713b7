//! Inkeep's user routes: verify a link token, link status, connection status,
//! disconnect, and connect sessions.

use actix_web::{web, HttpResponse};
use roster_identity::auth;
use roster_slack::links::{self, Unlinker};
use roster_slack::wire::{
    self, ConnectRequest, ConnectResponse, Connection, ConnectionStatus, DisconnectRequest,
    LinkStatus, Success, VerifyToken, VerifyTokenRequest, VerifyTokenResponse,
};
use roster_slack::{connect, link_token, SlackUserId, TeamId};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{member, now_unix, public_url, slack_app};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery};
use crate::state::AppState;

/// Links the Slack user of a link token to you. You must be signed in as an active user
/// of the token's tenant, and `userId` must be you. The token works once; the same person
/// again answers the same `linkId`; a Slack user linked to someone else is a 409 unless
/// `takeOver` is true.
#[utoipa::path(post, path = "/work-apps/slack/users/link/verify-token", tag = "slack",
    request_body = VerifyTokenRequest,
    responses((status = 200, body = VerifyTokenResponse)),
    security(("bearer" = []), ("session" = [])))]
pub async fn verify_token(
    state: web::Data<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<VerifyTokenRequest>,
) -> ApiResult<HttpResponse> {
    let request = VerifyToken::try_from(body)?;
    let key = link_token::key(&state.config.secret.0);
    let token = link_token::verify(&key, &request.token, now_unix())?;
    let mut conn = state.conn().await?;
    let me = auth::principal(&mut conn, &caller.0, Some(token.org_id.as_str())).await?;
    crate::auth::name_actor(&me);
    let link = links::redeem(&mut conn, &token, &me, &request.user_id, request.relink).await?;
    Ok(HttpResponse::Ok().json(VerifyTokenResponse::from(link)))
}

/// Query of link-status.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct LinkStatusQuery {
    /// The Slack user (`U…`).
    #[param(value_type = SlackUserId, inline, example = "U0A1B2C3D")]
    pub slack_user_id: String,
    /// The Slack team (`T…`).
    #[param(value_type = TeamId, inline, example = "T0A1B2C3D")]
    pub slack_team_id: String,
    /// The org (slug or id); defaults to the session's org, else `default`.
    pub tenant_id: Option<String>,
}

/// Whether a Slack user is linked (for the bot; any active user of the tenant may ask).
/// Records the link's `lastUsedAt`, at most once a minute.
#[utoipa::path(get, path = "/work-apps/slack/users/link-status", tag = "slack",
    params(LinkStatusQuery),
    responses((status = 200, body = LinkStatus)),
    security(("bearer" = []), ("session" = [])))]
pub async fn link_status(
    state: web::Data<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<LinkStatusQuery>,
) -> ApiResult<HttpResponse> {
    let slack_user_id = SlackUserId::parse_field("slackUserId", &q.slack_user_id)?;
    let team_id = TeamId::parse_field("slackTeamId", &q.slack_team_id)?;
    let mut conn = state.conn().await?;
    let me = member(&state, &mut conn, &caller, q.tenant_id.as_deref()).await?;
    let link = links::find_and_touch(&mut conn, &me.user.org_id, &team_id, &slack_user_id).await?;
    Ok(HttpResponse::Ok().json(LinkStatus::from(link)))
}

/// Query of status.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct StatusQuery {
    /// The user (`user_…`): yourself, or anyone in the tenant for an AppAdmin.
    #[param(pattern = "^user_[0-9a-f]{16}$", example = "user_4b7c2a1d9e5f3c8b")]
    pub user_id: String,
    /// The org (slug or id); defaults to the session's org, else `default`.
    pub tenant_id: Option<String>,
}

/// A user's Slack connection (the most recent link): yours, or anyone's for an AppAdmin.
#[utoipa::path(get, path = "/work-apps/slack/users/status", tag = "slack",
    params(StatusQuery),
    responses((status = 200, body = ConnectionStatus)),
    security(("bearer" = []), ("session" = [])))]
pub async fn status(
    state: web::Data<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<StatusQuery>,
) -> ApiResult<HttpResponse> {
    let user_id = wire::user_id("userId", &q.user_id)?;
    let mut conn = state.conn().await?;
    let me = member(&state, &mut conn, &caller, q.tenant_id.as_deref()).await?;
    let (user, link) = links::connection_of(&mut conn, &me, &user_id).await?;
    let connection = link.map(|link| Connection::new(link, user.email));
    Ok(HttpResponse::Ok().json(ConnectionStatus {
        connected: connection.is_some(),
        connection,
    }))
}

/// Unlinks: a Slack user (`slackTeamId` + `slackUserId`), a user (`userId`, optionally in
/// one workspace), or with neither, yourself. Your own links, or anyone's in the tenant
/// for an AppAdmin. No matching link: 404.
#[utoipa::path(post, path = "/work-apps/slack/users/disconnect", tag = "slack",
    request_body = DisconnectRequest,
    responses((status = 200, body = Success)),
    security(("bearer" = []), ("session" = [])))]
pub async fn disconnect(
    state: web::Data<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<DisconnectRequest>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let me = member(&state, &mut conn, &caller, body.tenant_id.as_deref()).await?;
    let target = body.target(&me.user.id)?;
    links::unlink(&mut conn, &me.user.org_id, &target, &Unlinker::from(&me)).await?;
    Ok(HttpResponse::Ok().json(Success { success: true }))
}

/// Creates a connect session for yourself: open `connectUrl` in a browser to sign in with
/// Slack, and that Slack account is linked to you. Single use, valid 30 minutes. 503 when
/// the server has no Slack OAuth credentials.
#[utoipa::path(post, path = "/work-apps/slack/users/connect", tag = "slack",
    request_body = ConnectRequest,
    responses((status = 200, body = ConnectResponse)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_connect_session(
    state: web::Data<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<ConnectRequest>,
) -> ApiResult<HttpResponse> {
    slack_app(&state)?;
    let user_id = body.user_id()?;
    let mut conn = state.conn().await?;
    let me = member(&state, &mut conn, &caller, body.tenant_id.as_deref()).await?;
    let session = connect::create(&mut conn, &me, &user_id).await?;
    let query = serde_urlencoded::to_string([
        ("tenantId", me.user.org_id.as_str()),
        ("sessionToken", session.token.as_str()),
    ])
    .unwrap_or_default();
    Ok(HttpResponse::Ok().json(ConnectResponse {
        connect_url: format!("{}/work-apps/slack/connect?{query}", public_url(&state)),
        session_token: session.token,
    }))
}
