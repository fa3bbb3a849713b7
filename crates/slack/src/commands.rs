//! The slash command (`/roster link|unlink|status|help`, or whatever the Slack app names
//! it): parsed from Slack's form body (after its signature was checked) and answered
//! with an ephemeral Block Kit message.

use diesel_async::AsyncPgConnection;
use roster_core::error::DomainResult;
use roster_core::schema::StringSchema;
use roster_core::text::at_most;
use roster_core::DomainError;
use roster_identity::users;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::link_token::{self, LinkSubject};
use crate::links::{self, Target, Unlinker};
use crate::signature::SignedRequest;
use crate::{replays, workspaces, EnterpriseId, SlackUserId, TeamId};

/// What the user asked for: the first word of the command's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subcommand {
    Link,
    Unlink,
    Status,
    Help,
    Unknown(String),
}

impl Subcommand {
    fn parse(text: &str) -> Self {
        let word = text.split_whitespace().next().unwrap_or("").to_lowercase();
        match word.as_str() {
            "link" | "connect" => Self::Link,
            "unlink" | "disconnect" => Self::Unlink,
            "status" => Self::Status,
            "" | "help" => Self::Help,
            _ => Self::Unknown(word.chars().take(40).collect()),
        }
    }
}

/// A slash command invocation.
#[derive(Debug, Clone)]
pub struct SlashCommand {
    pub team_id: TeamId,
    pub user_id: SlackUserId,
    pub enterprise_id: Option<EnterpriseId>,
    pub username: Option<String>,
    /// The command as the Slack app names it, e.g. `/roster`.
    pub command: String,
    pub subcommand: Subcommand,
}

/// The fields of Slack's form body that Roster reads (Slack sends more, such as
/// `channel_id`, `response_url` and `trigger_id`).
#[derive(Deserialize, ToSchema)]
pub struct SlashCommandForm {
    #[schema(schema_with = team_id)]
    team_id: Option<String>,
    #[schema(schema_with = user_id)]
    user_id: Option<String>,
    #[serde(default)]
    #[schema(example = "sasha")]
    user_name: Option<String>,
    /// The Enterprise Grid organisation, if any.
    #[serde(default)]
    #[schema(example = "E0A1B2C3D")]
    enterprise_id: Option<String>,
    /// The command as the Slack app names it.
    #[serde(default)]
    #[schema(example = "/roster")]
    command: Option<String>,
    /// What follows the command: `link`, `unlink`, `status` or `help`.
    #[serde(default)]
    #[schema(example = "link")]
    text: Option<String>,
}

fn team_id() -> StringSchema {
    TeamId::string_schema()
        .nullable()
        .description("The workspace the command was run in.")
        .example(TeamId::EXAMPLE)
}

fn user_id() -> StringSchema {
    SlackUserId::string_schema()
        .nullable()
        .description("Who ran it.")
        .example(SlackUserId::EXAMPLE)
}

const USER_NAME_MAX: usize = 200;
const COMMAND_MAX: usize = 40;
/// Slack caps what a user types after a slash command well below this.
const TEXT_MAX: usize = 4000;
const ID_MAX: usize = 64;

