//! better-auth's account routes and wire on `/api/auth`: error codes and messages, the
//! user and session shapes, change-password, update-user, and the sessions an account
//! controls (list, revoke one, the others, all).

mod password;
mod profile;
mod session_control;
mod wire;

use reqwest::{Method, RequestBuilder};
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

/// The origin the test gateway trusts by default (its `ROSTER_PUBLIC_URL`'s).
pub const ORIGIN: &str = "http://127.0.0.1:8080";
pub const PASSWORD: &str = "tangerine quokka 42";

/// Signs up `email` (in no org); returns its session token and user.
pub async fn sign_up(app: &TestApp, email: &str) -> (String, Value) {
    let body = app
        .anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": email, "password": PASSWORD, "name": "Lee"}))
        .ok()
        .await;
    (
        body["token"].as_str().unwrap().to_owned(),
        body["user"].clone(),
    )
}

/// Signs `email` in again: another session; returns its token.
pub async fn sign_in(app: &TestApp, email: &str, password: &str) -> String {
    let body = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": email, "password": password}))
        .ok()
        .await;
    body["token"].as_str().unwrap().to_owned()
}

/// A request as a browser on the trusted origin holding `token`'s session cookie.
pub fn browser(app: &TestApp, token: &str, method: Method, path: &str) -> RequestBuilder {
    app.anon(method, path)
        .header("cookie", format!("better-auth.session_token={token}"))
        .header("origin", ORIGIN)
}

/// Whether `token` still opens a session.
pub async fn alive(app: &TestApp, token: &str) -> bool {
    let body = app
        .anon(Method::GET, "/api/auth/get-session")
        .bearer_auth(token)
        .ok()
        .await;
    !body.is_null()
}

/// The events of a type in an org.
pub async fn events_of(app: &TestApp, org_id: &str, kind: &str) -> i64 {
    app.sql_count(&format!(
        "SELECT count(*) AS n FROM events WHERE org_id = '{org_id}' AND type = '{kind}'"
    ))
    .await
}

/// An account that is a user of the `acme` org (so its events have an org to go to),
/// signed up with `PASSWORD`; returns its session token.
pub async fn member_of_acme(app: &TestApp, email: &str) -> String {
    let (_, user) = sign_up(app, email).await;
    // Verified, or the admin's add would reclaim the account (docs/security.md).
    app.verify_email(email).await;
    app.admin(Method::POST, "/api/v1/app/user")
        .json(&json!({"account_id": user["id"], "role": "AppMember", "user_info": {"email": email, "name": "Lee"}}))
        .created()
        .await;
    sign_in(app, email, PASSWORD).await
}
