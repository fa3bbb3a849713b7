//! A request body that stops arriving. Before: the head had its 408 at 10 s, but a body
//! that stalled held its connection for minutes (420 of them made a gateway with 400 file
//! descriptors unresponsive). Now every read of a body ends at `ROSTER_BODY_TIMEOUT_MS`,
//! with a 408 problem and the connection closed.

use std::time::{Duration, Instant};

use roster_e2e::raw_http::{NoResponse, RawConn};
use roster_e2e::TestApp;

const DEADLINE: Duration = Duration::from_millis(300);

/// Sends a head announcing 100 bytes of body and 10 of them, then waits; returns the
/// connection and when the head was sent (the gateway's deadline starts after that).
async fn stall(app: &TestApp, path: &str, authorization: Option<&str>) -> (RawConn, Instant) {
    let mut conn = RawConn::open(&app.base).await;
    let authorization = authorization
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: roster.test\r\nContent-Type: application/json\r\n\
         {authorization}Content-Length: 100\r\n\r\n{{\"email\":"
    );
    let sent = Instant::now();
    conn.send(head.as_bytes()).await;
    (conn, sent)
}

#[tokio::test]
async fn a_stalled_body_gets_a_408_at_its_deadline_and_its_connection_closed() {
    let app = TestApp::spawn_with(|c| c.body_timeout_ms = DEADLINE.as_millis() as u64).await;
    let key = app.workspace().await.api_key;
    // The JSON extractor, a handler taking raw bytes (the signed Slack command), and one
    // streaming its body after checking the caller (external authenticate).
    let targets = [
        ("/api/auth/sign-in/email", None),
        ("/work-apps/slack/commands", None),
        ("/api/v1/external-users/authenticate", Some(key.as_str())),
    ];
    // All three at once: each connection lingers a moment after its 408.
    let app = &app;
    let stalled = targets.iter().map(|(path, authorization)| async move {
        let (mut conn, sent) = stall(app, path, *authorization).await;
        // Without the deadline nothing came for minutes; with it, the answer comes once the
        // handler reads the body past 300 ms (later only on a loaded machine).
        let res = conn
            .response(Duration::from_secs(10))
            .await
            .unwrap_or_else(|e| panic!("{path}: no answer to a stalled body ({e:?})"));
        let waited = sent.elapsed();
        assert_eq!(res.status, 408, "{path}: {res:?}");
        assert_eq!(res.header("content-type"), Some("application/problem+json"));
        assert_eq!(res.header("connection"), Some("close"), "{path}: {res:?}");
        let problem = res.json();
        // better-auth's spelling under /api/auth.
        let code = problem["code"].as_str().unwrap().to_lowercase();
        assert_eq!(code, "request_timeout", "{problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains("300 ms"),
            "{problem}"
        );
        assert!(problem["request_id"].is_string(), "{problem}");
        assert!(waited >= DEADLINE, "{path}: answered after {waited:?}");
        assert!(
            conn.closed_within(Duration::from_secs(2)).await,
            "{path}: the connection stays open after the 408"
        );
    });
    futures_util::future::join_all(stalled).await;
}

#[tokio::test]
async fn a_body_that_arrives_in_time_is_read_whole() {
    let app = TestApp::spawn_with(|c| c.body_timeout_ms = 5_000).await;
    let body = r#"{"email":"nobody@acme.test","password":"not-the-password"}"#;
    let mut conn = RawConn::open(&app.base).await;
    let head = format!(
        "POST /api/auth/sign-in/email HTTP/1.1\r\nHost: roster.test\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    conn.send(head.as_bytes()).await;
    // Half now, half a moment later (a slow client, not a stalled one).
    let (first, second) = body.split_at(body.len() / 2);
    conn.send(first.as_bytes()).await;
    tokio::time::sleep(DEADLINE).await;
    conn.send(second.as_bytes()).await;
    let res = conn.response(Duration::from_secs(5)).await.unwrap();
    assert_eq!(res.status, 401, "{res:?}");
    assert_ne!(
        conn.response(Duration::from_millis(100)).await.err(),
        Some(NoResponse::Closed),
        "a request answered in time keeps its connection"
    );
}
