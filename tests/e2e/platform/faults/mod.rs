//! Database faults: PostgreSQL stops for 10 seconds under a steady mixed load, then starts
//! again on the same port. Meanwhile the gateway answers 503 with `Retry-After` (API and
//! `/readyz`), never another 5xx; afterwards it serves 2xx again within 5 seconds without a
//! restart, and every create it acknowledged is in the database.
//!
//! The test stops its own throwaway cluster, never the shared server of `DATABASE_URL`.

mod load;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use roster_e2e::cluster::Cluster;
use roster_e2e::{report, TestApp, TestDb};

use load::{api_client, ready_probe, Sample, Signals, Target, CLIENTS, TAIL};

/// How long PostgreSQL stays down.
const OUTAGE: Duration = Duration::from_secs(10);
/// How soon after PostgreSQL is back the gateway must answer 2xx again.
const RECOVERY_BUDGET: Duration = Duration::from_secs(5);

/// Polls `done` every 50 ms until it holds or `deadline` passes; says whether it held.
async fn poll_until(deadline: Instant, done: impl Fn() -> bool) -> bool {
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    done()
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_down_for_ten_seconds_is_503_then_recovers_without_losing_writes() {
    let cluster = Cluster::start_new().await.expect("a throwaway cluster");
    let db = TestDb::migrated_on(&cluster.url("postgres"), "roster").await;
    let app = TestApp::serve(db, |_| {}).await;
    let target = Target {
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap(),
        base: app.base.clone(),
        token: app.admin.token.clone(),
        org: app.admin.org_slug.clone(),
    };
    let signals = Arc::new(Signals {
        t0: Instant::now(),
        finish: AtomicBool::new(false),
        api_2xx: AtomicUsize::new(0),
        last_2xx_sent_ms: AtomicU64::new(0),
    });
    let mut tasks: Vec<_> = (0..CLIENTS)
        .map(|n| tokio::spawn(api_client(n, target.clone(), signals.clone())))
        .collect();
    tasks.push(tokio::spawn(ready_probe(target.clone(), signals.clone())));
    let since = |t: Instant| t.duration_since(signals.t0);

    // A steady state first: every client has had a few answers.
    let warm = poll_until(Instant::now() + Duration::from_secs(30), || {
        signals.api_2xx.load(Ordering::Relaxed) >= CLIENTS * 10
    })
    .await;
    // Requests in flight when PostgreSQL goes away: a transaction of the test's holds the
    // users table, so that every API call waits on it (in the caller lookup) until the
    // server terminates its session mid-query.
    let lock_begin = since(Instant::now());
    let locker = lock_users(&app.db.url).await;
    let blocked = blocked_backends(
        &app,
        CLIENTS as i64,
        Instant::now() + Duration::from_secs(10),
    )
    .await;
    let stop_begin = since(Instant::now());
    let stopped = cluster.stop().await;
    drop(locker);
    let down = since(Instant::now());
    // The outage itself: a timed wait is the point of the test.
    tokio::time::sleep(OUTAGE).await;
    let start_begin = since(Instant::now());
    let started = cluster.start().await;
    let up = since(Instant::now());
    // Wait (bounded) for an API request sent after the restart to succeed, then finish.
    let recovered = poll_until(
        signals.t0 + up + RECOVERY_BUDGET + Duration::from_secs(5),
        || Duration::from_millis(signals.last_2xx_sent_ms.load(Ordering::Relaxed)) >= up,
    )
    .await;
    signals.finish.store(true, Ordering::Relaxed);
    let mut samples: Vec<Sample> = Vec::new();
    for task in tasks {
        samples.extend(task.await.unwrap());
    }
    assert!(
        warm,
        "the load never reached a steady state before the outage"
    );
    assert!(blocked >= 2, "only {blocked} requests waited on the lock");
    stopped.expect("pg_ctl stop");
    started.expect("pg_ctl start");

    // The figures.
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for s in &samples {
        let key = match &s.outcome {
            Ok(status) => status.to_string(),
            Err(_) => "transport error".to_owned(),
        };
        *by_status.entry(key).or_default() += 1;
        *by_kind.entry(format!("{:?}", s.kind)).or_default() += 1;
    }
    let in_outage = |s: &&Sample| s.sent >= down && s.done <= start_begin;
    let outage_api: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.is_api())
        .filter(in_outage)
        .collect();
    let outage_ready: Vec<&Sample> = samples
        .iter()
        .filter(|s| !s.is_api())
        .filter(in_outage)
        .collect();
    // API calls that were waiting on the lock when the server went away.
    let in_flight: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.is_api() && s.sent < stop_begin && s.done > stop_begin)
        .collect();
    let first_ok_after = |api: bool| {
        samples
            .iter()
            .filter(|s| s.is_api() == api && s.is_2xx() && s.sent >= start_begin)
            .map(|s| s.done)
            .min()
    };
    let api_back = first_ok_after(true);
    let ready_back = first_ok_after(false);
    let acknowledged: HashMap<String, String> =
        samples.iter().filter_map(|s| s.created.clone()).collect();
    let after_start = |t: Option<Duration>| match t {
        Some(t) => format!("{} ms", ms(t.saturating_sub(start_begin))),
        None => "never".to_owned(),
    };
    let list = |m: &BTreeMap<String, usize>| {
        m.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    report(&format!(
        "faults: {} requests ({}); by status: {}\n\
         faults: PostgreSQL down {} ms (pg_ctl stop took {} ms, start {} ms); {} API calls in flight \
         at the stop; during the outage {} API calls and {} readyz probes\n\
         faults: back after pg_ctl start began: first API 2xx in {}, first readyz 200 in {}\n\
         faults: {} acknowledged creates",
        samples.len(),
        list(&by_kind),
        list(&by_status),
        ms(start_begin - down),
        ms(down - stop_begin),
        ms(up - start_begin),
        in_flight.len(),
        outage_api.len(),
        outage_ready.len(),
        after_start(api_back),
        after_start(ready_back),
        acknowledged.len(),
    ));

    // Every answer is a 2xx or a proper 503; nothing else, no transport error.
    let wrong: Vec<&Sample> = samples
        .iter()
        .filter(|s| !(s.is_2xx() || s.is_proper_503()))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} answers were neither 2xx nor 503 with Retry-After, e.g. {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(5)]
    );
    // Before the fault (the test's lock on users, then the stop), everything worked. While
    // the lock holds every call, a call may give up waiting for a connection: a proper 503
    // (checked above), not a failure of the steady state.
    let before: Vec<&Sample> = samples.iter().filter(|s| s.done < lock_begin).collect();
    assert!(!before.is_empty() && before.iter().all(|s| s.is_2xx()));
    // The calls whose queries the stop cut off are 503s (above), not 500s.
    assert!(in_flight.len() >= 2, "too few calls in flight at the stop");
    // During the outage: API calls and readyz are all 503 (with Retry-After, above).
    assert!(
        outage_api.len() >= CLIENTS,
        "too few calls during the outage"
    );
    assert!(
        !outage_ready.is_empty(),
        "no readyz probe during the outage"
    );
    assert!(
        outage_api
            .iter()
            .chain(&outage_ready)
            .all(|s| s.status() == Some(503)),
        "a request during the outage was not a 503"
    );
    // After the restart: 2xx again within the budget, and from then on nothing but 2xx.
    assert!(recovered, "no API 2xx after the restart");
    let recovered_at = api_back.unwrap();
    assert!(
        recovered_at - start_begin <= RECOVERY_BUDGET,
        "the first API 2xx came {:?} after the restart began",
        recovered_at - start_begin
    );
    let ready_back = ready_back.expect("readyz 200 after the restart");
    assert!(ready_back - start_begin <= RECOVERY_BUDGET);
    let after: Vec<&Sample> = samples.iter().filter(|s| s.sent >= recovered_at).collect();
    assert!(
        after.len() >= CLIENTS * TAIL / 2,
        "too little load after the recovery"
    );
    let failed_after: Vec<&&Sample> = after.iter().filter(|s| !s.is_2xx()).collect();
    assert!(
        failed_after.is_empty(),
        "failures after the recovery: {failed_after:?}"
    );

    // Every acknowledged create is in the database, with its email.
    let stored = stored_users(&app, acknowledged.keys().cloned().collect()).await;
    assert!(acknowledged.len() > CLIENTS, "too few creates to judge");
    assert_eq!(
        stored, acknowledged,
        "acknowledged creates missing from the database"
    );
    report(&format!(
        "faults: all {} acknowledged creates are in the database",
        stored.len()
    ));
}

