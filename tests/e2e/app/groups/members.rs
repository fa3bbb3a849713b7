//! A group's members: adding (409 when already a member), listing by cursor and offset,
//! removing, and every way a request can be wrong.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{field_of, group_named, group_path, members_path};
use crate::app::fixtures::person;

#[tokio::test]
async fn admins_add_and_remove_members() {
    let app = TestApp::spawn().await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    let id = group_named(&app, "Eng").await;
    let before = app.admin(Method::GET, &group_path(&id)).ok().await;
    let (location, member) = app
        .admin(Method::POST, &members_path(&id))
        .json(&json!({"user_id": sasha.id}))
        .created_at()
        .await;
    assert_eq!(location, format!("{}/{}", members_path(&id), sasha.id));
    assert_eq!(member["group_id"], id.as_str());
    assert_eq!(member["user_id"], sasha.id.as_str());
    assert_eq!(member["name"], "User sasha@acme.test");
    assert_eq!(member["email"], "sasha@acme.test");
    assert!(member["created_at"].as_str().unwrap().ends_with('Z'));
    let after = app.admin(Method::GET, &group_path(&id)).ok().await;
    assert!(
        after["updated_at"].as_str() >= before["updated_at"].as_str(),
        "{before} {after}"
    );

    // Adding again is a 409 (decided by the database), and changes nothing.
    let body = app
        .admin(Method::POST, &members_path(&id))
        .json(&json!({"user_id": sasha.id}))
        .problem(409, "already_member")
        .await;
    assert_eq!(body["errors"][0]["field"], "user_id", "{body}");
    let list = app.admin(Method::GET, &members_path(&id)).ok().await;
    assert_eq!(list["total_count"], 1);
    assert_eq!(list["data"][0], member);

    let member_path = format!("{}/{}", members_path(&id), sasha.id);
    app.admin(Method::DELETE, &member_path).no_content().await;
    app.admin(Method::DELETE, &member_path)
        .problem(404, "member_not_found")
        .await;
    let list = app.admin(Method::GET, &members_path(&id)).ok().await;
    assert_eq!(list["total_count"], 0);
    // The user stays in the org.
    app.admin(Method::GET, &format!("/api/v1/app/user/{}", sasha.id))
        .ok()
        .await;
}

#[tokio::test]
async fn members_page_in_the_order_they_joined() {
    let app = TestApp::spawn().await;
    let id = group_named(&app, "Eng").await;
    let mut users = Vec::new();
    for i in 0..5 {
        let user = app
            .create_user(&format!("u{i}@acme.test"), "AppMember")
            .await;
        let user_id = user["id"].as_str().unwrap().to_owned();
        app.admin(Method::POST, &members_path(&id))
            .json(&json!({"user_id": user_id}))
            .created()
            .await;
        users.push(user_id);
    }
    let first = app
        .admin(Method::GET, &format!("{}?first=3", members_path(&id)))
        .ok()
        .await;
    assert_eq!(field_of(&first, "user_id"), users[..3]);
    assert_eq!(first["total_count"], 5);
    assert_eq!(first["has_next_page"], true);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = app
        .admin(
            Method::GET,
            &format!("{}?first=3&after={cursor}", members_path(&id)),
        )
        .ok()
        .await;
    assert_eq!(field_of(&rest, "user_id"), users[3..]);
    assert_eq!(rest["has_next_page"], false);
    assert_eq!(rest["has_previous_page"], true);
    let page = app
        .admin(
            Method::GET,
            &format!("{}?page=2&page_size=2", members_path(&id)),
        )
        .ok()
        .await;
    assert_eq!(field_of(&page, "user_id"), users[2..4]);
    app.admin(Method::GET, &format!("{}?page_size=101", members_path(&id)))
        .problem(400, "validation_failed")
        .await;
}

#[tokio::test]
async fn unknown_foreign_and_malformed_ids_are_404_and_bad_bodies_400() {
    let app = TestApp::spawn().await;
    let id = group_named(&app, "Eng").await;
    let globex = app.bootstrap("globex", "admin@globex.test").await;
    let foreign_group = app
        .as_user(
            &globex.token,
            &globex.org_slug,
            Method::POST,
            "/api/v1/app/groups",
        )
        .json(&json!({"display_name": "Theirs"}))
        .created()
        .await;
    let foreign_group = foreign_group["id"].as_str().unwrap();
    for user in [
        globex.user_id.as_str(),
        "user_0000000000000000",
        "not-a-user-id",
        "grp_4b7c2a1d9e5f3c8b",
    ] {
        app.admin(Method::POST, &members_path(&id))
            .json(&json!({"user_id": user}))
            .problem(404, "user_not_found")
            .await;
        app.admin(Method::DELETE, &format!("{}/{user}", members_path(&id)))
            .status(404)
            .await;
    }
    for group in [foreign_group, "grp_0000000000000000", "grp_x"] {
        app.admin(Method::POST, &members_path(group))
            .json(&json!({"user_id": app.admin.user_id}))
            .problem(404, "group_not_found")
            .await;
        app.admin(Method::GET, &members_path(group))
            .problem(404, "group_not_found")
            .await;
        app.admin(
            Method::DELETE,
            &format!("{}/{}", members_path(group), app.admin.user_id),
        )
        .problem(404, "group_not_found")
        .await;
    }
    let post = |body: &str| {
        app.admin(Method::POST, &members_path(&id))
            .header("content-type", "application/json")
            .body(body.to_owned())
    };
    post("{\"user_id\": ").problem(400, "invalid_json").await;
    for body in [
        "{}",
        "[]",
        "{\"user_id\": 5}",
        "{\"user_id\": null}",
        "{\"user_id\": [\"user_0000000000000000\"]}",
        "{\"user_id\": \"user_0000000000000000\", \"role\": \"Owner\"}",
    ] {
        post(body).problem(400, "validation_failed").await;
    }
    let long = format!("{{\"user_id\": \"{}\"}}", "u".repeat(65));
    let body = post(&long).problem(400, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "user_id", "{body}");
    let list = app.admin(Method::GET, &members_path(&id)).ok().await;
    assert_eq!(list["total_count"], 0);
}

#[tokio::test]
async fn concurrent_adds_of_one_user_make_one_member() {
    let app = TestApp::spawn().await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    let id = group_named(&app, "Eng").await;
    let add = || {
        app.admin(Method::POST, &members_path(&id))
            .json(&json!({"user_id": sasha.id}))
            .send()
    };
    let (a, b) = tokio::join!(add(), add());
    let mut statuses = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
    let n = app
        .sql_count("SELECT count(*) AS n FROM org_group_members")
        .await;
    assert_eq!(n, 1);
}
