//! Gateway-wide behaviour: health, readiness, metrics, OpenAPI, docs, and errors that
//! come from HTTP itself (unknown routes, wrong methods, bodies, content types).

use reqwest::Method;
use roster_e2e::{json, problem, TestApp};

#[tokio::test]
async fn healthz_and_readyz_answer() {
    let app = TestApp::spawn().await;
    let (status, body) = json(app.anon(Method::GET, "/healthz").send().await.unwrap()).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let res = app.anon(Method::GET, "/readyz").send().await.unwrap();
    assert!(res.headers().contains_key("x-request-id"));
    let (status, body) = json(res).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")));
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
    let res = app
        .client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("2")
    );
    problem(res, 503, "unavailable").await;
    // An authenticated API call is a 503 too, never a 500.
    let res = app
        .client
        .get(format!("{base}/api/v1/app/me"))
        .bearer_auth(&app.admin.token)
        .header("x-org", "acme")
        .send()
        .await
        .unwrap();
    problem(res, 503, "unavailable").await;
    // The process itself is alive.
    assert_eq!(
        app.client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    handle.stop(false).await;
}

#[tokio::test]
async fn unknown_route_is_problem_404_with_request_id() {
    let app = TestApp::spawn().await;
    let res = app.anon(Method::GET, "/nope").send().await.unwrap();
    let request_id = res
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let body = problem(res, 404, "route_not_found").await;
    assert_eq!(body["request_id"], request_id.as_str());
}

