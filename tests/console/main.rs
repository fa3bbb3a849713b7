//! The admin console in a real browser: headless Chromium driven over WebDriver
//! (fantoccini) against a real gateway, through the journeys of issue 24. Every page it
//! opens is written to `target/console/<name>.png`, and checked: its stylesheet applied,
//! every field labelled, headings in order, and no request for another host.

// Tests and their helpers fail by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod driver;
mod more_pages;
mod pages;
// The e2e suite's webhook receiver; this binary uses part of it.
#[allow(dead_code)]
#[path = "../e2e/events/receiver.rs"]
mod receiver;

use std::time::{Duration, Instant};

use driver::Browser;
use fantoccini::Locator;
use reqwest::Method;
use roster_e2e::{Expect, TestApp};

const PASSWORD: &str = "console horse battery";

/// Fills the labelled fields of the page and clicks the button with `button`'s text.
async fn fill_and_click(b: &Browser, fields: &[(&str, &str)], button: &str) {
    for (id, value) in fields {
        let input = b.client.find(Locator::Id(id)).await.unwrap();
        input.clear().await.unwrap();
        input.send_keys(value).await.unwrap();
    }
    click_button(b, button).await;
}

async fn click_button(b: &Browser, text: &str) {
    let xpath = format!("//button[normalize-space()='{text}']");
    b.client
        .find(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("no button {text}: {e}"))
        .click()
        .await
        .unwrap();
}

async fn click_link(b: &Browser, text: &str) {
    b.client
        .find(Locator::LinkText(text))
        .await
        .unwrap_or_else(|e| panic!("no link {text}: {e}"))
        .click()
        .await
        .unwrap();
}

/// The value of the input with this id.
async fn value_of(b: &Browser, id: &str) -> String {
    let input = b.client.find(Locator::Id(id)).await.unwrap();
    input.prop("value").await.unwrap().unwrap_or_default()
}

