//! Database faults: PostgreSQL stops for 10 seconds under a steady mixed load, then starts
//! again on the same port. Meanwhile the gateway answers 503 with `Retry-After` (API and
//! `/readyz`), never another 5xx; afterwards it serves 2xx again within 5 seconds without a
//! restart, and every create it acknowledged is in the database.
//!
//! The test stops its own throwaway cluster, never the shared server of `DATABASE_URL`.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use roster_e2e::cluster::Cluster;
use roster_e2e::{TestApp, TestDb};
use serde_json::{json, Value};

/// How long PostgreSQL stays down.
const OUTAGE: Duration = Duration::from_secs(10);
/// How soon after PostgreSQL is back the gateway must answer 2xx again.
const RECOVERY_BUDGET: Duration = Duration::from_secs(5);
/// Concurrent API clients, each looping over create, read, list.
const CLIENTS: usize = 6;
/// The interval between one client's requests: a steady load rather than a flood.
const PACE: Duration = Duration::from_millis(20);
/// The interval between `/readyz` probes.
const PROBE_PACE: Duration = Duration::from_millis(100);
/// Requests each client still sends once told to finish (after the recovery).
const TAIL: usize = 25;
/// Hard bounds on the load, whatever happens: requests per client and total time.
const MAX_PER_CLIENT: usize = 3_000;
const LOAD_DEADLINE: Duration = Duration::from_secs(90);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Create,
    Read,
    List,
    Ready,
}

/// One request of the load and how it went; times are since the load started.
#[derive(Debug)]
struct Sample {
    kind: Kind,
    sent: Duration,
    done: Duration,
    /// The status, or the transport error.
    outcome: Result<u16, String>,
    retry_after: Option<String>,
    /// The problem+json `code` of an error response.
    code: Option<String>,
    /// (id, email) of an acknowledged create.
    created: Option<(String, String)>,
}

impl Sample {
    fn status(&self) -> Option<u16> {
        self.outcome.as_ref().ok().copied()
    }

    fn is_2xx(&self) -> bool {
        self.status().is_some_and(|s| (200..300).contains(&s))
    }

    fn is_api(&self) -> bool {
        self.kind != Kind::Ready
    }

    /// A 503 as promised: `Retry-After` in seconds and the `unavailable` problem.
    fn is_proper_503(&self) -> bool {
        self.status() == Some(503)
            && self
                .retry_after
                .as_deref()
                .and_then(|v| v.parse::<u64>().ok())
                .is_some_and(|s| s > 0)
            && self.code.as_deref() == Some("unavailable")
    }
}

/// What the load shares with the test: when to finish, and when a 2xx was last seen.
struct Signals {
    t0: Instant,
    finish: AtomicBool,
    api_2xx: AtomicUsize,
    /// The send time (ms since t0) of the latest API request that got a 2xx.
    last_2xx_sent_ms: AtomicU64,
}

#[derive(Clone)]
struct Target {
    client: reqwest::Client,
    base: String,
    token: String,
    org: String,
}

async fn send(target: &Target, kind: Kind, path: &str, body: Option<Value>) -> Sample {
    let url = format!("{}{path}", target.base);
    let mut req = match kind {
        Kind::Ready => target.client.get(url),
        _ => target
            .client
            .request(
                if body.is_some() {
                    Method::POST
                } else {
                    Method::GET
                },
                url,
            )
            .bearer_auth(&target.token)
            .header("x-org", &target.org),
    };
    if let Some(body) = &body {
        req = req.json(body);
    }
    let result = req.send().await;
    let mut sample = Sample {
        kind,
        sent: Duration::ZERO,
        done: Duration::ZERO,
        outcome: Err(String::new()),
        retry_after: None,
        code: None,
        created: None,
    };
    match result {
        Err(e) => sample.outcome = Err(e.to_string()),
        Ok(res) => {
            let status = res.status().as_u16();
            sample.retry_after = res
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            match res.text().await {
                Err(e) => sample.outcome = Err(format!("status {status}, body: {e}")),
                Ok(text) => {
                    sample.outcome = Ok(status);
                    let parsed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    if status >= 400 {
                        sample.code = parsed["code"].as_str().map(str::to_owned);
                    } else if kind == Kind::Create {
                        sample.created = parsed["id"]
                            .as_str()
                            .zip(parsed["email"].as_str())
                            .map(|(id, email)| (id.to_owned(), email.to_owned()));
                    }
                }
            }
        }
    }
    sample
}

