//! A group as SCIM shows it (`members` with `value`, `display` and `$ref`), the members of
//! a page of groups and the groups of a page of users (one query each), and the Group
//! attributes a filter may name, as SQL over `org_groups`.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_identity::groups::Group;
use roster_identity::schema::{org_group_members as m, org_groups as g, users};
use roster_identity::{OrgGroupId, OrgId, UserId};
use serde_json::{json, Value as Json};

use crate::error::{ScimError, ScimResult};
use crate::filter::sql::Column;
use crate::path::{AttrPath, GROUP_SCHEMA};

/// A group's `meta.version`: a weak ETag of its `updated_at`, which member changes bump.
pub fn version(group: &Group) -> String {
    roster_core::etag::weak(group.updated_at)
}

/// A member as `members` shows it: the user's id and URI, and its name when asked for
/// (`display` is returned on request: a client that PATCHes members with `value` alone
/// reads back what it sent).
pub(super) fn member(base: &str, user_id: &UserId, name: Option<&str>) -> Json {
    let mut member = json!({"value": user_id, "$ref": format!("{base}/Users/{user_id}")});
    if let Some(name) = name {
        member["display"] = json!(name);
    }
    member
}

/// The resource; `members` when given (and not empty: an empty one is unassigned).
pub(super) fn to_json(group: &Group, base: &str, members: Option<Vec<Json>>) -> Json {
    let mut out = json!({
        "schemas": [GROUP_SCHEMA],
        "id": group.id,
        "displayName": group.display_name,
        "meta": {
            "resourceType": "Group",
            "created": roster_core::time::format_millis(group.created_at),
            "lastModified": roster_core::time::format_millis(group.updated_at),
            "location": format!("{base}/Groups/{}", group.id),
            "version": version(group),
        },
    });
    if let Some(x) = &group.external_id {
        out["externalId"] = json!(x);
    }
    if let Some(members) = members.filter(|m| !m.is_empty()) {
        out["members"] = Json::Array(members);
    }
    out
}

/// The members of each of these groups, in the order they joined (with their `display`
/// when `display`).
pub(super) async fn members_of(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    base: &str,
    groups: &[OrgGroupId],
    display: bool,
) -> ScimResult<HashMap<OrgGroupId, Vec<Json>>> {
    let rows: Vec<(OrgGroupId, UserId, String)> = m::table
        .inner_join(users::table.on(users::org_id.eq(m::org_id).and(users::id.eq(m::user_id))))
        .filter(m::org_id.eq(org_id))
        .filter(m::group_id.eq_any(groups))
        .order((m::group_id, m::created_at, m::user_id))
        .select((m::group_id, m::user_id, users::name))
        .load(conn)
        .await?;
    let mut out: HashMap<OrgGroupId, Vec<Json>> = HashMap::new();
    for (group_id, user_id, name) in rows {
        out.entry(group_id).or_default().push(member(
            base,
            &user_id,
            display.then_some(name.as_str()),
        ));
    }
    Ok(out)
}

/// The groups of each of these users (a User's read-only `groups`), oldest group first.
pub async fn of_users(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    base: &str,
    user_ids: &[&UserId],
) -> ScimResult<HashMap<UserId, Vec<Json>>> {
    if user_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(UserId, OrgGroupId, String)> = m::table
        .inner_join(g::table.on(g::org_id.eq(m::org_id).and(g::id.eq(m::group_id))))
        .filter(m::org_id.eq(org_id))
        .filter(m::user_id.eq_any(user_ids))
        .order((m::user_id, g::created_at, g::id))
        .select((m::user_id, g::id, g::display_name))
        .load(conn)
        .await?;
    let mut out: HashMap<UserId, Vec<Json>> = HashMap::new();
    for (user_id, group_id, name) in rows {
        out.entry(user_id)
            .or_default()
            .push(user_group(base, group_id.as_str(), &name));
    }
    Ok(out)
}

/// One of a user's `groups`.
pub fn user_group(base: &str, group_id: &str, name: &str) -> Json {
    json!({
        "value": group_id,
        "display": name,
        "$ref": format!("{base}/Groups/{group_id}"),
    })
}

/// The members of `org_groups` (the row the filter is over) whose user is `$1`.
const MEMBER_IS: &str = "EXISTS (SELECT 1 FROM org_group_members m \
     WHERE m.org_id = org_groups.org_id AND m.group_id = org_groups.id AND m.user_id = ";

/// The column of `path` (inside `scope`, the attribute of a value filter).
pub(super) fn resolve(path: &AttrPath, scope: Option<&str>) -> ScimResult<Column> {
    let key = match scope {
        Some(s) => format!("{}.{}", s.to_ascii_lowercase(), path.key()),
        None => path.key(),
    };
    if path.is_extension(GROUP_SCHEMA) {
        return Err(ScimError::invalid_filter(format!(
            "`{}` is not an attribute Roster stores",
            path.name
        )));
    }
    Ok(match key.as_str() {
        "id" => Column::Text {
            sql: "org_groups.id",
            case_exact: true,
        },
        "displayname" => Column::Text {
            sql: "org_groups.display_name",
            case_exact: false,
        },
        "externalid" => Column::Text {
            sql: "org_groups.external_id",
            case_exact: true,
        },
        "members" | "members.value" => Column::Exists {
            before: MEMBER_IS,
            after: ")",
            any: "EXISTS (SELECT 1 FROM org_group_members m \
                  WHERE m.org_id = org_groups.org_id AND m.group_id = org_groups.id)",
        },
        "meta.created" => Column::Time("org_groups.created_at"),
        "meta.lastmodified" => Column::Time("org_groups.updated_at"),
        _ => {
            return Err(ScimError::invalid_filter(format!(
                "filtering on `{key}` is not supported (displayName, externalId, members.value, id, meta.created, meta.lastModified)"
            )))
        }
    })
}