/// The page's text, once it holds `needle` (pages load after a click).
async fn wait_for_text(b: &Browser, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let source = b.client.source().await.unwrap();
        if source.contains(needle) {
            return source;
        }
        assert!(
            Instant::now() < deadline,
            "the page never showed {needle:?}: {source}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn sign_in(b: &Browser, app: &TestApp, email: &str, password: &str) {
    b.client.goto(&app.url("/console/")).await.unwrap();
    wait_for_text(b, "<h1>Sign in</h1>").await;
    fill_and_click(b, &[("email", email), ("password", password)], "Sign in").await;
}

#[tokio::test]
async fn an_admin_signs_in_finds_a_user_deactivates_them_and_sees_the_audit_and_a_token() {
    let app = TestApp::spawn_public().await;
    app.person("boss@acme.test", PASSWORD, "AppAdmin").await;
    let target = app.create_user("zoe.quill@acme.test", "AppMember").await;
    let id = target["id"].as_str().unwrap().to_owned();
    for i in 0..5 {
        app.create_user(&format!("member{i}@acme.test"), "AppMember")
            .await;
    }
    let b = Browser::start().await;

    // Sign in: a wrong password is a message on the form, then the right one.
    sign_in(&b, &app, "boss@acme.test", "wrong password").await;
    wait_for_text(&b, "Wrong email or password.").await;
    pages::check(&b, &app, "sign-in").await;
    fill_and_click(&b, &[("password", PASSWORD)], "Sign in").await;
    wait_for_text(&b, "<h1>Users</h1>").await;
    pages::check(&b, &app, "users").await;

    // Search for the user and open them.
    fill_and_click(&b, &[("search", "quill")], "Search").await;
    wait_for_text(&b, "<strong id=\"total\">1</strong>").await;
    pages::check(&b, &app, "users-search").await;
    click_link(&b, "User zoe.quill@acme.test").await;
    wait_for_text(&b, "<h1>User zoe.quill@acme.test</h1>").await;
    pages::check(&b, &app, "user").await;

    // Deactivate, confirmed; the API says so.
    click_link(&b, "Deactivate").await;
    wait_for_text(&b, "Their credentials stop working").await;
    pages::check(&b, &app, "confirm").await;
    click_button(&b, "Deactivate").await;
    wait_for_text(&b, "id=\"user-state\">Inactive<").await;
    let api = app
        .admin(Method::GET, &format!("/api/v1/app/user/{id}"))
        .ok()
        .await;
    assert_eq!(api["state"], "Inactive");

    // The audit log shows the change.
    b.client.goto(&app.url("/console/audit")).await.unwrap();
    let audit = wait_for_text(&b, "<h1>Audit log</h1>").await;
    assert!(audit.contains("user.deactivated"), "{audit}");
    pages::check(&b, &app, "audit").await;

    // A token, shown once.
    click_link(&b, "API tokens").await;
    wait_for_text(&b, "<h1>API tokens</h1>").await;
    fill_and_click(&b, &[("token-name", "deploy bot")], "Create token").await;
    wait_for_text(&b, "Token created").await;
    pages::check(&b, &app, "token-created").await;
    let secret = value_of(&b, "secret").await;
    assert!(secret.starts_with("rpat_"), "{secret}");
    app.as_user(&secret, &app.admin.org_slug, Method::GET, "/api/v1/app/me")
        .ok()
        .await;
    b.client.goto(&app.url("/console/tokens")).await.unwrap();
    let again = wait_for_text(&b, "deploy bot").await;
    assert!(!again.contains(&secret), "the secret is shown once only");
    pages::check(&b, &app, "tokens").await;

    // A form whose CSRF token was taken out is refused, and nothing changes.
    b.client
        .goto(&app.url(&format!("/console/users/{id}")))
        .await
        .unwrap();
    wait_for_text(&b, "<h2>Edit</h2>").await;
    b.eval("document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())")
        .await;
    fill_and_click(&b, &[("name", "Changed Without Token")], "Save").await;
    wait_for_text(&b, "csrf_failed").await;
    pages::check(&b, &app, "csrf-refused").await;
    let api = app
        .admin(Method::GET, &format!("/api/v1/app/user/{id}"))
        .ok()
        .await;
    assert_eq!(api["name"], "User zoe.quill@acme.test");

    // Sign out: back to the sign-in page, and the console is closed.
    b.client.goto(&app.url("/console/users")).await.unwrap();
    wait_for_text(&b, "<h1>Users</h1>").await;
    click_button(&b, "Sign out").await;
    wait_for_text(&b, "<h1>Sign in</h1>").await;
    b.client.goto(&app.url("/console/users")).await.unwrap();
    wait_for_text(&b, "<h1>Sign in</h1>").await;
    b.stop().await;
}

#[tokio::test]
async fn an_app_member_is_refused_the_admin_pages_and_keeps_their_own() {
    let app = TestApp::spawn_public().await;
    app.person("member@acme.test", PASSWORD, "AppMember").await;
    let b = Browser::start().await;
    sign_in(&b, &app, "member@acme.test", PASSWORD).await;
    wait_for_text(&b, "<h1>User member@acme.test</h1>").await;
    pages::check(&b, &app, "profile").await;
    for path in [
        "/console/users",
        "/console/audit",
        "/console/groups",
        "/console/workspaces",
        "/console/slack",
        "/console/scim",
    ] {
        b.client.goto(&app.url(path)).await.unwrap();
        wait_for_text(&b, "<h1>Not allowed</h1>").await;
    }
    pages::check(&b, &app, "forbidden").await;
    b.stop().await;
}

#[tokio::test]
async fn an_admin_adds_a_webhook_sends_a_test_event_and_sees_it_delivered() {
    let app = TestApp::spawn_public().await;
    app.person("boss@acme.test", PASSWORD, "AppAdmin").await;
    let hook = receiver::Receiver::ok();
    let b = Browser::start().await;
    sign_in(&b, &app, "boss@acme.test", PASSWORD).await;
    wait_for_text(&b, "<h1>Users</h1>").await;
    click_link(&b, "Webhooks").await;
    wait_for_text(&b, "<h1>Webhooks</h1>").await;
    fill_and_click(
        &b,
        &[("url", &hook.url), ("events", "user.*")],
        "Add endpoint",
    )
    .await;
    wait_for_text(&b, "Endpoint created").await;
    pages::check(&b, &app, "webhooks").await;
    let secret = value_of(&b, "secret").await;
    assert!(secret.starts_with("whsec_"), "{secret}");
    click_link(&b, &hook.url).await;
    wait_for_text(&b, "<h2>Deliveries</h2>").await;
    click_button(&b, "Send test event").await;
    // The deliverer sends it in the background: the page shows it delivered.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let source = b.client.source().await.unwrap();
        if source.contains("webhook.test") && source.contains(">delivered<") {
            break;
        }
        assert!(Instant::now() < deadline, "never delivered: {source}");
        tokio::time::sleep(Duration::from_millis(200)).await;
        b.client.refresh().await.unwrap();
    }
    pages::check(&b, &app, "webhook").await;
    let got = hook.received();
    assert_eq!(got.len(), 1, "one delivery reached the receiver");
    assert!(
        got[0].verifies_with(&secret),
        "signed with the secret shown"
    );
    b.stop().await;
}