/// (id, email) of the users among `ids` that are in the database.
async fn stored_users(app: &TestApp, ids: Vec<String>) -> HashMap<String, String> {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        email: String,
    }
    let mut conn = app.pool.get().await.unwrap();
    let rows: Vec<Row> =
        diesel::sql_query("SELECT id, email::text AS email FROM users WHERE id = ANY($1)")
            .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(&ids)
            .load(&mut conn)
            .await
            .unwrap();
    rows.into_iter().map(|r| (r.id, r.email)).collect()
}

/// A connection of the test's whose open transaction holds `users` in ACCESS EXCLUSIVE
/// mode: every query on it waits.
async fn lock_users(url: &str) -> diesel_async::AsyncPgConnection {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    let mut conn = AsyncPgConnection::establish(url).await.unwrap();
    diesel::sql_query("BEGIN").execute(&mut conn).await.unwrap();
    diesel::sql_query("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        .execute(&mut conn)
        .await
        .unwrap();
    conn
}

/// Polls (every 50 ms, until `deadline`) until at least `n` backends of this database
/// wait on a lock; returns how many do.
async fn blocked_backends(app: &TestApp, n: i64, deadline: Instant) -> i64 {
    loop {
        let waiting = app
            .sql_count(
                "SELECT count(*) AS n FROM pg_stat_activity \
                 WHERE wait_event_type = 'Lock' AND datname = current_database()",
            )
            .await;
        if waiting >= n || Instant::now() >= deadline {
            return waiting;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
