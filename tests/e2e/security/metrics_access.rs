//! `/metrics`. Before: open to anyone who could reach the public port. Now it is served
//! on the management address (`ROSTER_METRICS_BIND`), and on the public one only with
//! `Authorization: Bearer <ROSTER_METRICS_TOKEN>`; without a token there it is a 404.

use reqwest::Method;
use roster_e2e::{problem, TestApp};
use roster_gateway::config::Secret;

const TOKEN: &str = "metrics-scraper-token-0123456789";

#[tokio::test]
async fn metrics_are_on_the_management_address_and_not_on_the_public_one() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .get(app.management_url("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("roster_db_pool_max_size"));
    problem(
        app.anon(Method::GET, "/metrics").send().await.unwrap(),
        404,
        "route_not_found",
    )
    .await;
    let res = app
        .anon(Method::GET, "/metrics")
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    problem(res, 404, "route_not_found").await;
    // The management address serves the health checks too, and nothing of the API.
    for path in ["/healthz", "/readyz"] {
        let res = app
            .client
            .get(app.management_url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
    }
    let res = app
        .client
        .get(app.management_url("/api/v1/app/me"))
        .bearer_auth(&app.admin.token)
        .header("x-org", "acme")
        .send()
        .await
        .unwrap();
    problem(res, 404, "route_not_found").await;
}

#[tokio::test]
async fn with_a_token_the_public_address_serves_metrics_to_its_bearer_alone() {
    let app =
        TestApp::spawn_with(|c| c.metrics_token = Some(Secret(TOKEN.as_bytes().to_vec()))).await;
    let res = app
        .anon(Method::GET, "/metrics")
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("roster_http_requests_total"));
    let wrong = [
        None,
        Some(format!("Bearer {}x", TOKEN)),
        Some(format!("Bearer {}", &TOKEN[..TOKEN.len() - 1])),
        Some(format!("Basic {TOKEN}")),
        Some(TOKEN.to_owned()),
    ];
    for authorization in wrong {
        let mut req = app.anon(Method::GET, "/metrics");
        if let Some(a) = &authorization {
            req = req.header("authorization", a);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.headers()["www-authenticate"], "Bearer realm=\"roster\"");
        problem(res, 401, "unauthorized").await;
    }
}
