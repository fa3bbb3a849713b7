//! Groups in the console: created, members added (from the group and from a user's page)
//! and removed, each seen through the API; and the refusals of every new admin page
//! (an AppMember, a POST without its CSRF token).

use reqwest::Method;
use roster_e2e::{Expect, TestApp, Workspace};

use super::{csrf_of, href, Browser};

/// The members of a group, as the API lists them (user ids).
async fn api_members(app: &TestApp, group: &str) -> Vec<String> {
    let page = app
        .admin(Method::GET, &format!("/api/v1/app/groups/{group}/members"))
        .ok()
        .await;
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_admin_creates_a_group_adds_and_removes_members() {
    let app = TestApp::spawn().await;
    let browser = Browser::boss(&app).await;
    let zoe = app.create_user("zoe@acme.test", "AppMember").await;
    let zoe = zoe["id"].as_str().unwrap();
    let max = app.create_user("max@acme.test", "AppMember").await;
    let max = max["id"].as_str().unwrap();

    let created = browser
        .submit(
            "/console/groups",
            "/console/groups",
            &[("display_name", "Engineering"), ("external_id", "")],
        )
        .await
        .expect(303);
    let page = created.header("location").unwrap().to_owned();
    let group = page.trim_start_matches("/console/groups/").to_owned();
    let api = app
        .admin(Method::GET, &format!("/api/v1/app/groups/{group}"))
        .ok()
        .await;
    assert_eq!(api["display_name"], "Engineering");
    assert!(api["external_id"].is_null(), "a blank field is none: {api}");
    // The same name again is the API's conflict, on a page.
    let taken = browser
        .submit(
            "/console/groups",
            "/console/groups",
            &[("display_name", "ENGINEERING")],
        )
        .await
        .expect(409);
    assert!(taken.text.contains("group_name_taken"), "{taken}");

    // From the group's page, by user id.
    browser
        .submit(&page, &format!("{page}/members"), &[("user_id", zoe)])
        .await
        .expect(303);
    // From the user's page, by choosing the group.
    let user_page = format!("/console/users/{max}");
    let html = browser.page(&user_page).await;
    assert!(
        html.contains("<label for=\"join\">Add to group</label>"),
        "{html}"
    );
    let added = browser
        .submit(
            &user_page,
            &format!("{user_page}/groups"),
            &[("group_id", &group)],
        )
        .await
        .expect(303);
    assert_eq!(added.header("location"), Some(user_page.as_str()));
    assert_eq!(api_members(&app, &group).await, vec![zoe, max]);
    let shown = browser.page(&user_page).await;
    assert!(
        shown.contains(&format!(
            "<a href=\"/console/groups/{group}\">Engineering</a>"
        )),
        "{shown}"
    );
    // Twice is the API's 409.
    let again = browser
        .submit(&page, &format!("{page}/members"), &[("user_id", zoe)])
        .await
        .expect(409);
    assert!(again.text.contains("already_member"), "{again}");
    // A malformed user id is the API's 404, as an unknown one.
    let bad = browser
        .submit(&page, &format!("{page}/members"), &[("user_id", "zoe")])
        .await
        .expect(404);
    assert!(bad.text.contains("user_not_found"), "{bad}");

    let html = browser.page(&page).await;
    assert!(html.contains("<strong id=\"total\">2</strong>"), "{html}");
    assert!(html.contains("zoe@acme.test") && html.contains("max@acme.test"));
    browser
        .submit(&page, &format!("{page}/members/{zoe}/remove"), &[])
        .await
        .expect(303);
    assert_eq!(api_members(&app, &group).await, vec![max]);
    // Removed twice: the API's 404.
    browser
        .submit(&page, &format!("{page}/members/{zoe}/remove"), &[])
        .await
        .expect(404);

    // The list finds it by search, and the events are the API's.
    let list = browser.page("/console/groups?search=engin").await;
    assert!(list.contains("<strong id=\"total\">1</strong>"), "{list}");
    assert_eq!(href(&list, "/console/groups/grp_"), page);
    let none = browser.page("/console/groups?search=sales").await;
    assert!(none.contains("<strong id=\"total\">0</strong>"), "{none}");
    let events = app
        .admin(
            Method::GET,
            &format!("/api/v1/app/audit-events?type=group.*&target_id={group}"),
        )
        .ok()
        .await;
    let kinds: Vec<&str> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 4, "created, two added, one removed: {kinds:?}");
}

