//! `/metrics`. Before: open to anyone who could reach the public port. Now it is served
//! on the management address (`ROSTER_METRICS_BIND`), and on the public one only with
//! `Authorization: Bearer <ROSTER_METRICS_TOKEN>`; without a token there it is a 404.

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use roster_gateway::config::Secret;

const TOKEN: &str = "metrics-scraper-token-0123456789";

#[tokio::test]
async fn metrics_are_on_the_management_address_and_not_on_the_public_one() {
    let app = TestApp::spawn().await;
    let metrics = app
        .client
        .get(app.management_url("/metrics"))
        .status(200)
        .await;
    assert!(
        metrics.text.contains("roster_db_pool_max_size"),
        "{metrics}"
    );
    // On the public address, as if there were no such route, token or not.
    app.anon(Method::GET, "/metrics")
        .problem(404, "route_not_found")
        .await;
    app.anon(Method::GET, "/metrics")
        .bearer_auth(TOKEN)
        .problem(404, "route_not_found")
        .await;
    // The management address serves the health checks too, and nothing of the API.
    for path in ["/healthz", "/readyz"] {
        app.client.get(app.management_url(path)).status(200).await;
    }
    app.client
        .get(app.management_url("/api/v1/app/me"))
        .bearer_auth(&app.admin.token)
        .header("x-org", "acme")
        .problem(404, "route_not_found")
        .await;
}

#[tokio::test]
async fn with_a_token_the_public_address_serves_metrics_to_its_bearer_alone() {
    let app =
        TestApp::spawn_with(|c| c.metrics_token = Some(Secret(TOKEN.as_bytes().to_vec()))).await;
    let metrics = app
        .anon(Method::GET, "/metrics")
        .bearer_auth(TOKEN)
        .status(200)
        .await;
    assert!(
        metrics.text.contains("roster_http_requests_total"),
        "{metrics}"
    );
    let wrong = [
        None,
        Some(format!("Bearer {TOKEN}x")),
        Some(format!("Bearer {}", &TOKEN[..TOKEN.len() - 1])),
        Some(format!("Basic {TOKEN}")),
        Some(TOKEN.to_owned()),
    ];
    for authorization in wrong {
        let mut req = app.anon(Method::GET, "/metrics");
        if let Some(a) = &authorization {
            req = req.header("authorization", a);
        }
        let refused = req.reply().await;
        refused.problem(401, "unauthorized");
        assert_eq!(
            refused.header("www-authenticate"),
            Some("Bearer realm=\"roster\""),
            "{refused}"
        );
    }
}
