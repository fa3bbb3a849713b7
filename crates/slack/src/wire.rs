//! Request bodies and answers of `/work-apps/slack`, with the field names of Inkeep's
//! API, and their parsing into domain values ("parse, don't validate").

use roster_core::text::{bounded, bounded_opt, Email};
use roster_core::time::Timestamp;
use roster_core::{DomainError, FieldError};
use roster_identity::{OrgId, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::links::{LinkRecord, Relink, Target};
use crate::workspaces::{NewWorkspace, Workspace};
use crate::{EnterpriseId, SlackLinkId, SlackUserId, TeamId};

const NAME_MAX: usize = 200;
const TOKEN_MAX: usize = 4096;

/// `#[serde(with = "millis_opt")]`: an optional RFC 3339 timestamp with milliseconds.
mod millis_opt {
    use serde::Serializer;
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(ts: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match ts {
            Some(ts) => roster_core::time::millis::serialize(ts, s),
            None => s.serialize_none(),
        }
    }
}

fn user_id(field: &str, raw: &str) -> Result<UserId, DomainError> {
    UserId::parse(raw.trim())
        .ok_or_else(|| DomainError::invalid(field, "must be a user id (user_<16 hex digits>)"))
}

/// Collects the field errors of a request instead of stopping at the first.
#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    fn take<T>(&mut self, r: Result<T, DomainError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(DomainError::BadRequest { errors, .. }) => {
                self.0.extend(errors);
                None
            }
            Err(other) => {
                self.0.push(FieldError::new("", other.to_string()));
                None
            }
        }
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, DomainError> {
        match value {
            Some(v) if self.0.is_empty() => Ok(v),
            _ if self.0.is_empty() => Err(DomainError::internal_msg(
                "validation collected no error for a missing field",
            )),
            _ => Err(DomainError::invalid_fields(self.0)),
        }
    }
}

/// `POST /work-apps/slack/users/link/verify-token`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyTokenRequest {
    /// The link token from the "Link Account" button.
    #[schema(
        min_length = 1,
        max_length = 4096,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub token: String,
    /// Your user id (`user_…`) in the token's tenant.
    #[schema(pattern = "^user_[0-9a-f]{16}$", example = "user_4b7c2a1d9e5f3c8b")]
    pub user_id: String,
    #[serde(default)]
    #[schema(format = Email)]
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
        let token = errors.take(bounded("token", &r.token, 1, TOKEN_MAX));
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
        errors.finish(parsed)
    }
}

/// The answer to verify-token.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyTokenResponse {
    pub success: bool,
    pub link_id: SlackLinkId,
    /// The org (`org_…`).
    pub tenant_id: OrgId,
    #[schema(example = "T0A1B2C3D")]
    pub slack_team_id: String,
    #[schema(example = "U0A1B2C3D")]
    pub slack_user_id: String,
    pub slack_username: Option<String>,
}

impl From<LinkRecord> for VerifyTokenResponse {
    fn from(l: LinkRecord) -> Self {
        Self {
            success: true,
            link_id: l.id,
            tenant_id: l.org_id,
            slack_team_id: l.team_id,
            slack_user_id: l.slack_user_id,
            slack_username: l.slack_username,
        }
    }
}

/// The answer to link-status: `{"linked": false}` when the Slack user is not linked.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LinkStatus {
    pub linked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_id: Option<SlackLinkId>,
    #[serde(skip_serializing_if = "Option::is_none", with = "millis_opt")]
    #[schema(value_type = Option<String>, format = DateTime, example = "2026-02-08T14:12:45.123Z")]
    pub linked_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slack_username: Option<String>,
    /// The Roster user the Slack user is linked to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
}

impl From<Option<LinkRecord>> for LinkStatus {
    fn from(link: Option<LinkRecord>) -> Self {
        match link {
            None => Self {
                linked: false,
                link_id: None,
                linked_at: None,
                slack_username: None,
                user_id: None,
            },
            Some(l) => Self {
                linked: true,
                link_id: Some(l.id),
                linked_at: Some(l.linked_at),
                slack_username: l.slack_username,
                user_id: Some(l.user_id),
            },
        }
    }
}

/// A user's Slack connection, as `users/status` shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    pub app_user_email: String,
    pub app_user_id: UserId,
    /// The link's id.
    pub connection_id: SlackLinkId,
    #[serde(with = "roster_core::time::millis")]
    #[schema(value_type = String, format = DateTime, example = "2026-02-08T14:12:45.123Z")]
    pub linked_at: Timestamp,
    pub slack_display_name: Option<String>,
    pub slack_team_id: String,
    pub slack_user_id: String,
    pub tenant_id: OrgId,
}

impl Connection {
    pub fn new(link: LinkRecord, app_user_email: String) -> Self {
        Self {
            app_user_email,
            app_user_id: link.user_id,
            connection_id: link.id,
            linked_at: link.linked_at,
            slack_display_name: link.slack_username,
            slack_team_id: link.team_id,
            slack_user_id: link.slack_user_id,
            tenant_id: link.org_id,
        }
    }
}

