//! Request bodies of `/work-apps/slack` and their parsing into domain values ("parse,
//! don't validate"); every field error of a body is reported at once.

use roster_core::error::FieldErrors as Errors;
use roster_core::schema::StringSchema;
use roster_core::text::{Email, Text};
use roster_core::DomainError;
use roster_identity::UserId;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::links::{Relink, Target};
use crate::workspaces::NewWorkspace;
use crate::{EnterpriseId, SlackUserId, TeamId};

const LINK_TOKEN: Text = Text::new(1, 4096);
const USER_NAME: Text = Text::new(1, 200);
const TEAM_NAME: Text = Text::new(1, 200);

fn link_token() -> StringSchema {
    LINK_TOKEN
        .schema()
        .description("The link token from the \"Link Account\" button.")
}

/// An email address as `Email::parse` takes it, or `null`.
fn user_email() -> StringSchema {
    Email::schema().nullable()
}

fn user_name() -> StringSchema {
    USER_NAME.schema_opt()
}

fn team_name() -> StringSchema {
    TEAM_NAME.schema().example("Aurora Labs")
}

fn user_id_schema() -> StringSchema {
    StringSchema::matching(UserId::PATTERN).example(UserId::EXAMPLE)
}

fn token_user_id() -> StringSchema {
    user_id_schema().description("Your user id (`user_…`) in the token's tenant.")
}

/// A Roster user id given in a Slack request; `field` names it in the error.
pub fn user_id(field: &str, raw: &str) -> Result<UserId, DomainError> {
    UserId::parse(raw.trim())
        .ok_or_else(|| DomainError::invalid(field, "must be a user id (user_<16 hex digits>)"))
}

/// `POST /work-apps/slack/users/link/verify-token`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyTokenRequest {
    #[schema(schema_with = link_token)]
    pub token: String,
    #[schema(schema_with = token_user_id)]
    pub user_id: String,
    #[serde(default)]
    #[schema(schema_with = user_email)]
    pub user_email: Option<String>,
    /// Move the link to you when the Slack user is linked to someone else (409 otherwise).
    #[serde(default)]
    pub take_over: bool,
}

/// A verify-token request that passed validation.
#[derive(Debug, Clone)]
pub struct VerifyToken {
    pub token: String,
    pub user_id: UserId,
    pub relink: Relink,
}

impl TryFrom<VerifyTokenRequest> for VerifyToken {
    type Error = DomainError;

    fn try_from(r: VerifyTokenRequest) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let token = errors.take(LINK_TOKEN.parse("token", &r.token));
        let user_id = errors.take(user_id("userId", &r.user_id));
        if let Some(email) = r.user_email.as_deref() {
            errors.take(Email::parse("userEmail", email));
        }
        let parsed = token.zip(user_id).map(|(token, user_id)| VerifyToken {
            token,
            user_id,
            relink: if r.take_over {
                Relink::TakeOver
            } else {
                Relink::Refuse
            },
        });
        errors.finish_with(parsed)
    }
}

/// `POST /work-apps/slack/users/disconnect`: a Slack user (`slackTeamId` + `slackUserId`),
/// a Roster user (`userId`, optionally in one workspace), or with neither, yourself.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DisconnectRequest {
    #[serde(default)]
    #[schema(schema_with = slack_team_id)]
    pub slack_team_id: Option<String>,
    #[serde(default)]
    #[schema(schema_with = slack_user_id)]
    pub slack_user_id: Option<String>,
    /// The org (slug or id); defaults to the session's org, else `default`.
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(default)]
    #[schema(schema_with = nullable_user_id)]
    pub user_id: Option<String>,
}

fn slack_team_id() -> StringSchema {
    TeamId::string_schema().nullable().example(TeamId::EXAMPLE)
}

fn slack_user_id() -> StringSchema {
    SlackUserId::string_schema()
        .nullable()
        .example(SlackUserId::EXAMPLE)
}

fn nullable_user_id() -> StringSchema {
    user_id_schema().nullable()
}

impl DisconnectRequest {
    /// The links to remove; with no selector at all, the caller's (`me`).
    pub fn target(&self, me: &UserId) -> Result<Target, DomainError> {
        let blank = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let mut errors = Errors::default();
        let team_id = blank(&self.slack_team_id)
            .and_then(|t| errors.take(TeamId::parse_field("slackTeamId", &t)));
        let slack_user_id = blank(&self.slack_user_id)
            .and_then(|u| errors.take(SlackUserId::parse_field("slackUserId", &u)));
        let user = blank(&self.user_id).and_then(|u| errors.take(user_id("userId", &u)));
        if slack_user_id.is_some() && team_id.is_none() && errors.is_empty() {
            errors.take::<()>(Err(DomainError::invalid(
                "slackTeamId",
                "is required with slackUserId",
            )));
        }
        let user_id = match (&slack_user_id, user) {
            (None, None) => Some(me.clone()),
            (_, user) => user,
        };
        errors.finish_with(Some(Target {
            team_id,
            slack_user_id,
            user_id,
        }))
    }
}

