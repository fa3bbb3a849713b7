//! The load of the faults test: a few API clients looping over create, read and list,
//! and a readiness probe, each at a steady pace, recording every answer with its times.
//! Every loop is bounded in count and time and ends by itself.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

/// Concurrent API clients, each looping over create, read, list.
pub const CLIENTS: usize = 6;
/// The interval between one client's requests: a steady load rather than a flood.
const PACE: Duration = Duration::from_millis(20);
/// The interval between `/readyz` probes.
const PROBE_PACE: Duration = Duration::from_millis(100);
/// Requests each client still sends once told to finish (after the recovery).
pub const TAIL: usize = 25;
/// Hard bounds on the load, whatever happens: requests per client and total time.
const MAX_PER_CLIENT: usize = 3_000;
const LOAD_DEADLINE: Duration = Duration::from_secs(90);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Create,
    Read,
    List,
    Ready,
}

/// One request of the load and how it went; times are since the load started.
#[derive(Debug)]
pub struct Sample {
    pub kind: Kind,
    pub sent: Duration,
    pub done: Duration,
    /// The status, or the transport error.
    pub outcome: Result<u16, String>,
    pub retry_after: Option<String>,
    /// The problem+json `code` of an error response.
    pub code: Option<String>,
    /// (id, email) of an acknowledged create.
    pub created: Option<(String, String)>,
}

impl Sample {
    pub fn status(&self) -> Option<u16> {
        self.outcome.as_ref().ok().copied()
    }

    pub fn is_2xx(&self) -> bool {
        self.status().is_some_and(|s| (200..300).contains(&s))
    }

    pub fn is_api(&self) -> bool {
        self.kind != Kind::Ready
    }

    /// A 503 as promised: `Retry-After` in seconds and the `unavailable` problem.
    pub fn is_proper_503(&self) -> bool {
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
pub struct Signals {
    pub t0: Instant,
    pub finish: AtomicBool,
    pub api_2xx: AtomicUsize,
    /// The send time (ms since t0) of the latest API request that got a 2xx.
    pub last_2xx_sent_ms: AtomicU64,
}

#[derive(Clone)]
pub struct Target {
    pub client: reqwest::Client,
    pub base: String,
    pub token: String,
    pub org: String,
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
pub async fn api_client(n: usize, target: Target, signals: Arc<Signals>) -> Vec<Sample> {
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
pub async fn ready_probe(target: Target, signals: Arc<Signals>) -> Vec<Sample> {
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
