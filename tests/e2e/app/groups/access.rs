//! Who may read and write groups: every active user of the org reads, AppAdmins write,
//! another org's groups do not exist.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{create_group, group_path, members_path, GROUPS};
use crate::app::fixtures::person;

#[tokio::test]
async fn members_read_and_only_admins_write() {
    let app = TestApp::spawn().await;
    let member = person(&app, "member@acme.test", "AppMember").await;
    let second_admin = person(&app, "admin2@acme.test", "AppAdmin").await;
    let group = create_group(&app, json!({"display_name": "Eng", "members": [member.id]})).await;
    let id = group["id"].as_str().unwrap();

    let list = member.req(&app, Method::GET, GROUPS).ok().await;
    assert_eq!(list["total_count"], 1);
    member.req(&app, Method::GET, &group_path(id)).ok().await;
    member.req(&app, Method::GET, &members_path(id)).ok().await;

    let refused = [
        member
            .req(&app, Method::POST, GROUPS)
            .json(&json!({"display_name": "Mine"})),
        member
            .req(&app, Method::PATCH, &group_path(id))
            .json(&json!({"display_name": "Mine"})),
        member.req(&app, Method::DELETE, &group_path(id)),
        member
            .req(&app, Method::POST, &members_path(id))
            .json(&json!({"user_id": member.id})),
        member.req(
            &app,
            Method::DELETE,
            &format!("{}/{}", members_path(id), member.id),
        ),
    ];
    for req in refused {
        req.problem(403, "admin_required").await;
    }
    let unchanged = app.admin(Method::GET, &group_path(id)).ok().await;
    assert_eq!(unchanged, group);
    assert_eq!(
        app.admin(Method::GET, &members_path(id)).ok().await["total_count"],
        1
    );

    // Any AppAdmin of the org writes.
    second_admin
        .req(&app, Method::PATCH, &group_path(id))
        .json(&json!({"display_name": "Engineering"}))
        .ok()
        .await;

    // An inactive user reads nothing; no credential is a 401.
    app.admin(
        Method::POST,
        &format!("/api/v1/app/user/{}/deactivate", member.id),
    )
    .ok()
    .await;
    member
        .req(&app, Method::GET, GROUPS)
        .problem(403, "user_inactive")
        .await;
    app.anon(Method::GET, GROUPS)
        .problem(401, "unauthorized")
        .await;
}

#[tokio::test]
async fn another_orgs_groups_are_404() {
    let app = TestApp::spawn().await;
    let ours = create_group(&app, json!({"display_name": "Eng"})).await;
    let globex = app.bootstrap("globex", "admin@globex.test").await;
    let as_globex =
        |method: Method, path: &str| app.as_user(&globex.token, &globex.org_slug, method, path);
    let id = ours["id"].as_str().unwrap();
    as_globex(Method::GET, &group_path(id))
        .problem(404, "group_not_found")
        .await;
    as_globex(Method::PATCH, &group_path(id))
        .json(&json!({"display_name": "Stolen"}))
        .problem(404, "group_not_found")
        .await;
    as_globex(Method::DELETE, &group_path(id))
        .problem(404, "group_not_found")
        .await;
    as_globex(Method::GET, &members_path(id))
        .problem(404, "group_not_found")
        .await;
    as_globex(Method::POST, &members_path(id))
        .json(&json!({"user_id": globex.user_id}))
        .problem(404, "group_not_found")
        .await;
    let theirs = as_globex(Method::GET, GROUPS).ok().await;
    assert_eq!(theirs["total_count"], 0, "{theirs}");
    // Our token in their org: not a member there.
    app.as_user(&app.admin.token, &globex.org_slug, Method::GET, GROUPS)
        .problem(403, "not_a_member")
        .await;
    assert_eq!(app.admin(Method::GET, &group_path(id)).ok().await, ours);
}
