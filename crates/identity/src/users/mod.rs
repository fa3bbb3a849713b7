//! Users: an account's membership in one org, with a role and a state.

mod change;
mod create;
mod delete;
mod events;
mod filter;
mod gathered;
mod last_admin;
mod list;
mod metadata_page;
mod model;
mod word_search;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::db::OrNotFound;
use roster_core::error::DomainResult;

pub use change::{set_state, update, update_in_org};
pub use create::{create, unique_violation};
pub use delete::{delete, DeletedUser};
pub use filter::{UserFilter, SEARCH_SEPARATOR};
pub use gathered::{create_many_by_email, Created, Gathered, MakeAnswer};
pub use list::list;
pub use model::{NewUser, Role, User, UserChanges, UserRecord, UserState, UserStateChange};

use crate::schema::users;
use crate::{AccountId, OrgId, UserId};

/// A user of this org; another org's user is a 404 like an unknown one.
pub async fn get(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &UserId,
) -> DomainResult<UserRecord> {
    users::table
        .find((org_id, id))
        .select(UserRecord::as_select())
        .first(conn)
        .await
        .or_not_found("user")
}

/// The user an account is in an org, if any.
pub async fn of_account(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    account_id: &AccountId,
) -> DomainResult<Option<UserRecord>> {
    Ok(users::table
        .filter(users::org_id.eq(org_id))
        .filter(users::account_id.eq(account_id))
        .select(UserRecord::as_select())
        .first(conn)
        .await
        .optional()?)
}
