//! SIGINT (Ctrl-C) stops the gateway as SIGTERM does: it stops accepting, finishes the
//! requests in flight and closes its pool, then exits 0.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::process::GatewayProcess;

/// Sends a sign-in whose body arrives in two parts, `between` running in the gap.
async fn sign_in_in_two_parts(gateway: &GatewayProcess, between: impl FnOnce()) -> String {
    let body = br#"{"email": "ada@example.test", "password": "not-her-password"}"#;
    let (first, rest) = body.split_at(10);
    let mut stream = TcpStream::connect(&gateway.address).unwrap();
    write!(
        stream,
        "POST /api/auth/sign-in/email HTTP/1.1\r\nHost: roster\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(first).unwrap();
    stream.flush().unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    between();
    tokio::time::sleep(Duration::from_millis(300)).await;
    stream.write_all(rest).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

async fn stops_gracefully_on(signal: &str) {
    let mut gateway = GatewayProcess::start("pretty").await;
    let response = sign_in_in_two_parts(&gateway, || gateway.signal(signal)).await;
    assert!(
        response.starts_with("HTTP/1.1 401"),
        "the request in flight was not finished: {response:?}\n{:#?}",
        gateway.lines()
    );
    assert!(
        response.contains("\"code\":\"INVALID_EMAIL_OR_PASSWORD\""),
        "{response}"
    );
    assert!(
        TcpStream::connect(&gateway.address).is_err(),
        "still accepting after {signal}"
    );
    let status = gateway.exit(Duration::from_secs(15)).await;
    assert!(status.success(), "{status}: {:#?}", gateway.lines());
    let log = gateway.lines().join("\n");
    assert!(log.contains(&format!("signal=\"SIG{signal}\"")), "{log}");
    assert!(log.contains("database connections closed"), "{log}");
    assert!(!log.contains("forced"), "{log}");
}

#[tokio::test]
async fn sigint_finishes_the_requests_in_flight_and_closes_the_pool() {
    stops_gracefully_on("INT").await;
}

#[tokio::test]
async fn sigterm_does_the_same() {
    stops_gracefully_on("TERM").await;
}
