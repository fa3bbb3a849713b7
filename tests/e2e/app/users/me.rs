//! App users: `me`, credentials and the `x-org` header.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

#[tokio::test]
async fn me_returns_the_callers_user_in_the_seed_shape() {
    let app = TestApp::spawn().await;
    let me = app.admin(Method::GET, "/api/v1/app/me").ok().await;
    assert_eq!(me["id"], app.admin.user_id.as_str());
    assert_eq!(me["org_id"], app.admin.org_id.as_str());
    assert_eq!(me["account_id"], app.admin.account_id.as_str());
    assert_eq!(me["email"], "admin@acme.test");
    assert_eq!(me["state"], "Active");
    assert_eq!(me["roles"], json!(["AppAdmin"]));
    assert!(
        me["job_position_name"].is_null() && me.get("job_position_description").is_some(),
        "{me}"
    );
    let created = me["created_at"].as_str().unwrap();
    assert!(created.ends_with('Z') && created.len() == 20, "{created}");
}

#[tokio::test]
async fn x_org_takes_the_org_id_as_well_as_the_slug() {
    let app = TestApp::spawn().await;
    let me = app
        .as_user(
            &app.admin.token,
            &app.admin.org_id,
            Method::GET,
            "/api/v1/app/me",
        )
        .ok()
        .await;
    assert_eq!(me["id"], app.admin.user_id.as_str());
}

#[tokio::test]
async fn missing_or_bad_credentials_are_401_with_www_authenticate() {
    let app = TestApp::spawn().await;
    let reply = app
        .anon(Method::GET, "/api/v1/app/me")
        .header("x-org", "acme")
        .reply()
        .await;
    reply.problem(401, "unauthorized");
    assert_eq!(
        reply.header("www-authenticate"),
        Some("Bearer realm=\"roster\"")
    );
    for auth in [
        "Bearer rpat_nope",
        "Bearer nonsense",
        "Basic YWRtaW46YWRtaW4=",
        "Bearer ",
    ] {
        app.anon(Method::GET, "/api/v1/app/me")
            .header("authorization", auth)
            .header("x-org", "acme")
            .problem(401, "unauthorized")
            .await;
    }
}

#[tokio::test]
async fn org_header_is_required_and_must_be_an_org_the_caller_belongs_to() {
    let app = TestApp::spawn().await;
    app.anon(Method::GET, "/api/v1/app/me")
        .bearer_auth(&app.admin.token)
        .problem(400, "org_required")
        .await;
    app.as_user(
        &app.admin.token,
        "no-such-org",
        Method::GET,
        "/api/v1/app/me",
    )
    .problem(403, "not_a_member")
    .await;
    let other = app.bootstrap("globex", "boss@globex.test").await;
    app.as_user(
        &app.admin.token,
        &other.org_slug,
        Method::GET,
        "/api/v1/app/me",
    )
    .problem(403, "not_a_member")
    .await;
}

#[tokio::test]
async fn one_account_in_two_orgs_is_picked_by_x_org_and_deactivation_is_per_org() {
    let app = TestApp::spawn().await;
    let globex = app.bootstrap("globex", "boss@globex.test").await;
    let (in_acme, token) = app.user_with_token("shared@example.com", "AppMember").await;
    let body = json!({"account_id": in_acme["account_id"], "role": "AppAdmin", "user_info": {"email": "shared@example.com", "name": "Shared"}});
    let in_globex = app
        .as_user(&globex.token, "globex", Method::POST, "/api/v1/app/user")
        .json(&body)
        .created()
        .await;
    let me_acme = app
        .as_user(&token, "acme", Method::GET, "/api/v1/app/me")
        .ok()
        .await;
    let me_globex = app
        .as_user(&token, "globex", Method::GET, "/api/v1/app/me")
        .ok()
        .await;
    assert_eq!(
        (me_acme["id"].clone(), me_acme["roles"].clone()),
        (in_acme["id"].clone(), json!(["AppMember"]))
    );
    assert_eq!(
        (me_globex["id"].clone(), me_globex["roles"].clone()),
        (in_globex["id"].clone(), json!(["AppAdmin"]))
    );
    app.admin(
        Method::POST,
        &format!(
            "/api/v1/app/user/{}/deactivate",
            in_acme["id"].as_str().unwrap()
        ),
    )
    .reply()
    .await;
    app.as_user(&token, "acme", Method::GET, "/api/v1/app/me")
        .problem(403, "user_inactive")
        .await;
    app.as_user(&token, "globex", Method::GET, "/api/v1/app/me")
        .status(200)
        .await;
}
