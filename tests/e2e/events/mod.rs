//! Events: the audit log of every change and the webhooks that deliver them.

mod audit;
mod delivery;
pub(crate) mod endpoints;
mod every_write;
mod no_event;
mod no_org;
mod project_events;
pub(crate) mod receiver;
mod replicas;
mod retention;
mod sigkill;
mod user_events;

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::Value;

/// `GET /api/v1/app/audit-events?{query}` as the org's admin: the page, asserted 200.
pub(crate) async fn audit_page(app: &TestApp, query: &str) -> Value {
    app.admin(Method::GET, &format!("/api/v1/app/audit-events?{query}"))
        .ok()
        .await
}

/// The types of a page's events, newest first.
pub(crate) fn types(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect()
}

/// Every event of the org through the audit log, newest first, page by page.
pub(crate) async fn all_events(app: &TestApp, query: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after = String::new();
    loop {
        let page = audit_page(app, &format!("first=100&{query}{after}")).await;
        out.extend(page["data"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(cursor) => after = format!("&after={cursor}"),
            None => return out,
        }
    }
}
