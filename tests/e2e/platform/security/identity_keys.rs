//! One folding for identity keys (issue 25, hole 4): emails and identifiers are the same
//! identity everywhere (sign-in, sign-up, the rate limiter, the user-add path, external
//! authenticate, super identities) or different everywhere. Before, PostgreSQL's
//! `lower()` folded `admİn` into `admin` for sign-in while the rate limiter did not.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery";
const AUTHENTICATE: &str = "/api/v1/external-users/authenticate";

async fn app() -> TestApp {
    TestApp::spawn_with(|c| {
        c.signup = roster_gateway::config::Signup::Open;
        c.rate_limit_per_credential = 3;
        c.rate_limit_per_client = 1000;
    })
    .await
}

async fn sign_up(app: &TestApp, email: &str) -> Value {
    app.anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": email, "password": PASSWORD, "name": "Keyed"}))
        .ok()
        .await
}

fn sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::RequestBuilder {
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": email, "password": password}))
}

fn add_user(app: &TestApp, email: &str) -> reqwest::RequestBuilder {
    app.admin(Method::POST, "/api/v1/app/user")
        .json(&json!({"role": "AppMember", "user_info": {"email": email, "name": "Keyed"}}))
}

#[tokio::test]
async fn the_dotted_capital_i_is_not_the_letter_i_anywhere() {
    let app = app().await;
    sign_up(&app, "admin@example.test").await;
    // Right password, dotted İ: refused (through lower(), it was admin's account).
    sign_in(&app, "adm\u{130}n@example.test", PASSWORD)
        .problem(401, "unauthorized")
        .await;
    // Nor can it be made into an account or a user of its own.
    app.anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": "adm\u{130}n@example.test", "password": PASSWORD, "name": "I"}))
        .problem(400, "validation_failed")
        .await;
    add_user(&app, "ADM\u{130}N@example.test")
        .problem(400, "validation_failed")
        .await;
    // The rate limiter counts it apart from admin, as the other identity it is: admin's
    // bucket full, the dotted spelling is still answered (and refused) on its own.
    for _ in 0..3 {
        sign_in(&app, "admin@example.test", "wrong password!")
            .problem(401, "unauthorized")
            .await;
    }
    sign_in(&app, "Admin@example.test", PASSWORD)
        .problem(429, "too_many_requests")
        .await;
    sign_in(&app, "adm\u{130}n@example.test", PASSWORD)
        .problem(401, "unauthorized")
        .await;
}

#[tokio::test]
async fn the_kelvin_sign_is_the_letter_k_everywhere() {
    let app = app().await;
    let kim = sign_up(&app, "kim@example.test").await;
    let kelvin = "\u{212A}im@example.test";
    let signed_in = sign_in(&app, kelvin, PASSWORD).ok().await;
    assert_eq!(signed_in["user"]["id"], kim["user"]["id"]);
    assert_eq!(signed_in["user"]["email"], "kim@example.test");
    // One account, one rate-limit bucket (3 a minute): the sign-in above and two
    // wrong passwords fill it, and the Kelvin sign does not open a second one.
    for _ in 0..2 {
        sign_in(&app, "kim@example.test", "wrong password!")
            .problem(401, "unauthorized")
            .await;
    }
    sign_in(&app, kelvin, PASSWORD)
        .problem(429, "too_many_requests")
        .await;
}

#[tokio::test]
async fn fullwidth_sharp_s_and_idna_forms_sign_in_to_one_account() {
    let app = app().await;
    for (signed_up, others) in [
        (
            "admin@example.test",
            &["ＡＤＭＩＮ@example.test", "ａｄｍｉｎ@ｅｘａｍｐｌｅ.test"][..],
        ),
        (
            "strasse@example.test",
            &["straße@example.test", "STRAẞE@EXAMPLE.TEST"][..],
        ),
        (
            "user@bücher.example",
            &["user@xn--bcher-kva.example", "USER@BÜCHER.EXAMPLE"][..],
        ),
    ] {
        let account = sign_up(&app, signed_up).await;
        for other in others {
            let signed_in = sign_in(&app, other, PASSWORD).ok().await;
            assert_eq!(signed_in["user"]["id"], account["user"]["id"], "{other}");
            assert_eq!(signed_in["user"]["email"], signed_up, "the email as given");
        }
    }
}

#[tokio::test]
async fn an_idna_domain_is_one_email_for_sign_up_and_the_user_add_path() {
    let app = app().await;
    let account = sign_up(&app, "user@bücher.example").await;
    app.anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": "User@xn--bcher-kva.example", "password": PASSWORD, "name": "K"}))
        .problem(409, "email_taken")
        .await;
    // Added by the other spelling, the user is that account's.
    let user = add_user(&app, "USER@xn--bcher-kva.example").created().await;
    assert_eq!(user["account_id"], account["user"]["id"]);
    add_user(&app, "user@bücher.example")
        .problem(409, "email_taken")
        .await;
    // A change of email to another spelling of a taken one is taken too.
    let other = add_user(&app, "other@acme.test").created().await;
    app.admin(
        Method::PUT,
        &format!("/api/v1/app/user/{}", other["id"].as_str().unwrap()),
    )
    .json(&json!({"email": "user@BÜCHER.example"}))
    .problem(409, "email_taken")
    .await;
}

