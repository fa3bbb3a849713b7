//! SCIM Users: the org's App users. Writes go through `roster_identity::users` (so that
//! counters, word search and events stay right; the gateway names the actor `scim`), with
//! the userName and externalId set beside them in the same transaction.

mod columns;
pub mod input;
mod list;
mod row;
mod view;

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::etag::Precondition;
use roster_identity::schema::users;
use roster_identity::users::{self as app_users, NewUser, Role, UserChanges, UserState};
use roster_identity::{OrgId, UserId};
use serde_json::Value as Json;

use crate::error::{ScimError, ScimResult};
use crate::patch;
use crate::projection::Projection;
use crate::schema::USER_TARGET;
use crate::scope::Change;
pub use crate::scope::Scope;
pub use input::UserInput;
pub use list::{list, UserList};
pub use row::ScimUserRow;

fn user_id(id: &str) -> ScimResult<UserId> {
    UserId::parse(id).ok_or_else(|| ScimError::not_found("user"))
}

async fn row(conn: &mut AsyncPgConnection, org_id: &OrgId, id: &UserId) -> ScimResult<ScimUserRow> {
    users::table
        .find((org_id, id))
        .select(ScimUserRow::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| ScimError::not_found("user"))
}

fn check_version(row: &ScimUserRow, if_match: Option<&str>) -> ScimResult<()> {
    crate::scope::check_version("user", &row.version(), if_match)
}

/// The user as an answer, with its groups (read-only) unless the projection leaves them
/// out.
async fn render(
    conn: &mut AsyncPgConnection,
    row: &ScimUserRow,
    scope: Scope<'_>,
    projection: &Projection,
) -> ScimResult<Json> {
    let mut groups = groups_of(conn, scope, &[&row.id], projection).await?;
    Ok(render_with(row, scope, projection, groups.remove(&row.id)))
}

fn render_with(
    row: &ScimUserRow,
    scope: Scope<'_>,
    projection: &Projection,
    groups: Option<Vec<Json>>,
) -> Json {
    let mut json = row.to_json(scope.base);
    if let Some(groups) = groups.filter(|g| !g.is_empty()) {
        json["groups"] = Json::Array(groups);
    }
    projection.apply(&mut json);
    json
}

/// The groups of these users, when the projection wants them.
async fn groups_of(
    conn: &mut AsyncPgConnection,
    scope: Scope<'_>,
    ids: &[&UserId],
    projection: &Projection,
) -> ScimResult<HashMap<UserId, Vec<Json>>> {
    match projection.wants("groups") {
        true => crate::groups::of_users(conn, scope.org_id, scope.base, ids).await,
        false => Ok(HashMap::new()),
    }
}

/// One user of the org.
pub async fn get(
    conn: &mut AsyncPgConnection,
    scope: Scope<'_>,
    id: &str,
    projection: &Projection,
) -> ScimResult<Json> {
    let row = row(conn, scope.org_id, &user_id(id)?).await?;
    render(conn, &row, scope, projection).await
}

/// Creates a user (an AppMember) from a User resource.
pub async fn create(
    conn: &mut AsyncPgConnection,
    scope: Scope<'_>,
    body: &Json,
    projection: &Projection,
) -> ScimResult<Json> {
    let input = input::read(body)?;
    let org_id = scope.org_id;
    let row = conn
        .transaction::<_, ScimError, _>(async |conn| {
            let new = NewUser {
                account_id: None,
                role: Role::AppMember,
                email: input.email.clone(),
                name: input.name(),
                given_name: input.given_name.clone(),
                family_name: input.family_name.clone(),
                job_position_name: input.title.clone(),
                job_position_description: None,
                metadata: Default::default(),
            };
            let user = app_users::create(conn, org_id, new).await?;
            diesel::update(users::table.find((org_id, &user.id)))
                .set((
                    users::user_name.eq(&input.user_name),
                    users::external_id.eq(&input.external_id),
                ))
                .execute(conn)
                .await
                .map_err(|e| app_users::unique_violation(e, "userName", true))?;
            set_email_type(conn, org_id, &user.id, input.email_type.as_deref()).await?;
            if input.active == Some(false) {
                app_users::set_state(conn, org_id, &user.id, UserState::Inactive).await?;
            }
            row(conn, org_id, &user.id).await
        })
        .await?;
    render(conn, &row, scope, projection).await
}

/// Replaces a user's attributes with a User resource (PUT).
pub async fn replace(conn: &mut AsyncPgConnection, change: Change<'_>) -> ScimResult<Json> {
    rewrite(conn, change, input::read, |_, input| Ok(input)).await
}

