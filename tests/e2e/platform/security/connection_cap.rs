//! Connections per client address. Before: one address could open as many as the
//! gateway's file descriptors allowed. Now past `ROSTER_MAX_CONNECTIONS_PER_CLIENT` a new
//! connection is answered 429 and closed as it is accepted, before it asks anything.

use std::net::IpAddr;
use std::time::Duration;

use roster_e2e::raw_http::{get, RawConn};
use roster_e2e::TestApp;

const CAP: usize = 3;
const PROMPTLY: Duration = Duration::from_secs(5);

/// A connection from `local` that has been served once, so the gateway counts it.
async fn held(app: &TestApp, local: IpAddr) -> RawConn {
    let mut conn = RawConn::open_from(&app.base, local).await;
    conn.send(&get("/healthz")).await;
    let res = conn.response(PROMPTLY).await.expect("served");
    assert_eq!(res.status, 200, "{res:?}");
    conn
}

#[tokio::test]
async fn one_connection_past_the_cap_is_answered_429_and_closed_until_one_ends() {
    let app = TestApp::spawn_with(|c| c.max_connections_per_client = CAP as u32).await;
    let client: IpAddr = "127.0.0.1".parse().unwrap();
    let mut open = Vec::new();
    for _ in 0..CAP {
        open.push(held(&app, client).await);
    }
    // The one past the cap hears its 429 without asking, and the gateway hangs up.
    let mut refused = RawConn::open_from(&app.base, client).await;
    let res = refused
        .response(PROMPTLY)
        .await
        .expect("a 429 as soon as it connects");
    assert_eq!(res.status, 429, "{res:?}");
    assert_eq!(res.header("content-type"), Some("application/problem+json"));
    assert_eq!(res.header("retry-after"), Some("1"));
    let problem = res.json();
    assert_eq!(problem["code"], "too_many_requests", "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("3 connections"),
        "{problem}"
    );
    assert!(
        refused.closed_within(PROMPTLY).await,
        "the refused connection stays open"
    );
    // Another address has its own count.
    let other = held(&app, "127.0.0.2".parse().unwrap()).await;
    // The held connections still work.
    open[0].send(&get("/healthz")).await;
    assert_eq!(open[0].response(PROMPTLY).await.unwrap().status, 200);
    // One of them ends: its slot comes back, once the gateway has seen it close.
    drop(open.pop());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let mut conn = RawConn::open_from(&app.base, client).await;
        conn.send(&get("/healthz")).await;
        match conn.response(PROMPTLY).await {
            Ok(res) if res.status == 200 => break,
            other => assert!(
                tokio::time::Instant::now() < deadline,
                "no slot came back: {other:?}"
            ),
        }
        tokio::task::yield_now().await;
    }
    drop(other);
}

#[tokio::test]
async fn trusted_proxies_are_not_capped() {
    let app = TestApp::spawn_with(|c| {
        c.max_connections_per_client = 1;
        c.trusted_proxies = "127.0.0.0/8".parse().unwrap();
    })
    .await;
    let proxy: IpAddr = "127.0.0.1".parse().unwrap();
    let _first = held(&app, proxy).await;
    let _second = held(&app, proxy).await;
}
