//! SCIM Groups: the org groups of `roster_identity::groups`. Every write calls the same
//! domain functions as the App groups API (so the same events, with the actor the gateway
//! names, `scim`); reads and filters are SQL over `org_groups` here, as for Users. A
//! member that is not a user of the org (an unknown id, another org's user) is a 400
//! `invalidValue` that changes nothing.

pub mod input;
mod render;

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::etag::Precondition;
use roster_core::DomainError;
use roster_identity::groups::{
    self as org_groups, Group, GroupChanges, GroupReplacement, NewGroup,
};
use roster_identity::schema::org_groups as g;
use roster_identity::{OrgGroupId, OrgId, UserId};
use serde_json::Value as Json;

use crate::error::{ScimError, ScimResult};
use crate::filter::sql::narrowed;
use crate::list::{self, ListQuery};
use crate::patch;
use crate::projection::Projection;
use crate::schema::GROUP_TARGET;
use crate::scope::{check_version, Change, Scope};
pub use input::GroupInput;
pub use render::{of_users, user_group, version};

fn group_id(id: &str) -> ScimResult<OrgGroupId> {
    OrgGroupId::parse(id).ok_or_else(|| ScimError::not_found("group"))
}

/// A domain error as SCIM says it: a member that is no user of the org is the client's
/// mistake in the body (`invalidValue`), not a missing resource.
fn refused(e: DomainError) -> ScimError {
    match &e {
        DomainError::NotFound { code, .. } if code == "user_not_found" => {
            ScimError::invalid_value("a member is not a user of this org")
        }
        _ => e.into(),
    }
}

/// The group, locked for the rest of the transaction, its `If-Match` checked.
async fn locked(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    id: &OrgGroupId,
    if_match: Option<&str>,
) -> ScimResult<Group> {
    let group: Group = g::table
        .find((org_id, id))
        .select(Group::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| ScimError::not_found("group"))?;
    check_version("group", &version(&group), if_match)?;
    Ok(group)
}

/// The group as an answer, with its members unless the projection leaves them out.
async fn answer(
    conn: &mut AsyncPgConnection,
    scope: Scope<'_>,
    group: &Group,
    projection: &Projection,
) -> ScimResult<Json> {
    let members = match projection.wants("members") {
        true => {
            let ids = std::slice::from_ref(&group.id);
            let display = projection.requests("members", "display");
            let mut all = render::members_of(conn, scope.org_id, scope.base, ids, display).await?;
            Some(all.remove(&group.id).unwrap_or_default())
        }
        false => None,
    };
    let mut json = render::to_json(group, scope.base, members);
    projection.apply(&mut json);
    Ok(json)
}

/// One group of the org; another org's is a 404 like an unknown one.
pub async fn get(
    conn: &mut AsyncPgConnection,
    scope: Scope<'_>,
    id: &str,
    projection: &Projection,
) -> ScimResult<Json> {
    let group = org_groups::get(conn, scope.org_id, &group_id(id)?).await?;
    answer(conn, scope, &group, projection).await
}

/// A page of the org's groups, oldest first, with the exact total; the members of the
/// whole page in one query (none with `excludedAttributes=members`).
pub async fn list(
    conn: &mut AsyncPgConnection,
    scope: Scope<'_>,
    query: &ListQuery,
) -> ScimResult<Json> {
    let org_id = scope.org_id;
    let base = || {
        let all = g::table.filter(g::org_id.eq(org_id)).into_boxed();
        narrowed::<g::table, _>(all, query.filter.as_ref(), &render::resolve)
    };
    let total: i64 = base()?.count().get_result(conn).await?;
    let groups: Vec<Group> = match query.count {
        0 => Vec::new(),
        n => {
            base()?
                .select(Group::as_select())
                .order((g::created_at.asc(), g::id.asc()))
                .offset(query.offset())
                .limit(n)
                .load::<Group>(conn)
                .await?
        }
    };
    let mut members = match query.projection.wants("members") && !groups.is_empty() {
        true => {
            let ids: Vec<OrgGroupId> = groups.iter().map(|g| g.id.clone()).collect();
            let display = query.projection.requests("members", "display");
            Some(render::members_of(conn, org_id, scope.base, &ids, display).await?)
        }
        false => None,
    };
    let resources = groups
        .iter()
        .map(|group| {
            let mine = members
                .as_mut()
                .map(|m| m.remove(&group.id).unwrap_or_default());
            let mut json = render::to_json(group, scope.base, mine);
            query.projection.apply(&mut json);
            json
        })
        .collect();
    Ok(list::response(total, query.start_index, resources))
}

