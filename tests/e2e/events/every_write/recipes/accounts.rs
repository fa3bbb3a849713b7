//! Accounts and sessions on `/api/auth`: sign-up, sign-in and out, the active org, an
//! account's settings, its password (changed, or reset with a link) and its sessions.

use reqwest::Method;
use serde_json::json;

use super::{recipe_of, Fixture, Recipe, PASSWORD};

/// The recipe of an account or session operation, by `operationId`; `None` when it is
/// not one.
pub async fn recipe(f: &Fixture<'_>, operation: &str) -> Option<Recipe> {
    use Method as M;
    let (recipe, actor) = match operation {
        "sign_in" => (
            recipe_of(
                f.anon(M::POST, "/api/auth/sign-in/email")
                    .json(&json!({"email": f.owner_email, "password": f.password})),
                200,
                &["session.created"],
                f.anon(M::POST, "/api/auth/sign-in/email")
                    .json(&json!({"email": f.owner_email, "password": "not the password"})),
                (401, Some("INVALID_EMAIL_OR_PASSWORD")),
            ),
            "system",
        ),
        "sign_out" => {
            let token = f.sign_in(&f.owner_email).await;
            (
                recipe_of(
                    f.anon(M::POST, "/api/auth/sign-out").bearer_auth(&token),
                    200,
                    &["session.revoked"],
                    // The session is gone: signing out again ends nothing.
                    f.anon(M::POST, "/api/auth/sign-out").bearer_auth(&token),
                    (200, None),
                ),
                "system",
            )
        }
        // A new account belongs to no org: its events are of no org (docs/events.md).
        "sign_up" => {
            let body = json!({"email": "newcomer@acme.test", "password": PASSWORD, "name": "New"});
            (
                recipe_of(
                    f.anon(M::POST, "/api/auth/sign-up/email").json(&body),
                    200,
                    &["account.signed_up", "session.created"],
                    f.anon(M::POST, "/api/auth/sign-up/email").json(&body),
                    (422, Some("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")),
                ),
                "system",
            )
        }
        "set_active_organization" => {
            let set_active = || {
                f.slack
                    .app
                    .admin(M::POST, "/api/auth/organization/set-active")
            };
            (
                recipe_of(
                    set_active().json(&json!({"organizationSlug": "acme"})),
                    200,
                    &["account.active_org_changed"],
                    set_active().json(&json!({"organizationSlug": "nowhere"})),
                    (404, None),
                ),
                "user",
            )
        }
        "update_account" => {
            let token = f.sign_in(&f.owner_email).await;
            let update = || f.anon(M::POST, "/api/auth/update-user").bearer_auth(&token);
            (
                recipe_of(
                    update().json(&json!({"name": "Owner Renamed"})),
                    200,
                    &["account.updated"],
                    update().json(&json!({})),
                    (400, Some("NO_FIELDS_TO_UPDATE")),
                ),
                "user",
            )
        }
        "change_password" => {
            // An account of its own: the owner keeps the password the other recipes use.
            let (_, token) = f.member_account("changer@acme.test").await;
            let change = || {
                f.anon(M::POST, "/api/auth/change-password")
                    .bearer_auth(&token)
            };
            (
                recipe_of(
                    change().json(
                        &json!({"currentPassword": PASSWORD, "newPassword": "a different long phrase 7"}),
                    ),
                    200,
                    &["account.password_changed"],
                    change().json(
                        &json!({"currentPassword": "not the password", "newPassword": "another phrase 8"}),
                    ),
                    (400, Some("INVALID_PASSWORD")),
                ),
                "user",
            )
        }
        "reset_password" => {
            let email = "resetter@acme.test";
            let (account, _) = f.member_account(email).await;
            // The link the reset mail would carry, made as its sender makes it.
            let token = {
                let mut conn = f.slack.app.pool.get().await.expect("conn");
                let purpose = roster_mail::Purpose::ResetPassword;
                roster_mail::links::issue(&mut conn, purpose, &account, email)
                    .await
                    .expect("reset link")
            };
            let reset = |token: &str| {
                f.anon(M::POST, "/api/auth/reset-password")
                    .json(&json!({"newPassword": "a reset long phrase 9", "token": token}))
            };
            (
                recipe_of(
                    reset(&token),
                    200,
                    &["account.password_reset"],
                    // Used up: the same link again.
                    reset(&token),
                    (400, Some("INVALID_TOKEN")),
                ),
                "system",
            )
        }
        "revoke_session" => {
            let token = f.sign_in(&f.owner_email).await;
            let other = f.sign_in(&f.owner_email).await;
            let revoke = |handle: &str| {
                f.anon(M::POST, "/api/auth/revoke-session")
                    .bearer_auth(&token)
                    .json(&json!({ "token": handle }))
            };
            (
                recipe_of(
                    revoke(&other),
                    200,
                    &["session.revoked"],
                    revoke("ses_0000000000000000"),
                    (404, Some("SESSION_NOT_FOUND")),
                ),
                "user",
            )
        }
        "revoke_other_sessions" | "revoke_sessions" => {
            let token = f.sign_in(&f.owner_email).await;
            let path = format!("/api/auth/{}", operation.replace('_', "-"));
            let events: &'static [&'static str] = match operation {
                "revoke_sessions" => &["session.all_revoked"],
                _ => &["session.others_revoked"],
            };
            (
                recipe_of(
                    f.anon(M::POST, &path).bearer_auth(&token),
                    200,
                    events,
                    // No session: nothing to end.
                    f.anon(M::POST, &path),
                    (401, Some("UNAUTHORIZED")),
                ),
                "user",
            )
        }
        _ => return None,
    };
    recipe.map(|r| Recipe {
        actor: Some(actor),
        ..r
    })
}
