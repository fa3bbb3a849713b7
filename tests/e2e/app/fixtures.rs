//! Helpers shared by the project, member and artifact tests.

use reqwest::{Method, RequestBuilder};
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

/// A user of the test org with an API token.
pub(crate) struct Person {
    pub id: String,
    pub token: String,
}

impl Person {
    /// A request as this person in the test org.
    pub fn req(&self, app: &TestApp, method: Method, path: &str) -> RequestBuilder {
        app.as_user(&self.token, &app.admin.org_slug, method, path)
    }
}

/// A new user of the test org (`AppMember` or `AppAdmin`) with a token.
pub(crate) async fn person(app: &TestApp, email: &str, role: &str) -> Person {
    let (user, token) = app.user_with_token(email, role).await;
    Person {
        id: user["id"].as_str().unwrap().to_owned(),
        token,
    }
}

/// Creates a project as `token` in the test org; returns its JSON.
pub(crate) async fn create_project_as(app: &TestApp, token: &str, body: Value) -> Value {
    app.as_user(
        token,
        &app.admin.org_slug,
        Method::POST,
        "/api/v1/app/project",
    )
    .json(&body)
    .created()
    .await
}

/// Creates a project as the admin; returns its id.
pub(crate) async fn admin_project(app: &TestApp, name: &str, visibility: &str) -> String {
    let project = create_project_as(
        app,
        &app.admin.token,
        json!({"name": name, "visibility": visibility}),
    )
    .await;
    project["id"].as_str().unwrap().to_owned()
}

/// Adds a member as the admin.
pub(crate) async fn add_member(app: &TestApp, project: &str, user: &str, role: &str) {
    app.admin(
        Method::POST,
        &format!("/api/v1/app/project/{project}/member"),
    )
    .json(&json!({"user_id": user, "role": role}))
    .created()
    .await;
}

pub(crate) fn ids(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}
