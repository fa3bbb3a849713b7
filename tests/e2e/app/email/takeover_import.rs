//! The pre-registration takeover through a bulk import: a file naming the email of an
//! unverified sign-up reclaims that account for its real owner, as adding the user one
//! by one does, rather than handing the attacker's password and sessions over.

use reqwest::Method;
use roster_e2e::Expect;
use serde_json::{json, Value};

use super::{app_with_mail, mail_to, reclaimed_owner_signs_in, session_alive, sign_up, texts};

use super::takeover::{ATTACKER_PASSWORD, OWNER_PASSWORD, VICTIM};

const IMPORTED_PASSWORD: &str = "the old system's password 7";

#[tokio::test]
async fn importing_an_unverified_sign_up_reclaims_it_for_the_real_owner() {
    let (app, smtp) = app_with_mail().await;
    let signed_up = sign_up(&app, VICTIM, ATTACKER_PASSWORD).await;
    let attacker_session = signed_up["token"].as_str().unwrap().to_owned();
    mail_to(&smtp, VICTIM, "Confirm your email").await;

    let hash = bcrypt::hash(IMPORTED_PASSWORD, 4).unwrap();
    let line = json!({"email": VICTIM, "name": "New Hire", "password_hash": hash});
    let done: Value = app
        .admin(Method::POST, "/api/v1/app/user-imports")
        .header("content-type", "application/x-ndjson")
        .body(format!(
            "{line}\n{}\n",
            json!({"email": "other@acme.test", "password_hash": hash})
        ))
        .status(202)
        .await
        .json();
    assert_eq!(
        (&done["state"], &done["created"], &done["failed"]),
        (&json!("completed"), &json!(2), &json!(0)),
        "{done}"
    );
    let user_account: Vec<String> = texts(
        &app,
        &format!("SELECT account_id AS t FROM users WHERE email = '{VICTIM}'"),
    )
    .await;
    assert_eq!(user_account, [signed_up["user"]["id"].as_str().unwrap()]);

    // Neither the attacker's password nor the imported one opens the account, and the
    // attacker's session is gone; a user the import created keeps its imported hash.
    for password in [ATTACKER_PASSWORD, IMPORTED_PASSWORD] {
        app.anon(Method::POST, "/api/auth/sign-in/email")
            .json(&json!({"email": VICTIM, "password": password}))
            .problem(401, "INVALID_EMAIL_OR_PASSWORD")
            .await;
    }
    assert!(!session_alive(&app, &attacker_session).await);
    app.as_user(&attacker_session, "acme", Method::GET, "/api/v1/app/user")
        .problem(401, "unauthorized")
        .await;
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "other@acme.test", "password": IMPORTED_PASSWORD}))
        .ok()
        .await;

    // The owner is mailed a set-password link and gets in with it.
    reclaimed_owner_signs_in(&app, &smtp, VICTIM, OWNER_PASSWORD).await;

    // One account.reclaimed, beside the user.created of the import; no hash at rest in
    // events or mail.
    let kinds = texts(
        &app,
        &format!(
            "SELECT type AS t FROM events WHERE data->>'email' = '{VICTIM}' \
             AND type IN ('account.reclaimed', 'user.created') ORDER BY type"
        ),
    )
    .await;
    assert_eq!(kinds, ["account.reclaimed", "user.created"]);
    let everything = texts(
        &app,
        "SELECT data::text AS t FROM events UNION ALL \
         SELECT coalesce(body, '') || subject AS t FROM mail_outbox",
    )
    .await;
    for row in everything {
        assert!(
            !row.contains(&hash) && !row.contains(ATTACKER_PASSWORD),
            "{row}"
        );
    }
}

#[tokio::test]
async fn a_dry_run_import_reclaims_nothing() {
    let (app, _smtp) = app_with_mail().await;
    let signed_up = sign_up(&app, VICTIM, ATTACKER_PASSWORD).await;
    let session = signed_up["token"].as_str().unwrap().to_owned();
    let done: Value = app
        .admin(Method::POST, "/api/v1/app/user-imports?dry_run=true")
        .header("content-type", "application/x-ndjson")
        .body(format!("{}\n", json!({"email": VICTIM})))
        .status(202)
        .await
        .json();
    assert_eq!(done["created"], 1, "{done}");
    assert!(session_alive(&app, &session).await);
    let reclaimed = texts(
        &app,
        "SELECT type AS t FROM events WHERE type = 'account.reclaimed'",
    )
    .await;
    assert!(reclaimed.is_empty(), "{reclaimed:?}");
}
