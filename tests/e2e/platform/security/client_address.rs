//! Who the client is. Before: the logs took `X-Forwarded-For` from anyone, while the rate
//! limiter took the TCP peer, so behind a proxy every client shared one budget and the
//! logs named whoever a client claimed to be. Now one address serves logs, rate limits and
//! the connection cap: the peer, or behind `ROSTER_TRUSTED_PROXIES` the right-most
//! forwarded entry that is not a trusted proxy.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::{json, Value};

use super::super::process::GatewayProcess;

/// A sign-in attempt (a wrong password: 401 unless rate limited) forwarded for
/// `forwarded_for`.
async fn sign_in(base: &str, forwarded_for: &str, n: usize) -> u16 {
    reqwest::Client::new()
        .request(Method::POST, format!("{base}/api/auth/sign-in/email"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"email": format!("someone{n}@acme.test"), "password": "not-the-password"}))
        .reply()
        .await
        .status
}

#[tokio::test]
async fn behind_trusted_proxies_each_forwarded_client_is_logged_and_limited_as_itself() {
    let gateway = GatewayProcess::start_with(
        "json",
        &[
            ("ROSTER_TRUSTED_PROXIES", "127.0.0.0/8, ::1"),
            ("ROSTER_RATE_LIMIT_PER_CLIENT", "2"),
        ],
    )
    .await;
    let base = gateway.url("");
    let (a, b) = ("203.0.113.5", "198.51.100.77");
    // What the client wrote first (6.6.6.6) is not what the proxy saw.
    let from_a = format!("6.6.6.6, {a}");
    assert_eq!(sign_in(&base, &from_a, 1).await, 401);
    assert_eq!(sign_in(&base, &from_a, 2).await, 401);
    assert_eq!(sign_in(&base, &from_a, 3).await, 429, "a's budget is spent");
    assert_eq!(sign_in(&base, b, 4).await, 401, "b has its own");
    // Through a second trusted hop, a is still a.
    assert_eq!(sign_in(&base, &format!("{a}, 127.0.0.9"), 5).await, 429);
    // The log is in order: once the next request's line is in, these are.
    reqwest::get(gateway.url("/healthz")).await.unwrap();
    gateway.wait_for_line(|l| l.contains("/healthz")).await;
    let clients: Vec<String> = gateway
        .lines()
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["route"] == "/api/auth/sign-in/email")
        .map(|l| l["span"]["client"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(clients, [a, a, a, b, a], "{:#?}", gateway.lines());
    assert!(!gateway.lines().concat().contains("6.6.6.6"));
}

#[tokio::test]
async fn from_an_untrusted_peer_forwarded_addresses_change_nothing() {
    let app = TestApp::spawn_with(|c| c.rate_limit_per_client = 2).await;
    assert_eq!(sign_in(&app.base, "198.51.100.1", 1).await, 401);
    assert_eq!(sign_in(&app.base, "198.51.100.2", 2).await, 401);
    assert_eq!(sign_in(&app.base, "198.51.100.3", 3).await, 429);
}
