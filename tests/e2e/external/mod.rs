//! The external-users family (`/api/v1/external-users` and its catalog), reached with a
//! workspace API key: workspaces and their keys, authentication, channels, tiers, groups,
//! users and their lists.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::Value;

mod access_tokens;
mod auth;
mod catalog;
mod groups;
mod imports;
mod imports_cli;
pub(crate) mod lists;
mod users;
mod workspaces;

pub(crate) const USERS: &str = "/api/v1/external-users";

/// The `id` of a JSON object.
pub(crate) fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// The fields of an external user, sorted.
const EXTERNAL_USER_FIELDS: [&str; 13] = [
    "blocked",
    "channelId",
    "createdAt",
    "externalId",
    "externalUserGroupId",
    "id",
    "identifier",
    "metadata",
    "name",
    "superIdentityId",
    "tierId",
    "updatedAt",
    "workspaceId",
];

/// A JSON object's keys, sorted.
fn fields(object: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = object
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {object}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// The `id`s of a JSON array's objects.
fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(id).collect()
}

/// The ids `GET {collection}?{query}` lists, in order; unless the query sets a page size,
/// `X-Total-Count` is how many it lists.
async fn listed_ids(app: &TestApp, key: &str, collection: &str, query: String) -> Vec<String> {
    let path = format!("{collection}?{query}");
    let (total, list) = app.external(key, Method::GET, &path).listed().await;
    let listed = ids(&list);
    if !query.contains("pageSize") {
        assert_eq!(total, Some(listed.len() as i64), "{path}");
    }
    listed
}