#[tokio::test]
async fn groups_page_through_cursor_pages() {
    let app = TestApp::spawn().await;
    let browser = Browser::boss(&app).await;
    for i in 0..22 {
        app.admin(Method::POST, "/api/v1/app/groups")
            .json(&serde_json::json!({"display_name": format!("Team {i:02}")}))
            .created()
            .await;
    }
    let first = browser.page("/console/groups").await;
    assert!(
        first.contains("<strong id=\"total\">22</strong>"),
        "{first}"
    );
    let next = href(&first, "/console/groups?after=");
    let second = browser.page(&next).await;
    assert!(second.contains("Team 21") && !second.contains("Team 00"));
    assert!(second.contains("rel=\"prev\"") && !second.contains("rel=\"next\""));
}

/// A group ("Ops") and a workspace of the admin's org.
async fn group_and_workspace(app: &TestApp) -> (String, Workspace) {
    let group = app
        .admin(Method::POST, "/api/v1/app/groups")
        .json(&serde_json::json!({"display_name": "Ops"}))
        .created()
        .await;
    let id = group["id"].as_str().unwrap().to_owned();
    (id, app.workspace().await)
}

/// Every admin page added with groups, SCIM, external users and Slack.
const ADMIN_PAGES: [&str; 4] = [
    "/console/groups",
    "/console/scim",
    "/console/workspaces",
    "/console/slack",
];

#[tokio::test]
async fn an_app_member_gets_the_403_page_on_every_new_page_and_form() {
    let app = TestApp::spawn().await;
    let (group, workspace) = group_and_workspace(&app).await;
    let group = group.as_str();
    let browser = Browser::signed_in(&app, "member@acme.test", "AppMember").await;
    let own = browser.page("/console/tokens").await;
    assert!(
        !own.contains("href=\"/console/groups\""),
        "no admin links: {own}"
    );
    let ws = &workspace.id;
    let pages = ADMIN_PAGES.iter().map(|p| p.to_string()).chain([
        format!("/console/groups/{group}"),
        format!("/console/workspaces/{ws}"),
        format!("/console/workspaces/{ws}/users"),
        "/console/slack/T0AAAAAAA".to_owned(),
    ]);
    for path in pages {
        let reply = browser.get(&path).status(403).await;
        assert!(
            reply.text.contains("<h1>Not allowed</h1>"),
            "{path}: {reply}"
        );
        assert!(reply.text.contains("Your profile"), "{path}: in the frame");
    }
    let token = csrf_of(&own);
    let me = app.admin.user_id.clone();
    for (path, field) in [
        ("/console/groups".to_owned(), ("display_name", "Mine")),
        (
            format!("/console/groups/{group}/members"),
            ("user_id", me.as_str()),
        ),
        (format!("/console/users/{me}/groups"), ("group_id", group)),
        ("/console/scim".to_owned(), ("name", "Okta")),
        ("/console/workspaces".to_owned(), ("name", "Mine")),
        (format!("/console/workspaces/{ws}/keys"), ("name", "Mine")),
        (format!("/console/workspaces/{ws}/tiers"), ("name", "Mine")),
    ] {
        browser
            .post(&path, &[("csrf", token.as_str()), field])
            .status(403)
            .await;
    }
    assert!(
        app.admin(Method::GET, &format!("/api/v1/app/groups/{group}/members"))
            .ok()
            .await["data"]
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing was added"
    );
}

#[tokio::test]
async fn every_new_form_refuses_a_post_without_its_csrf_token() {
    let app = TestApp::spawn().await;
    let (group, workspace) = group_and_workspace(&app).await;
    let group = group.as_str();
    let ws = &workspace.id;
    let browser = Browser::boss(&app).await;
    let me = app.admin.user_id.clone();
    for path in [
        "/console/groups".to_owned(),
        format!("/console/groups/{group}/members"),
        format!("/console/groups/{group}/members/{me}/remove"),
        format!("/console/users/{me}/groups"),
        "/console/scim".to_owned(),
        "/console/scim/scimtok_0000000000000000/revoke".to_owned(),
        "/console/workspaces".to_owned(),
        format!("/console/workspaces/{ws}/keys"),
        format!("/console/workspaces/{ws}/keys/{ws}/revoke"),
        format!("/console/workspaces/{ws}/channels"),
        "/console/slack/T0AAAAAAA/links/U0AAAAAAA/unlink".to_owned(),
    ] {
        let fields = [
            ("display_name", "X"),
            ("name", "X"),
            ("user_id", me.as_str()),
            ("group_id", group),
        ];
        let reply = browser.post(&path, &fields).status(403).await;
        assert!(reply.text.contains("csrf_failed"), "{path}: {reply}");
    }
    let groups = app.admin(Method::GET, "/api/v1/app/groups").ok().await;
    assert_eq!(groups["total_count"], 1, "{groups}");
    let scim = app.admin(Method::GET, "/api/v1/app/scim-tokens").ok().await;
    assert_eq!(scim["total_count"], 0, "{scim}");
}
