//! Changing users: their fields and role, and their state.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::etag::Precondition;
use roster_core::events::EventType;
use roster_core::keys::identity_key;
use roster_core::metadata::{self, metadata_apply};
use roster_core::DomainError;

use super::create::unique_violation;
use super::events;
use super::last_admin::ensure_not_last_admin;
use super::{get, Role, User, UserChanges, UserRecord, UserState, UserStateChange};
use crate::auth::Principal;
use crate::schema::{users, users_metadata};
use crate::{orgs, OrgId, UserId};

/// Applies changes to a user of `by`'s org. AppAdmins change anyone; other users change
/// only their own name and job fields (403). Demoting the org's last active AppAdmin is a
/// 409; a taken email is a 409; a stale `pre` a 412.
pub async fn update(
    conn: &mut AsyncPgConnection,
    by: &Principal,
    id: &UserId,
    changes: UserChanges,
    pre: &Precondition,
) -> DomainResult<User> {
    if !by.is_admin() {
        if *id != by.user.id {
            return Err(DomainError::forbidden(
                "admin_required",
                "only an AppAdmin may change other users",
            ));
        }
        if changes.role.is_some() || changes.email.is_some() || changes.metadata.is_some() {
            return Err(DomainError::forbidden(
                "admin_required",
                "only an AppAdmin may change a role, an email or metadata",
            ));
        }
    }
    update_in_org(conn, &by.user.org_id, id, changes, pre).await
}

/// Applies changes to a user of an org, for callers that authorised them already (a SCIM
/// client of the org). Demoting the org's last active AppAdmin is a 409; a taken email or
/// userName is a 409. A stale `pre` is a 412, checked on the user's locked row (an import
/// writes users without the org's lock).
pub async fn update_in_org(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &UserId,
    changes: UserChanges,
    pre: &Precondition,
) -> DomainResult<User> {
    use diesel_async::AsyncConnection;
    conn.transaction::<_, DomainError, _>(async |conn| {
        orgs::lock(conn, org_id).await?;
        roster_core::check_locked!(pre, conn, users, (org_id, id)).await?;
        let current = get(conn, org_id, id).await?;
        if changes.role.is_some_and(|r| r != Role::AppAdmin) {
            ensure_not_last_admin(conn, &current).await?;
        }
        let email_key = changes
            .email
            .as_deref()
            .map(|email| users::email_key.eq(identity_key(email)));
        let metadata = changes.metadata.clone().map(|update| {
            let (replace, set, remove) = update.into_parts();
            let column = users_metadata::metadata;
            column.eq(metadata_apply(column, replace, set, remove))
        });
        let record = diesel::update(users::table.find((org_id, id)))
            .set((
                &changes,
                email_key,
                metadata,
                users::updated_at.eq(roster_core::time::now()),
            ))
            .returning(UserRecord::as_returning())
            .get_result(conn)
            .await
            .map_err(|e| match metadata::write_error(&e, "metadata") {
                Some(err) => err,
                None => unique_violation(e, "email", true),
            })?;
        let kind = if record.role == current.role {
            EventType::UserUpdated
        } else {
            EventType::UserRoleChanged
        };
        let user = User::from(record);
        events::emit(conn, kind, &user).await?;
        Ok(user)
    })
    .await
}

/// Activates or deactivates a user; idempotent. Deactivating the org's last active
/// AppAdmin is a 409.
pub async fn set_state(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &UserId,
    state: UserState,
) -> DomainResult<UserStateChange> {
    use diesel_async::AsyncConnection;
    conn.transaction::<_, DomainError, _>(async |conn| {
        orgs::lock(conn, org_id).await?;
        let current = get(conn, org_id, id).await?;
        if current.state == state {
            return Ok(UserStateChange {
                id: current.id,
                state,
            });
        }
        if state == UserState::Inactive {
            ensure_not_last_admin(conn, &current).await?;
        }
        let record = diesel::update(users::table.find((org_id, id)))
            .set((
                users::state.eq(state),
                users::updated_at.eq(roster_core::time::now()),
            ))
            .returning(UserRecord::as_returning())
            .get_result(conn)
            .await?;
        let kind = match state {
            UserState::Active => EventType::UserActivated,
            UserState::Inactive => EventType::UserDeactivated,
        };
        events::emit(conn, kind, &User::from(record)).await?;
        Ok(UserStateChange {
            id: current.id,
            state,
        })
    })
    .await
}