/// One API client: create a user (unique email), read it back, list users; repeat.
async fn api_client(n: usize, target: Target, signals: Arc<Signals>) -> Vec<Sample> {
    let mut samples = Vec::new();
    let mut last_created: Option<String> = None;
    let mut tail = 0;
    let mut tick = tokio::time::interval(PACE);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    for i in 0..MAX_PER_CLIENT {
        if signals.finish.load(Ordering::Relaxed) {
            tail += 1;
            if tail > TAIL {
                break;
            }
        }
        if signals.t0.elapsed() > LOAD_DEADLINE {
            break;
        }
        tick.tick().await;
        let (kind, path, body) = match (i % 3, &last_created) {
            (0, _) => {
                let email = format!("load-{n}-{i}@acme.test");
                let body = json!({"role": "AppMember", "user_info": {"email": email, "name": format!("Load {n} {i}")}});
                (Kind::Create, "/api/v1/app/user".to_owned(), Some(body))
            }
            (1, Some(id)) => (Kind::Read, format!("/api/v1/app/user/{id}"), None),
            _ => (Kind::List, "/api/v1/app/user?page_size=5".to_owned(), None),
        };
        let sent = signals.t0.elapsed();
        let mut sample = send(&target, kind, &path, body).await;
        sample.sent = sent;
        sample.done = signals.t0.elapsed();
        if sample.is_2xx() {
            signals.api_2xx.fetch_add(1, Ordering::Relaxed);
            signals
                .last_2xx_sent_ms
                .fetch_max(sent.as_millis() as u64, Ordering::Relaxed);
        }
        if let Some((id, _)) = &sample.created {
            last_created = Some(id.clone());
        }
        samples.push(sample);
    }
    samples
}

/// The readiness probe, as a load balancer would poll it.
async fn ready_probe(target: Target, signals: Arc<Signals>) -> Vec<Sample> {
    let mut samples = Vec::new();
    let mut tick = tokio::time::interval(PROBE_PACE);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let max = (LOAD_DEADLINE.as_millis() / PROBE_PACE.as_millis()) as usize;
    for _ in 0..max {
        if signals.finish.load(Ordering::Relaxed) || signals.t0.elapsed() > LOAD_DEADLINE {
            break;
        }
        tick.tick().await;
        let sent = signals.t0.elapsed();
        let mut sample = send(&target, Kind::Ready, "/readyz", None).await;
        sample.sent = sent;
        sample.done = signals.t0.elapsed();
        samples.push(sample);
    }
    samples
}

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

/// Prints past libtest's capture, so that the figures show in every run's output.
fn report(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
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
        signals.api_2xx.load(Ordering::Relaxed) >= CLIENTS * 6
    })
    .await;
    let stop_begin = since(Instant::now());
    let stopped = cluster.stop().await;
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
    let mut samples = Vec::new();
    for task in tasks {
        samples.extend(task.await.unwrap());
    }
    assert!(
        warm,
        "the load never reached a steady state before the outage"
    );
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
    let first_ok_after = |api: bool| {
        samples
            .iter()
            .filter(|s| s.is_api() == api && s.is_2xx() && s.sent >= start_begin)
            .map(|s| s.done)
            .min()
    };
    let api_back = first_ok_after(true);
    let ready_back = first_ok_after(false);
    let recovery = api_back.map(|t| t.saturating_sub(up));
    let acknowledged: HashMap<String, String> =
        samples.iter().filter_map(|s| s.created.clone()).collect();
    report(&format!(
        "faults: {} requests ({by_kind:?}); by status {by_status:?}\n\
         faults: outage {} ms (pg_ctl stop took {} ms, start {} ms); during it {} API calls and {} readyz probes\n\
         faults: recovery: first API 2xx {:?} ms and first readyz 200 {:?} ms after PostgreSQL accepted connections again\n\
         faults: {} acknowledged creates",
        samples.len(),
        ms(start_begin - down),
        ms(down - stop_begin),
        ms(up - start_begin),
        outage_api.len(),
        outage_ready.len(),
        recovery.map(ms),
        ready_back.map(|t| ms(t.saturating_sub(up))),
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
    // Before the stop, everything worked.
    let before: Vec<&Sample> = samples.iter().filter(|s| s.done < stop_begin).collect();
    assert!(!before.is_empty() && before.iter().all(|s| s.is_2xx()));
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
    let recovery = recovery.unwrap();
    assert!(
        recovery <= RECOVERY_BUDGET,
        "the first API 2xx came {recovery:?} after PostgreSQL was back"
    );
    let ready_back = ready_back.expect("readyz 200 after the restart");
    assert!(ready_back.saturating_sub(up) <= RECOVERY_BUDGET);
    let recovered_at = api_back.unwrap();
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
