//! App users (`/api/v1/app`): me, list, create, get, update, activate and deactivate.

use serde_json::{json, Value};

mod caching;
mod create;
mod list;
mod me;
mod search;
mod state;
mod total_count;
mod update;

pub(crate) fn new_user(email: &str, role: &str) -> Value {
    json!({"role": role, "user_info": {"email": email, "name": "Sasha Patel", "given_name": "Sasha", "family_name": "Patel"}})
}

/// `GET /api/v1/app/user?{query}` as the org's admin: the page, asserted 200.
pub(crate) async fn user_page(app: &roster_e2e::TestApp, query: &str) -> Value {
    let res = app
        .admin(reqwest::Method::GET, &format!("/api/v1/app/user?{query}"))
        .send()
        .await
        .unwrap();
    let (status, page) = roster_e2e::json(res).await;
    assert_eq!(status, 200, "{query}: {page}");
    page
}
