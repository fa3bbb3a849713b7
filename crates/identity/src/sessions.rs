//! Sign-in sessions: a random token (cookie `better-auth.session_token` or Bearer), stored
//! hashed, with the org the session is working in and the client that opened it. Their
//! owner lists and revokes them in `session_control`.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::events::{self, EventType, NewEvent};
use roster_core::time::Timestamp;
use roster_core::{secret, DomainError};
use serde::Serialize;

use crate::schema::sessions;
use crate::{AccountId, OrgId, SessionId};

/// Prefix of session tokens.
pub const SESSION_PREFIX: &str = "rses";
/// How long a session lives.
pub const SESSION_LIFETIME: time::Duration = time::Duration::days(7);
/// The longest user agent kept with a session (longer ones are cut).
pub const MAX_USER_AGENT_CHARS: usize = 512;

/// A session; serialised (for its events) with better-auth's names, never its token.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = sessions, check_for_backend(diesel::pg::Pg))]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub id: SessionId,
    #[serde(rename = "userId")]
    pub account_id: AccountId,
    /// The org cookie requests without `x-org` work in (`activeOrganizationId` on the wire).
    #[serde(rename = "activeOrganizationId")]
    pub active_org_id: Option<OrgId>,
    #[serde(with = "roster_core::time::seconds")]
    pub created_at: Timestamp,
    #[serde(with = "roster_core::time::seconds")]
    pub expires_at: Timestamp,
    #[serde(with = "roster_core::time::seconds")]
    pub updated_at: Timestamp,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
}

/// The client a session is opened from, as better-auth records it.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
}

/// Starts a session for an account, in the org the account chose
/// ([`crate::active_org`]; none when it has not chosen one and has several). Returns the
/// session and its secret token. The active org's audit log records `session.created`
/// (a session that works in no org: an event of no org).
pub async fn create(
    conn: &mut AsyncPgConnection,
    account_id: &AccountId,
    client: &Client,
) -> DomainResult<(Session, String)> {
    let token = secret::generate(SESSION_PREFIX);
    conn.transaction::<_, DomainError, _>(async |conn| {
        let active_org = crate::active_org::for_new_session(conn, account_id).await?;
        let now = roster_core::time::now();
        let user_agent = client
            .user_agent
            .as_ref()
            .map(|ua| ua.chars().take(MAX_USER_AGENT_CHARS).collect::<String>());
        let session = diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(SessionId::generate()),
                sessions::account_id.eq(account_id),
                sessions::token_hash.eq(secret::hash(&token)),
                sessions::active_org_id.eq(active_org),
                sessions::created_at.eq(now),
                sessions::updated_at.eq(now),
                sessions::expires_at.eq(now + SESSION_LIFETIME),
                sessions::ip_address.eq(&client.ip_address),
                sessions::user_agent.eq(user_agent),
            ))
            .returning(Session::as_returning())
            .get_result(conn)
            .await?;
        let org_id = session.active_org_id.as_ref().map(|o| o.as_str());
        let kind = EventType::SessionCreated;
        let event = NewEvent::in_org_or_none(org_id, kind, session.id.as_str(), &session)?;
        events::emit(conn, event).await?;
        Ok((session, token))
    })
    .await
}

/// The live session a token belongs to, if any.
pub async fn find(conn: &mut AsyncPgConnection, token: &str) -> DomainResult<Option<Session>> {
    Ok(sessions::table
        .filter(sessions::token_hash.eq(secret::hash(token)))
        .filter(sessions::expires_at.gt(diesel::dsl::now))
        .select(Session::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Ends the session a token belongs to; true when there was one. Its active org's audit
/// log records `session.revoked` (a session in no org: an event of no org).
pub async fn delete(conn: &mut AsyncPgConnection, token: &str) -> DomainResult<bool> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        let ended: Option<Session> =
            diesel::delete(sessions::table.filter(sessions::token_hash.eq(secret::hash(token))))
                .returning(Session::as_returning())
                .get_result(conn)
                .await
                .optional()?;
        let Some(session) = ended else {
            return Ok(false);
        };
        let org_id = session.active_org_id.as_ref().map(|o| o.as_str());
        let id = session.id.as_str();
        let data = serde_json::json!({ "id": id });
        let event = NewEvent::in_org_or_none(org_id, EventType::SessionRevoked, id, &data)?;
        events::emit(conn, event).await?;
        Ok(true)
    })
    .await
}
