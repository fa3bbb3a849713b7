//! What the logs hold. Before: 4xx warnings quoted the request's input, `RUST_LOG=debug`
//! logged every SQL statement's parameters (emails, token hashes, as bytes), and the
//! client address was whatever `X-Forwarded-For` said. Now nothing a client sent reaches
//! the log at any level, and the address is the TCP peer's (see `client_address` for
//! trusted proxies). The log is read as `roster-gateway serve` writes it.

use reqwest::Method;
use roster_e2e::Expect;
use serde_json::{json, Value};

use super::super::process::GatewayProcess;

/// `text` as a Debug of its bytes would show it: `[101, 109, ...]`.
fn as_bytes(text: &str) -> String {
    let bytes: Vec<String> = text.bytes().map(|b| b.to_string()).collect();
    bytes.join(", ")
}

#[tokio::test]
async fn debug_logs_hold_no_query_body_or_sql_parameter_and_name_the_peer() {
    let gateway = GatewayProcess::start_with("json", &[("RUST_LOG", "debug")]).await;
    let client = reqwest::Client::new();
    let forged = "198.51.100.23";
    let send = |path: &str| {
        client
            .request(Method::POST, gateway.url(path))
            .header("x-forwarded-for", forged)
    };
    // A 400 whose problem quotes the input back to its client.
    let refused = send("/api/auth/sign-in/email")
        .json(&json!({"email": "someone@acme.test", "password": 987_654_321}))
        .problem(400, "VALIDATION_ERROR")
        .await;
    assert!(refused.to_string().contains("987654321"), "{refused}");
    // A query string, and an email that is a bound SQL parameter.
    send("/api/auth/sign-in/email?hint=query-marker-q7")
        .json(&json!({"email": "email-marker-e7@acme.test", "password": "password-marker-p7"}))
        .problem(401, "INVALID_EMAIL_OR_PASSWORD")
        .await;
    gateway
        .wait_for_line(|l| l.contains("\"status\":401"))
        .await;

    let log = gateway.lines().join("\n");
    let requests: Vec<Value> = gateway
        .lines()
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["route"] == "/api/auth/sign-in/email")
        .collect();
    assert_eq!(requests.len(), 2, "{log}");
    for line in &requests {
        assert_eq!(line["span"]["client"], "127.0.0.1", "the peer: {line}");
    }
    assert_eq!(requests[0]["code"], "validation_failed", "{log}");
    assert!(
        log.contains("\"level\":\"DEBUG\""),
        "the log is at debug: {log}"
    );
    for (input, what) in [
        ("987654321", "a body's value"),
        ("query-marker-q7", "a query parameter"),
        ("email-marker-e7", "an email"),
        ("password-marker-p7", "a password"),
        (forged, "a forwarded address from an untrusted peer"),
    ] {
        assert!(!log.contains(input), "the log holds {what}: {log}");
        assert!(
            !log.contains(&as_bytes(input)),
            "the log holds {what} as SQL parameter bytes: {log}"
        );
    }
}
