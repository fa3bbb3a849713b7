//! Sign-up, then the verification link: it works once, and not after it expires.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::{app_with_mail, exec, mail_to, no_redirects, param, sign_up, texts};

async fn verified(app: &TestApp, email: &str) -> bool {
    texts(
        app,
        &format!("SELECT email_verified::text AS t FROM accounts WHERE email = '{email}'"),
    )
    .await
        == ["true"]
}

#[tokio::test]
async fn a_sign_up_is_unverified_until_its_link_is_followed_once() {
    let (app, smtp) = app_with_mail().await;
    let signed_up = sign_up(&app, "lee@example.com", "correct horse battery").await;
    // It may sign in meanwhile, unverified.
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "lee@example.com", "password": "correct horse battery"}))
        .ok()
        .await;
    assert!(!verified(&app, "lee@example.com").await);

    let mail = mail_to(&smtp, "lee@example.com", "Confirm your email").await;
    let link = super::link_of(&app, &mail);
    assert!(
        link.starts_with(&format!("{}/api/auth/verify-email?token=rlnk_", app.base)),
        "{link}"
    );
    let body = no_redirects().get(&link).ok().await;
    assert_eq!(body, json!({"status": true, "user": null}));
    assert!(verified(&app, "lee@example.com").await);
    let events = texts(
        &app,
        "SELECT type AS t FROM events WHERE type LIKE 'account.%' AND org_id IS NOT NULL",
    )
    .await;
    // The account is in no org yet: no org's audit log hears of it, its events are of
    // no org.
    assert!(events.is_empty(), "{events:?}");
    let of_no_org = texts(
        &app,
        "SELECT type AS t FROM events WHERE type LIKE 'account.%' AND org_id IS NULL \
         ORDER BY occurred_at",
    )
    .await;
    assert_eq!(of_no_org, ["account.signed_up", "account.verified"]);
    assert!(signed_up["user"]["id"].is_string());

    // Once only.
    no_redirects()
        .get(&link)
        .problem(401, "INVALID_TOKEN")
        .await;
    // A forged token, and one with a callback, go the same way.
    app.anon(Method::GET, "/api/auth/verify-email?token=rlnk_forged")
        .problem(401, "INVALID_TOKEN")
        .await;
    let location = no_redirects()
        .get(format!("{link}&callbackURL=/welcome"))
        .redirect()
        .await;
    assert_eq!(location, "/welcome?error=INVALID_TOKEN");
}

#[tokio::test]
async fn an_expired_verification_link_is_refused_and_a_new_one_can_be_asked_for() {
    let (app, smtp) = app_with_mail().await;
    sign_up(&app, "ada@example.com", "correct horse battery").await;
    let first = mail_to(&smtp, "ada@example.com", "Confirm your email").await;
    exec(
        &app,
        "UPDATE mail_links SET expires_at = now() - interval '1 second'",
    )
    .await;
    no_redirects()
        .get(super::link_of(&app, &first))
        .problem(401, "INVALID_TOKEN")
        .await;
    assert!(!verified(&app, "ada@example.com").await);

    app.anon(Method::POST, "/api/auth/send-verification-email")
        .json(&json!({"email": "ADA@example.com", "callbackURL": "/welcome"}))
        .ok()
        .await;
    let second = mail_to(&smtp, "ada@example.com", "Confirm your email").await;
    let link = super::link_of(&app, &second);
    assert_eq!(param(&link, "callbackURL").as_deref(), Some("/welcome"));
    let location = no_redirects().get(&link).redirect().await;
    assert_eq!(location, "/welcome");
    assert!(verified(&app, "ada@example.com").await);
}

#[tokio::test]
async fn asking_for_a_verification_link_does_not_tell_who_has_an_account() {
    let (app, smtp) = app_with_mail().await;
    let unknown = app
        .anon(Method::POST, "/api/auth/send-verification-email")
        .json(&json!({"email": "nobody@example.com"}))
        .ok()
        .await;
    assert_eq!(unknown, json!({"status": true}));
    for (body, field) in [
        (json!({"email": "not an email"}), "email"),
        (json!({"email": 7}), "email"),
        (
            json!({"email": "a@b.co", "callbackURL": "https://evil.test/x"}),
            "callbackURL",
        ),
        (
            json!({"email": "a@b.co", "callbackURL": "//evil.test/x"}),
            "callbackURL",
        ),
    ] {
        let problem = app
            .anon(Method::POST, "/api/auth/send-verification-email")
            .json(&body)
            .status(400)
            .await
            .json();
        // better-auth's codes: INVALID_EMAIL for the email, VALIDATION_ERROR otherwise.
        let code = problem["code"].as_str().unwrap_or_default();
        assert!(
            ["INVALID_EMAIL", "VALIDATION_ERROR"].contains(&code),
            "{body} -> {problem}"
        );
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
    }
    app.anon(Method::POST, "/api/auth/send-verification-email")
        .header("content-type", "application/json")
        .body("{\"email\":")
        .problem(400, "VALIDATION_ERROR")
        .await;
    // The sender runs (the bootstrapped admin's mail arrives), yet nothing was queued or
    // sent for the unknown address.
    mail_to(&smtp, "admin@acme.test", "set your password").await;
    assert!(smtp
        .messages()
        .iter()
        .all(|m| !m.to.contains(&"nobody@example.com".to_owned())));
    let queued = texts(
        &app,
        "SELECT recipient AS t FROM mail_outbox WHERE recipient = 'nobody@example.com'",
    )
    .await;
    assert!(queued.is_empty(), "{queued:?}");
}
