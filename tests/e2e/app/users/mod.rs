//! App users (`/api/v1/app`): me, list, create, get, update, delete, activate and
//! deactivate.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

mod caching;
mod create;
mod cursors;
mod delete;
pub(crate) mod import_cli;
mod import_http;
mod import_list;
mod list;
mod me;
mod search;
mod state;
mod total_count;
mod update;

pub(crate) fn new_user(email: &str, role: &str) -> Value {
    json!({"role": role, "user_info": {"email": email, "name": "Sasha Patel", "given_name": "Sasha", "family_name": "Patel"}})
}

pub(crate) const IMPORTS: &str = "/api/v1/app/user-imports";

/// `POST /api/v1/app/user-imports?{query}` of `body` as the org's admin: the import,
/// asserted 202.
pub(crate) async fn post_import(app: &TestApp, query: &str, body: String) -> Value {
    app.admin(Method::POST, &format!("{IMPORTS}?{query}"))
        .header("content-type", "application/x-ndjson")
        .body(body)
        .status(202)
        .await
        .json()
}

/// `GET /api/v1/app/user-export` as the org's admin: its NDJSON lines.
pub(crate) async fn exported(app: &TestApp) -> Vec<Value> {
    let exported = app
        .admin(Method::GET, "/api/v1/app/user-export")
        .status(200)
        .await;
    exported
        .text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .collect()
}

/// `GET /api/v1/app/user?{query}` as the org's admin: the page, asserted 200.
pub(crate) async fn user_page(app: &TestApp, query: &str) -> Value {
    app.admin(Method::GET, &format!("/api/v1/app/user?{query}"))
        .ok()
        .await
}
