//! An account's own settings: its name and image (`update`), its password
//! (`change_password`). Each change emits one event (`account.*`) in the org its session
//! works in; never a password or a hash.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::db::ConnectionSource;
use roster_core::error::DomainResult;
use roster_core::events::{self, EventType, NewEvent};
use roster_core::DomainError;

use crate::accounts::Account;
use crate::passwords::{Hasher, Password};
use crate::schema::{accounts, sessions};
use crate::session_control::event_org;
use crate::sessions::Session;

/// The code of the 400 for a wrong current password.
pub const INVALID_PASSWORD: &str = "invalid_password";

/// A change to the account's profile; `None` leaves a field as it is, `Some(None)` clears
/// the image.
#[derive(Debug, Default)]
pub struct ProfileChange {
    pub name: Option<String>,
    pub image: Option<Option<String>>,
}

async fn emit(
    conn: &mut AsyncPgConnection,
    caller: &Session,
    kind: EventType,
    account: &Account,
) -> DomainResult<()> {
    let org = event_org(conn, &caller.account_id, caller.active_org_id.as_ref()).await?;
    let org = org.as_ref().map(|o| o.as_str());
    let event = NewEvent::in_org_or_none(org, kind, account.id.as_str(), account)?;
    events::emit(conn, event).await
}

/// Changes the caller's name and image (an empty change is a 400).
pub async fn update(
    conn: &mut AsyncPgConnection,
    caller: &Session,
    change: ProfileChange,
) -> DomainResult<Account> {
    if change.name.is_none() && change.image.is_none() {
        return Err(roster_core::patch::empty_update());
    }
    conn.transaction::<_, DomainError, _>(async |conn| {
        let target = accounts::table.find(&caller.account_id);
        let now = roster_core::time::now();
        let account: Account = match (&change.name, &change.image) {
            (Some(name), Some(image)) => {
                diesel::update(target)
                    .set((
                        accounts::name.eq(name),
                        accounts::image.eq(image),
                        accounts::updated_at.eq(now),
                    ))
                    .returning(Account::as_returning())
                    .get_result(conn)
                    .await?
            }
            (Some(name), None) => {
                diesel::update(target)
                    .set((accounts::name.eq(name), accounts::updated_at.eq(now)))
                    .returning(Account::as_returning())
                    .get_result(conn)
                    .await?
            }
            (None, image) => {
                diesel::update(target)
                    .set((
                        accounts::image.eq(image.clone().flatten()),
                        accounts::updated_at.eq(now),
                    ))
                    .returning(Account::as_returning())
                    .get_result(conn)
                    .await?
            }
        };
        emit(conn, caller, EventType::AccountUpdated, &account).await?;
        Ok(account)
    })
    .await
}

/// What a password change did: the account after it, and the token hashes of the
/// sessions it ended (for caches to forget).
#[derive(Debug)]
pub struct PasswordChanged {
    pub account: Account,
    pub revoked: Vec<Vec<u8>>,
}

/// Changes the caller's password after checking the current one (wrong: 400
/// `invalid_password`; no password yet: the same) and the new one's strength; ends the
/// account's other sessions when asked. No connection is held while hashing.
pub async fn change_password(
    db: &impl ConnectionSource,
    hasher: &Hasher,
    caller: &Session,
    current: &str,
    new: Password,
    revoke_other_sessions: bool,
) -> DomainResult<PasswordChanged> {
    let (account, stored): (Account, Option<String>) = {
        let mut conn = db.get().await?;
        accounts::table
            .find(&caller.account_id)
            .select((Account::as_select(), accounts::password_hash))
            .first(&mut *conn)
            .await?
    };
    if !hasher.matches(current.to_owned(), stored.clone()).await? || stored.is_none() {
        return Err(
            DomainError::bad_request(INVALID_PASSWORD, "the current password is wrong")
                .on_field("currentPassword", "is wrong"),
        );
    }
    let hash = hasher
        .hash_new(new, vec![account.email.clone(), account.name.clone()])
        .await?;
    let mut conn = db.get().await?;
    conn.transaction::<_, DomainError, _>(async |conn| {
        // Only if the password is still the one checked: a concurrent change wins once.
        let account: Option<Account> = diesel::update(
            accounts::table
                .find(&caller.account_id)
                .filter(accounts::password_hash.eq(stored)),
        )
        .set((
            accounts::password_hash.eq(hash.0),
            accounts::updated_at.eq(roster_core::time::now()),
        ))
        .returning(Account::as_returning())
        .get_result(conn)
        .await
        .optional()?;
        let Some(account) = account else {
            return Err(DomainError::bad_request(
                INVALID_PASSWORD,
                "the current password is wrong",
            )
            .on_field("currentPassword", "is wrong"));
        };
        let revoked = if revoke_other_sessions {
            diesel::delete(
                sessions::table
                    .filter(sessions::account_id.eq(&caller.account_id))
                    .filter(sessions::id.ne(&caller.id)),
            )
            .returning(sessions::token_hash)
            .load(conn)
            .await?
        } else {
            Vec::new()
        };
        emit(conn, caller, EventType::AccountPasswordChanged, &account).await?;
        Ok(PasswordChanged { account, revoked })
    })
    .await
}
