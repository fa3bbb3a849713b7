//! Passwords are hashed without holding a database connection, on a bounded pool: a
//! flood of sign-ins waits for its turns at hashing while other requests are served.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

const EMAIL: &str = "flood@acme.test";
const PASSWORD: &str = "tangerine quokka 42";
/// Sign-ins sent at once: right, wrong and unknown in turn.
const FLOOD: usize = 9;

#[tokio::test]
async fn a_read_is_answered_while_a_sign_in_flood_waits_for_hashing() {
    // One worker, one connection, one hashing turn, nothing served from a cache: the read
    // must get the connection between the sign-ins' queries.
    let app = TestApp::spawn_with(|c| {
        c.workers = Some(1);
        c.db_pool_size = 1;
        c.password_hashers = Some(1);
        c.auth_cache_seconds = 0;
        c.rate_limit_per_credential = 1000;
        c.rate_limit_per_client = 1000;
    })
    .await;
    app.anon(Method::POST, "/api/auth/sign-up/email")
        .json(&json!({"email": EMAIL, "password": PASSWORD, "name": "Flo"}))
        .ok()
        .await;

    let done = Arc::new(AtomicUsize::new(0));
    let (finished, mut first) = tokio::sync::mpsc::unbounded_channel();
    let sign_ins: Vec<_> = (0..FLOOD)
        .map(|i| {
            let (email, password) = match i % 3 {
                0 => (EMAIL.to_owned(), PASSWORD),
                1 => (EMAIL.to_owned(), "tangerine quokka 43"),
                _ => (format!("nobody{i}@acme.test"), PASSWORD),
            };
            let request = app
                .anon(Method::POST, "/api/auth/sign-in/email")
                .json(&json!({"email": email, "password": password}));
            let done = done.clone();
            let finished = finished.clone();
            tokio::spawn(async move {
                let answer = request.reply().await;
                done.fetch_add(1, Ordering::SeqCst);
                let _ = finished.send(());
                (answer.status, answer.json())
            })
        })
        .collect();

    // Once one sign-in is answered the others are in, waiting for the hashing turn.
    first.recv().await.unwrap();
    app.admin(Method::GET, "/api/v1/app/me").ok().await;
    let answered = done.load(Ordering::SeqCst);
    assert!(
        answered <= FLOOD / 2,
        "the read waited for {answered} of {FLOOD} sign-ins"
    );

    // Every sign-in is answered in the end; a wrong password and an unknown email alike.
    let mut refusals: Vec<Value> = Vec::new();
    for (i, sign_in) in sign_ins.into_iter().enumerate() {
        let (status, body) = sign_in.await.unwrap();
        if i % 3 == 0 {
            assert_eq!(status, 200, "{body}");
        } else {
            assert_eq!(status, 401, "{body}");
            refusals.push(body["detail"].clone());
        }
    }
    assert!(refusals.windows(2).all(|w| w[0] == w[1]), "{refusals:?}");
}
