//! The gateway as operators see it: health and readiness, metrics, the docs page,
//! `bootstrap`, and clients or database connections that go away.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};

#[tokio::test]
async fn healthz_and_readyz_answer() {
    let app = TestApp::spawn().await;
    let body = app.anon(Method::GET, "/healthz").ok().await;
    assert_eq!(body["status"], "ok");
    let ready = app.anon(Method::GET, "/readyz").status(200).await;
    assert!(ready.header("x-request-id").is_some(), "{ready}");
    assert_eq!(ready.json()["status"], "ready");
}

#[tokio::test]
async fn readyz_is_503_with_retry_after_when_the_database_is_unreachable() {
    // A port nothing listens on: the pool cannot connect.
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = TestApp::spawn_with(|_| {}).await;
    let mut config = app.config.clone();
    config.database_url = format!("postgres://postgres@127.0.0.1:{closed_port}/nowhere");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = roster_gateway::server::build(config, listener).unwrap();
    let handle = server.handle();
    tokio::spawn(server);
    let base = format!("http://127.0.0.1:{port}");
    let ready = app.client.get(format!("{base}/readyz")).reply().await;
    ready.problem(503, "unavailable");
    assert_eq!(ready.header("retry-after"), Some("2"));
    // An authenticated API call is a 503 too, never a 500.
    app.client
        .get(format!("{base}/api/v1/app/me"))
        .bearer_auth(&app.admin.token)
        .header("x-org", "acme")
        .problem(503, "unavailable")
        .await;
    // The process itself is alive.
    app.client.get(format!("{base}/healthz")).status(200).await;
    handle.stop(false).await;
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_and_show_the_pool() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        app.admin(Method::GET, "/api/v1/app/me").reply().await;
    }
    app.admin(Method::GET, "/api/v1/app/user/user_0000000000000000")
        .reply()
        .await;
    let metrics = app.anon(Method::GET, "/metrics").status(200).await;
    assert!(metrics
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    let text = metrics.text;
    assert!(
        text.contains(
            "roster_http_requests_total{method=\"GET\",route=\"/api/v1/app/me\",status=\"200\"} 3"
        ),
        "{text}"
    );
    assert!(text.contains("roster_http_requests_total{method=\"GET\",route=\"/api/v1/app/user/{id}\",status=\"404\"} 1"), "{text}");
    assert!(text.contains("roster_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/app/me\",status=\"200\",le=\"+Inf\"} 3"), "{text}");
    assert!(text.contains("roster_db_pool_max_size 8"), "{text}");
    assert!(text.contains("roster_db_pool_wait_seconds_count"), "{text}");
}

#[tokio::test]
async fn docs_page_is_served_by_the_gateway_itself() {
    let app = TestApp::spawn().await;
    let html = app.anon(Method::GET, "/docs/").status(200).await.text;
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "the docs page must not load assets from the web: {html}"
    );
    let bundle = app
        .anon(Method::GET, "/docs/swagger-ui-bundle.js")
        .status(200)
        .await;
    assert!(bundle.text.len() > 100_000);
    let initializer = app
        .anon(Method::GET, "/docs/swagger-initializer.js")
        .reply()
        .await;
    assert!(initializer.text.contains("/openapi.json"), "{initializer}");
}

#[tokio::test]
async fn bootstrap_creates_once_and_prints_fresh_working_credentials() {
    let app = TestApp::spawn().await;
    let args =
        |password: Option<&str>| app.bootstrap_args("initech", "peter@initech.test", password);
    let first = roster_gateway::cli::bootstrap(&args(Some("tps reports!")))
        .await
        .unwrap();
    let second = roster_gateway::cli::bootstrap(&args(None)).await.unwrap();
    assert_eq!(
        (&first.org_id, &first.account_id, &first.user_id),
        (&second.org_id, &second.account_id, &second.user_id)
    );
    assert_eq!(first.org_slug, "initech");
    assert_ne!(first.token, second.token, "fresh secrets on every run");
    let line = serde_json::to_value(&first).unwrap();
    for key in [
        "org_id",
        "org_slug",
        "account_id",
        "user_id",
        "token",
        "workspace_id",
        "api_key",
    ] {
        assert!(
            line.get(key).is_some(),
            "bootstrap JSON lacks {key}: {line}"
        );
    }
    for token in [&first.token, &second.token] {
        let me = app
            .as_user(token, "initech", Method::GET, "/api/v1/app/me")
            .ok()
            .await;
        assert_eq!(me["roles"].clone(), serde_json::json!(["AppAdmin"]));
    }
    app.anon(Method::POST, "/api/auth/sign-in/email")
        .json(&serde_json::json!({"email": "peter@initech.test", "password": "tps reports!"}))
        .status(200)
        .await;
    let mut bad = args(None);
    bad.org_slug = "Not A Slug".into();
    assert!(roster_gateway::cli::bootstrap(&bad).await.is_err());
}

#[tokio::test]
async fn a_client_too_slow_to_send_its_request_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn_with(|c| c.client_timeout_ms = 300).await;
    let mut stream = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // The head never ends; the server answers 408 and closes (bounded by a generous limit).
    let mut answer = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut answer),
    )
    .await;
    assert!(read.is_ok(), "the server kept a slow client open");
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 408"),
        "{text}"
    );
}

#[tokio::test]
async fn connections_the_database_dropped_are_503_or_replaced_never_500() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    let app = TestApp::spawn().await;
    let me = || app.admin(Method::GET, "/api/v1/app/me");
    // Fill the gateway's pool with connections.
    futures_util::future::join_all((0..8).map(|_| me().status(200))).await;
    // The database ends every other connection (a restart, a failover, an admin).
    let mut admin = AsyncPgConnection::establish(&app.db.url).await.unwrap();
    diesel::sql_query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .execute(&mut admin)
    .await
    .unwrap();
    let mut recovered = false;
    for _ in 0..20 {
        let reply = me().reply().await;
        match reply.status {
            200 => recovered = true,
            503 => {
                reply.problem(503, "unavailable");
            }
            _ => panic!("{reply}"),
        }
    }
    assert!(recovered, "the pool never replaced its dropped connections");
}
