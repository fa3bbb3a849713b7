//! Each group write is one event in its transaction; a refused write none.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{group_path, members_path, GROUPS};
use crate::events::{all_events, types};

#[tokio::test]
async fn each_group_write_is_one_event_about_the_group() {
    let app = TestApp::spawn().await;
    let user = app.create_user("sam@acme.test", "AppMember").await;
    let user_id = user["id"].as_str().unwrap();
    let created = app
        .admin(Method::POST, GROUPS)
        .json(&json!({"display_name": "Eng"}))
        .created()
        .await;
    let id = created["id"].as_str().unwrap();
    let updated = app
        .admin(Method::PATCH, &group_path(id))
        .json(&json!({"external_id": "x1"}))
        .ok()
        .await;
    let added = app
        .admin(Method::POST, &members_path(id))
        .json(&json!({"user_id": user_id}))
        .created()
        .await;
    // Refused writes: no events.
    app.admin(Method::POST, &members_path(id))
        .json(&json!({"user_id": user_id}))
        .problem(409, "already_member")
        .await;
    app.admin(Method::POST, GROUPS)
        .json(&json!({"display_name": "eng"}))
        .problem(409, "group_name_taken")
        .await;
    app.admin(Method::DELETE, &format!("{}/{user_id}", members_path(id)))
        .no_content()
        .await;
    app.admin(Method::DELETE, &group_path(id))
        .no_content()
        .await;

    let events = all_events(&app, "type=group.*").await;
    assert_eq!(
        types(&json!({"data": events})),
        [
            "group.deleted",
            "group.member_removed",
            "group.member_added",
            "group.updated",
            "group.created"
        ]
    );
    assert!(events
        .iter()
        .all(|e| e["target"] == json!({"type": "group", "id": id})));
    assert!(events
        .iter()
        .all(|e| e["actor"] == json!({"type": "user", "id": app.admin.user_id})));
    assert_eq!(events[4]["data"], created);
    assert_eq!(events[3]["data"], updated);
    assert_eq!(events[2]["data"], added);
    assert_eq!(
        events[1]["data"],
        json!({"group_id": id, "user_id": user_id})
    );
    assert_eq!(events[0]["data"], json!({"id": id}));

    // A create with members: the group, then one event per member.
    let group = app
        .admin(Method::POST, GROUPS)
        .json(&json!({"display_name": "Sales", "members": [user_id, app.admin.user_id]}))
        .created()
        .await;
    let events = all_events(&app, "type=group.*").await;
    assert_eq!(
        types(&json!({"data": events[..3]})),
        ["group.member_added", "group.member_added", "group.created"]
    );
    assert_eq!(events[2]["data"], group);
}
