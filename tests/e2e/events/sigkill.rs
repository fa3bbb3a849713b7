//! At least once, through a crash: a gateway process killed with SIGKILL in the middle of
//! deliveries to a slow receiver, then started again on the same database, delivers
//! every event (the receiver de-duplicates on `webhook-id`).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_core::text::{Email, Slug};
use roster_e2e::{Expect, TestDb};
use serde_json::json;

use super::receiver::Receiver;
use crate::platform::process::GatewayProcess;

const ENV: &[(&str, &str)] = &[
    ("ROSTER_WEBHOOK_ALLOW_PRIVATE", "true"),
    (
        "ROSTER_WEBHOOK_RETRY_SCHEDULE",
        "100ms,100ms,100ms,100ms,100ms",
    ),
];

#[derive(diesel::QueryableByName)]
struct EventId {
    #[diesel(sql_type = Text)]
    event_id: String,
}

/// The events the database says the endpoint must get: one delivery each.
async fn owed(conn: &mut AsyncPgConnection, endpoint: &str) -> HashSet<String> {
    diesel::sql_query("SELECT event_id FROM webhook_deliveries WHERE endpoint_id = $1")
        .bind::<Text, _>(endpoint)
        .load::<EventId>(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.event_id)
        .collect()
}

fn distinct_ids(receiver: &Receiver) -> HashSet<String> {
    receiver
        .received()
        .iter()
        .map(|r| r.id().to_owned())
        .collect()
}

#[tokio::test]
async fn a_gateway_killed_mid_delivery_loses_no_event() {
    let db = TestDb::new().await;
    let mut conn = AsyncPgConnection::establish(&db.url).await.unwrap();
    let admin = roster_identity::bootstrap::run(
        &mut conn,
        roster_identity::bootstrap::Bootstrap {
            org_slug: Slug::parse("slug", "acme").unwrap(),
            org_name: "Acme".into(),
            email: Email::parse("email", "admin@acme.test").unwrap(),
            name: "Admin".into(),
            password: None,
        },
    )
    .await
    .unwrap();
    // Slow: the first gateway dies while it waits on these answers.
    let receiver = Receiver::scripted(|n| match n {
        0..=9 => (200, Duration::from_secs(2)),
        _ => (200, Duration::from_millis(20)),
    });

    let mut first = GatewayProcess::start_on(&db.url, "json", ENV).await;
    let client = reqwest::Client::new();
    let app = |gateway: &GatewayProcess, method, path: &str| {
        client
            .request(method, gateway.url(path))
            .bearer_auth(&admin.token)
            .header("x-org", "acme")
    };
    let endpoint = app(&first, reqwest::Method::POST, "/api/v1/app/webhooks")
        .json(&json!({"url": receiver.url}))
        .created()
        .await;
    let endpoint = endpoint["id"].as_str().unwrap().to_owned();
    for i in 0..20 {
        app(&first, reqwest::Method::POST, "/api/v1/app/user")
            .json(&json!({"role": "AppMember",
                "user_info": {"email": format!("u{i}@acme.test"), "name": format!("User {i}")}}))
            .created()
            .await;
    }
    assert!(
        receiver
            .until(Duration::from_secs(15), |r| !r.is_empty())
            .await,
        "no delivery started"
    );
    first.signal("KILL");
    let status = first.exit(Duration::from_secs(10)).await;
    assert!(!status.success(), "{status:?}");
    let owed = owed(&mut conn, &endpoint).await;
    // The endpoint's creation and the 20 users.
    assert!(owed.len() >= 21, "{} deliveries", owed.len());
    let unacknowledged = undelivered(&mut conn, &endpoint).await;
    assert!(
        unacknowledged > 0,
        "everything was delivered before the kill: the test proves nothing"
    );

    let _second = GatewayProcess::start_on(&db.url, "json", ENV).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while distinct_ids(&receiver) != owed && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(distinct_ids(&receiver), owed);
    let deadline = Instant::now() + Duration::from_secs(10);
    while undelivered(&mut conn, &endpoint).await > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(undelivered(&mut conn, &endpoint).await, 0);
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// The endpoint's deliveries not recorded as delivered.
async fn undelivered(conn: &mut AsyncPgConnection, endpoint: &str) -> i64 {
    diesel::sql_query(
        "SELECT count(*) AS n FROM webhook_deliveries WHERE endpoint_id = $1 AND state <> 'delivered'",
    )
    .bind::<Text, _>(endpoint)
    .get_result::<Count>(conn)
    .await
    .unwrap()
    .n
}
