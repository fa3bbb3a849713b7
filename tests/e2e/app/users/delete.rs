//! Deleting a user from the org: what goes with it, what stays, who may, and the last
//! AppAdmin rule under concurrency.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::user_page;
use crate::app::fixtures::person;
use crate::events::all_events;

fn user_path(id: &str) -> String {
    format!("/api/v1/app/user/{id}")
}

/// Rows of `table` naming `user_id` in its `user_id` column.
async fn rows_of(app: &TestApp, table: &str, user_id: &str) -> i64 {
    app.sql_count(&format!(
        "SELECT count(*) AS n FROM {table} WHERE user_id = '{user_id}'"
    ))
    .await
}

#[tokio::test]
async fn a_deleted_user_takes_its_memberships_links_and_personal_data_with_it() {
    let app = TestApp::spawn().await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    let lee = person(&app, "lee@acme.test", "AppMember").await;
    // Its own project (it is the Owner), and the admin's project it is a member of.
    let own = sasha
        .req(&app, Method::POST, "/api/v1/app/project")
        .json(&json!({"name": "Sasha's", "visibility": "Org"}))
        .created()
        .await;
    let own = own["id"].as_str().unwrap();
    let shared = app
        .admin(Method::POST, "/api/v1/app/project")
        .json(&json!({"name": "Shared"}))
        .created()
        .await;
    let shared = shared["id"].as_str().unwrap();
    app.admin(
        Method::POST,
        &format!("/api/v1/app/project/{shared}/member"),
    )
    .json(&json!({"user_id": sasha.id, "role": "Editor"}))
    .created()
    .await;
    sasha
        .req(
            &app,
            Method::POST,
            &format!("/api/v1/app/project/{shared}/pin"),
        )
        .ok()
        .await;
    let group = app
        .admin(Method::POST, "/api/v1/app/groups")
        .json(&json!({"display_name": "Eng", "members": [sasha.id, lee.id]}))
        .created()
        .await;
    let group = group["id"].as_str().unwrap();
    sasha
        .req(&app, Method::POST, "/api/v1/app/user/integrations")
        .json(&json!({"type": "Jira"}))
        .created()
        .await;
    // A Slack link, straight in the database (the Slack family's tests make real ones).
    let org = &app.admin.org_id;
    for statement in [
        format!("INSERT INTO slack_teams (team_id, org_id) VALUES ('T1', '{org}')"),
        format!(
            "INSERT INTO slack_workspaces (org_id, team_id, team_name) VALUES ('{org}', 'T1', 'Acme')"
        ),
        format!(
            "INSERT INTO slack_user_links (org_id, id, team_id, slack_user_id, user_id, slack_email) \
             VALUES ('{org}', 'link_1', 'T1', 'U1', '{}', 'sasha@acme.test')",
            sasha.id
        ),
    ] {
        app.sql(&statement).await;
    }
    assert_eq!(rows_of(&app, "slack_user_links", &sasha.id).await, 1);
    let before = user_page(&app, "").await["total_count"].as_i64().unwrap();

    app.admin(Method::DELETE, &user_path(&sasha.id))
        .no_content()
        .await;

    app.admin(Method::GET, &user_path(&sasha.id))
        .problem(404, "user_not_found")
        .await;
    app.admin(Method::DELETE, &user_path(&sasha.id))
        .problem(404, "user_not_found")
        .await;
    // Counters and search no longer hold it.
    assert_eq!(user_page(&app, "").await["total_count"], before - 1);
    for term in ["sasha", "sasha@acme.test", "acme"] {
        let page = user_page(&app, &format!("search={term}")).await;
        assert!(!page.to_string().contains(&sasha.id), "{term}: {page}");
    }
    assert_eq!(user_page(&app, "search=sasha").await["total_count"], 0);
    // Its memberships went; the projects and the group stay, their counts right.
    let shared_now = app
        .admin(Method::GET, &format!("/api/v1/app/project/{shared}"))
        .ok()
        .await;
    assert_eq!(shared_now["member_count"], 1, "{shared_now}");
    let own_now = app
        .admin(Method::GET, &format!("/api/v1/app/project/{own}"))
        .ok()
        .await;
    assert_eq!(own_now["member_count"], 0, "{own_now}");
    assert_eq!(
        own_now["created_by"],
        sasha.id.as_str(),
        "keeps the id only"
    );
    let members = app
        .admin(Method::GET, &format!("/api/v1/app/groups/{group}/members"))
        .ok()
        .await;
    assert_eq!(members["total_count"], 1);
    assert_eq!(members["data"][0]["user_id"], lee.id.as_str());
    for table in [
        "project_members",
        "project_pins",
        "org_group_members",
        "integrations",
        "slack_user_links",
    ] {
        assert_eq!(rows_of(&app, table, &sasha.id).await, 0, "{table}");
    }
    // Its account (in no other org) went, with its token.
    let accounts = app
        .sql_count("SELECT count(*) AS n FROM accounts WHERE lower(email) = 'sasha@acme.test'")
        .await;
    assert_eq!(accounts, 0);
    sasha
        .req(&app, Method::GET, "/api/v1/app/me")
        .problem(401, "unauthorized")
        .await;

    // Events keep its id only: `user.deleted` says nothing else, and what earlier events
    // said of it is erased.
    let events = all_events(&app, "").await;
    let deleted = events
        .iter()
        .find(|e| e["type"] == "user.deleted")
        .expect("user.deleted");
    assert_eq!(deleted["data"], json!({"id": sasha.id}));
    assert_eq!(deleted["target"], json!({"type": "user", "id": sasha.id}));
    let text = serde_json::to_string(&events).unwrap();
    assert!(!text.contains("sasha@acme.test"), "{text}");
    assert!(!text.contains("User sasha"), "{text}");
    let created = events
        .iter()
        .find(|e| e["type"] == "user.created" && e["target"]["id"] == sasha.id.as_str())
        .expect("user.created");
    assert_eq!(created["data"], json!({"id": sasha.id}));
    // Lee's data is untouched.
    assert!(text.contains("lee@acme.test"));
}

