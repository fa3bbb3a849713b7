//! What the schema-driven fuzzing (`cargo xtask fuzz`) found, pinned so that it stays
//! fixed: each test failed before its fix.

use reqwest::{Method, RequestBuilder};
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

/// Asserts a 400 `validation_failed` naming `field`.
async fn refused(req: RequestBuilder, field: &str) {
    let body = req.problem(400, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], field, "body: {body}");
}

#[tokio::test]
async fn a_nul_character_in_a_query_parameter_is_400_naming_it() {
    // PostgreSQL refuses NUL in text: these reached a query and answered 500.
    let app = TestApp::spawn().await;
    refused(
        app.admin(Method::GET, "/api/v1/app/user?search=a%00b"),
        "search",
    )
    .await;
    refused(
        app.admin(Method::GET, "/work-apps/slack/workspaces?tenantId=acme%00"),
        "tenantId",
    )
    .await;
    let workspace = app.workspace().await;
    for path in [
        "/api/v1/external-users?search=%00",
        "/api/v1/external-user-groups?search=a%00",
        "/api/v1/external-user-groups?externalId=a%00b",
    ] {
        let field = path
            .split_once('?')
            .and_then(|(_, q)| q.split_once('='))
            .map(|(name, _)| name)
            .unwrap();
        refused(app.external(&workspace.api_key, Method::GET, path), field).await;
    }
}

#[tokio::test]
async fn a_nul_character_anywhere_in_a_json_body_is_400_naming_the_field() {
    let app = TestApp::spawn().await;
    // Sign-in looked the email up before validating it: 500.
    // On better-auth's wire, an email that is not one is INVALID_EMAIL.
    let body = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "admin\u{0}@acme.test", "password": "correct horse battery"}))
        .problem(400, "INVALID_EMAIL")
        .await;
    assert_eq!(body["errors"][0]["field"], "email", "{body}");
    // The Slack family resolved `tenantId` before validating the body: 500.
    refused(
        app.admin(Method::POST, "/work-apps/slack/workspaces")
            .json(&json!({"tenantId": "acme\u{0}", "teamId": "T0NUL", "teamName": "Nul"})),
        "tenantId",
    )
    .await;
    refused(
        app.admin(Method::POST, "/work-apps/slack/users/disconnect")
            .json(&json!({"tenantId": "\u{0}", "userId": app.admin.user_id})),
        "tenantId",
    )
    .await;
    // Nested fields are named by their path.
    refused(
        app.admin(Method::POST, "/api/v1/app/user").json(
            &json!({"role": "AppMember", "user_info": {"email": "x@acme.test", "name": "N\u{0}"}}),
        ),
        "user_info.name",
    )
    .await;
}

/// The schema a `$ref` points at in the document.
fn resolve<'a>(doc: &'a Value, reference: &Value) -> &'a Value {
    let name = reference
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .unwrap_or_else(|| panic!("not a schema ref: {reference}"));
    &doc["components"]["schemas"][name]
}

#[tokio::test]
async fn same_named_schemas_of_two_families_do_not_overwrite_each_other() {
    // The external family's `UserId` (a UUID) was documented as the App family's
    // `user_…` id, and the external `Workspace` as the Slack one: every external user and
    // workspace in a response broke its documented schema.
    let app = TestApp::spawn().await;
    let doc = app.anon(Method::GET, "/openapi.json").ok().await;
    let external_user = &doc["components"]["schemas"]["ExternalUser"];
    let id = resolve(&doc, &external_user["properties"]["id"]["$ref"]);
    assert_eq!(id["format"], "uuid", "{id}");
    let app_user_id = &doc["components"]["schemas"]["UserId"];
    assert!(app_user_id["pattern"]
        .as_str()
        .unwrap()
        .starts_with("^user_"));

    let workspace = &doc["components"]["schemas"]["Workspace"];
    assert!(workspace["properties"]["org_id"].is_object(), "{workspace}");
    let slack_workspace = &doc["components"]["schemas"]["SlackWorkspace"];
    assert!(
        slack_workspace["properties"]["teamId"].is_object(),
        "{slack_workspace}"
    );
    let listed = &doc["paths"]["/work-apps/slack/workspaces"]["post"]["responses"]["201"]
        ["content"]["application/json"]["schema"]["$ref"];
    assert_eq!(listed, "#/components/schemas/SlackWorkspace");
}

#[tokio::test]
async fn a_slack_user_name_with_control_characters_links_without_them() {
    // A signed slash command's `user_name` travelled in the link token into the
    // database, where a NUL made the redemption a 500.
    let slack = crate::slack::Slack::start().await;
    slack.register(crate::slack::TEAM, "Acme").await;
    let token = slack
        .link_token(crate::slack::TEAM, "U0NUL", "al\u{0}i\u{7}ce")
        .await;
    let body = slack
        .verify(
            &slack.app.admin.token,
            &token,
            &slack.app.admin.user_id,
            false,
        )
        .ok()
        .await;
    assert_eq!(body["slackUsername"], "alice");
}

#[tokio::test]
async fn a_json_body_that_is_not_an_object_is_400() {
    // An array was read as the struct's fields in order: `[null, null]` set the active
    // org to none and answered 200.
    let app = TestApp::spawn().await;
    for body in [
        json!([null, null]),
        json!(["default"]),
        json!("x"),
        json!(1),
    ] {
        // better-auth's wire names its validation errors so.
        let problem = app
            .admin(Method::POST, "/api/auth/organization/set-active")
            .json(&body)
            .problem(400, "VALIDATION_ERROR")
            .await;
        assert_eq!(problem["errors"][0]["field"], "body", "{problem}");
    }
    refused(
        app.admin(Method::POST, "/api/v1/app/project")
            .json(&json!(["Fuzz project"])),
        "body",
    )
    .await;
}
