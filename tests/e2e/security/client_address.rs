//! Who the client is. Before: the logs took `X-Forwarded-For` from anyone, while the rate
//! limiter took the TCP peer, so behind a proxy every client shared one budget and the
//! logs named whoever a client claimed to be. Now one address serves logs, rate limits and
//! the connection cap: the peer, or behind `ROSTER_TRUSTED_PROXIES` the right-most
//! forwarded entry that is not a trusted proxy.

use rand::Rng;
use reqwest::Method;
use roster_e2e::logs::LogCapture;
use roster_e2e::TestApp;
use serde_json::json;

/// A documentation address (203.0.113.0/24) of this test's own.
fn client_of_our_own() -> String {
    format!("203.0.113.{}", rand::rng().random_range(1..=254))
}

/// A sign-in attempt (a wrong password: 401 unless rate limited) forwarded for `forwarded_for`.
async fn sign_in(app: &TestApp, forwarded_for: &str, n: usize) -> u16 {
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"email": format!("someone{n}@acme.test"), "password": "not-the-password"}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn behind_trusted_proxies_each_forwarded_client_is_logged_and_limited_as_itself() {
    let app = TestApp::spawn_with(|c| {
        c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
        c.rate_limit_per_client = 2;
    })
    .await;
    let (a, b) = (client_of_our_own(), "198.51.100.77");
    let capture = LogCapture::start(&format!("http.client_ip={a} "));
    // What the client wrote first (6.6.6.6) is not what the proxy saw.
    let from_a = format!("6.6.6.6, {a}");
    assert_eq!(sign_in(&app, &from_a, 1).await, 401);
    assert_eq!(sign_in(&app, &from_a, 2).await, 401);
    assert_eq!(sign_in(&app, &from_a, 3).await, 429, "a's budget is spent");
    assert_eq!(sign_in(&app, b, 4).await, 401, "b has its own");
    // Through a second trusted hop, a is still a.
    assert_eq!(sign_in(&app, &format!("{a}, 127.0.0.9"), 5).await, 429);
    let lines = capture.lines();
    let done = lines.iter().filter(|l| l.contains("request done")).count();
    assert_eq!(done, 4, "{lines:#?}");
    assert!(!lines.concat().contains("6.6.6.6"), "{lines:#?}");
}

#[tokio::test]
async fn from_an_untrusted_peer_forwarded_addresses_change_nothing() {
    let app = TestApp::spawn_with(|c| c.rate_limit_per_client = 2).await;
    assert_eq!(sign_in(&app, "198.51.100.1", 1).await, 401);
    assert_eq!(sign_in(&app, "198.51.100.2", 2).await, 401);
    assert_eq!(sign_in(&app, "198.51.100.3", 3).await, 429);
}
