//! What writes no event: a delivery retried until it succeeds (the event was written
//! once, with the change), and a request refused before it changed anything.

use std::time::Duration;

use reqwest::Method;
use roster_e2e::{Expect, TestApp};
use serde_json::json;

use super::endpoints::create_endpoint;
use super::receiver::Receiver;

async fn event_count(app: &TestApp) -> i64 {
    app.sql_count("SELECT count(*) AS n FROM events").await
}

#[tokio::test]
async fn a_delivery_retried_until_it_succeeds_writes_no_event() {
    let app =
        TestApp::spawn_with(|c| c.webhooks.retry_schedule = "100ms,100ms,100ms".parse().unwrap())
            .await;
    // Fails twice, then succeeds.
    let receiver = Receiver::scripted(|n| (if n < 2 { 500 } else { 200 }, Duration::ZERO));
    create_endpoint(&app, json!({"url": receiver.url, "events": ["user.*"]})).await;
    let before = event_count(&app).await;
    app.create_user("sam@acme.test", "AppMember").await;
    assert!(
        receiver
            .until(Duration::from_secs(15), |r| r.len() >= 3)
            .await,
        "three attempts: {}",
        receiver.received().len()
    );
    // The third answer is recorded once the deliverer's batch commits.
    let delivered = "SELECT count(*) AS n FROM webhook_deliveries WHERE state = 'delivered'";
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while app.sql_count(delivered).await == 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        app.sql_count(delivered).await,
        1,
        "the retried delivery is delivered"
    );
    assert_eq!(event_count(&app).await, before + 1, "only the user.created");
    let ids: Vec<String> = receiver
        .received()
        .iter()
        .map(|r| r.id().to_owned())
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
}

#[tokio::test]
async fn refused_requests_write_no_event() {
    let app = TestApp::spawn().await;
    let (_, member_token) = app.user_with_token("mo@acme.test", "AppMember").await;
    let before = event_count(&app).await;
    let body = json!({"role": "AppMember", "user_info": {"email": "x@acme.test", "name": "X"}});
    // No credential: 401.
    app.anon(Method::POST, "/api/v1/app/user")
        .json(&body)
        .problem(401, "unauthorized")
        .await;
    // A member may not add users: 403.
    app.as_user(&member_token, "acme", Method::POST, "/api/v1/app/user")
        .json(&body)
        .problem(403, "admin_required")
        .await;
    // Malformed JSON, and a wrong type: 400.
    app.admin(Method::POST, "/api/v1/app/user")
        .header("content-type", "application/json")
        .body("{\"role\": ")
        .status(400)
        .await;
    app.admin(Method::POST, "/api/v1/app/project")
        .json(&json!({"name": 42}))
        .status(400)
        .await;
    // A workspace API key that is not one: 401.
    app.external("rxk_nope", Method::POST, "/api/v1/channels")
        .json(&json!({"name": "Nope"}))
        .problem(401, "unauthorized")
        .await;
    // Another org's resource: 404.
    let other = app.bootstrap("globex", "boss@globex.test").await;
    let project = app
        .as_user(&other.token, "globex", Method::POST, "/api/v1/app/project")
        .json(&json!({"name": "Theirs"}))
        .created()
        .await;
    let before_other = event_count(&app).await;
    app.admin(
        Method::DELETE,
        &format!("/api/v1/app/project/{}", project["id"].as_str().unwrap()),
    )
    .problem(404, "project_not_found")
    .await;
    assert_eq!(event_count(&app).await, before_other);
    // Only the other org's bootstrap and project were written meanwhile.
    assert_eq!(event_count(&app).await, before + 3);
}
