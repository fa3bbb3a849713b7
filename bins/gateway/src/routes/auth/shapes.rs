//! The user and session as better-auth 1.7 shows them (camelCase, ISO timestamps), and the
//! answers of `/api/auth/*` that carry them.

use roster_core::time::Timestamp;
use roster_identity::accounts::Account;
use roster_identity::sessions::Session;
use roster_identity::{AccountId, OrgId, SessionId};
use serde::Serialize;
use utoipa::ToSchema;

/// better-auth's user.
#[roster_core::time::timestamps(millis)]
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AuthUser)]
pub struct User {
    #[schema(value_type = String, example = "acct_4f1c2b9a8d7e6f50")]
    pub id: AccountId,
    pub email: String,
    pub name: String,
    /// Whether the account proved it owns its email.
    pub email_verified: bool,
    pub image: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl From<Account> for User {
    fn from(a: Account) -> Self {
        Self {
            id: a.id,
            email: a.email,
            name: a.name,
            email_verified: a.email_verified,
            image: a.image,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// better-auth's session. `token` is the session's token for the caller's own session
/// (get-session); in list-sessions it is the session's id, which revoke-session takes in
/// its place, because Roster keeps only a hash of each token (docs/compatibility.md).
#[roster_core::time::timestamps(millis)]
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AuthSession)]
pub struct SessionView {
    #[schema(value_type = String, example = "ses_4f1c2b9a8d7e6f50")]
    pub id: SessionId,
    pub token: String,
    #[schema(value_type = String)]
    pub user_id: AccountId,
    pub expires_at: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    /// The org the session works in (better-auth's organization plugin).
    #[schema(value_type = Option<String>)]
    pub active_organization_id: Option<OrgId>,
}

impl SessionView {
    /// The session with its token (the caller's own), or with its id in the token's place.
    pub fn new(s: Session, token: Option<String>) -> Self {
        Self {
            token: token.unwrap_or_else(|| s.id.to_string()),
            id: s.id,
            user_id: s.account_id,
            expires_at: s.expires_at,
            created_at: s.created_at,
            updated_at: s.updated_at,
            ip_address: s.ip_address,
            user_agent: s.user_agent,
            active_organization_id: s.active_org_id,
        }
    }
}

/// A new session: its token (also set as the `better-auth.session_token` cookie) and user.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedIn {
    pub token: String,
    pub user: User,
}

/// The current session and its user.
#[derive(Debug, Serialize, ToSchema)]
pub struct CurrentSession {
    pub session: SessionView,
    pub user: User,
}

/// `{"success": true}` (sign-out).
#[derive(Debug, Serialize, ToSchema)]
pub struct Success {
    pub success: bool,
}

/// `{"status": true}`, better-auth's answer to a change without a body of its own.
#[derive(Debug, Serialize, ToSchema)]
pub struct Status {
    pub status: bool,
}

/// The answer to change-password: the user, and a token when a new session was started
/// (Roster keeps the caller's session, so it is null).
#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordChanged {
    pub token: Option<String>,
    pub user: User,
}
