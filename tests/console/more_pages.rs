//! The console's pages for groups, SCIM, external users and Slack in the browser: an
//! admin makes a group and adds a user to it from the user's page, creates a SCIM token
//! and a workspace API key (each shown once, each working), filters external users and
//! unlinks a Slack user; every page checked and written to `target/console/`.

use fantoccini::Locator;
use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use crate::driver::Browser;
use crate::PASSWORD;
use crate::{click_button, click_link, fill_and_click, pages, sign_in, value_of, wait_for_text};

/// Opens a console path and waits for its heading.
async fn open(b: &Browser, app: &TestApp, path: &str, h1: &str) {
    b.client.goto(&app.url(path)).await.unwrap();
    wait_for_text(b, &format!("<h1>{h1}</h1>")).await;
}

#[tokio::test]
async fn an_admin_manages_groups_scim_tokens_workspaces_and_slack_links() {
    let app = TestApp::spawn_public().await;
    app.person("boss@acme.test", PASSWORD, "AppAdmin").await;
    let zoe = app.create_user("zoe.quill@acme.test", "AppMember").await;
    let zoe = zoe["id"].as_str().unwrap().to_owned();
    let admin = app.admin.clone();
    app.slack_linked(&admin, "T0AURORA", &zoe, "U0ZOE", Some("zoe@aurora.test"))
        .await;
    let b = Browser::start().await;
    sign_in(&b, &app, "boss@acme.test", PASSWORD).await;
    wait_for_text(&b, "<h1>Users</h1>").await;

    // A group, then Zoe added to it from her page.
    click_link(&b, "Groups").await;
    wait_for_text(&b, "<h1>Groups</h1>").await;
    fill_and_click(&b, &[("group-name", "Engineering")], "Create group").await;
    wait_for_text(&b, "<h1>Engineering</h1>").await;
    open(
        &b,
        &app,
        &format!("/console/users/{zoe}"),
        "User zoe.quill@acme.test",
    )
    .await;
    b.client
        .find(Locator::Id("join"))
        .await
        .unwrap()
        .select_by_label("Engineering")
        .await
        .unwrap();
    click_button(&b, "Add to group").await;
    wait_for_text(&b, ">Engineering</a></li>").await;
    wait_for_text(&b, "Linked to <strong>U0ZOE on Slack</strong>").await;
    b.eval("document.getElementById('groups').scrollIntoView()")
        .await;
    pages::check(&b, &app, "user-groups-slack").await;
    click_link(&b, "Engineering").await;
    wait_for_text(&b, "zoe.quill@acme.test</td>").await;
    pages::check(&b, &app, "group").await;
    open(&b, &app, "/console/groups", "Groups").await;
    pages::check(&b, &app, "groups").await;

    // A SCIM token, shown once beside the base URL, that works.
    click_link(&b, "SCIM").await;
    wait_for_text(&b, "<h1>SCIM provisioning</h1>").await;
    assert_eq!(value_of(&b, "base-url").await, app.url("/scim/v2"));
    fill_and_click(&b, &[("scim-name", "Okta")], "Create SCIM token").await;
    wait_for_text(&b, "SCIM token created").await;
    pages::check(&b, &app, "scim").await;
    let token = value_of(&b, "secret").await;
    app.anon(Method::GET, "/scim/v2/Users?count=1")
        .bearer_auth(&token)
        .status(200)
        .await;

    // A workspace and its API key, shown once, that works; its external users filtered.
    click_link(&b, "External users").await;
    wait_for_text(&b, "<h1>External users</h1>").await;
    fill_and_click(&b, &[("workspace-name", "Help centre")], "Create workspace").await;
    wait_for_text(&b, "<h1>Help centre</h1>").await;
    fill_and_click(&b, &[("key-name", "widget")], "Create API key").await;
    wait_for_text(&b, "API key created").await;
    pages::check(&b, &app, "workspace").await;
    let key = value_of(&b, "secret").await;
    fill_and_click(&b, &[("new-channel", "Website")], "Add channel").await;
    wait_for_text(&b, "<li>Website</li>").await;
    fill_and_click(&b, &[("new-tier", "Gold")], "Add tier").await;
    wait_for_text(&b, "<li>Gold</li>").await;
    b.eval("document.querySelector('.columns').scrollIntoView()")
        .await;
    pages::check(&b, &app, "workspace-catalogues").await;
    let channels = app
        .external(&key, Method::GET, "/api/v1/channels")
        .ok()
        .await;
    let web = channels[0]["id"].as_str().unwrap().to_owned();
    for name in ["Ada Lovelace", "Alan Turing"] {
        app.external_create(
            &key,
            "/api/v1/external-users",
            json!({"name": name, "channelId": web, "identifier": name.to_lowercase()}),
        )
        .await;
    }
    open(&b, &app, "/console/workspaces", "External users").await;
    pages::check(&b, &app, "workspaces").await;
    click_link(&b, "Help centre").await;
    wait_for_text(&b, "<h2>Channels</h2>").await;
    click_link(&b, "External users of Help centre").await;
    wait_for_text(&b, "<strong id=\"total\">2</strong>").await;
    b.client
        .find(Locator::Id("channel"))
        .await
        .unwrap()
        .select_by_label("Website")
        .await
        .unwrap();
    fill_and_click(&b, &[("search", "ada")], "Search").await;
    wait_for_text(&b, "<strong id=\"total\">1</strong>").await;
    pages::check(&b, &app, "external-users").await;

    // Slack: the workspace, its linked user, unlinked.
    click_link(&b, "Slack").await;
    wait_for_text(&b, "<h1>Slack</h1>").await;
    pages::check(&b, &app, "slack").await;
    click_link(&b, "Team T0AURORA").await;
    wait_for_text(&b, "zoe@aurora.test").await;
    pages::check(&b, &app, "slack-team").await;
    click_button(&b, "Unlink").await;
    wait_for_text(&b, "No linked user.").await;
    assert!(!app.slack_connected(&admin, &zoe).await, "unlinked");
    b.stop().await;
}
