//! Connect sessions: a user's ticket to link their Slack account by "Sign in with Slack"
//! (OpenID Connect). Short-lived (30 minutes), single use, and stored only as the
//! SHA-256 of the session token.

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::events::{self, EventType, NewEvent};
use roster_core::secret;
use roster_core::time::Timestamp;
use roster_core::DomainError;
use roster_identity::auth::Principal;
use roster_identity::{OrgId, UserId};

use crate::links::{self, LinkRecord, Relink, SlackIdentity};
use crate::schema::slack_connect_sessions;
use crate::{workspaces, ConnectSessionId};

/// How long a connect session may be used.
pub const SESSION_LIFETIME: time::Duration = time::Duration::minutes(30);
/// Session tokens look like `rslc_<43 base64url characters>`.
pub const TOKEN_PREFIX: &str = "rslc";

/// A new session: its token is in this value only.
#[derive(Clone)]
pub struct CreatedSession {
    pub id: ConnectSessionId,
    pub token: String,
    pub expires_at: Timestamp,
}

impl std::fmt::Debug for CreatedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedSession")
            .field("id", &self.id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// An open (unused, unexpired) session.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = slack_connect_sessions, check_for_backend(diesel::pg::Pg))]
pub struct OpenSession {
    pub id: ConnectSessionId,
    pub user_id: UserId,
    pub expires_at: Timestamp,
}

fn unusable() -> DomainError {
    DomainError::bad_request(
        "connect_session_invalid",
        "the connect session is invalid, expired or already used: create a new one",
    )
}

/// Opens a session for `user_id`, clearing that user's expired ones. A session links the
/// caller's own Slack account: `user_id` must be `by` (403 otherwise).
pub async fn create(
    conn: &mut AsyncPgConnection,
    by: &Principal,
    user_id: &UserId,
) -> DomainResult<CreatedSession> {
    if *user_id != by.user.id {
        return Err(DomainError::forbidden(
            "not_your_user",
            "a connect session links your own Slack account: userId must be you",
        ));
    }
    let org_id = &by.user.org_id;
    let now = roster_core::time::now();
    let token = secret::generate(TOKEN_PREFIX);
    let id = ConnectSessionId::generate();
    let expires_at = now + SESSION_LIFETIME;
    conn.transaction::<_, DomainError, _>(async |conn| {
        diesel::delete(
            slack_connect_sessions::table
                .filter(slack_connect_sessions::org_id.eq(org_id))
                .filter(slack_connect_sessions::user_id.eq(user_id))
                .filter(slack_connect_sessions::expires_at.lt(now)),
        )
        .execute(conn)
        .await?;
        diesel::insert_into(slack_connect_sessions::table)
            .values((
                slack_connect_sessions::org_id.eq(org_id),
                slack_connect_sessions::id.eq(&id),
                slack_connect_sessions::user_id.eq(user_id),
                slack_connect_sessions::token_hash.eq(secret::hash(&token)),
                slack_connect_sessions::created_at.eq(now),
                slack_connect_sessions::expires_at.eq(expires_at),
            ))
            .execute(conn)
            .await?;
        // The session's token is not in its event.
        let data = serde_json::json!({
            "id": id,
            "userId": user_id,
            "expiresAt": roster_core::time::format_millis(expires_at),
        });
        let event = NewEvent::new(
            org_id.as_str(),
            EventType::SlackConnectStarted,
            id.as_str(),
            &data,
        )?;
        events::emit(conn, event).await
    })
    .await?;
    Ok(CreatedSession {
        id,
        token,
        expires_at,
    })
}

/// The open session a token names; anything else is a 400.
pub async fn open_by_token(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    token: &str,
) -> DomainResult<OpenSession> {
    first_open(
        open_sessions(org_id)
            .filter(slack_connect_sessions::token_hash.eq(secret::hash(token.trim()))),
        conn,
    )
    .await
}

/// The open session with this id (without using it up).
pub async fn open_by_id(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &ConnectSessionId,
) -> DomainResult<OpenSession> {
    first_open(
        open_sessions(org_id).filter(slack_connect_sessions::id.eq(id)),
        conn,
    )
    .await
}

/// A tenant's sessions not used up and not expired.
fn open_sessions(org_id: &OrgId) -> slack_connect_sessions::BoxedQuery<'_, Pg> {
    slack_connect_sessions::table
        .filter(slack_connect_sessions::org_id.eq(org_id))
        .filter(slack_connect_sessions::used_at.is_null())
        .filter(slack_connect_sessions::expires_at.gt(roster_core::time::now()))
        .into_boxed()
}

/// The one open session `query` finds; none is a 400.
async fn first_open(
    query: slack_connect_sessions::BoxedQuery<'_, Pg>,
    conn: &mut AsyncPgConnection,
) -> DomainResult<OpenSession> {
    query
        .select(OpenSession::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(unusable)
}

/// Uses a session up and returns its user. Decided by one conditional UPDATE: of two
/// concurrent callbacks, one gets the user and the other a 400.
pub async fn consume(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &ConnectSessionId,
) -> DomainResult<UserId> {
    let now = roster_core::time::now();
    diesel::update(
        slack_connect_sessions::table
            .find((org_id, id))
            .filter(slack_connect_sessions::used_at.is_null())
            .filter(slack_connect_sessions::expires_at.gt(now)),
    )
    .set(slack_connect_sessions::used_at.eq(now))
    .returning(slack_connect_sessions::user_id)
    .get_result(conn)
    .await
    .optional()?
    .ok_or_else(unusable)
}

/// Finishes a connect: uses the session up and links the Slack user who signed in to
/// the session's user, in one transaction (a failed link leaves the session unused).
/// The Slack workspace must be installed for this tenant (404 otherwise).
pub async fn complete(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &ConnectSessionId,
    identity: &SlackIdentity,
) -> DomainResult<LinkRecord> {
    use diesel_async::AsyncConnection;
    conn.transaction::<_, DomainError, _>(async |conn| {
        let user_id = consume(conn, org_id, id).await?;
        if let Err(e) = workspaces::get(conn, org_id, &identity.team_id).await {
            return Err(if e.is_not_found() {
                DomainError::NotFound {
                    code: "slack_workspace_not_found".into(),
                    detail: format!(
                        "the Slack workspace {} is not installed for this tenant: an AppAdmin installs it first",
                        identity.team_id
                    ),
                }
            } else {
                e
            });
        }
        links::link(conn, org_id, &user_id, identity, Relink::Refuse).await
    })
    .await
}
