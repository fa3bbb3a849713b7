//! Creating groups: the answer, the case-insensitive unique display name, members given at
//! once, and every way a body can be wrong.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{create_group, group_path, members_path, GROUPS};
use crate::app::fixtures::person;

#[tokio::test]
async fn an_admin_creates_a_group_and_reads_it_back() {
    let app = TestApp::spawn().await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    let (location, group) = app
        .admin(Method::POST, GROUPS)
        .json(
            &json!({"display_name": "  Engineering ", "external_id": "okta-123",
            "members": [sasha.id, sasha.id]}),
        )
        .created_at()
        .await;
    let id = group["id"].as_str().unwrap();
    assert!(id.starts_with("grp_") && id.len() == 20, "{group}");
    assert_eq!(location, group_path(id));
    assert_eq!(group["display_name"], "Engineering", "trimmed");
    assert_eq!(group["external_id"], "okta-123");
    assert_eq!(group["org_id"], app.admin.org_id.as_str());
    assert!(group["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(group["created_at"], group["updated_at"]);

    let got = sasha.req(&app, Method::GET, &group_path(id)).ok().await;
    assert_eq!(got, group);
    let members = sasha.req(&app, Method::GET, &members_path(id)).ok().await;
    assert_eq!(members["total_count"], 1, "the same user twice counts once");
    assert_eq!(members["data"][0]["user_id"], sasha.id.as_str());
    assert_eq!(members["data"][0]["email"], "sasha@acme.test");
    assert_eq!(members["data"][0]["group_id"], id);

    // Without external id or members.
    let bare = create_group(&app, json!({"display_name": "Sales"})).await;
    assert_eq!(bare["external_id"], serde_json::Value::Null);
}

#[tokio::test]
async fn display_names_are_unique_in_the_org_whatever_their_case() {
    let app = TestApp::spawn().await;
    create_group(&app, json!({"display_name": "Engineering"})).await;
    let body = app
        .admin(Method::POST, GROUPS)
        .json(&json!({"display_name": "ENGINEERING"}))
        .problem(409, "group_name_taken")
        .await;
    assert_eq!(body["errors"][0]["field"], "display_name", "{body}");
    // Another org may use the name.
    let globex = app.bootstrap("globex", "admin@globex.test").await;
    app.as_user(&globex.token, &globex.org_slug, Method::POST, GROUPS)
        .json(&json!({"display_name": "engineering"}))
        .created()
        .await;
    let list = app.admin(Method::GET, GROUPS).ok().await;
    assert_eq!(list["total_count"], 1);
}

#[tokio::test]
async fn bad_bodies_are_400_and_create_nothing() {
    let app = TestApp::spawn().await;
    for (body, field) in [
        (json!({"display_name": ""}), "display_name"),
        (json!({"display_name": "   "}), "display_name"),
        (json!({"display_name": "x".repeat(201)}), "display_name"),
        (json!({"display_name": "a\u{0007}b"}), "display_name"),
        (
            json!({"display_name": "G", "external_id": "e".repeat(256)}),
            "external_id",
        ),
        (
            json!({"display_name": "G", "members": vec!["user_0000000000000000"; 1001]}),
            "members",
        ),
        (
            json!({"display_name": "G", "members": ["u".repeat(65)]}),
            "members",
        ),
    ] {
        let problem = app
            .admin(Method::POST, GROUPS)
            .json(&body)
            .problem(400, "validation_failed")
            .await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    // Wrong types, unknown fields, a missing field, malformed JSON.
    for body in [
        json!({"display_name": 7}),
        json!({"display_name": "G", "external_id": 1}),
        json!({"display_name": "G", "members": "user_0000000000000000"}),
        json!({"display_name": "G", "members": [1]}),
        json!({"display_name": "G", "colour": "red"}),
        json!({}),
        json!([]),
    ] {
        app.admin(Method::POST, GROUPS)
            .json(&body)
            .problem(400, "validation_failed")
            .await;
    }
    app.admin(Method::POST, GROUPS)
        .header("content-type", "application/json")
        .body("{\"display_name\": ")
        .problem(400, "invalid_json")
        .await;
    // Members that are no user of the org: 404, and no group.
    let globex = app.bootstrap("globex", "admin@globex.test").await;
    for user in [globex.user_id.as_str(), "user_0000000000000000", "nope"] {
        app.admin(Method::POST, GROUPS)
            .json(&json!({"display_name": "G", "members": [app.admin.user_id, user]}))
            .problem(404, "user_not_found")
            .await;
    }
    let list = app.admin(Method::GET, GROUPS).ok().await;
    assert_eq!(list["total_count"], 0, "{list}");
    assert_eq!(
        app.sql_count("SELECT count(*) AS n FROM org_group_members")
            .await,
        0
    );
}
