//! Project members: add, list, change role, remove; Owners (and AppAdmins) manage them,
//! a project keeps at least one Owner, and `member_count` stays right under concurrency.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::Value;

mod add;
mod concurrency;
mod owners;

pub(super) fn member_path(project: &str) -> String {
    format!("/api/v1/app/project/{project}/member")
}

pub(super) async fn project_json(app: &TestApp, project: &str) -> Value {
    app.admin(Method::GET, &format!("/api/v1/app/project/{project}"))
        .ok()
        .await
}

/// The number of member rows of a project, counted by the database itself.
pub(super) async fn counted_members(app: &TestApp, project: &str) -> i64 {
    app.sql_count(&format!(
        "SELECT count(*) AS n FROM project_members WHERE project_id = '{project}'"
    ))
    .await
}