/// The answer to `users/status`: `{"connected": false, "connection": null}` when unlinked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConnectionStatus {
    pub connected: bool,
    pub connection: Option<Connection>,
}

/// `POST /work-apps/slack/users/disconnect`: a Slack user (`slackTeamId` + `slackUserId`),
/// a Roster user (`userId`, optionally in one workspace), or with neither, yourself.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DisconnectRequest {
    #[serde(default)]
    #[schema(pattern = "^T[A-Z0-9]{1,31}$", example = "T0A1B2C3D")]
    pub slack_team_id: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^[UW][A-Z0-9]{1,31}$", example = "U0A1B2C3D")]
    pub slack_user_id: Option<String>,
    /// The org (slug or id); defaults to the session's org, else `default`.
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^user_[0-9a-f]{16}$", example = "user_4b7c2a1d9e5f3c8b")]
    pub user_id: Option<String>,
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
        if slack_user_id.is_some() && team_id.is_none() && errors.0.is_empty() {
            errors.0.push(FieldError::new(
                "slackTeamId",
                "is required with slackUserId",
            ));
        }
        let user_id = match (&slack_user_id, user) {
            (None, None) => Some(me.clone()),
            (_, user) => user,
        };
        errors.finish(Some(Target {
            team_id,
            slack_user_id,
            user_id,
        }))
    }
}

/// `{"success": true}`
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Success {
    pub success: bool,
}

/// A linked Slack user, as a workspace's member list shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LinkedUser {
    pub id: SlackLinkId,
    /// When the bot last looked the link up (written at most once a minute).
    #[serde(with = "millis_opt")]
    #[schema(value_type = Option<String>, format = DateTime, example = "2026-02-08T14:12:45.123Z")]
    pub last_used_at: Option<Timestamp>,
    #[serde(with = "roster_core::time::millis")]
    #[schema(value_type = String, format = DateTime, example = "2026-02-08T14:12:45.123Z")]
    pub linked_at: Timestamp,
    pub slack_email: Option<String>,
    pub slack_team_id: String,
    pub slack_user_id: String,
    pub slack_username: Option<String>,
    pub user_id: UserId,
}

impl From<LinkRecord> for LinkedUser {
    fn from(l: LinkRecord) -> Self {
        Self {
            id: l.id,
            last_used_at: l.last_used_at,
            linked_at: l.linked_at,
            slack_email: l.slack_email,
            slack_team_id: l.team_id,
            slack_user_id: l.slack_user_id,
            slack_username: l.slack_username,
            user_id: l.user_id,
        }
    }
}

/// The answer to `workspaces/{teamId}/users`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LinkedUsers {
    pub linked_users: Vec<LinkedUser>,
}

/// `POST /work-apps/slack/users/connect`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectRequest {
    /// Your user id (`user_…`).
    #[schema(pattern = "^user_[0-9a-f]{16}$", example = "user_4b7c2a1d9e5f3c8b")]
    pub user_id: String,
    /// The org (slug or id); defaults to the session's org, else `default`.
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(default)]
    #[schema(format = Email)]
    pub user_email: Option<String>,
    #[serde(default)]
    #[schema(
        max_length = 200,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub user_name: Option<String>,
}

impl ConnectRequest {
    pub fn user_id(&self) -> Result<UserId, DomainError> {
        let mut errors = Errors::default();
        let user = errors.take(user_id("userId", &self.user_id));
        if let Some(email) = self.user_email.as_deref() {
            errors.take(Email::parse("userEmail", email));
        }
        errors.take(bounded_opt("userName", self.user_name.as_deref(), NAME_MAX));
        errors.finish(user)
    }
}

/// The answer to connect: open `connectUrl` in a browser (it is single use).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectResponse {
    #[schema(
        example = "https://roster.example.com/work-apps/slack/connect?tenantId=org_4b7c2a1d9e5f3c8b&sessionToken=rslc_..."
    )]
    pub connect_url: String,
    pub session_token: String,
}

/// `POST /work-apps/slack/workspaces`: registers a workspace without OAuth.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterWorkspaceRequest {
    #[schema(example = "T0A1B2C3D", pattern = "^T[A-Z0-9]+$")]
    pub team_id: String,
    #[schema(
        example = "Aurora Labs",
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub team_name: String,
    /// The org (slug or id); defaults to the session's org, else `default`.
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(default)]
    #[schema(example = "E0A1B2C3D", pattern = "^E[A-Z0-9]+$")]
    pub enterprise_id: Option<String>,
}

impl RegisterWorkspaceRequest {
    pub fn parse(&self, installed_by: &UserId) -> Result<NewWorkspace, DomainError> {
        let mut errors = Errors::default();
        let team_id = errors.take(TeamId::parse_field("teamId", &self.team_id));
        let team_name = errors.take(bounded("teamName", &self.team_name, 1, NAME_MAX));
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
        errors.finish(parsed)
    }
}

/// The answer to `GET /work-apps/slack/workspaces`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Workspaces {
    pub workspaces: Vec<Workspace>,
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