/// Applies a PatchOp to a user (PATCH), and answers the user.
pub async fn patch(conn: &mut AsyncPgConnection, change: Change<'_>) -> ScimResult<Json> {
    let base = change.scope.base;
    rewrite(
        conn,
        change,
        |body| USER_TARGET.parse(body),
        |current, ops| {
            let mut after = current.to_json(base);
            patch::apply(&mut after, &ops, &USER_TARGET)?;
            input::read(&after)
        },
    )
    .await
}

/// A PUT or PATCH of a user: its body read (`read`), then, on the user as it is (its
/// `If-Match` checked), the resource it asks for made (`input`) and written.
async fn rewrite<B>(
    conn: &mut AsyncPgConnection,
    change: Change<'_>,
    read: impl FnOnce(&Json) -> ScimResult<B>,
    input: impl FnOnce(&ScimUserRow, B) -> ScimResult<UserInput> + Send,
) -> ScimResult<Json>
where
    B: Send,
{
    let (scope, if_match) = (change.scope, change.if_match);
    let id = user_id(change.id)?;
    let body = read(change.body)?;
    let org_id = scope.org_id;
    let row = conn
        .transaction::<_, ScimError, _>(async |conn| {
            let current = row(conn, org_id, &id).await?;
            check_version(&current, if_match)?;
            write(conn, &current, &input(&current, body)?).await?;
            row(conn, org_id, &id).await
        })
        .await?;
    render(conn, &row, scope, change.projection).await
}

/// Deletes a user (`roster_identity::users::delete`: memberships go, personal data is
/// erased); a stale `If-Match` is a 412, the org's last active AppAdmin a 409.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    scope: Scope<'_>,
    id: &str,
    if_match: Option<&str>,
) -> ScimResult<app_users::DeletedUser> {
    let id = user_id(id)?;
    let org_id = scope.org_id;
    conn.transaction::<_, ScimError, _>(async |conn| {
        let current = row(conn, org_id, &id).await?;
        check_version(&current, if_match)?;
        Ok(app_users::delete(conn, org_id, &id, &Precondition::None).await?)
    })
    .await
}

/// Sets the `type` of a user's email (a column diesel's `users` does not declare), in
/// the transaction of the update that emits the change's event.
async fn set_email_type(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &UserId,
    email_type: Option<&str>,
) -> ScimResult<()> {
    use diesel::sql_types::{Nullable, Text};
    diesel::sql_query("UPDATE users SET email_type = $3 WHERE org_id = $1 AND id = $2")
        .bind::<Text, _>(org_id.as_str())
        .bind::<Text, _>(id.as_str())
        .bind::<Nullable<Text>, _>(email_type)
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes what changed: the fields in one update (one `user.updated`), the state by
/// activating or deactivating (one `user.activated` or `user.deactivated`).
async fn write(
    conn: &mut AsyncPgConnection,
    current: &ScimUserRow,
    input: &UserInput,
) -> ScimResult<()> {
    fn changed<T: PartialEq + Clone>(now: &T, new: &T) -> Option<T> {
        (now != new).then(|| new.clone())
    }
    let name = input.name();
    let changes = UserChanges {
        name: changed(&current.name, &name),
        given_name: changed(&current.given_name, &input.given_name),
        family_name: changed(&current.family_name, &input.family_name),
        email: changed(&current.email, &input.email.as_str().to_owned()),
        job_position_name: changed(&current.job_position_name, &input.title),
        job_position_description: None,
        role: None,
        user_name: changed(&current.user_name, &Some(input.user_name.clone())),
        external_id: changed(&current.external_id, &input.external_id),
        metadata: None,
    };
    let any = changes.name.is_some()
        || changes.given_name.is_some()
        || changes.family_name.is_some()
        || changes.email.is_some()
        || changes.job_position_name.is_some()
        || changes.user_name.is_some()
        || changes.external_id.is_some()
        || current.email_type != input.email_type;
    if any {
        let (org_id, id) = (&current.org_id, &current.id);
        app_users::update_in_org(conn, org_id, id, changes, &Precondition::None).await?;
    }
    if current.email_type != input.email_type {
        set_email_type(
            conn,
            &current.org_id,
            &current.id,
            input.email_type.as_deref(),
        )
        .await?;
    }
    let state = match input.active {
        Some(true) => UserState::Active,
        Some(false) => UserState::Inactive,
        None => current.state,
    };
    if state != current.state {
        app_users::set_state(conn, &current.org_id, &current.id, state).await?;
    }
    Ok(())
}
