//! Weak passwords are refused wherever a password is set: sign-up and
//! `roster-gateway bootstrap --password`.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

#[tokio::test]
async fn common_and_guessable_passwords_are_refused_at_sign_up_saying_why() {
    let app = TestApp::spawn().await;
    for weak in [
        "password",
        "12345678",
        "        ",
        "Password1",
        "qwertyuiop",
        "correct horse battery staple",
        // The account's own email.
        "Lee@Example.com",
    ] {
        let body = app
            .anon(Method::POST, "/api/auth/sign-up/email")
            .json(&json!({"email": "lee@example.com", "password": weak, "name": "Lee"}))
            .problem(400, "PASSWORD_TOO_WEAK")
            .await;
        assert_eq!(body["errors"][0]["field"], "password", "{weak:?}: {body}");
        let why = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            why.contains("common") || why.contains("guess"),
            "{weak:?}: {body}"
        );
        assert!(
            body["detail"].as_str().unwrap().starts_with("password: "),
            "{body}"
        );
    }
    // Nothing was created: the email is still free for a good password.
    app.anon(Method::POST, "/api/auth/sign-up/email")
        .json(
            &json!({"email": "lee@example.com", "password": "tangerine quokka 42", "name": "Lee"}),
        )
        .ok()
        .await;
}

#[tokio::test]
async fn bootstrap_refuses_a_weak_password_before_creating_anything() {
    let app = TestApp::spawn().await;
    let args = |password: &str| app.bootstrap_args("initech", "peter@initech.test", Some(password));
    let err = roster_gateway::cli::bootstrap(&args("12345678"))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("--password: ") && err.contains("common"),
        "{err}"
    );
    let mut conn = app.pool.get().await.unwrap();
    assert!(roster_identity::orgs::find(&mut conn, "initech")
        .await
        .unwrap_err()
        .is_not_found());
    roster_gateway::cli::bootstrap(&args("tps reports!"))
        .await
        .unwrap();
}