#[tokio::test]
async fn an_account_that_is_a_user_of_another_org_stays() {
    let app = TestApp::spawn().await;
    let globex = app.bootstrap("globex", "admin@globex.test").await;
    let sasha = person(&app, "sasha@acme.test", "AppMember").await;
    app.as_user(
        &globex.token,
        &globex.org_slug,
        Method::POST,
        "/api/v1/app/user",
    )
    .json(&json!({"role": "AppMember", "user_info": {"email": "sasha@acme.test", "name": "Sasha"}}))
    .created()
    .await;
    app.admin(Method::DELETE, &user_path(&sasha.id))
        .no_content()
        .await;
    let me = app
        .as_user(
            &sasha.token,
            &globex.org_slug,
            Method::GET,
            "/api/v1/app/me",
        )
        .ok()
        .await;
    assert_eq!(me["email"], "sasha@acme.test");
    sasha
        .req(&app, Method::GET, "/api/v1/app/me")
        .problem(403, "not_a_member")
        .await;
    // The other org's events about it are its own.
    let theirs = app
        .sql_count(&format!(
            "SELECT count(*) AS n FROM events WHERE org_id = '{}' AND data::text LIKE '%sasha@acme.test%'",
            globex.org_id
        ))
        .await;
    assert_eq!(theirs, 1);
}

#[tokio::test]
async fn only_admins_delete_and_the_last_admin_stays() {
    let app = TestApp::spawn().await;
    let member = person(&app, "member@acme.test", "AppMember").await;
    let other = person(&app, "other@acme.test", "AppMember").await;
    member
        .req(&app, Method::DELETE, &user_path(&other.id))
        .problem(403, "admin_required")
        .await;
    member
        .req(&app, Method::DELETE, &user_path(&member.id))
        .problem(403, "admin_required")
        .await;
    app.admin(Method::DELETE, &user_path(&app.admin.user_id))
        .problem(409, "last_admin")
        .await;
    app.admin(Method::GET, "/api/v1/app/me").ok().await;
    // Unknown, malformed and another org's ids are 404.
    let globex = app.bootstrap("globex", "admin@globex.test").await;
    for id in [
        globex.user_id.as_str(),
        "user_0000000000000000",
        "nope",
        "grp_0000000000000000",
    ] {
        app.admin(Method::DELETE, &user_path(id))
            .problem(404, "user_not_found")
            .await;
    }
    app.as_user(
        &globex.token,
        &globex.org_slug,
        Method::GET,
        "/api/v1/app/me",
    )
    .ok()
    .await;
    // An AppAdmin goes while another active one stays.
    let second = person(&app, "second@acme.test", "AppAdmin").await;
    app.admin(Method::DELETE, &user_path(&second.id))
        .no_content()
        .await;
    app.admin(Method::GET, &user_path(&other.id)).ok().await;
}

#[tokio::test]
async fn two_last_admins_deleting_each_other_at_once_leave_one() {
    let app = TestApp::spawn().await;
    let second = person(&app, "second@acme.test", "AppAdmin").await;
    let first_deletes_second = app.admin(Method::DELETE, &user_path(&second.id)).send();
    let second_deletes_first = second
        .req(&app, Method::DELETE, &user_path(&app.admin.user_id))
        .send();
    let (a, b) = tokio::join!(first_deletes_second, second_deletes_first);
    let mut statuses = [a.unwrap().status().as_u16(), b.unwrap().status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses[0], 204, "{statuses:?}");
    assert!(
        [401, 403, 409].contains(&statuses[1]),
        "the other is refused: {statuses:?}"
    );
    let admins = app
        .sql_count(&format!(
            "SELECT count(*) AS n FROM users WHERE org_id = '{}' AND role = 'AppAdmin' AND state = 'Active'",
            app.admin.org_id
        ))
        .await;
    assert_eq!(admins, 1);
}