/// Parses Slack's `application/x-www-form-urlencoded` body; a field longer than Slack
/// ever sends is a 400.
pub fn parse(body: &[u8]) -> DomainResult<SlashCommand> {
    let form: SlashCommandForm = serde_urlencoded::from_bytes(body).map_err(|_| {
        DomainError::bad_request(
            "invalid_slash_command",
            "the body must be a Slack slash command (application/x-www-form-urlencoded)",
        )
    })?;
    // Slack never sends more; anything longer is not Slack's (and not stored or echoed).
    for (field, value, max) in [
        ("user_name", &form.user_name, USER_NAME_MAX),
        ("command", &form.command, COMMAND_MAX),
        ("text", &form.text, TEXT_MAX),
        ("enterprise_id", &form.enterprise_id, ID_MAX),
    ] {
        if let Some(value) = value {
            at_most(field, value, max)?;
        }
    }
    let team_id = TeamId::parse_field("team_id", form.team_id.as_deref().unwrap_or(""))?;
    let user_id = SlackUserId::parse_field("user_id", form.user_id.as_deref().unwrap_or(""))?;
    let command = form
        .command
        .filter(|c| {
            c.starts_with('/') && c.len() <= COMMAND_MAX && !c.contains(char::is_whitespace)
        })
        .unwrap_or_else(|| "/roster".into());
    Ok(SlashCommand {
        team_id,
        user_id,
        enterprise_id: form.enterprise_id.as_deref().and_then(EnterpriseId::parse),
        // A display name only: control characters (NUL, which PostgreSQL cannot store,
        // among them) are dropped.
        username: form
            .user_name
            .map(|n| {
                n.chars()
                    .filter(|c| !c.is_control())
                    .collect::<String>()
                    .trim()
                    .chars()
                    .take(USER_NAME_MAX)
                    .collect::<String>()
            })
            .filter(|n| !n.is_empty()),
        command,
        subcommand: Subcommand::parse(form.text.as_deref().unwrap_or("")),
    })
}

/// An ephemeral Slack message (only the user who ran the command sees it).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SlackMessage {
    /// Always `ephemeral`.
    #[schema(example = "ephemeral")]
    pub response_type: String,
    /// Plain-text fallback (notifications, screen readers).
    pub text: String,
    /// Block Kit blocks.
    #[schema(value_type = Vec<Object>)]
    pub blocks: Vec<Value>,
}

impl SlackMessage {
    fn new(text: String, blocks: Vec<Value>) -> Self {
        Self {
            response_type: "ephemeral".into(),
            text,
            blocks,
        }
    }

    fn plain(mrkdwn: String) -> Self {
        let blocks = vec![section(&mrkdwn)];
        Self::new(mrkdwn, blocks)
    }
}

fn section(mrkdwn: &str) -> Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}})
}

/// Escapes the three characters Slack's mrkdwn treats as markup.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// What answering a command needs besides the database.
#[derive(Clone, Copy)]
pub struct CommandContext<'a> {
    /// The link-token key (see [`link_token::key`]).
    pub link_key: &'a [u8],
    /// `ROSTER_PUBLIC_URL`.
    pub public_url: &'a str,
    pub link_lifetime_secs: i64,
    pub now_unix: i64,
}

impl std::fmt::Debug for CommandContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandContext")
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

