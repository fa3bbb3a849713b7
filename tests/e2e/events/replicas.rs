//! Deliverers of several gateways on one database share the work (each delivery sent by
//! one at a time), and a gateway killed mid-delivery loses nothing: another sends what
//! it held.

use std::collections::HashSet;
use std::net::TcpListener;
use std::time::Duration;

use roster_e2e::TestApp;
use serde_json::json;

use super::all_events;
use super::endpoints::create_endpoint;
use super::receiver::Receiver;

/// A gateway on `app`'s database that delivers webhooks (the app's own does not).
fn deliverer(app: &TestApp) -> actix_web::dev::ServerHandle {
    let mut config = app.config.clone();
    config.webhooks.workers = 4;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let server = roster_gateway::server::build(config, listener, None).unwrap();
    let handle = server.handle();
    tokio::spawn(server);
    handle
}

/// The ids of the org's `user.created` events, but for the bootstrap's (written before
/// the endpoint was).
async fn created_ids(app: &TestApp) -> HashSet<String> {
    all_events(app, "type=user.created")
        .await
        .iter()
        .filter(|e| e["target"]["id"] != app.admin.user_id.as_str())
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Deliveries not yet recorded as delivered.
async fn pending(app: &TestApp) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.pool.get().await.unwrap();
    let count: Count = diesel_async::RunQueryDsl::get_result(
        diesel::sql_query(
            "SELECT count(*) AS n FROM webhook_deliveries WHERE state <> 'delivered'",
        ),
        &mut conn,
    )
    .await
    .unwrap();
    count.n
}

fn ids(receiver: &Receiver) -> HashSet<String> {
    receiver
        .received()
        .iter()
        .map(|r| r.id().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gateways_deliver_every_event_and_none_twice_at_once() {
    let app = TestApp::spawn_with(|c| c.webhooks.workers = 0).await;
    let receiver = Receiver::scripted(|_| (200, Duration::from_millis(20)));
    create_endpoint(
        &app,
        json!({"url": receiver.url, "events": ["user.created"]}),
    )
    .await;
    let (a, b) = (deliverer(&app), deliverer(&app));
    for i in 0..60 {
        app.create_user(&format!("u{i}@acme.test"), "AppMember")
            .await;
    }
    let expected = created_ids(&app).await;
    assert_eq!(expected.len(), 60);
    assert!(
        receiver
            .until(Duration::from_secs(30), |_| ids(&receiver).len() >= 60)
            .await
    );
    assert_eq!(ids(&receiver), expected);
    assert!(
        receiver.overlaps().is_empty(),
        "sent twice at once: {:?}",
        receiver.overlaps()
    );
    // Every delivery answered 200 at once: none was sent again.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 60);
    a.stop(false).await;
    b.stop(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_killed_mid_delivery_and_started_again_delivers_everything() {
    let app = TestApp::spawn_with(|c| c.webhooks.workers = 0).await;
    let receiver = Receiver::scripted(|_| (200, Duration::from_millis(150)));
    create_endpoint(
        &app,
        json!({"url": receiver.url, "events": ["user.created"]}),
    )
    .await;
    for i in 0..40 {
        app.create_user(&format!("u{i}@acme.test"), "AppMember")
            .await;
    }
    let expected = created_ids(&app).await;
    let first = deliverer(&app);
    assert!(
        receiver
            .until(Duration::from_secs(20), |r| r.len() >= 5)
            .await
    );
    // Stopped without grace, while its receiver is still answering.
    first.stop(false).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let unrecorded = pending(&app).await;
    assert!(
        unrecorded > 0,
        "the kill came after every outcome was recorded"
    );
    let after_kill = receiver.received().len();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        receiver.received().len(),
        after_kill,
        "nothing is sent while no gateway runs"
    );
    let second = deliverer(&app);
    assert!(
        receiver
            .until(Duration::from_secs(30), |_| ids(&receiver) == expected)
            .await
    );
    second.stop(false).await;
}
