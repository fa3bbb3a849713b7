//! Adding users: by email (the account found or created with them) or by account id, each
//! in a transaction of its own (several by email in one statement: `gathered`).

use diesel::prelude::*;
use diesel::sql_types::{Jsonb, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::{violated_constraint, DomainResult};
use roster_core::events::EventType;
use roster_core::keys::identity_key;
use roster_core::DomainError;

use super::events;
use super::{NewUser, User, UserRecord, UserState};
use crate::schema::{users, users_metadata};
use crate::{accounts, AccountId, OrgId, UserId};

fn email_taken(field: &str) -> DomainError {
    DomainError::conflict(
        "email_taken",
        "a user with this email already exists in this org",
    )
    .on_field(field, "already taken")
}

/// Maps the unique violations of `users` to 409s. Without an explicit `account_id` the
/// account was found by email, so a taken account means a taken email.
pub fn unique_violation(
    e: diesel::result::Error,
    email_field: &str,
    explicit_account: bool,
) -> DomainError {
    match violated_constraint(&e) {
        Some("users_org_email_key") => email_taken(email_field),
        Some("users_org_user_name_key") => DomainError::conflict(
            "user_name_taken",
            "a user with this userName (or this email) already exists in this org",
        )
        .on_field("userName", "already taken"),
        Some("users_org_account_key") if !explicit_account => email_taken(email_field),
        Some("users_org_account_key") => DomainError::conflict(
            "account_already_member",
            "this account is already a user in this org",
        )
        .on_field("account_id", "already linked to a user in this org"),
        _ => e.into(),
    }
}

/// Adds a user to an org. Duplicates are decided by the unique constraints: 409.
pub async fn create(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    new: NewUser,
) -> DomainResult<User> {
    match new.account_id.clone() {
        Some(account_id) => create_for_account(conn, org_id, account_id, new).await,
        None => create_with_account_by_email(conn, org_id, new).await,
    }
}

diesel::define_sql_function! {
    /// The account found or created by email, and the user: the `user_add_function`
    /// migration. Returns the account id.
    #[allow(clippy::too_many_arguments)]
    fn users_add_with_account(
        org_id: Text,
        user_id: Text,
        account_id: Text,
        email: Text,
        email_key: Text,
        name: Text,
        given_name: Nullable<Text>,
        family_name: Nullable<Text>,
        job_position_name: Nullable<Text>,
        job_position_description: Nullable<Text>,
        role: Text,
        at: Timestamptz,
        metadata: Jsonb
    ) -> Text;
}

/// The account found or created by email and the user, in one call of a database
/// function (a statement prepared once per connection), and its event.
async fn create_with_account_by_email(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    new: NewUser,
) -> DomainResult<User> {
    use diesel_async::AsyncConnection;
    let now = roster_core::time::now();
    let id = UserId::generate();
    conn.transaction::<_, DomainError, _>(async |conn| {
        let account_id: AccountId = diesel::select(users_add_with_account(
            org_id,
            &id,
            AccountId::generate(),
            new.email.as_str(),
            new.email.key(),
            &new.name,
            new.given_name.as_deref(),
            new.family_name.as_deref(),
            new.job_position_name.as_deref(),
            new.job_position_description.as_deref(),
            new.role,
            now,
            &new.metadata,
        ))
        .get_result(conn)
        .await
        .map_err(|e| unique_violation(e, "user_info.email", false))?;
        crate::ownership::after_admin_add(conn, &[(org_id, &account_id)]).await?;
        let user = added_user(org_id, id, account_id, new, now);
        events::emit(conn, EventType::UserCreated, &user).await?;
        Ok(user)
    })
    .await
}

/// The user just added as `new`, active, created (and updated) at `now`.
pub(super) fn added_user(
    org_id: &OrgId,
    id: UserId,
    account_id: AccountId,
    new: NewUser,
    now: time::OffsetDateTime,
) -> User {
    User::from(UserRecord {
        org_id: org_id.clone(),
        id,
        account_id,
        name: new.name,
        given_name: new.given_name,
        family_name: new.family_name,
        email: new.email.as_str().to_owned(),
        job_position_name: new.job_position_name,
        job_position_description: new.job_position_description,
        state: UserState::Active,
        role: new.role,
        created_at: now,
        updated_at: now,
        metadata: new.metadata,
    })
}

/// A user for an existing account, named by id.
async fn create_for_account(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    account_id: AccountId,
    new: NewUser,
) -> DomainResult<User> {
    use diesel_async::AsyncConnection;
    let org_id = org_id.clone();
    conn.transaction::<_, DomainError, _>(async |conn| {
        let no_such_account =
            || DomainError::not_found("account").on_field("account_id", "no such account");
        let account = accounts::get(conn, &account_id).await.map_err(|e| {
            // Only a missing account is the caller's mistake; anything else
            // (an unreachable database) keeps its own meaning.
            if e.is_not_found() {
                no_such_account()
            } else {
                e
            }
        })?;
        // An id alone adds no one: it must come with the account's own email (as adding by
        // email would find it), or name a user of this org already (a 409 below).
        // Otherwise it answers as an unknown id, so that another org's account ids neither
        // work nor show that they exist.
        if identity_key(&account.email) != new.email.key()
            && super::of_account(conn, &org_id, &account.id)
                .await?
                .is_none()
        {
            return Err(no_such_account());
        }
        let account_id = account.id;
        let now = roster_core::time::now();
        let record = diesel::insert_into(users::table)
            .values((
                users::org_id.eq(&org_id),
                users::id.eq(UserId::generate()),
                users::account_id.eq(account_id),
                users::name.eq(new.name),
                users::given_name.eq(new.given_name),
                users::family_name.eq(new.family_name),
                users::email.eq(new.email.as_str()),
                users::email_key.eq(new.email.key()),
                users::job_position_name.eq(new.job_position_name),
                users::job_position_description.eq(new.job_position_description),
                users::state.eq(UserState::Active),
                users::role.eq(new.role),
                users::created_at.eq(now),
                users::updated_at.eq(now),
                users_metadata::metadata.eq(new.metadata),
            ))
            .returning(UserRecord::as_returning())
            .get_result(conn)
            .await
            .map_err(|e| unique_violation(e, "user_info.email", true))?;
        crate::ownership::after_admin_add(conn, &[(&record.org_id, &record.account_id)]).await?;
        let user = User::from(record);
        events::emit(conn, EventType::UserCreated, &user).await?;
        Ok(user)
    })
    .await
}
