//! Project members: changing roles and removing members, with at least one Owner kept.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{counted_members, member_path, project_json};
use crate::app::fixtures::{add_member, admin_project, create_project_as, person};

#[tokio::test]
async fn a_project_keeps_at_least_one_owner() {
    let app = TestApp::spawn().await;
    let owner = person(&app, "owner@acme.test", "AppMember").await;
    let second = person(&app, "second@acme.test", "AppMember").await;
    let project = create_project_as(&app, &owner.token, json!({"name": "P"})).await;
    let id = project["id"].as_str().unwrap();
    let owner_path = format!("{}/{}", member_path(id), owner.id);
    let second_path = format!("{}/{}", member_path(id), second.id);

    let body = owner
        .req(&app, Method::PUT, &owner_path)
        .json(&json!({"role": "Editor"}))
        .problem(409, "last_owner")
        .await;
    assert!(body["detail"].as_str().unwrap().contains("Owner"), "{body}");
    app.admin(Method::DELETE, &owner_path)
        .problem(409, "last_owner")
        .await;
    // Owner to Owner is no demotion.
    let m = owner
        .req(&app, Method::PUT, &owner_path)
        .json(&json!({"role": "Owner"}))
        .ok()
        .await;
    assert_eq!(m["role"], "Owner");

    add_member(&app, id, &second.id, "Viewer").await;
    let m = owner
        .req(&app, Method::PUT, &second_path)
        .json(&json!({"role": "Owner"}))
        .ok()
        .await;
    assert_eq!(m["role"], "Owner", "{m}");
    // With two Owners, one may step down, after which the other is the last.
    let m = owner
        .req(&app, Method::PUT, &owner_path)
        .json(&json!({"role": "Viewer"}))
        .ok()
        .await;
    assert_eq!(m["role"], "Viewer", "{m}");
    second
        .req(&app, Method::DELETE, &second_path)
        .problem(409, "last_owner")
        .await;
    // The demoted owner lost the right to manage members.
    owner
        .req(&app, Method::PUT, &second_path)
        .json(&json!({"role": "Viewer"}))
        .problem(403, "project_owner_required")
        .await;
    second
        .req(&app, Method::DELETE, &owner_path)
        .no_content()
        .await;
    assert_eq!(project_json(&app, id).await["member_count"], 1);
    assert_eq!(counted_members(&app, id).await, 1);
}

#[tokio::test]
async fn changing_or_removing_a_non_member_is_404_and_bad_roles_are_400() {
    let app = TestApp::spawn().await;
    let stranger = person(&app, "stranger@acme.test", "AppMember").await;
    let project = admin_project(&app, "P", "Private").await;
    let path = format!("{}/{}", member_path(&project), stranger.id);
    app.admin(Method::PUT, &path)
        .json(&json!({"role": "Editor"}))
        .problem(404, "member_not_found")
        .await;
    app.admin(Method::DELETE, &path)
        .problem(404, "member_not_found")
        .await;
    for bad in ["user_0000000000000000", "oops"] {
        let code = if bad == "oops" {
            "user_not_found"
        } else {
            "member_not_found"
        };
        app.admin(Method::DELETE, &format!("{}/{bad}", member_path(&project)))
            .problem(404, code)
            .await;
    }
    let self_path = format!("{}/{}", member_path(&project), app.admin.user_id);
    let body = app
        .admin(Method::PUT, &self_path)
        .json(&json!({"role": "Boss"}))
        .problem(400, "validation_failed")
        .await;
    assert_eq!(body["errors"][0]["field"], "role");
    assert!(
        body["detail"].as_str().unwrap().contains("Editor"),
        "{body}"
    );
    app.admin(Method::PUT, &self_path)
        .json(&json!({}))
        .problem(400, "validation_failed")
        .await;
    app.admin(Method::GET, &self_path)
        .problem(405, "method_not_allowed")
        .await;
    assert_eq!(project_json(&app, &project).await["member_count"], 1);
}

#[tokio::test]
async fn removing_members_lowers_the_count_and_hides_private_projects_again() {
    let app = TestApp::spawn().await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    let project = admin_project(&app, "P", "Private").await;
    add_member(&app, &project, &sasha.id, "Editor").await;
    assert_eq!(project_json(&app, &project).await["member_count"], 2);
    app.admin(
        Method::DELETE,
        &format!("{}/{}", member_path(&project), sasha.id),
    )
    .no_content()
    .await;
    assert_eq!(project_json(&app, &project).await["member_count"], 1);
    sasha
        .req(&app, Method::GET, &format!("/api/v1/app/project/{project}"))
        .problem(404, "project_not_found")
        .await;
}
