//! The external-users family (`/api/v1/external-users` and its catalog), reached with a
//! workspace API key: workspaces and their keys, authentication, channels, tiers, groups,
//! users and their lists.

use serde_json::Value;

mod access_tokens;
mod auth;
mod catalog;
mod groups;
pub(crate) mod lists;
mod users;
mod workspaces;

pub(crate) const USERS: &str = "/api/v1/external-users";

/// The `id` of a JSON object.
pub(crate) fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// The `id`s of a JSON array's objects.
fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(id).collect()
}
