//! Delivery: signed as Standard Webhooks specifies, retried on the schedule, disabled by a
//! 410 or 5 days of failures, and a test event to one endpoint.

use std::time::Duration;

use reqwest::Method;
use roster_e2e::{Expect, TestApp};

use serde_json::{json, Value};

use super::endpoints::create_endpoint;
use super::receiver::Receiver;
use super::{all_events, audit_page, types};

const WITHIN: Duration = Duration::from_secs(15);

/// A gateway retrying after 100 ms, three times.
async fn app() -> TestApp {
    TestApp::spawn_with(|c| c.webhooks.retry_schedule = "100ms,100ms,100ms".parse().unwrap()).await
}

async fn deliveries(app: &TestApp, endpoint: &str) -> Vec<Value> {
    let page = app
        .admin(
            Method::GET,
            &format!("/api/v1/app/webhooks/{endpoint}/deliveries"),
        )
        .ok()
        .await;
    page["data"].as_array().unwrap().clone()
}

/// The endpoint's deliveries once its newest is in `state` (polled until `WITHIN`).
async fn settled(app: &TestApp, endpoint: &str, state: &str) -> Vec<Value> {
    let deadline = std::time::Instant::now() + WITHIN;
    let mut listed = deliveries(app, endpoint).await;
    while listed[0]["state"] != state && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        listed = deliveries(app, endpoint).await;
    }
    assert_eq!(listed[0]["state"], state, "{listed:?}");
    listed
}

async fn endpoint(app: &TestApp, id: &str) -> Value {
    app.admin(Method::GET, &format!("/api/v1/app/webhooks/{id}"))
        .ok()
        .await
}

#[tokio::test]
async fn deliveries_verify_with_a_standard_webhooks_library_and_carry_the_event() {
    let app = app().await;
    let receiver = Receiver::ok();
    let users = create_endpoint(&app, json!({"url": receiver.url, "events": ["user.*"]})).await;
    let secret = users["secret"].as_str().unwrap();
    let tests_only = Receiver::ok();
    create_endpoint(
        &app,
        json!({"url": tests_only.url, "events": ["webhook.test"]}),
    )
    .await;
    let user = app.create_user("sam@acme.test", "AppMember").await;
    assert!(receiver.until(WITHIN, |r| !r.is_empty()).await);
    let got = &receiver.received()[0];
    assert!(got.verifies_with(secret), "{:?}", got.headers);
    assert!(!got.verifies_with("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"));
    let event = audit_page(&app, "type=user.created&first=1").await["data"][0].clone();
    assert_eq!(got.id(), event["id"].as_str().unwrap());
    let body = got.json();
    assert_eq!(body["type"], "user.created");
    assert_eq!(body["timestamp"], event["occurred_at"]);
    assert_eq!(body["data"], event);
    assert_eq!(body["data"]["data"], user);
    assert_eq!(got.headers["content-type"], "application/json");
    let ts: i64 = got.headers["webhook-timestamp"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((ts - time::OffsetDateTime::now_utc().unix_timestamp()).abs() < 60);
    let listed = settled(&app, users["id"].as_str().unwrap(), "delivered").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0]["state"].as_str(), listed[0]["attempts"].as_i64()),
        (Some("delivered"), Some(1))
    );
    assert_eq!(listed[0]["event_type"], "user.created");
    // The other endpoint subscribes to test events only.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(tests_only.received().is_empty());
}

#[tokio::test]
async fn a_receiver_failing_twice_then_succeeding_sees_the_same_webhook_id_three_times() {
    let app = app().await;
    let receiver = Receiver::scripted(|n| (if n < 2 { 500 } else { 204 }, Duration::ZERO));
    let created = create_endpoint(&app, json!({"url": receiver.url, "events": ["user.*"]})).await;
    let id = created["id"].as_str().unwrap();
    app.create_user("sam@acme.test", "AppMember").await;
    assert!(receiver.until(WITHIN, |r| r.len() >= 3).await);
    let got = receiver.received();
    assert!(
        got.iter().all(|r| r.id() == got[0].id()),
        "one id on every attempt"
    );
    assert!(got
        .iter()
        .all(|r| r.verifies_with(created["secret"].as_str().unwrap())));
    let listed = settled(&app, id, "delivered").await;
    assert_eq!(listed[0]["state"], "delivered", "{listed:?}");
    assert_eq!(listed[0]["attempts"], 3);
    assert_eq!(listed[0]["last_status"], 204);
    assert!(listed[0]["next_attempt_at"].is_null());
    assert_eq!(endpoint(&app, id).await["failing_since"], Value::Null);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 3);
}

