//! Org groups (`/api/v1/app/groups`): create, list (cursor and offset pages, search), get,
//! change, delete, and their members; reads for every active user, writes for AppAdmins;
//! one event per write.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

mod access;
mod change;
mod create;
mod events;
mod lists;
mod members;

pub(super) const GROUPS: &str = "/api/v1/app/groups";

pub(super) fn group_path(id: &str) -> String {
    format!("{GROUPS}/{id}")
}

pub(super) fn members_path(id: &str) -> String {
    format!("{GROUPS}/{id}/members")
}

/// Creates a group as the admin; returns its JSON.
pub(super) async fn create_group(app: &TestApp, body: Value) -> Value {
    app.admin(Method::POST, GROUPS).json(&body).created().await
}

/// Creates a group named `name` as the admin; returns its id.
pub(super) async fn group_named(app: &TestApp, name: &str) -> String {
    let group = create_group(app, json!({"display_name": name})).await;
    group["id"].as_str().unwrap().to_owned()
}

/// The values of `field` on a page's items, in order.
pub(super) fn field_of(page: &Value, field: &str) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g[field].as_str().unwrap().to_owned())
        .collect()
}
