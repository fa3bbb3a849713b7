//! Metadata (`roster_core::metadata`) on the three resources that hold it: App users,
//! external users and external-user groups. Set on create, replaced by PUT (App users),
//! merged by PATCH; bounded; filtered in lists with `metadata[key]=value`.

use reqwest::{Method, RequestBuilder};
use roster_e2e::Workspace;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

mod bounds;
mod filters;
mod pages;
mod writes;

/// A resource that holds metadata.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    AppUser,
    ExternalUser,
    Group,
}

pub(crate) const KINDS: [Kind; 3] = [Kind::AppUser, Kind::ExternalUser, Kind::Group];

/// A gateway with an org (its admin) and an external-users workspace with a channel.
pub(crate) struct Fixture {
    pub app: TestApp,
    pub workspace: Workspace,
    pub channel: String,
    created: std::sync::atomic::AtomicUsize,
}

impl Fixture {
    pub async fn new() -> Self {
        let app = TestApp::spawn().await;
        Self::of(app).await
    }

    pub async fn of(app: TestApp) -> Self {
        let workspace = app.workspace().await;
        let channel = app.channel(&workspace.api_key, "Web").await;
        Self {
            app,
            workspace,
            channel,
            created: Default::default(),
        }
    }

    fn collection(kind: Kind) -> &'static str {
        match kind {
            Kind::AppUser => "/api/v1/app/user",
            Kind::ExternalUser => "/api/v1/external-users",
            Kind::Group => "/api/v1/external-user-groups",
        }
    }

    /// A request to `path` with the resource's credential.
    pub fn request(&self, kind: Kind, method: Method, path: &str) -> RequestBuilder {
        match kind {
            Kind::AppUser => self.app.admin(method, path),
            _ => self.app.external(&self.workspace.api_key, method, path),
        }
    }

    /// A create body of the kind, unique, with `metadata` when given.
    pub fn new_body(&self, kind: Kind, metadata: Option<Value>) -> Value {
        let n = self
            .created
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut body = match kind {
            Kind::AppUser => json!({"role": "AppMember",
                "user_info": {"email": format!("m{n}@acme.test"), "name": "Meta Person"}}),
            Kind::ExternalUser => {
                json!({"channelId": self.channel, "identifier": format!("m{n}@ext.test")})
            }
            Kind::Group => json!({"name": format!("Group {n}")}),
        };
        if let Some(metadata) = metadata {
            body["metadata"] = metadata;
        }
        body
    }

    /// The create request of the kind.
    pub fn create_request(&self, kind: Kind, metadata: Option<Value>) -> RequestBuilder {
        self.request(kind, Method::POST, Self::collection(kind))
            .json(&self.new_body(kind, metadata))
    }

    /// Creates one with this metadata: its JSON.
    pub async fn create(&self, kind: Kind, metadata: Value) -> Value {
        let reply = self.create_request(kind, Some(metadata)).reply().await;
        let status = if matches!(kind, Kind::AppUser) {
            201
        } else {
            200
        };
        reply.expect(status).json()
    }

    /// The path of one.
    pub fn path(kind: Kind, resource: &Value) -> String {
        format!(
            "{}/{}",
            Self::collection(kind),
            resource["id"].as_str().unwrap()
        )
    }

    /// The merging write of one (PATCH).
    pub fn patch(&self, kind: Kind, resource: &Value, metadata: Value) -> RequestBuilder {
        self.request(kind, Method::PATCH, &Self::path(kind, resource))
            .json(&json!({ "metadata": metadata }))
    }

    /// One, read again.
    pub async fn get(&self, kind: Kind, resource: &Value) -> Value {
        self.request(kind, Method::GET, &Self::path(kind, resource))
            .ok()
            .await
    }

    /// The list filtered by `query` (`metadata[k]=v&…`): the ids listed.
    pub async fn listed(&self, kind: Kind, query: &str) -> Vec<String> {
        let path = format!("{}?{query}", Self::collection(kind));
        let body = self.request(kind, Method::GET, &path).ok().await;
        let items = match kind {
            Kind::AppUser => body["data"].clone(),
            _ => body,
        };
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The list request filtered by `query`.
    pub fn list_request(&self, kind: Kind, query: &str) -> RequestBuilder {
        let path = format!("{}?{query}", Self::collection(kind));
        self.request(kind, Method::GET, &path)
    }
}

/// The id of a resource's JSON.
pub(crate) fn id(resource: &Value) -> String {
    resource["id"].as_str().unwrap().to_owned()
}
