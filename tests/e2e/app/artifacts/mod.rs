//! Artifacts of projects, and a user's latest artifacts.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use crate::app::fixtures::Person;

mod access;
mod change;
mod create;
mod lists;

pub(super) fn artifact_path(project: &str) -> String {
    format!("/api/v1/app/project/{project}/artifact")
}

/// Adds an artifact as `who`; returns its JSON.
pub(super) async fn add_artifact(app: &TestApp, who: &Person, project: &str, body: Value) -> Value {
    who.req(app, Method::POST, &artifact_path(project))
        .json(&body)
        .created()
        .await
}

/// The same as the admin.
pub(super) async fn admin_artifact(app: &TestApp, project: &str, name: &str) -> Value {
    app.admin(Method::POST, &artifact_path(project))
        .json(&json!({"name": name, "type": "Document"}))
        .created()
        .await
}

pub(super) fn names(list: &Value) -> Vec<String> {
    let items = list
        .get("data")
        .unwrap_or(list)
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"));
    items
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect()
}