#[tokio::test]
async fn wrong_method_is_problem_405() {
    let app = TestApp::spawn().await;
    let res = app
        .admin(Method::PATCH, "/api/v1/app/me")
        .send()
        .await
        .unwrap();
    let body = problem(res, 405, "method_not_allowed").await;
    assert!(body["detail"].as_str().unwrap().contains("PATCH"), "{body}");
    let res = app
        .admin(Method::DELETE, "/api/v1/app/user")
        .send()
        .await
        .unwrap();
    problem(res, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn body_over_one_mib_is_413() {
    let app = TestApp::spawn().await;
    let big = format!(
        "{{\"role\":\"AppMember\",\"user_info\":{{\"email\":\"a@b.co\",\"name\":\"{}\"}}}}",
        "x".repeat(1 << 20)
    );
    let res = app
        .admin(Method::POST, "/api/v1/app/user")
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    problem(res, 413, "payload_too_large").await;
}

#[tokio::test]
async fn body_over_one_mib_without_content_length_is_413() {
    let app = TestApp::spawn().await;
    let chunk = vec![b' '; 64 * 1024];
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..20).map(|_| Ok(chunk.clone())).collect();
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let res = app
        .admin(Method::POST, "/api/v1/app/user")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    problem(res, 413, "payload_too_large").await;
}

#[tokio::test]
async fn non_json_content_type_is_415() {
    let app = TestApp::spawn().await;
    let res = app
        .admin(Method::POST, "/api/v1/app/user")
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    problem(res, 415, "unsupported_media_type").await;
    let res = app
        .admin(Method::POST, "/api/v1/app/user")
        .body("{}")
        .send()
        .await
        .unwrap();
    problem(res, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_and_show_the_pool() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        app.admin(Method::GET, "/api/v1/app/me")
            .send()
            .await
            .unwrap();
    }
    app.admin(Method::GET, "/api/v1/app/user/user_0000000000000000")
        .send()
        .await
        .unwrap();
    let res = app.anon(Method::GET, "/metrics").send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = res.text().await.unwrap();
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
async fn openapi_documents_every_route_with_its_errors() {
    let app = TestApp::spawn().await;
    let (status, doc) = json(app.anon(Method::GET, "/openapi.json").send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let expected = [
        ("/api/v1/app/me", "get"),
        ("/api/v1/app/user", "get"),
        ("/api/v1/app/user", "post"),
        ("/api/v1/app/user/{id}", "get"),
        ("/api/v1/app/user/{id}", "put"),
        ("/api/v1/app/user/{id}/deactivate", "post"),
        ("/api/v1/app/user/{id}/activate", "post"),
        ("/api/v1/app/tokens", "get"),
        ("/api/v1/app/tokens", "post"),
        ("/api/v1/app/tokens/{id}", "delete"),
        ("/api/auth/sign-up/email", "post"),
        ("/api/auth/sign-in/email", "post"),
        ("/api/auth/sign-out", "post"),
        ("/api/auth/get-session", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
    ];
    for (path, method) in expected {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
    }
    let create = &doc["paths"]["/api/v1/app/user"]["post"]["responses"];
    for status in [
        "201", "400", "401", "403", "404", "409", "413", "415", "500", "503",
    ] {
        assert!(
            create[status].is_object(),
            "POST /api/v1/app/user lacks {status}: {create}"
        );
    }
    let problem =
        &doc["components"]["responses"]["Problem409"]["content"]["application/problem+json"];
    assert_eq!(problem["schema"]["$ref"], "#/components/schemas/Problem");
    assert!(doc["components"]["schemas"]["User"]["properties"]["roles"].is_object());
}

/// The document states the bounds the gateway checks, so that a client validating by it
/// sends what the gateway takes; and the gateway takes what the document allows.
#[tokio::test]
async fn openapi_states_the_bounds_the_gateway_checks() {
    let app = TestApp::spawn().await;
    let (status, doc) = json(app.anon(Method::GET, "/openapi.json").send().await.unwrap()).await;
    assert_eq!(status, 200);
    let schemas = &doc["components"]["schemas"];
    let password = &schemas["SignUpRequest"]["properties"]["password"];
    assert_eq!(
        (&password["minLength"], &password["maxLength"]),
        (&8.into(), &128.into())
    );
    let expires = &schemas["CreateTokenRequest"]["properties"]["expires_in_days"];
    assert_eq!(expires["minimum"], 1);
    assert_eq!(expires["maximum"], 3650);
    let name = &schemas["UserInfo"]["properties"]["name"];
    assert_eq!(
        (&name["minLength"], &name["maxLength"]),
        (&1.into(), &200.into())
    );
    let no_controls = r"^[^\u0000-\u0008\u000B-\u001F\u007F-\u009F]*$";
    assert_eq!(name["pattern"], no_controls);
    assert_eq!(
        schemas["CreateTokenRequest"]["properties"]["name"]["pattern"],
        no_controls
    );
    // A change must change something, and a field that cannot be cleared takes no null:
    // every body of a change whose fields are all optional (`Update…Request`) says so.
    let changes: Vec<_> = schemas
        .as_object()
        .unwrap()
        .iter()
        .filter(|(name, schema)| {
            name.starts_with("Update") && name.ends_with("Request") && schema["required"].is_null()
        })
        .collect();
    assert!(changes.len() >= 7, "{changes:?}");
    for (name, schema) in changes {
        assert!(schema["maxProperties"].is_null(), "{name}: {schema}");
        assert_eq!(schema["minProperties"], 1, "{name}: {schema}");
    }
    let tier_name = &schemas["UpdateTierRequest"]["properties"]["name"];
    assert_eq!(tier_name["type"], "string", "{tier_name}");
    let user = &schemas["UpdateExternalUserRequest"]["properties"];
    assert_eq!(user["blocked"]["type"], "boolean", "{user}");
    assert!(
        user["name"]["type"]
            .as_array()
            .is_some_and(|t| t.contains(&"null".into())),
        "{user}"
    );

    // The pattern's ranges are the characters `bounded` refuses: C0 and C1 controls but
    // tab and newline.
    for (i, (c, allowed)) in [
        ('\u{1}', false),
        ('\u{7f}', false),
        ('\u{85}', false),
        ('\n', true),
        ('\t', true),
    ]
    .into_iter()
    .enumerate()
    {
        let res = app
            .admin(Method::POST, "/api/v1/app/user")
            .json(&serde_json::json!({
                "role": "AppMember",
                "user_info": {"email": format!("bounds{i}@example.com"), "name": format!("A{c}B")},
            }))
            .send()
            .await
            .unwrap();
        if allowed {
            assert_eq!(res.status(), 201, "{c:?}: {}", res.text().await.unwrap());
        } else {
            let body = problem(res, 400, "validation_failed").await;
            assert!(
                body["detail"]
                    .as_str()
                    .unwrap()
                    .contains("control characters"),
                "{body}"
            );
        }
    }

    // Every documented page number is served, the largest with the largest page size.
    let page = doc["paths"]["/api/v1/app/user"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "page")
        .unwrap()
        .clone();
    let search = doc["paths"]["/api/v1/app/user"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "search")
        .unwrap()
        .clone();
    assert_eq!(
        search["schema"]["pattern"], r"^[^\u0000-\u001F\u007F-\u009F]*$",
        "{search}"
    );
    assert_eq!(search["schema"]["maxLength"], 200, "{search}");
    let max = page["schema"]["maximum"].as_f64().unwrap();
    assert_eq!(max, 1e15);
    let res = app
        .admin(
            Method::GET,
            &format!("/api/v1/app/user?page={max:.0}&page_size=100"),
        )
        .send()
        .await
        .unwrap();
    let (status, body) = json(res).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"].as_array().map(Vec::len), Some(0), "{body}");
}

#[tokio::test]
async fn docs_page_is_served_by_the_gateway_itself() {
    let app = TestApp::spawn().await;
    let res = app.anon(Method::GET, "/docs/").send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "the docs page must not load assets from the web: {html}"
    );
    let res = app
        .anon(Method::GET, "/docs/swagger-ui-bundle.js")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.bytes().await.unwrap().len() > 100_000);
    let res = app
        .anon(Method::GET, "/docs/swagger-initializer.js")
        .send()
        .await
        .unwrap();
    assert!(res.text().await.unwrap().contains("/openapi.json"));
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
        let (status, me) = json(
            app.as_user(token, "initech", Method::GET, "/api/v1/app/me")
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            (status, me["roles"].clone()),
            (200, serde_json::json!(["AppAdmin"]))
        );
    }
    let res = app
        .anon(Method::POST, "/api/auth/sign-in/email")
        .json(&serde_json::json!({"email": "peter@initech.test", "password": "tps reports!"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mut bad = args(None);
    bad.org_slug = "Not A Slug".into();
    assert!(roster_gateway::cli::bootstrap(&bad).await.is_err());
}

#[tokio::test]
async fn deeply_nested_or_oversized_json_values_are_400() {
    let app = TestApp::spawn().await;
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let res = app
        .admin(Method::POST, "/api/v1/app/user")
        .header("content-type", "application/json")
        .body(nested)
        .send()
        .await
        .unwrap();
    problem(res, 400, "invalid_json").await;
    let long_name = serde_json::json!({"role": "AppMember", "user_info": {"email": "a@b.co", "name": "x".repeat(900_000)}});
    let res = app
        .admin(Method::POST, "/api/v1/app/user")
        .json(&long_name)
        .send()
        .await
        .unwrap();
    let body = problem(res, 400, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "user_info.name");
    let long_email = serde_json::json!({"role": "AppMember", "user_info": {"email": format!("{}@b.co", "a".repeat(500)), "name": "A"}});
    let res = app
        .admin(Method::POST, "/api/v1/app/user")
        .json(&long_email)
        .send()
        .await
        .unwrap();
    problem(res, 400, "validation_failed").await;
    let res = app
        .admin(
            Method::GET,
            &format!("/api/v1/app/user?search={}", "s".repeat(201)),
        )
        .send()
        .await
        .unwrap();
    problem(res, 400, "validation_failed").await;
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
    let me = || app.admin(Method::GET, "/api/v1/app/me").send();
    // Fill the gateway's pool with connections.
    let warm = futures_util::future::join_all((0..8).map(|_| me())).await;
    assert!(warm.iter().all(|r| r.as_ref().unwrap().status() == 200));
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
        let res = me().await.unwrap();
        match res.status().as_u16() {
            200 => recovered = true,
            503 => {
                problem(res, 503, "unavailable").await;
            }
            other => panic!("status {other}: {}", res.text().await.unwrap()),
        }
    }
    assert!(recovered, "the pool never replaced its dropped connections");
}