/// Answers a slash command whose signature checked out (`signed`). A replay of one
/// already answered is a 401; the first from a team registered by hand confirms it.
pub async fn respond(
    conn: &mut AsyncPgConnection,
    ctx: CommandContext<'_>,
    signed: &SignedRequest,
    cmd: &SlashCommand,
) -> DomainResult<SlackMessage> {
    replays::record_first_receipt(conn, signed).await?;
    let base = ctx.public_url.trim_end_matches('/');
    let Some(org_id) = workspaces::owner(conn, &cmd.team_id).await? else {
        return Ok(SlackMessage::plain(format!(
            "This Slack workspace is not connected to Roster yet, so `{}` cannot link accounts here. \
             An AppAdmin can install it at {base}/work-apps/slack/install or register it with \
             `POST {base}/work-apps/slack/workspaces`.",
            cmd.command
        )));
    };
    workspaces::confirm(conn, &org_id, &cmd.team_id).await?;
    match &cmd.subcommand {
        Subcommand::Help => Ok(help(cmd, None)),
        Subcommand::Unknown(word) => Ok(help(cmd, Some(word))),
        Subcommand::Link => {
            let current = links::find(conn, &org_id, &cmd.team_id, &cmd.user_id).await?;
            let subject = LinkSubject {
                org_id,
                team_id: cmd.team_id.clone(),
                slack_user_id: cmd.user_id.clone(),
                enterprise_id: cmd.enterprise_id.clone(),
                username: cmd.username.clone(),
            };
            let token =
                link_token::issue(ctx.link_key, &subject, ctx.now_unix, ctx.link_lifetime_secs);
            let url = format!("{base}/link?token={token}");
            let minutes = (ctx.link_lifetime_secs + 59) / 60;
            let mut intro = "Link your Slack account to your Roster account: open the link below while signed in to Roster.".to_owned();
            if current.is_some() {
                intro.push_str(" Your Slack account is linked already; linking again as someone else moves the link (they confirm the take-over).");
            }
            Ok(SlackMessage::new(
                format!("{intro} {url}"),
                vec![
                    section(&intro),
                    json!({"type": "actions", "elements": [{
                        "type": "button",
                        "action_id": "roster_link_account",
                        "style": "primary",
                        "text": {"type": "plain_text", "text": "Link Account"},
                        "url": url,
                    }]}),
                    json!({"type": "context", "elements": [{
                        "type": "mrkdwn",
                        "text": format!("The link works once and expires in {minutes} minutes."),
                    }]}),
                ],
            ))
        }
        Subcommand::Unlink => {
            let target = Target {
                team_id: Some(cmd.team_id.clone()),
                slack_user_id: Some(cmd.user_id.clone()),
                user_id: None,
            };
            match links::unlink(conn, &org_id, &target, &Unlinker::Anyone).await {
                Ok(_) => Ok(SlackMessage::plain(
                    "Your Slack account is no longer linked to Roster.".into(),
                )),
                Err(e) if e.is_not_found() => Ok(SlackMessage::plain(format!(
                    "Your Slack account is not linked to Roster. Run `{} link` to link it.",
                    cmd.command
                ))),
                Err(e) => Err(e),
            }
        }
        Subcommand::Status => match links::find(conn, &org_id, &cmd.team_id, &cmd.user_id).await? {
            None => Ok(SlackMessage::plain(format!(
                "Your Slack account is not linked to Roster. Run `{} link` to link it.",
                cmd.command
            ))),
            Some(link) => {
                let user = users::get(conn, &org_id, &link.user_id).await?;
                Ok(SlackMessage::plain(format!(
                    "Your Slack account is linked to *{}* ({}) since {}.",
                    escape(&user.name),
                    escape(&user.email),
                    roster_core::time::format_seconds(link.linked_at)
                )))
            }
        },
    }
}

fn help(cmd: &SlashCommand, unknown: Option<&str>) -> SlackMessage {
    let c = &cmd.command;
    let mut text = String::new();
    if let Some(word) = unknown {
        text.push_str(&format!("I don't know `{}`.\n", escape(word)));
    }
    text.push_str(&format!(
        "*{c} link*: link your Slack account to your Roster account\n\
         *{c} unlink*: remove that link\n\
         *{c} status*: show which Roster account you are linked to\n\
         *{c} help*: this message"
    ));
    SlackMessage::plain(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_slacks_form_body() {
        let body = b"token=x&team_id=T0ACME&team_domain=acme&user_id=U0ALICE&user_name=alice&command=%2Froster&text=LINK+now&response_url=https%3A%2F%2Fhooks.slack.com%2Fx";
        let cmd = parse(body).unwrap();
        assert_eq!(cmd.team_id.as_str(), "T0ACME");
        assert_eq!(cmd.user_id.as_str(), "U0ALICE");
        assert_eq!(cmd.username.as_deref(), Some("alice"));
        assert_eq!(cmd.command, "/roster");
        assert_eq!(cmd.subcommand, Subcommand::Link);
        assert_eq!(
            parse(b"team_id=T0A&user_id=U0B").unwrap().subcommand,
            Subcommand::Help
        );
        assert_eq!(
            parse(b"team_id=T0A&user_id=U0B&text=dance")
                .unwrap()
                .subcommand,
            Subcommand::Unknown("dance".into())
        );
        assert!(parse(b"user_id=U0B").is_err());
        assert!(parse(b"team_id=nope&user_id=U0B").is_err());
    }

    #[test]
    fn escapes_mrkdwn() {
        assert_eq!(escape("<@U1> & co"), "&lt;@U1&gt; &amp; co");
    }
}
