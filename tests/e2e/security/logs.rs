//! What the logs hold. Before: 4xx warnings quoted the request's input, `RUST_LOG=debug`
//! logged every SQL statement's parameters (emails, searches, token hashes), and the
//! client address was whatever `X-Forwarded-For` said. Now nothing a client sent reaches
//! the logs at any level, and the address is the TCP peer's (see `client_address` for
//! trusted proxies). The lines are read as `roster-gateway serve` writes them.

use std::net::IpAddr;

use rand::Rng;
use reqwest::Method;
use roster_e2e::logs::LogCapture;
use roster_e2e::TestApp;
use serde_json::json;

/// A loopback address of this test's own, to send from and find its lines by.
fn loopback_of_our_own() -> IpAddr {
    let mut rng = rand::rng();
    IpAddr::from([
        127,
        rng.random_range(1..=254),
        rng.random(),
        rng.random_range(1..=254),
    ])
}

/// `text` as a Debug of its bytes would show it.
fn as_bytes(text: &str) -> String {
    let bytes: Vec<String> = text.bytes().map(|b| b.to_string()).collect();
    bytes.join(", ")
}

#[tokio::test]
async fn debug_logs_hold_no_query_body_or_sql_parameter_and_name_the_peer() {
    let app = TestApp::spawn().await;
    let peer = loopback_of_our_own();
    let capture = LogCapture::start(&format!("http.client_ip={peer} "));
    let client = reqwest::Client::builder()
        .local_address(peer)
        .build()
        .unwrap();
    let forged = "198.51.100.23";
    let send = |method: Method, path: &str| {
        client
            .request(method, app.url(path))
            .bearer_auth(&app.admin.token)
            .header("x-org", "acme")
            .header("x-forwarded-for", forged)
    };
    // A search (a query parameter, and a bound SQL parameter).
    let res = send(Method::GET, "/api/v1/app/user?search=query-marker-q7")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // A 400 whose problem quotes the input back to its client.
    let res = send(Method::POST, "/api/v1/app/user")
        .json(&json!({"role": "body-marker-b7", "user_info": {"email": "x@acme.test"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("body-marker-b7"));
    // A sign-in (the email is a bound SQL parameter).
    let res = send(Method::POST, "/api/auth/sign-in/email")
        .json(&json!({"email": "email-marker-e7@acme.test", "password": "password-marker-p7"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    let lines = capture.lines();
    let text = lines.concat();
    let done = lines.iter().filter(|l| l.contains("request done")).count();
    assert_eq!(
        done, 3,
        "one line per request, found by the peer's address:\n{text}"
    );
    assert!(
        lines.iter().any(|l| l.contains("DEBUG")),
        "the capture reads debug lines:\n{text}"
    );
    for (input, what) in [
        ("query-marker-q7", "a query parameter"),
        ("body-marker-b7", "a body's value"),
        ("email-marker-e7", "an email"),
        ("password-marker-p7", "a password"),
        (forged, "a forwarded address from an untrusted peer"),
    ] {
        assert!(!text.contains(input), "the logs hold {what}:\n{text}");
        // SQL parameters were logged as their bytes: [101, 109, 97, ...].
        assert!(
            !text.contains(&as_bytes(input)),
            "the logs hold {what} as bytes:\n{text}"
        );
    }
    // What they do hold: the route, the outcome and its problem code.
    assert!(text.contains("/api/v1/app/user"), "{text}");
    assert!(text.contains("validation_failed"), "{text}");
}
