//! One-use link tokens: made by the sender as it sends a mail, stored as SHA-256, and
//! deleted by the request that uses them (so a token works once, even under a race).

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::secret;

use crate::schema::mail_links;

/// Prefix of link tokens.
pub const LINK_PREFIX: &str = "rlnk";

/// What a link does when followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Proves the account's owner receives its email (24 hours).
    VerifyEmail,
    /// Sets a new password (and so proves the email too) (1 hour).
    ResetPassword,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "verify_email" => Some(Purpose::VerifyEmail),
            "reset_password" => Some(Purpose::ResetPassword),
            _ => None,
        }
    }

    /// How long a link works after it is sent.
    pub fn lifetime(self) -> time::Duration {
        match self {
            Purpose::VerifyEmail => time::Duration::hours(24),
            Purpose::ResetPassword => time::Duration::hours(1),
        }
    }
}

/// The account and email a live link was sent for.
#[derive(Debug, Clone, Queryable)]
pub struct LinkTarget {
    pub account_id: String,
    pub email: String,
}

/// How long issuing a link waits for a lock before it gives up (the mail is then retried).
pub const LOCK_WAIT: &str = "2s";

/// Makes a token for `purpose` on `account_id` (sent to `email`), stores its hash, and
/// returns it. Expired links are cleared on the way.
///
/// The sender calls it while it holds its batch's claims on another connection, and a
/// deletion of the account waits on those claims (the outbox row goes with the account)
/// while holding the account's row, which this insert's foreign key must share: waiting
/// here would make the two wait on each other for ever, out of PostgreSQL's sight. So it
/// waits at most [`LOCK_WAIT`] for a lock and fails instead.
pub async fn issue(
    conn: &mut AsyncPgConnection,
    purpose: Purpose,
    account_id: &str,
    email: &str,
) -> DomainResult<String> {
    conn.transaction::<_, roster_core::DomainError, _>(async |conn| {
        diesel::sql_query(format!("SET LOCAL lock_timeout = '{LOCK_WAIT}'"))
            .execute(conn)
            .await?;
        diesel::delete(mail_links::table.filter(mail_links::expires_at.lt(diesel::dsl::now)))
            .execute(conn)
            .await?;
        let token = secret::generate(LINK_PREFIX);
        let now = roster_core::time::now();
        diesel::insert_into(mail_links::table)
            .values((
                mail_links::token_hash.eq(secret::hash(&token)),
                mail_links::purpose.eq(purpose.as_str()),
                mail_links::account_id.eq(account_id),
                mail_links::email.eq(email),
                mail_links::created_at.eq(now),
                mail_links::expires_at.eq(now + purpose.lifetime()),
            ))
            .execute(conn)
            .await?;
        Ok(token)
    })
    .await
}

/// The filter of a live link of `purpose` with this token.
type Live = diesel::dsl::And<
    diesel::dsl::And<
        diesel::dsl::Eq<mail_links::token_hash, Vec<u8>>,
        diesel::dsl::Eq<mail_links::purpose, &'static str>,
    >,
    diesel::dsl::Gt<mail_links::expires_at, diesel::dsl::now>,
>;

fn live(token: &str, purpose: Purpose) -> Live {
    mail_links::token_hash
        .eq(secret::hash(token))
        .and(mail_links::purpose.eq(purpose.as_str()))
        .and(mail_links::expires_at.gt(diesel::dsl::now))
}

/// The target of a live link, without using it up.
pub async fn peek(
    conn: &mut AsyncPgConnection,
    token: &str,
    purpose: Purpose,
) -> DomainResult<Option<LinkTarget>> {
    Ok(mail_links::table
        .filter(live(token, purpose))
        .select((mail_links::account_id, mail_links::email))
        .first(conn)
        .await
        .optional()?)
}

/// Uses a live link up: its target, or `None` when it is unknown, used or expired.
pub async fn redeem(
    conn: &mut AsyncPgConnection,
    token: &str,
    purpose: Purpose,
) -> DomainResult<Option<LinkTarget>> {
    Ok(
        diesel::delete(mail_links::table.filter(live(token, purpose)))
            .returning((mail_links::account_id, mail_links::email))
            .get_result(conn)
            .await
            .optional()?,
    )
}

/// Ends every link of an account (its password was reset, or it was reclaimed).
pub async fn revoke_all(conn: &mut AsyncPgConnection, account_id: &str) -> DomainResult<()> {
    diesel::delete(mail_links::table.filter(mail_links::account_id.eq(account_id)))
        .execute(conn)
        .await?;
    Ok(())
}
