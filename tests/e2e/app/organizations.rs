//! Org membership the account controls (issue 25, hole 2): better-auth's
//! `organization/list` and `organization/set-active`, and sessions that open in the org
//! the account chose, never in one another org's admin added it to.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery";
const LIST: &str = "/api/auth/organization/list";
const SET_ACTIVE: &str = "/api/auth/organization/set-active";

async fn app() -> TestApp {
    TestApp::spawn_with(|c| c.signup = roster_gateway::config::Signup::Open).await
}

/// A client with its own cookie jar, signed in as `email`.
async fn signed_in(app: &TestApp, email: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    client
        .post(app.url("/api/auth/sign-in/email"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .ok()
        .await;
    client
}

async fn active_org(app: &TestApp, client: &reqwest::Client) -> Value {
    let session = client.get(app.url("/api/auth/get-session")).ok().await;
    session["session"]["activeOrganizationId"].clone()
}

/// The victim: an account with a password, a user of org `acme` (A).
async fn victim(app: &TestApp) -> Value {
    app.anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": "victim@example.test", "password": PASSWORD, "name": "Vic"}))
        .ok()
        .await;
    app.create_user("victim@example.test", "AppMember").await
}

#[tokio::test]
async fn another_orgs_admin_cannot_move_the_next_sign_in_into_their_org() {
    let app = app().await;
    let in_a = victim(&app).await;
    let client = signed_in(&app, "victim@example.test").await;
    assert_eq!(active_org(&app, &client).await, app.admin.org_id.as_str());

    // The admin of org B adds the victim's email: the account joins B...
    let b = app.bootstrap("evil", "boss@evil.test").await;
    let in_b = app
        .as_user(&b.token, &b.org_slug, Method::POST, "/api/v1/app/user")
        .json(&json!({"role": "AppMember", "user_info": {"email": "VICTIM@example.test", "name": "Vic"}}))
        .created()
        .await;
    assert_eq!(in_b["account_id"], in_a["account_id"]);

    // ...but the victim's next sign-in, and its cookie requests, stay in A.
    let client = signed_in(&app, "victim@example.test").await;
    assert_eq!(active_org(&app, &client).await, app.admin.org_id.as_str());
    let me = client.get(app.url("/api/v1/app/me")).ok().await;
    assert_eq!(me["id"], in_a["id"]);

    // The victim sees both orgs, and chooses B: this session works there at once.
    let orgs = client.get(app.url(LIST)).ok().await;
    let ids: Vec<&str> = orgs
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [app.admin.org_id.as_str(), b.org_id.as_str()]);
    let first = &orgs[0];
    assert_eq!(first["slug"], "acme");
    assert_eq!(first["name"], "Org acme");
    assert!(first["createdAt"].as_str().unwrap().ends_with('Z'));
    assert_eq!(first["logo"], Value::Null);
    assert_eq!(first["metadata"], Value::Null);

    let chosen = client
        .post(app.url(SET_ACTIVE))
        .json(&json!({"organizationId": b.org_id}))
        .ok()
        .await;
    assert_eq!(chosen["id"], b.org_id.as_str());
    assert_eq!(chosen["slug"], "evil");
    assert_eq!(active_org(&app, &client).await, b.org_id.as_str());
    let me = client.get(app.url("/api/v1/app/me")).ok().await;
    assert_eq!(me["id"], in_b["id"]);

    // Having chosen it, the next sign-in lands in B.
    let later = signed_in(&app, "victim@example.test").await;
    assert_eq!(active_org(&app, &later).await, b.org_id.as_str());

    // By slug back to A; then no org at all: cookie requests must name one.
    let chosen = later
        .post(app.url(SET_ACTIVE))
        .json(&json!({"organizationSlug": "acme"}))
        .ok()
        .await;
    assert_eq!(chosen["id"], app.admin.org_id.as_str());
    let me = later.get(app.url("/api/v1/app/me")).ok().await;
    assert_eq!(me["id"], in_a["id"]);
    let cleared = later
        .post(app.url(SET_ACTIVE))
        .json(&json!({"organizationId": null}))
        .ok()
        .await;
    assert_eq!(cleared, Value::Null);
    assert_eq!(active_org(&app, &later).await, Value::Null);
    later
        .get(app.url("/api/v1/app/me"))
        .problem(400, "org_required")
        .await;
    // With two orgs and no choice, a sign-in opens in neither.
    let none = signed_in(&app, "victim@example.test").await;
    assert_eq!(active_org(&app, &none).await, Value::Null);
}

#[tokio::test]
async fn a_choice_that_stopped_working_is_not_used() {
    let app = app().await;
    let in_a = victim(&app).await;
    let b = app.bootstrap("other", "boss@other.test").await;
    app.as_user(&b.token, &b.org_slug, Method::POST, "/api/v1/app/user")
        .json(&json!({"role": "AppMember", "user_info": {"email": "victim@example.test", "name": "Vic"}}))
        .created()
        .await;
    let client = signed_in(&app, "victim@example.test").await;
    client
        .post(app.url(SET_ACTIVE))
        .json(&json!({"organizationSlug": "acme"}))
        .ok()
        .await;
    // Deactivated in A: A is no longer a choice; B is now its only org.
    app.admin(
        Method::POST,
        &format!(
            "/api/v1/app/user/{}/deactivate",
            in_a["id"].as_str().unwrap()
        ),
    )
    .ok()
    .await;
    let client = signed_in(&app, "victim@example.test").await;
    assert_eq!(active_org(&app, &client).await, b.org_id.as_str());
    let orgs = client.get(app.url(LIST)).ok().await;
    assert_eq!(orgs.as_array().unwrap().len(), 1, "{orgs}");
    client
        .post(app.url(SET_ACTIVE))
        .json(&json!({"organizationSlug": "acme"}))
        .problem(403, "user_inactive")
        .await;
    assert_eq!(active_org(&app, &client).await, b.org_id.as_str());
}

#[tokio::test]
async fn set_active_refuses_other_orgs_and_bad_input() {
    let app = app().await;
    victim(&app).await;
    let stranger = app.bootstrap("stranger", "boss@stranger.test").await;
    let client = signed_in(&app, "victim@example.test").await;
    let set = |body: Value| client.post(app.url(SET_ACTIVE)).json(&body);
    for body in [
        json!({"organizationId": stranger.org_id}),
        json!({"organizationSlug": "stranger"}),
        json!({"organizationId": "org_0123456789abcdef"}),
        json!({"organizationSlug": "no-such-org"}),
        json!({"organizationId": "not an id"}),
        // A slug is not an id, nor an id a slug.
        json!({"organizationId": "acme"}),
        json!({"organizationSlug": app.admin.org_id}),
    ] {
        set(body).problem(404, "org_not_found").await;
    }
    assert_eq!(active_org(&app, &client).await, app.admin.org_id.as_str());
    for body in [
        json!({}),
        json!({"organizationId": 7}),
        json!({"organizationSlug": null}),
        json!({"organizationId": ""}),
        json!({"organizationSlug": "x".repeat(101)}),
        json!({"organizationId": app.admin.org_id, "organizationSlug": "acme"}),
        json!({"organizationId": app.admin.org_id, "extra": true}),
        json!([]),
    ] {
        set(body).problem(400, "validation_failed").await;
    }
    client
        .post(app.url(SET_ACTIVE))
        .header("content-type", "application/json")
        .body("{\"organizationId\":")
        .problem(400, "invalid_json")
        .await;
    // Signed out: 401, for both routes.
    app.anon(Method::POST, SET_ACTIVE)
        .json(&json!({"organizationSlug": "acme"}))
        .problem(401, "unauthorized")
        .await;
    app.anon(Method::GET, LIST)
        .problem(401, "unauthorized")
        .await;
}

#[tokio::test]
async fn an_api_token_lists_and_chooses_for_the_account() {
    let app = app().await;
    let list = app
        .anon(Method::GET, LIST)
        .bearer_auth(&app.admin.token)
        .ok()
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], app.admin.org_id.as_str());
    let chosen = app
        .anon(Method::POST, SET_ACTIVE)
        .bearer_auth(&app.admin.token)
        .json(&json!({"organizationSlug": "acme"}))
        .ok()
        .await;
    assert_eq!(chosen["id"], app.admin.org_id.as_str());
}
