//! The pre-registration takeover: someone signs up with an address before the admin adds
//! it. The admin's add takes the account back for its real owner.

use reqwest::Method;
use roster_e2e::Expect;
use serde_json::json;

use super::{
    app_with_mail, mail_to, reclaimed_owner_signs_in, reset_token_of, session_alive, sign_up, texts,
};

pub(super) const VICTIM: &str = "newhire@acme.test";
pub(super) const ATTACKER_PASSWORD: &str = "attacker owns this 1977";
pub(super) const OWNER_PASSWORD: &str = "my very own passphrase 42";

#[tokio::test]
async fn an_admin_adding_an_unverified_sign_up_reclaims_it_for_the_real_owner() {
    let (app, smtp) = app_with_mail().await;
    let signed_up = sign_up(&app, VICTIM, ATTACKER_PASSWORD).await;
    let attacker_session = signed_up["token"].as_str().unwrap().to_owned();
    // The verification link goes to the address, which the attacker does not read.
    mail_to(&smtp, VICTIM, "Confirm your email").await;

    let user = app
        .admin(Method::POST, "/api/v1/app/user")
        .json(&json!({"role": "AppAdmin", "user_info": {"email": VICTIM, "name": "New Hire"}}))
        .created()
        .await;
    // The Zylon wire is unchanged: the user is created as before, on the same account.
    assert_eq!(user["account_id"], signed_up["user"]["id"], "{user}");

    // The attacker's password and session no longer work.
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": VICTIM, "password": ATTACKER_PASSWORD}))
        .problem(401, "INVALID_EMAIL_OR_PASSWORD")
        .await;
    assert!(!session_alive(&app, &attacker_session).await);
    app.as_user(&attacker_session, "acme", Method::GET, "/api/v1/app/user")
        .problem(401, "unauthorized")
        .await;

    // The owner is mailed a link to set a password, follows it, and is in the org.
    let token = reclaimed_owner_signs_in(&app, &smtp, VICTIM, OWNER_PASSWORD).await;
    // The attacker's old password stays dead.
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": VICTIM, "password": ATTACKER_PASSWORD}))
        .problem(401, "INVALID_EMAIL_OR_PASSWORD")
        .await;

    // One account.reclaimed in the admin's org, with no secret in it or in the outbox.
    let reclaimed = texts(
        &app,
        "SELECT data::text AS t FROM events WHERE type = 'account.reclaimed'",
    )
    .await;
    assert_eq!(reclaimed.len(), 1, "{reclaimed:?}");
    assert!(reclaimed[0].contains(VICTIM));
    let everything = texts(
        &app,
        "SELECT data::text AS t FROM events UNION ALL \
         SELECT coalesce(body, '') || subject AS t FROM mail_outbox",
    )
    .await;
    for row in everything {
        assert!(!row.contains(&token), "a link token at rest: {row}");
        assert!(!row.contains("rlnk_"), "a link token at rest: {row}");
        assert!(!row.contains(ATTACKER_PASSWORD) && !row.contains(OWNER_PASSWORD));
    }
}

#[tokio::test]
async fn a_verified_account_added_to_another_org_keeps_its_password_and_is_told() {
    let (app, smtp) = app_with_mail().await;
    sign_up(&app, "kim@corp.test", ATTACKER_PASSWORD).await;
    let mail = mail_to(&smtp, "kim@corp.test", "Confirm your email").await;
    let link = super::link_of(&app, &mail);
    super::no_redirects().get(&link).ok().await;

    let beta = app.bootstrap("beta", "boss@beta.test").await;
    app.as_user(
        &beta.token,
        &beta.org_slug,
        Method::POST,
        "/api/v1/app/user",
    )
    .json(&json!({"role": "AppMember", "user_info": {"email": "kim@corp.test", "name": "Kim"}}))
    .created()
    .await;
    let notice = mail_to(&smtp, "kim@corp.test", "You were added to").await;
    assert!(notice.body().contains("Org beta"), "{}", notice.body());
    assert!(notice.link().is_none(), "a notice carries no link");
    // A verified owner's password still works.
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "kim@corp.test", "password": ATTACKER_PASSWORD}))
        .ok()
        .await;
}

#[tokio::test]
async fn an_account_the_admin_creates_gets_a_link_to_set_its_password() {
    let (app, smtp) = app_with_mail().await;
    app.create_user("fresh@acme.test", "AppMember").await;
    let mail = mail_to(&smtp, "fresh@acme.test", "set your password").await;
    assert!(!mail.body().contains("without confirming it"));
    let token = reset_token_of(&app, &mail).await;
    app.anon(Method::POST, "/api/auth/reset-password")
        .json(&json!({"newPassword": OWNER_PASSWORD, "token": token}))
        .ok()
        .await;
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "fresh@acme.test", "password": OWNER_PASSWORD}))
        .ok()
        .await;
    let verified = texts(
        &app,
        "SELECT email_verified::text AS t FROM accounts WHERE email = 'fresh@acme.test'",
    )
    .await;
    assert_eq!(verified, ["true"]);
}