#[tokio::test]
async fn a_410_disables_the_endpoint_with_a_webhook_disabled_event() {
    let app = app().await;
    let gone = Receiver::scripted(|_| (410, Duration::ZERO));
    let created = create_endpoint(&app, json!({"url": gone.url, "events": ["user.*"]})).await;
    let id = created["id"].as_str().unwrap();
    let watcher = Receiver::ok();
    create_endpoint(
        &app,
        json!({"url": watcher.url, "events": ["webhook.disabled"]}),
    )
    .await;
    app.create_user("sam@acme.test", "AppMember").await;
    assert!(watcher.until(WITHIN, |r| !r.is_empty()).await);
    assert_eq!(watcher.received()[0].json()["data"]["data"]["id"], id);
    assert_eq!(endpoint(&app, id).await["enabled"], false);
    let listed = deliveries(&app, id).await;
    assert_eq!(
        (
            listed[0]["state"].as_str(),
            listed[0]["last_status"].as_i64()
        ),
        (Some("failed"), Some(410))
    );
    // A disabled endpoint gets nothing more.
    app.create_user("max@acme.test", "AppMember").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(gone.received().len(), 1);
    assert_eq!(deliveries(&app, id).await.len(), 1);
    let disabled = all_events(&app, "type=webhook.disabled").await;
    assert_eq!(disabled[0]["actor"], json!({"type": "system", "id": null}));
}

#[tokio::test]
async fn a_receiver_that_hangs_past_the_timeout_gets_a_retry() {
    let app = TestApp::spawn_with(|c| {
        c.webhooks.timeout_ms = 300;
        c.webhooks.retry_schedule = "100ms".parse().unwrap();
    })
    .await;
    let receiver = Receiver::scripted(|n| {
        (
            200,
            if n == 0 {
                Duration::from_secs(3)
            } else {
                Duration::ZERO
            },
        )
    });
    let created = create_endpoint(
        &app,
        json!({"url": receiver.url, "events": ["user.created"]}),
    )
    .await;
    app.create_user("sam@acme.test", "AppMember").await;
    assert!(receiver.until(WITHIN, |r| r.len() >= 2).await);
    let got = receiver.received();
    assert_eq!(got[0].id(), got[1].id());
    let id = created["id"].as_str().unwrap();
    let listed = settled(&app, id, "delivered").await;
    assert_eq!(
        (listed[0]["state"].as_str(), listed[0]["attempts"].as_i64()),
        (Some("delivered"), Some(2))
    );
}