#[tokio::test]
async fn external_identifiers_fold_as_emails_do() {
    let app = app().await;
    let key = app.workspace().await.api_key;
    let web = app.channel(&key, "Website").await;
    let chat = app.channel(&key, "Chat").await;
    let authenticate = |channel: &str, identifier: &str| {
        app.external(&key, Method::POST, AUTHENTICATE)
            .json(&json!({"channelId": channel, "identifier": identifier}))
    };
    let kim = authenticate(&web, "kim@corp.test").ok().await;
    // The Kelvin sign is the letter K: the same user, in the channel and across channels.
    let kelvin = authenticate(&web, "\u{212A}im@corp.test").ok().await;
    assert_eq!(kelvin["id"], kim["id"]);
    app.external(&key, Method::POST, "/api/v1/external-users")
        .json(&json!({"channelId": web, "identifier": "\u{212A}IM@corp.test"}))
        .problem(409, "identifier_taken")
        .await;
    let elsewhere = authenticate(&chat, "\u{212A}IM@CORP.test").ok().await;
    assert_ne!(elsewhere["id"], kim["id"]);
    let kim_user = app
        .external(
            &key,
            Method::GET,
            &format!("/api/v1/external-users/{}", kim["id"].as_str().unwrap()),
        )
        .ok()
        .await;
    let elsewhere_user = app
        .external(
            &key,
            Method::GET,
            &format!(
                "/api/v1/external-users/{}",
                elsewhere["id"].as_str().unwrap()
            ),
        )
        .ok()
        .await;
    assert_eq!(
        elsewhere_user["superIdentityId"], kim_user["superIdentityId"],
        "one person across channels"
    );
    // The dotted İ is not the letter i: another user, another person.
    let admin = authenticate(&web, "admin@corp.test").ok().await;
    let dotted = authenticate(&web, "adm\u{130}n@corp.test").ok().await;
    assert_ne!(dotted["id"], admin["id"]);
    // An update is held to the same key.
    app.external(
        &key,
        Method::PATCH,
        &format!("/api/v1/external-users/{}", dotted["id"].as_str().unwrap()),
    )
    .json(&json!({"identifier": "\u{212A}IM@corp.test"}))
    .problem(409, "identifier_taken")
    .await;
    // Full case folding: Straße and STRASSE are one identifier.
    app.external(&key, Method::POST, "/api/v1/external-users")
        .json(&json!({"channelId": web, "identifier": "Straße"}))
        .ok()
        .await;
    app.external(&key, Method::POST, "/api/v1/external-users")
        .json(&json!({"channelId": web, "identifier": "STRASSE"}))
        .problem(409, "identifier_taken")
        .await;
    // IDNA domains: one identifier in either form.
    let idna = authenticate(&web, "ada@bücher.example").ok().await;
    let ascii = authenticate(&web, "ADA@xn--bcher-kva.example").ok().await;
    assert_eq!(idna["id"], ascii["id"]);
}

/// Runs the migrations (none pending) and so the Rust recomputation of stored keys.
async fn migrate(app: &TestApp) -> Result<Vec<String>, String> {
    let url = app.db.url.clone();
    tokio::task::spawn_blocking(move || roster_core::migrations::run_pending(&url))
        .await
        .unwrap()
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn keys_stored_before_the_folding_are_recomputed_after_migrating() {
    let app = app().await;
    // As migration 000022 left rows made before it: the SQL approximation of the key.
    app.sql(
        "INSERT INTO accounts (id, email, email_key, name) VALUES \
         ('acct_00000000000000aa', 'STRAẞE@BÜCHER.example', \
          lower(normalize('STRAẞE@BÜCHER.example', NFKC)), 'Old')",
    )
    .await;
    app.sql("UPDATE identity_key_folding SET version = 0").await;
    assert_eq!(migrate(&app).await, Ok(vec![]));
    let fixed = "SELECT count(*) AS n FROM accounts \
                 WHERE id = 'acct_00000000000000aa' AND email_key = 'strasse@xn--bcher-kva.example'";
    assert_eq!(app.sql_count(fixed).await, 1);
    assert_eq!(
        app.sql_count("SELECT count(*) AS n FROM identity_key_folding WHERE version = 1")
            .await,
        1
    );
    // Idempotent, and skipped once recorded.
    assert_eq!(migrate(&app).await, Ok(vec![]));
    assert_eq!(app.sql_count(fixed).await, 1);
    app.admin(Method::POST, "/api/v1/app/user")
        .json(&json!({"role": "AppMember", "user_info": {"email": "strasse@bücher.example", "name": "New"}}))
        .created()
        .await;
    assert_eq!(
        app.sql_count("SELECT count(*) AS n FROM accounts WHERE name = 'New'")
            .await,
        0,
        "the user-add path found the old account by its recomputed key"
    );

    // Two old rows that are one identity under the folding: the run stops and says so.
    app.sql(
        "INSERT INTO accounts (id, email, email_key, name) VALUES \
         ('acct_00000000000000bb', 'ss@example.test', 'ss@example.test', 'Old'), \
         ('acct_00000000000000cc', 'ß@example.test', 'ß@example.test', 'Old')",
    )
    .await;
    app.sql("UPDATE identity_key_folding SET version = 0").await;
    let error = migrate(&app).await.unwrap_err();
    assert!(
        error.contains("accounts.email_key") && error.contains("docs/security.md"),
        "{error}"
    );
}
