//! `POST /work-apps/slack/commands`: the slash command, as Slack sends it (form-encoded
//! and signed). The signature covers the raw body, so the body is read as bytes.

use actix_web::{web, HttpRequest, HttpResponse};
use roster_core::DomainError;
use roster_slack::commands::{self, CommandContext, SlackMessage, SlashCommandForm};
use roster_slack::{link_token, signature};

use super::{now_unix, public_url};
use crate::error::ApiResult;
use crate::rate_limit::Endpoint;
use crate::routes::resource;
use crate::routes::sessions::client_ip;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/commands").route(web::post().to(slash_command)));
}

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Answers `/roster link|unlink|status|help` with an ephemeral Block Kit message. The
/// request must carry a valid `X-Slack-Signature` and an `X-Slack-Request-Timestamp`
/// within 5 minutes, and not have been received before (401 otherwise); 503 when
/// `SLACK_SIGNING_SECRET` is not set. Rate limited per Slack user and per client address
/// (429 with `Retry-After`). The first from a team registered by hand confirms it.
#[utoipa::path(post, path = "/work-apps/slack/commands", tag = "slack",
    params(
        ("X-Slack-Request-Timestamp" = String, Header, description = "Unix time the request was sent"),
        ("X-Slack-Signature" = String, Header, description = "v0= and the hex HMAC-SHA256 of v0:{timestamp}:{body}"),
    ),
    request_body(content = SlashCommandForm, content_type = "application/x-www-form-urlencoded",
        description = "Slack's slash command payload (it sends more fields than these)"),
    responses((status = 200, body = SlackMessage)))]
pub async fn slash_command(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    // Every attempt counts against the address; a signed one against its Slack user too.
    state
        .limits
        .check_client(Endpoint::SlackCommands, client_ip(&req))?;
    let secret = state.config.slack.signing_secret.as_ref().ok_or_else(|| {
        DomainError::unavailable(
            "Slack slash commands are not configured on this server: set SLACK_SIGNING_SECRET",
        )
    })?;
    let signed = signature::verify(
        &secret.0,
        header(&req, signature::TIMESTAMP_HEADER),
        header(&req, signature::SIGNATURE_HEADER),
        &body,
        now_unix(),
    )?;
    let command = commands::parse(&body)?;
    state.limits.check_credential(
        Endpoint::SlackCommands,
        &format!("{}:{}", command.team_id.as_str(), command.user_id.as_str()),
    )?;
    let key = link_token::key(&state.config.secret.0);
    let ctx = CommandContext {
        link_key: &key,
        public_url: public_url(&state),
        link_lifetime_secs: i64::from(state.config.slack.link_token_ttl_secs),
        now_unix: now_unix(),
    };
    let mut conn = state.conn().await?;
    let message = commands::respond(&mut conn, ctx, &signed, &command).await?;
    Ok(HttpResponse::Ok().json(message))
}
