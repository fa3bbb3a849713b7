//! Accounts: people who can log in. Passwords are hashed with argon2id.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::{violated_constraint, DomainResult};
use roster_core::text::Email;
use roster_core::time::Timestamp;
use roster_core::DomainError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::accounts;
use crate::AccountId;

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// An account as the API shows it (never its password hash).
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = accounts, check_for_backend(diesel::pg::Pg))]
pub struct Account {
    pub id: AccountId,
    pub email: String,
    pub name: String,
    #[serde(with = "roster_core::time::seconds")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// A password that met the length rules.
pub struct Password(String);

impl Password {
    pub fn parse(field: &str, raw: &str) -> DomainResult<Self> {
        let n = raw.chars().count();
        if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
            return Err(DomainError::invalid(
                field,
                format!("must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters long"),
            ));
        }
        Ok(Self(raw.to_owned()))
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

/// argon2id is deliberately slow: run it off the async workers.
async fn hash_password(password: Password) -> DomainResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&roster_core::secret::random_bytes::<16>())
            .map_err(|e| DomainError::internal_msg(e.to_string()))?;
        Argon2::default()
            .hash_password(password.0.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| DomainError::internal_msg(e.to_string()))
    })
    .await
    .map_err(DomainError::internal)?
}

async fn password_matches(password: String, stored: Option<String>) -> DomainResult<bool> {
    tokio::task::spawn_blocking(move || {
        // Without a stored hash, verify against a fixed one anyway so that an unknown
        // email takes as long as a wrong password.
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let parsed =
            PasswordHash::new(&stored).map_err(|e| DomainError::internal_msg(e.to_string()))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && stored != DUMMY_HASH)
    })
    .await
    .map_err(DomainError::internal)?
}

/// argon2id of a random password nobody knows, with default parameters.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$0cD9X6m5/RE/7mQ6uXhzmRpGJz0a9N2Hq8gq7v2Z2dI";

fn email_taken(e: diesel::result::Error) -> DomainError {
    match violated_constraint(&e) {
        Some("accounts_email_key") => {
            DomainError::conflict("email_taken", "an account with this email already exists")
                .on_field("email", "already taken")
        }
        _ => e.into(),
    }
}

/// Creates an account with a password (sign-up); a taken email is a 409.
pub async fn sign_up(
    conn: &mut AsyncPgConnection,
    email: &Email,
    password: Password,
    name: &str,
) -> DomainResult<Account> {
    let hash = hash_password(password).await?;
    diesel::insert_into(accounts::table)
        .values((
            accounts::id.eq(AccountId::generate()),
            accounts::email.eq(email.as_str()),
            accounts::name.eq(name),
            accounts::password_hash.eq(hash),
        ))
        .returning(Account::as_returning())
        .get_result(conn)
        .await
        .map_err(email_taken)
}

/// Checks an email and password; any mismatch is the same 401.
pub async fn verify_credentials(
    conn: &mut AsyncPgConnection,
    email: &str,
    password: &str,
) -> DomainResult<Account> {
    let found: Option<(Account, Option<String>)> = accounts::table
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(email) = lower(")
                .bind::<Text, _>(email.trim())
                .sql(")"),
        )
        .select((Account::as_select(), accounts::password_hash))
        .first(conn)
        .await
        .optional()?;
    let (account, stored) = match found {
        Some((a, h)) => (Some(a), h),
        None => (None, None),
    };
    if password_matches(password.to_owned(), stored).await? {
        if let Some(account) = account {
            return Ok(account);
        }
    }
    Err(DomainError::unauthorized("invalid email or password"))
}

pub async fn get(conn: &mut AsyncPgConnection, id: &AccountId) -> DomainResult<Account> {
    accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| DomainError::not_found("account"))
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = Text)]
    id: AccountId,
}

/// Returns the account with this email (case-insensitively), creating one without a
/// password when there is none. Race-safe: concurrent calls for one email get one account.
pub async fn find_or_create_by_email(
    conn: &mut AsyncPgConnection,
    email: &Email,
    name: &str,
) -> DomainResult<AccountId> {
    let row: IdRow = diesel::sql_query(
        "INSERT INTO accounts (id, email, name) VALUES ($1, $2, $3) \
         ON CONFLICT ((lower(email))) DO UPDATE SET email = accounts.email RETURNING id",
    )
    .bind::<Text, _>(AccountId::generate())
    .bind::<Text, _>(email.as_str())
    .bind::<Text, _>(name)
    .get_result(conn)
    .await?;
    Ok(row.id)
}

/// Sets the password of an account that has none (bootstrap of an existing account).
pub async fn set_password_if_absent(
    conn: &mut AsyncPgConnection,
    id: &AccountId,
    password: Password,
) -> DomainResult<()> {
    let hash = hash_password(password).await?;
    diesel::update(
        accounts::table
            .find(id)
            .filter(accounts::password_hash.is_null()),
    )
    .set(accounts::password_hash.eq(hash))
    .execute(conn)
    .await?;
    Ok(())
}
