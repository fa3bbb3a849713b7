//! The SCIM 2.0 server (`/scim/v2`) and its tokens.

mod discovery;
mod filters;
mod group_lists;
mod groups;
mod patch;
mod replays;
mod tokens;
mod users;

use reqwest::{Method, RequestBuilder};
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

/// The member ids of a group, sorted (members added at once joined at the same time).
pub fn member_ids(group: &Value) -> Vec<String> {
    let mut ids: Vec<String> = group["members"]
        .as_array()
        .map(|m| {
            m.iter()
                .map(|x| x["value"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

/// A SCIM client of the admin's org (`acme`): its token, and requests with it.
pub struct Scim {
    pub token: String,
}

impl Scim {
    /// Creates a SCIM token for the admin's org.
    pub async fn of(app: &TestApp) -> Self {
        let created = app
            .admin(Method::POST, "/api/v1/app/scim-tokens")
            .json(&json!({"name": "Okta"}))
            .created()
            .await;
        Self {
            token: created["token"].as_str().unwrap().to_owned(),
        }
    }

    /// Bootstraps another org (`slug`) and a SCIM token of it.
    pub async fn of_new_org(app: &TestApp, slug: &str) -> Self {
        let admin = app.bootstrap(slug, &format!("admin@{slug}.test")).await;
        let created = app
            .as_user(&admin.token, slug, Method::POST, "/api/v1/app/scim-tokens")
            .json(&json!({"name": "Entra"}))
            .created()
            .await;
        Self {
            token: created["token"].as_str().unwrap().to_owned(),
        }
    }

    /// A request with the token; a body is sent as `application/scim+json`.
    pub fn req(&self, app: &TestApp, method: Method, path: &str) -> RequestBuilder {
        app.anon(method, &format!("/scim/v2{path}"))
            .bearer_auth(&self.token)
    }

    pub fn send(&self, app: &TestApp, method: Method, path: &str, body: &Value) -> RequestBuilder {
        self.req(app, method, path)
            .header("content-type", "application/scim+json")
            .body(body.to_string())
    }

    /// Creates a user; returns it.
    pub async fn create(&self, app: &TestApp, user: Value) -> Value {
        self.send(app, Method::POST, "/Users", &user)
            .created()
            .await
    }

    /// Creates `userName` (an email) with names; returns it.
    pub async fn user(&self, app: &TestApp, user_name: &str) -> Value {
        self.create(
            app,
            json!({
                "schemas": [USER],
                "userName": user_name,
                "name": {"givenName": "Ada", "familyName": "Lovelace"},
                "emails": [{"value": user_name, "type": "work", "primary": true}],
                "active": true,
            }),
        )
        .await
    }

    pub async fn patch(&self, app: &TestApp, id: &str, ops: Value) -> Value {
        self.patch_at(app, &format!("/Users/{id}"), ops).ok().await
    }

    /// A PatchOp of `ops` to the resource at `path` (`/Groups/grp_…`).
    pub fn patch_at(&self, app: &TestApp, path: &str, ops: Value) -> RequestBuilder {
        let body = json!({"schemas": [PATCH_OP], "Operations": ops});
        self.send(app, Method::PATCH, path, &body)
    }

    /// Creates a group named `name` with these member ids; returns it.
    pub async fn group(&self, app: &TestApp, name: &str, members: &[&str]) -> Value {
        let members: Vec<Value> = members.iter().map(|m| json!({"value": m})).collect();
        let body = json!({"schemas": [GROUP], "displayName": name, "members": members});
        self.send(app, Method::POST, "/Groups", &body)
            .created()
            .await
    }
}
