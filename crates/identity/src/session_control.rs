//! An account's control over its own sessions: list them, end one, the others, or all.
//! Only the owner's sessions are ever touched; another account's session is "not found".
//! Each change emits one event (`session.*`) in the org the caller's session works in.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::events::{self, EventType, NewEvent};
use roster_core::{secret, DomainError};
use serde::Serialize;

use crate::schema::{orgs, sessions, users};
use crate::sessions::{Session, SESSION_PREFIX};
use crate::{AccountId, OrgId, SessionId};

/// The most sessions `list` returns (newest first); an account rarely has more.
pub const MAX_LISTED: i64 = 100;

/// What an event about sessions says: which, whose, how many. Never a token.
#[derive(Debug, Serialize)]
struct Revoked<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a SessionId>,
    #[serde(rename = "userId")]
    user_id: &'a AccountId,
    revoked: usize,
}

/// The org an account-level event is recorded in: the session's org, else the oldest org
/// the account belongs to. `None` for an account in no org: its events are of no org.
pub async fn event_org(
    conn: &mut AsyncPgConnection,
    account_id: &AccountId,
    session_org: Option<&OrgId>,
) -> DomainResult<Option<OrgId>> {
    if let Some(org) = session_org {
        return Ok(Some(org.clone()));
    }
    Ok(users::table
        .inner_join(orgs::table)
        .filter(users::account_id.eq(account_id))
        .order((orgs::created_at.asc(), orgs::id.asc()))
        .select(users::org_id)
        .first(conn)
        .await
        .optional()?)
}

/// The account's live sessions, newest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    account_id: &AccountId,
) -> DomainResult<Vec<Session>> {
    Ok(sessions::table
        .filter(sessions::account_id.eq(account_id))
        .filter(sessions::expires_at.gt(diesel::dsl::now))
        .order((sessions::created_at.desc(), sessions::id.desc()))
        .limit(MAX_LISTED)
        .select(Session::as_select())
        .load(conn)
        .await?)
}

/// Which sessions a revocation ends.
#[derive(Debug, Clone, Copy)]
pub enum Which<'a> {
    /// One, named by its token or by its id (what `list` shows in place of the token).
    One(&'a str),
    /// Every session but the caller's.
    Others,
    /// Every session, the caller's too.
    All,
}

/// Ends the caller's sessions that `which` names, in one transaction with its event;
/// returns the token hashes that stopped working (for caches to forget). `One` naming no
/// session of the caller's is a 404 `session_not_found`.
pub async fn revoke(
    conn: &mut AsyncPgConnection,
    caller: &Session,
    which: Which<'_>,
) -> DomainResult<Vec<Vec<u8>>> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        let mine = sessions::table.filter(sessions::account_id.eq(&caller.account_id));
        let (kind, id, ended): (_, _, Vec<(SessionId, Vec<u8>)>) = match which {
            Which::One(handle) => {
                let q = diesel::delete(mine.filter(by_handle(handle)));
                let ended: Vec<(SessionId, Vec<u8>)> = q
                    .returning((sessions::id, sessions::token_hash))
                    .load(conn)
                    .await?;
                let id = <[_]>::first(&ended).map(|(id, _)| id.clone());
                if id.is_none() {
                    return Err(DomainError::not_found("session"));
                }
                (EventType::SessionRevoked, id, ended)
            }
            Which::Others => {
                let q = diesel::delete(mine.filter(sessions::id.ne(&caller.id)));
                let ended = q
                    .returning((sessions::id, sessions::token_hash))
                    .load(conn)
                    .await?;
                (EventType::SessionOthersRevoked, None, ended)
            }
            Which::All => {
                let ended = diesel::delete(mine)
                    .returning((sessions::id, sessions::token_hash))
                    .load(conn)
                    .await?;
                (EventType::SessionAllRevoked, None, ended)
            }
        };
        let org = event_org(conn, &caller.account_id, caller.active_org_id.as_ref()).await?;
        // The session ended, or for many, the session that asked.
        let target = id.as_ref().unwrap_or(&caller.id).to_string();
        let data = Revoked {
            id: id.as_ref(),
            user_id: &caller.account_id,
            revoked: ended.len(),
        };
        let org = org.as_ref().map(|o| o.as_str());
        events::emit(conn, NewEvent::in_org_or_none(org, kind, target, &data)?).await?;
        Ok(ended.into_iter().map(|(_, hash)| hash).collect())
    })
    .await
}

/// A session named by its token (`rses_…`) or its id (`ses_…`).
fn by_handle(
    handle: &str,
) -> Box<dyn BoxableExpression<sessions::table, diesel::pg::Pg, SqlType = diesel::sql_types::Bool>>
{
    if handle.starts_with(&format!("{SESSION_PREFIX}_")) {
        Box::new(sessions::token_hash.eq(secret::hash(handle)))
    } else {
        Box::new(sessions::id.eq(handle.to_owned()))
    }
}
