//! The last-admin rule: an org always keeps an active AppAdmin.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::DomainError;

use super::{Role, UserRecord, UserState};
use crate::schema::users;

/// Fails with 409 when `user` is the org's last active AppAdmin. Call with the org locked.
pub(super) async fn ensure_not_last_admin(
    conn: &mut AsyncPgConnection,
    user: &UserRecord,
) -> DomainResult<()> {
    if !(user.is_admin() && user.is_active()) {
        return Ok(());
    }
    let other_admins: i64 = users::table
        .filter(users::org_id.eq(&user.org_id))
        .filter(users::role.eq(Role::AppAdmin))
        .filter(users::state.eq(UserState::Active))
        .filter(users::id.ne(&user.id))
        .count()
        .get_result(conn)
        .await?;
    if other_admins == 0 {
        return Err(DomainError::conflict(
            "last_admin",
            "this is the org's last active AppAdmin; make another user AppAdmin first",
        ));
    }
    Ok(())
}