#[tokio::test]
async fn after_a_rotation_both_secrets_sign_and_the_test_event_goes_to_one_endpoint() {
    let app = app().await;
    let receiver = Receiver::ok();
    let created = create_endpoint(&app, json!({"url": receiver.url})).await;
    let id = created["id"].as_str().unwrap();
    let old = created["secret"].as_str().unwrap();
    let other = Receiver::ok();
    create_endpoint(&app, json!({"url": other.url})).await;
    let rotated = app
        .admin(
            Method::POST,
            &format!("/api/v1/app/webhooks/{id}/rotate-secret"),
        )
        .status(200)
        .await
        .json();
    let new = rotated["secret"].as_str().unwrap();
    assert_ne!(new, old);
    let sent = app
        .admin(Method::POST, &format!("/api/v1/app/webhooks/{id}/test"))
        .status(202)
        .await
        .json();
    assert!(
        receiver
            .until(WITHIN, |r| r
                .iter()
                .any(|r| r.json()["type"] == "webhook.test"))
            .await
    );
    let test = receiver
        .received()
        .into_iter()
        .find(|r| r.json()["type"] == "webhook.test")
        .unwrap();
    assert_eq!(test.id(), sent["event_id"].as_str().unwrap());
    let signatures = test.headers["webhook-signature"].to_str().unwrap();
    assert_eq!(signatures.split(' ').count(), 2, "{signatures}");
    assert!(test.verifies_with(old) && test.verifies_with(new));
    // The other endpoint (every event) got the rotation, never the test.
    assert!(
        other
            .until(WITHIN, |r| r
                .iter()
                .any(|r| r.json()["type"] == "webhook.secret_rotated"))
            .await
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(other
        .received()
        .iter()
        .all(|r| r.json()["type"] != "webhook.test"));
    // Once the old secret has expired, only the new one signs.
    let mut conn = app.pool.get().await.unwrap();
    diesel_async::RunQueryDsl::execute(
        diesel::sql_query(
            "UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second'",
        ),
        &mut conn,
    )
    .await
    .unwrap();
    let before = receiver.received().len();
    app.admin(Method::POST, &format!("/api/v1/app/webhooks/{id}/test"))
        .status(202)
        .await;
    assert!(receiver.until(WITHIN, |r| r.len() > before).await);
    let last = receiver.received().pop().unwrap();
    assert_eq!(
        last.headers["webhook-signature"]
            .to_str()
            .unwrap()
            .split(' ')
            .count(),
        1
    );
    assert!(last.verifies_with(new) && !last.verifies_with(old));
}

#[tokio::test]
async fn five_days_of_failures_disable_and_a_failed_delivery_can_be_retried() {
    let app = TestApp::spawn_with(|c| c.webhooks.retry_schedule = "".parse().unwrap()).await;
    let failing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let flag = failing.clone();
    let receiver = Receiver::scripted(move |_| {
        (
            if flag.load(std::sync::atomic::Ordering::SeqCst) {
                503
            } else {
                200
            },
            Duration::ZERO,
        )
    });
    let created = create_endpoint(
        &app,
        json!({"url": receiver.url, "events": ["user.created"]}),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    app.create_user("sam@acme.test", "AppMember").await;
    assert!(receiver.until(WITHIN, |r| r.len() == 1).await);
    let listed = settled(&app, id, "failed").await;
    assert_eq!(listed[0]["state"], "failed", "no retry left: {listed:?}");
    assert!(listed[0]["last_error"].as_str().unwrap().contains("503"));
    assert!(endpoint(&app, id).await["failing_since"].is_string());

    // A retry, now that the receiver is back.
    failing.store(false, std::sync::atomic::Ordering::SeqCst);
    let delivery = listed[0]["id"].as_str().unwrap();
    app.admin(
        Method::POST,
        &format!("/api/v1/app/webhooks/{id}/deliveries/{delivery}/retry"),
    )
    .status(202)
    .await;
    assert!(receiver.until(WITHIN, |r| r.len() == 2).await);
    let deadline = std::time::Instant::now() + WITHIN;
    while endpoint(&app, id).await["failing_since"] != Value::Null
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(deliveries(&app, id).await[0]["state"], "delivered");

    // Another org's admin cannot retry it, nor name it under its own endpoint.
    let other = app.bootstrap("globex", "boss@globex.test").await;
    app.as_user(
        &other.token,
        "globex",
        Method::POST,
        &format!("/api/v1/app/webhooks/{id}/deliveries/{delivery}/retry"),
    )
    .problem(404, "delivery_not_found")
    .await;

    // Failing since six days: the next failure disables the endpoint.
    failing.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut conn = app.pool.get().await.unwrap();
    diesel_async::RunQueryDsl::execute(
        diesel::sql_query("UPDATE webhook_endpoints SET failing_since = now() - interval '6 days'"),
        &mut conn,
    )
    .await
    .unwrap();
    app.create_user("max@acme.test", "AppMember").await;
    let deadline = std::time::Instant::now() + WITHIN;
    while endpoint(&app, id).await["enabled"] == true && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(endpoint(&app, id).await["enabled"], false);
    assert_eq!(
        types(&json!({"data": all_events(&app, "type=webhook.disabled").await})),
        ["webhook.disabled"]
    );
}
