//! `POST /work-apps/slack/commands`: the slash command, as Slack sends it (form-encoded
//! and signed). The signature covers the raw body, so the body is read as bytes.

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use roster_core::events::{Actor, ActorType, EventContext};
use roster_core::DomainError;
use roster_slack::commands::{self, CommandContext, SlackMessage, SlashCommand, SlashCommandForm};
use roster_slack::link_token;
use roster_slack::signature::{self, SignedRequest};

use super::{now_unix, public_url};
use crate::defences::client_addr;
use crate::error::ApiResult;
use crate::extract::Extracting;
use crate::rate_limit::Endpoint;
use crate::state::AppState;

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// A slash command Slack signed, within the rate limits: every attempt counts against its
/// client address, a signed one against its Slack user too. 503 when
/// `SLACK_SIGNING_SECRET` is not set, 401 for a bad signature. Whether it was received
/// before is for `commands::respond` to say, with the signature kept here.
pub struct SignedCommand {
    pub signed: SignedRequest,
    pub command: SlashCommand,
}

impl FromRequest for SignedCommand {
    type Error = actix_web::Error;
    type Future = Extracting<Self, actix_web::Error>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let body = body.await?;
            let state = web::Data::<AppState>::extract(&req).await?;
            Ok(verified(&state, &req, &body)?)
        })
    }
}

fn verified(state: &AppState, req: &HttpRequest, body: &[u8]) -> ApiResult<SignedCommand> {
    state
        .limits
        .check_client(Endpoint::SlackCommands, client_addr::of(req))?;
    let secret = state.config.slack.signing_secret.as_ref().ok_or_else(|| {
        DomainError::unavailable(
            "Slack slash commands are not configured on this server: set SLACK_SIGNING_SECRET",
        )
    })?;
    let signed = signature::verify(
        &secret.0,
        header(req, signature::TIMESTAMP_HEADER),
        header(req, signature::SIGNATURE_HEADER),
        body,
        now_unix(),
    )?;
    let command = commands::parse(body)?;
    state.limits.check_credential(
        Endpoint::SlackCommands,
        &format!("{}:{}", command.team_id.as_str(), command.user_id.as_str()),
    )?;
    // Slack signed it: the changes it makes are the Slack user's.
    EventContext::set_actor(Actor::new(ActorType::Slack, command.user_id.as_str()));
    Ok(SignedCommand { signed, command })
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
    SignedCommand { signed, command }: SignedCommand,
) -> ApiResult<HttpResponse> {
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
