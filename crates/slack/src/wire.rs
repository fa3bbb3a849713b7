//! Request bodies and answers of `/work-apps/slack`, with the field names of Inkeep's
//! API; the bodies and their parsing into domain values are in `wire/requests.rs`.

use roster_core::time::Timestamp;
use roster_identity::{OrgId, UserId};
use serde::Serialize;
use utoipa::ToSchema;

use crate::links::LinkRecord;
use crate::workspaces::Workspace;
use crate::SlackLinkId;

mod requests;

pub use requests::{
    user_id, ConnectRequest, DisconnectRequest, RegisterWorkspaceRequest, VerifyToken,
    VerifyTokenRequest,
};

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
#[roster_core::time::timestamps(millis, example = "2026-02-08T14:12:45.123Z")]
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    pub app_user_email: String,
    pub app_user_id: UserId,
    /// The link's id.
    pub connection_id: SlackLinkId,
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

/// `{"success": true}`
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Success {
    pub success: bool,
}

/// A linked Slack user, as a workspace's member list shows it.
#[roster_core::time::timestamps(millis, example = "2026-02-08T14:12:45.123Z")]
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LinkedUser {
    pub id: SlackLinkId,
    /// When the bot last looked the link up (written at most once a minute).
    #[serde(with = "millis_opt")]
    #[schema(value_type = Option<String>, format = DateTime, example = "2026-02-08T14:12:45.123Z")]
    pub last_used_at: Option<Timestamp>,
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

/// The answer to `GET /work-apps/slack/workspaces`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Workspaces {
    pub workspaces: Vec<Workspace>,
}
