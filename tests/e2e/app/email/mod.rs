//! Email ownership and the flows that go through mail, over a real SMTP server on
//! loopback (`roster_devkit::smtp`): the pre-registration takeover closed, verification
//! and reset links (once, expiring), no enumeration, retries, and no mail configured.

mod delivery;
mod reset;
mod takeover;
mod takeover_import;
mod verify;

use std::time::Duration;

use reqwest::Method;
use roster_devkit::smtp::{Received, SmtpServer};
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

/// How long a test waits for a mail (the sender is woken at once; retries wait 1 s).
pub const MAIL_WAIT: Duration = Duration::from_secs(30);

/// A gateway whose mail goes to a fresh SMTP server.
pub async fn app_with_mail() -> (TestApp, SmtpServer) {
    let smtp = SmtpServer::start().await.expect("smtp");
    let url = smtp.url();
    let app = TestApp::spawn_with(|c| c.mail.smtp_url = Some(url)).await;
    (app, smtp)
}

/// The next mail to `to` whose subject contains `subject`, skipping others.
pub async fn mail_to(smtp: &SmtpServer, to: &str, subject: &str) -> Received {
    let deadline = tokio::time::Instant::now() + MAIL_WAIT;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let mail = smtp.next_to(to, left).await.expect("mail");
        if mail.header("Subject").is_some_and(|s| s.contains(subject)) {
            return mail;
        }
    }
}

/// A client that shows redirects instead of following them.
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A query parameter of a URL.
pub fn param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    form_urlencoded_pairs(query)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn form_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(query).unwrap()
}

/// The link in a mail, on `ROSTER_PUBLIC_URL`, pointed at this test's gateway.
pub fn link_of(app: &TestApp, mail: &Received) -> String {
    let link = mail.link().expect("a link in the mail");
    let public = app.config.public_url.trim_end_matches('/');
    assert!(link.starts_with(public), "{link}");
    link.replacen(public, &app.base, 1)
}

/// The token of a reset link: its landing page answers it (no page configured), or sends
/// the browser on with `?token=` (a `redirectTo`).
pub async fn reset_token_of(app: &TestApp, mail: &Received) -> String {
    let link = link_of(app, mail);
    let reply = no_redirects().get(&link).send().await.unwrap();
    match reply.status().as_u16() {
        200 => {
            let body: Value = reply.json().await.unwrap();
            body["token"].as_str().unwrap().to_owned()
        }
        302 => {
            let location = reply.headers()["location"].to_str().unwrap().to_owned();
            param(&location, "token").unwrap_or_else(|| panic!("no token in {location}"))
        }
        other => panic!("{link} -> {other}"),
    }
}

/// The owner of a reclaimed account follows the link to set a password mailed to `email`
/// (which tells of the sign-up it replaced), sets `password`, signs in and is in org
/// `acme`; the link's token.
pub async fn reclaimed_owner_signs_in(
    app: &TestApp,
    smtp: &SmtpServer,
    email: &str,
    password: &str,
) -> String {
    let mail = mail_to(smtp, email, "set your password").await;
    assert!(
        mail.body().contains("without confirming it"),
        "{}",
        mail.body()
    );
    let token = reset_token_of(app, &mail).await;
    app.anon(Method::POST, "/api/auth/reset-password")
        .json(&json!({"newPassword": password, "token": token}))
        .ok()
        .await;
    let signed_in = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": email, "password": password}))
        .ok()
        .await;
    let session = signed_in["token"].as_str().unwrap();
    app.as_user(session, "acme", Method::GET, "/api/v1/app/user")
        .ok()
        .await;
    token
}

pub async fn sign_up(app: &TestApp, email: &str, password: &str) -> Value {
    app.anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": email, "password": password, "name": "Sam"}))
        .ok()
        .await
}

/// Whether the session token still opens `get-session`.
pub async fn session_alive(app: &TestApp, token: &str) -> bool {
    let body: Value = app
        .anon(Method::GET, "/api/auth/get-session")
        .bearer_auth(token)
        .ok()
        .await;
    !body.is_null()
}

/// Rows of a one-text-column query.
pub async fn texts(app: &TestApp, sql: &str) -> Vec<String> {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        t: String,
    }
    let mut conn = app.pool.get().await.unwrap();
    diesel::sql_query(sql)
        .load::<Row>(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.t)
        .collect()
}

pub async fn exec(app: &TestApp, sql: &str) {
    use diesel_async::RunQueryDsl;
    let mut conn = app.pool.get().await.unwrap();
    diesel::sql_query(sql).execute(&mut conn).await.unwrap();
}