/// `POST /work-apps/slack/users/connect`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectRequest {
    #[schema(schema_with = connecting_user_id)]
    pub user_id: String,
    /// The org (slug or id); defaults to the session's org, else `default`.
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(default)]
    #[schema(schema_with = user_email)]
    pub user_email: Option<String>,
    #[serde(default)]
    #[schema(schema_with = user_name)]
    pub user_name: Option<String>,
}

fn connecting_user_id() -> StringSchema {
    user_id_schema().description("Your user id (`user_…`).")
}

impl ConnectRequest {
    pub fn user_id(&self) -> Result<UserId, DomainError> {
        let mut errors = Errors::default();
        let user = errors.take(user_id("userId", &self.user_id));
        if let Some(email) = self.user_email.as_deref() {
            errors.take(Email::parse("userEmail", email));
        }
        errors.take(USER_NAME.parse_opt("userName", self.user_name.as_deref()));
        errors.finish_with(user)
    }
}

/// `POST /work-apps/slack/workspaces`: registers a workspace without OAuth.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterWorkspaceRequest {
    #[schema(schema_with = team_id)]
    pub team_id: String,
    #[schema(schema_with = team_name)]
    pub team_name: String,
    /// The org (slug or id); defaults to the session's org, else `default`.
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(default)]
    #[schema(schema_with = enterprise_id)]
    pub enterprise_id: Option<String>,
}

fn team_id() -> StringSchema {
    StringSchema::matching(TeamId::pattern()).example(TeamId::EXAMPLE)
}

fn enterprise_id() -> StringSchema {
    StringSchema::matching(EnterpriseId::pattern())
        .nullable()
        .example(EnterpriseId::EXAMPLE)
}

impl RegisterWorkspaceRequest {
    pub fn parse(&self, installed_by: &UserId) -> Result<NewWorkspace, DomainError> {
        let mut errors = Errors::default();
        let team_id = errors.take(TeamId::parse_field("teamId", &self.team_id));
        let team_name = errors.take(TEAM_NAME.parse("teamName", &self.team_name));
        let enterprise_id = match self.enterprise_id.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(raw) => errors
                .take(EnterpriseId::parse_field("enterpriseId", raw))
                .map(Some),
        };
        let parsed = match (team_id, team_name, enterprise_id) {
            (Some(team_id), Some(team_name), Some(enterprise_id)) => Some(NewWorkspace {
                team_id,
                team_name,
                enterprise_id,
                installed_by: Some(installed_by.clone()),
            }),
            _ => None,
        };
        errors.finish_with(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me() -> UserId {
        UserId::parse("user_0123456789abcdef").unwrap()
    }

    #[test]
    fn disconnect_targets() {
        let t = DisconnectRequest::default().target(&me()).unwrap();
        assert_eq!(t.user_id, Some(me()));
        let t = DisconnectRequest {
            slack_team_id: Some("T0A".into()),
            slack_user_id: Some("U0B".into()),
            ..Default::default()
        }
        .target(&me())
        .unwrap();
        assert_eq!((t.team_id.unwrap().as_str(), t.user_id), ("T0A", None));
        let err = DisconnectRequest {
            slack_user_id: Some("U0B".into()),
            ..Default::default()
        }
        .target(&me())
        .unwrap_err();
        assert!(err.to_string().contains("slackTeamId"), "{err}");
        let err = DisconnectRequest {
            slack_team_id: Some("nope".into()),
            user_id: Some("bad".into()),
            ..Default::default()
        }
        .target(&me())
        .unwrap_err();
        assert!(
            err.to_string().contains("slackTeamId") && err.to_string().contains("userId"),
            "{err}"
        );
    }

    #[test]
    fn verify_token_requests_are_validated() {
        let ok = VerifyToken::try_from(VerifyTokenRequest {
            token: "t".into(),
            user_id: "user_0123456789abcdef".into(),
            user_email: Some("a@b.co".into()),
            take_over: true,
        })
        .unwrap();
        assert_eq!(ok.relink, Relink::TakeOver);
        let err = VerifyToken::try_from(VerifyTokenRequest {
            token: " ".into(),
            user_id: "me".into(),
            user_email: Some("nope".into()),
            take_over: false,
        })
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("token") && text.contains("userId") && text.contains("userEmail"),
            "{text}"
        );
    }
}
