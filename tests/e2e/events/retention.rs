//! Retention: expired events go in batches; the gateway's task deletes them by itself.

use std::time::{Duration, Instant};

use diesel::sql_types::BigInt;
use diesel::QueryableByName;
use diesel_async::RunQueryDsl;
use roster_core::events::retention;
use roster_e2e::TestApp;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Adds `n` events of the admin's org that occurred `days_ago` days ago.
async fn old_events(app: &TestApp, n: i64, days_ago: i64) {
    let mut conn = app.pool.get().await.unwrap();
    diesel::sql_query(format!(
        "INSERT INTO events (org_id, id, type, occurred_at, actor_type, target_type, target_id, data)
         SELECT $1, 'evt_' || lpad(to_hex(g), 16, '0'), 'user.updated', now() - interval '{days_ago} days',
                'system', 'user', 'user_0000000000000000', '{{}}'
           FROM generate_series(1, $2) g"
    ))
    .bind::<diesel::sql_types::Text, _>(&app.admin.org_id)
    .bind::<BigInt, _>(n)
    .execute(&mut conn)
    .await
    .unwrap();
}

async fn count(app: &TestApp) -> i64 {
    let mut conn = app.pool.get().await.unwrap();
    diesel::sql_query("SELECT count(*) AS n FROM events")
        .get_result::<Count>(&mut conn)
        .await
        .unwrap()
        .n
}

#[tokio::test]
async fn expired_events_are_deleted_in_batches_and_recent_ones_kept() {
    let app = TestApp::spawn().await;
    old_events(&app, 2_500, 400).await;
    // And the bootstrap's two: its user and its token.
    assert_eq!(count(&app).await, 2_502);
    let cutoff = roster_core::time::now() - time::Duration::days(365);
    let mut conn = app.pool.get().await.unwrap();
    assert_eq!(
        retention::delete_batch(&mut conn, cutoff, 1_000)
            .await
            .unwrap(),
        1_000
    );
    assert_eq!(count(&app).await, 1_502);
    assert_eq!(
        retention::delete_expired(&app.pool, cutoff, 600)
            .await
            .unwrap(),
        1_500
    );
    assert_eq!(count(&app).await, 2, "the bootstrap's events are recent");
}

#[tokio::test]
async fn the_gateway_deletes_what_its_retention_lets_expire() {
    let app = TestApp::spawn().await;
    old_events(&app, 1_500, 3).await;
    // A second gateway on the same database keeps events two days.
    let mut config = app.config.clone();
    config.audit_retention_days = 2;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let server = roster_gateway::server::build(config, listener, None).unwrap();
    let handle = server.handle();
    tokio::spawn(server);
    let deadline = Instant::now() + Duration::from_secs(20);
    // The bootstrap's user and token stay.
    while count(&app).await > 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count(&app).await, 2);
    handle.stop(false).await;
}
