//! The external family's fixtures: a workspace with an API key, made over HTTP as an
//! AppAdmin would, and its catalog.

use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};

use crate::{Admin, Expect, TestApp};

/// An external-users workspace and an API key for it.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub id: String,
    pub api_key: String,
}

impl TestApp {
    /// Creates a workspace in the bootstrapped admin's org, and an API key for it.
    pub async fn workspace(&self) -> Workspace {
        self.workspace_of(&self.admin).await
    }

    /// The same in another admin's org.
    pub async fn workspace_of(&self, admin: &Admin) -> Workspace {
        let as_admin =
            |method, path: &str| self.as_user(&admin.token, &admin.org_slug, method, path);
        let workspace = as_admin(Method::POST, "/api/v1/app/workspaces")
            .json(&json!({"name": "Support site"}))
            .created()
            .await;
        let id = workspace["id"].as_str().expect("workspace id").to_owned();
        let key = as_admin(
            Method::POST,
            &format!("/api/v1/app/workspaces/{id}/api-keys"),
        )
        .json(&json!({"name": "tests"}))
        .created()
        .await;
        Workspace {
            id,
            api_key: key["secret"].as_str().expect("secret").to_owned(),
        }
    }

    /// A request to the external family with a workspace API key in `authorization`.
    pub fn external(&self, api_key: &str, method: Method, path: &str) -> RequestBuilder {
        self.anon(method, path).header("authorization", api_key)
    }

    /// Creates a channel, tier or group (`path` is its collection) and returns its JSON.
    pub async fn external_create(&self, api_key: &str, path: &str, body: Value) -> Value {
        self.external(api_key, Method::POST, path)
            .json(&body)
            .ok()
            .await
    }

    /// Creates a channel and returns its id.
    pub async fn channel(&self, api_key: &str, name: &str) -> String {
        self.named(api_key, "/api/v1/channels", name).await
    }

    /// Creates a tier and returns its id.
    pub async fn tier(&self, api_key: &str, name: &str) -> String {
        self.named(api_key, "/api/v1/tiers", name).await
    }

    /// Creates an external user group and returns its id.
    pub async fn group(&self, api_key: &str, name: &str) -> String {
        self.named(api_key, "/api/v1/external-user-groups", name)
            .await
    }

    /// Creates a channel, tier or group with only a name; returns its id.
    async fn named(&self, api_key: &str, collection: &str, name: &str) -> String {
        self.external_create(api_key, collection, json!({"name": name}))
            .await["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }
}
