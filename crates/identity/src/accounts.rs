//! Accounts: people who can log in. Passwords are checked and hashed in `passwords`,
//! never while a database connection is held.

use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::db::ConnectionSource;
use roster_core::db::OrNotFound;
use roster_core::error::{violated_constraint, DomainResult};
use roster_core::events::{self, EventType, NewEvent};
use roster_core::keys::identity_key;
use roster_core::text::Email;
use roster_core::time::Timestamp;
use roster_core::DomainError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::passwords::{HashedPassword, Hasher, Password, Verdict};
use crate::schema::accounts;
use crate::AccountId;

/// An account as the API shows it (never its password hash).
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = accounts, check_for_backend(diesel::pg::Pg))]
pub struct Account {
    pub id: AccountId,
    pub email: String,
    pub name: String,
    /// Whether the owner proved they receive this email (followed a link Roster mailed).
    pub email_verified: bool,
    #[serde(with = "roster_core::time::seconds")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    pub image: Option<String>,
    #[serde(with = "roster_core::time::seconds")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

fn email_taken(e: diesel::result::Error) -> DomainError {
    match violated_constraint(&e) {
        Some("accounts_email_key") => {
            DomainError::conflict("email_taken", "an account with this email already exists")
                .on_field("email", "already taken")
        }
        _ => e.into(),
    }
}

/// Creates an account with a password (sign-up): a password that breaks the rules is a
/// 400, a taken email a 409. No connection is held while the password is hashed. The
/// account is unverified; its owner is mailed a verification link. It emits
/// `account.signed_up`, an event of no org (the account is a user of none yet).
pub async fn sign_up(
    db: &impl ConnectionSource,
    hasher: &Hasher,
    email: &Email,
    password: Password,
    name: &str,
) -> DomainResult<Account> {
    let hash = hasher
        .hash_new(password, vec![email.as_str().to_owned(), name.to_owned()])
        .await?;
    let mut conn = db.get().await?;
    use diesel_async::AsyncConnection;
    conn.transaction::<_, DomainError, _>(async |conn| {
        let account = diesel::insert_into(accounts::table)
            .values((
                accounts::id.eq(AccountId::generate()),
                accounts::email.eq(email.as_str()),
                accounts::email_key.eq(email.key()),
                accounts::name.eq(name),
                accounts::password_hash.eq(hash.0),
            ))
            .returning(Account::as_returning())
            .get_result(conn)
            .await
            .map_err(email_taken)?;
        // Unverified until its owner follows the link this queues.
        crate::ownership::flows::on_sign_up(conn, &account.id, &account.email, None).await?;
        // A new account is a user of no org yet: an event of no org.
        let kind = EventType::AccountSignedUp;
        let event = NewEvent::in_org_or_none(None, kind, account.id.as_str(), &account)?;
        events::emit(conn, event).await?;
        Ok(account)
    })
    .await
}

/// Checks an email and password; any mismatch is the same 401. The connection goes back
/// to the pool before the password is verified.
pub async fn verify_credentials(
    db: &impl ConnectionSource,
    hasher: &Hasher,
    email: &str,
    password: &str,
) -> DomainResult<Account> {
    let found: Option<(Account, Option<String>)> = {
        let mut conn = db.get().await?;
        accounts::table
            .filter(accounts::email_key.eq(identity_key(email)))
            .select((Account::as_select(), accounts::password_hash))
            .first(&mut *conn)
            .await
            .optional()?
    };
    let (account, stored) = match found {
        Some((a, h)) => (Some(a), h),
        None => (None, None),
    };
    let verdict = hasher.sign_in(password.to_owned(), stored.clone()).await?;
    match (verdict, account, stored) {
        (Verdict::Right, Some(account), _) => Ok(account),
        (Verdict::RightRehashed(hash), Some(account), Some(old)) => {
            let mut conn = db.get().await?;
            replace_password_hash(&mut conn, &account.id, &old, hash).await?;
            Ok(account)
        }
        _ => Err(DomainError::unauthorized("invalid email or password")),
    }
}

/// Replaces an imported hash with Roster's own after a sign-in proved the password, unless
/// the password changed meanwhile.
async fn replace_password_hash(
    conn: &mut AsyncPgConnection,
    id: &AccountId,
    old: &str,
    hash: HashedPassword,
) -> DomainResult<()> {
    diesel::update(
        accounts::table
            .find(id)
            .filter(accounts::password_hash.eq(old)),
    )
    .set(accounts::password_hash.eq(hash.0))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut AsyncPgConnection, id: &AccountId) -> DomainResult<Account> {
    accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
        .await
        .or_not_found("account")
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = Text)]
    id: AccountId,
}

/// Returns the account with this email (by its identity key), creating one without a
/// password when there is none. Race-safe: concurrent calls for one email get one account.
pub async fn find_or_create_by_email(
    conn: &mut AsyncPgConnection,
    email: &Email,
    name: &str,
) -> DomainResult<AccountId> {
    let row: IdRow = diesel::sql_query(
        "INSERT INTO accounts (id, email, email_key, name) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (email_key) DO UPDATE SET email = accounts.email RETURNING id",
    )
    .bind::<Text, _>(AccountId::generate())
    .bind::<Text, _>(email.as_str())
    .bind::<Text, _>(email.key())
    .bind::<Text, _>(name)
    .get_result(conn)
    .await?;
    Ok(row.id)
}

/// Sets the password of an account that has none (bootstrap of an existing account): the
/// operator's word verifies its email.
pub async fn set_password_if_absent(
    conn: &mut AsyncPgConnection,
    id: &AccountId,
    hash: HashedPassword,
) -> DomainResult<()> {
    diesel::update(
        accounts::table
            .find(id)
            .filter(accounts::password_hash.is_null()),
    )
    .set((
        accounts::password_hash.eq(hash.0),
        accounts::email_verified.eq(true),
    ))
    .execute(conn)
    .await?;
    Ok(())
}