/// Creates a group with its members (`roster_identity::groups::create`).
pub async fn create(
    conn: &mut AsyncPgConnection,
    scope: Scope<'_>,
    body: &Json,
    projection: &Projection,
) -> ScimResult<Json> {
    let input = input::read(body)?;
    let new = NewGroup {
        display_name: input.display_name,
        external_id: input.external_id,
        members: input.members,
    };
    let group = org_groups::create(conn, scope.org_id, new)
        .await
        .map_err(refused)?;
    answer(conn, scope, &group, projection).await
}

/// Replaces a group whole (PUT): its fields and exactly the members sent
/// (`roster_identity::groups::replace`).
pub async fn replace(conn: &mut AsyncPgConnection, change: Change<'_>) -> ScimResult<Json> {
    let (scope, if_match) = (change.scope, change.if_match);
    let id = group_id(change.id)?;
    let input = input::read(change.body)?;
    let org_id = scope.org_id;
    let group = conn
        .transaction::<_, ScimError, _>(async |conn| {
            locked(conn, org_id, &id, if_match).await?;
            let whole = GroupReplacement {
                display_name: input.display_name,
                external_id: input.external_id,
                members: input.members,
            };
            org_groups::replace(conn, org_id, &id, whole)
                .await
                .map_err(refused)
        })
        .await?;
    answer(conn, scope, &group, change.projection).await
}

/// Applies a PatchOp (members added and removed, renames, as Okta and Entra send them),
/// and answers the group. What changed goes through the domain: the fields in one
/// `update` (`group.updated`), the members by `add_members` and `remove_members` (one
/// `group.member_added` or `group.member_removed` each). A PATCH that changes nothing
/// writes nothing.
pub async fn patch(conn: &mut AsyncPgConnection, change: Change<'_>) -> ScimResult<Json> {
    let (scope, if_match) = (change.scope, change.if_match);
    let id = group_id(change.id)?;
    let ops = GROUP_TARGET.parse(change.body)?;
    let org_id = scope.org_id;
    let group = conn
        .transaction::<_, ScimError, _>(async |conn| {
            let current = locked(conn, org_id, &id, if_match).await?;
            let one = std::slice::from_ref(&id);
            let mut now = render::members_of(conn, org_id, scope.base, one, false)
                .await?
                .remove(&id)
                .unwrap_or_default();
            let before: BTreeSet<String> = now.iter().filter_map(patch::value_of).collect();
            let mut after = render::to_json(&current, scope.base, Some(std::mem::take(&mut now)));
            patch::apply(&mut after, &ops, &GROUP_TARGET)?;
            let input = input::read(&after)?;
            let changes = GroupChanges {
                display_name: (input.display_name != current.display_name)
                    .then(|| input.display_name.clone()),
                external_id: (input.external_id != current.external_id)
                    .then(|| input.external_id.clone()),
            };
            let kept: BTreeSet<String> = input
                .members
                .iter()
                .map(|u| u.as_str().to_owned())
                .collect();
            let gone: Vec<UserId> = before
                .difference(&kept)
                .filter_map(|v| UserId::parse(v))
                .collect();
            let added: Vec<UserId> = input
                .members
                .iter()
                .filter(|u| !before.contains(u.as_str()))
                .cloned()
                .collect();
            let mut group = current;
            if !changes.is_empty() {
                group = org_groups::update(conn, org_id, &id, changes, &Precondition::None)
                    .await
                    .map_err(refused)?;
            }
            if !gone.is_empty() {
                org_groups::remove_members(conn, org_id, &id, &gone).await?;
            }
            if !added.is_empty() {
                org_groups::add_members(conn, org_id, &id, &added)
                    .await
                    .map_err(refused)?;
            }
            if !gone.is_empty() || !added.is_empty() {
                group = org_groups::get(conn, org_id, &id).await?;
            }
            Ok(group)
        })
        .await?;
    answer(conn, scope, &group, change.projection).await
}

/// Deletes a group with its memberships (the users stay); a stale `If-Match` is a 412.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    scope: Scope<'_>,
    id: &str,
    if_match: Option<&str>,
) -> ScimResult<()> {
    let id = group_id(id)?;
    let org_id = scope.org_id;
    conn.transaction::<_, ScimError, _>(async |conn| {
        locked(conn, org_id, &id, if_match).await?;
        Ok(org_groups::delete(conn, org_id, &id, &Precondition::None).await?)
    })
    .await
}
