//! The account flows that go through mail (better-auth's wire): asking for a verification
//! link, following it, asking for a password reset, and resetting. Asking never says
//! whether an account exists.

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::db::ConnectionSource;
use roster_core::error::DomainResult;
use roster_core::events::EventType;
use roster_core::DomainError;
use roster_mail::links::{self, Purpose};

use super::{emit_everywhere, mails, revoke_credentials};
use crate::passwords::{Hasher, Password};
use crate::schema::accounts;
use crate::AccountId;

/// The code of an unknown, used or expired link (better-auth's).
pub const INVALID_TOKEN: &str = "INVALID_TOKEN";

fn invalid_token() -> DomainError {
    DomainError::bad_request(INVALID_TOKEN, "Invalid token")
}

/// (id, email, verified) of the account with this email, compared on its identity key.
async fn by_email(
    conn: &mut AsyncPgConnection,
    email: &str,
) -> DomainResult<Option<(String, String, bool)>> {
    Ok(accounts::table
        .filter(accounts::email_key.eq(roster_core::keys::identity_key(email)))
        .select((accounts::id, accounts::email, accounts::email_verified))
        .first(conn)
        .await
        .optional()?)
}

/// Queues a verification link for the unverified account of `email`; nothing (and the
/// same answer) for an unknown or verified one.
pub async fn send_verification(
    conn: &mut AsyncPgConnection,
    email: &str,
    callback: Option<String>,
) -> DomainResult<()> {
    if let Some((id, email, false)) = by_email(conn, email).await? {
        roster_mail::outbox::enqueue(conn, &[mails::verify_email(&email, &id, callback)]).await?;
    }
    Ok(())
}

/// Queues the verification link a sign-up sends, in the sign-up's transaction.
pub async fn on_sign_up(
    conn: &mut AsyncPgConnection,
    account_id: &AccountId,
    email: &str,
    callback: Option<String>,
) -> DomainResult<()> {
    roster_mail::outbox::enqueue(
        conn,
        &[mails::verify_email(email, account_id.as_str(), callback)],
    )
    .await
}

/// Follows a verification link: the account's email is verified (`account.verified`).
/// An unknown, used or expired link, or one sent to an email the account no longer has,
/// is `INVALID_TOKEN`.
pub async fn verify_email(conn: &mut AsyncPgConnection, token: &str) -> DomainResult<AccountId> {
    conn.transaction::<_, DomainError, _>(async |conn| {
        let target = links::redeem(conn, token, Purpose::VerifyEmail)
            .await?
            .ok_or_else(invalid_token)?;
        let updated: Option<(AccountId, String)> = diesel::update(
            accounts::table
                .find(&target.account_id)
                .filter(accounts::email.eq(&target.email)),
        )
        .set(accounts::email_verified.eq(true))
        .returning((accounts::id, accounts::email))
        .get_result(conn)
        .await
        .optional()?;
        let (id, email) = updated.ok_or_else(invalid_token)?;
        emit_everywhere(conn, EventType::AccountVerified, id.as_str(), &email).await?;
        Ok(id)
    })
    .await
}

/// Queues a reset link for the account of `email`; nothing (and the same answer) for an
/// unknown one.
pub async fn request_password_reset(
    conn: &mut AsyncPgConnection,
    email: &str,
    callback: Option<String>,
) -> DomainResult<()> {
    if let Some((id, email, _)) = by_email(conn, email).await? {
        roster_mail::outbox::enqueue(conn, &[mails::reset_password(&email, &id, callback)]).await?;
    }
    Ok(())
}

/// Whether a reset link is live (the landing page of the link checks it before the
/// browser goes on to the client's page).
pub async fn reset_link_is_live(conn: &mut AsyncPgConnection, token: &str) -> DomainResult<bool> {
    Ok(links::peek(conn, token, Purpose::ResetPassword)
        .await?
        .is_some())
}

/// Sets a new password with a reset link (which proves the email, too): the password
/// goes through the strength rules and the hashing pool with no connection held; then, in
/// one transaction, the link is used up, every session and other link of the account
/// ends, and `account.password_reset` is emitted.
pub async fn reset_password(
    db: &impl ConnectionSource,
    hasher: &Hasher,
    token: &str,
    password: Password,
) -> DomainResult<AccountId> {
    let known = {
        let mut conn = db.get().await?;
        let target = links::peek(&mut conn, token, Purpose::ResetPassword)
            .await?
            .ok_or_else(invalid_token)?;
        let name: Option<String> = accounts::table
            .find(&target.account_id)
            .select(accounts::name)
            .first(&mut *conn)
            .await
            .optional()?;
        vec![target.email, name.unwrap_or_default()]
    };
    let hash = hasher.hash_new(password, known).await?;
    let mut conn = db.get().await?;
    conn.transaction::<_, DomainError, _>(async |conn| {
        let target = links::redeem(conn, token, Purpose::ResetPassword)
            .await?
            .ok_or_else(invalid_token)?;
        let updated: Option<(AccountId, String)> =
            diesel::update(accounts::table.find(&target.account_id))
                .set((
                    accounts::password_hash.eq(hash.0),
                    accounts::email_verified.eq(true),
                ))
                .returning((accounts::id, accounts::email))
                .get_result(conn)
                .await
                .optional()?;
        let (id, email) = updated.ok_or_else(invalid_token)?;
        revoke_credentials(conn, &[id.as_str()], false).await?;
        links::revoke_all(conn, &[id.as_str()]).await?;
        emit_everywhere(conn, EventType::AccountPasswordReset, id.as_str(), &email).await?;
        Ok(id)
    })
    .await
}
