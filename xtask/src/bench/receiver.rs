//! The webhook receiver of `create-user-with-webhook`: a fast HTTP server on loopback that
//! answers every delivery 204 at once and records, per delivery, its `webhook-id` and how
//! long after the event it arrived (`occurred_at`, stamped in the write's transaction just
//! before its commit, to receipt). With it, the scenario's endpoint: created before the
//! load, its backlog timed after it, deleted at the end.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context, Result};
use serde::Serialize;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::scenarios::Fixture;
use crate::http::Client;
use crate::psql::{lit, Psql};

/// How long the backlog may take to empty before the run gives up on it.
pub const BACKLOG_DEADLINE: Duration = Duration::from_secs(60);

/// One delivery as received.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub webhook_id: String,
    /// From the event's `occurred_at` to receipt; `None` when the body did not say.
    pub latency_ms: Option<f64>,
}

/// What a delivery's head says that the receiver needs.
#[derive(Debug, PartialEq, Eq)]
pub struct Head {
    pub content_length: usize,
    pub webhook_id: String,
}

/// Reads a request head (the lines before the blank one); `None` when it lacks a length
/// or a `webhook-id` (the receiver then closes the connection).
pub fn parse_head(head: &str) -> Option<Head> {
    let mut content_length = None;
    let mut webhook_id = None;
    for line in head.lines().skip(1) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => content_length = value.parse().ok(),
            "webhook-id" => webhook_id = Some(value.to_owned()),
            _ => {}
        }
    }
    Some(Head {
        content_length: content_length?,
        webhook_id: webhook_id?,
    })
}

/// Milliseconds from the delivered event's `occurred_at` (`{"data": {"occurred_at"}}`) to
/// `received`.
pub fn latency_ms(body: &[u8], received: SystemTime) -> Option<f64> {
    let payload: Value = serde_json::from_slice(body).ok()?;
    let occurred = payload["data"]["occurred_at"].as_str()?;
    let occurred = OffsetDateTime::parse(occurred, &Rfc3339).ok()?;
    let received = OffsetDateTime::from(received);
    Some((received - occurred).as_seconds_f64() * 1000.0)
}

/// The deliveries received, summarised.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Deliveries {
    pub received: usize,
    /// Distinct `webhook-id`s (a retry repeats one).
    pub unique: usize,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

impl Deliveries {
    pub fn of(samples: &[Sample]) -> Self {
        let mut ids: Vec<&str> = samples.iter().map(|s| s.webhook_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut latencies: Vec<f64> = samples.iter().filter_map(|s| s.latency_ms).collect();
        latencies.sort_by(f64::total_cmp);
        Self {
            received: samples.len(),
            unique: ids.len(),
            p50_ms: percentile(&latencies, 50.0),
            p99_ms: percentile(&latencies, 99.0),
        }
    }
}

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// The receiver, serving until stopped.
pub struct Receiver {
    addr: SocketAddr,
    samples: Arc<Mutex<Vec<Sample>>>,
    stop: Arc<AtomicBool>,
}

impl Receiver {
    pub fn start() -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").context("binding the receiver")?;
        let addr = listener.local_addr()?;
        let samples = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, halt) = (samples.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if halt.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(stream) = stream {
                    let s = s.clone();
                    std::thread::spawn(move || serve(stream, &s));
                }
            }
        });
        Ok(Self {
            addr,
            samples,
            stop,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    pub fn deliveries(&self) -> Deliveries {
        Deliveries::of(&self.samples.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wakes the accepting thread so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// Answers one connection's requests (keep-alive) until it closes or says something the
/// receiver does not read.
fn serve(stream: TcpStream, samples: &Mutex<Vec<Sample>>) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut head = String::new();
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) if line.trim_end().is_empty() => break,
                Ok(_) => head.push_str(&line),
            }
        }
        let Some(parsed) = parse_head(&head) else {
            return;
        };
        let mut body = vec![0; parsed.content_length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let sample = Sample {
            latency_ms: latency_ms(&body, SystemTime::now()),
            webhook_id: parsed.webhook_id,
        };
        samples
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(sample);
        if writer
            .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
            .is_err()
        {
            return;
        }
    }
}

/// What the scenario measured of its webhook, beside wrk's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WebhookResult {
    pub deliveries: Deliveries,
    /// Deliveries the gateway wrote for the endpoint, and how many of them failed.
    pub written: u64,
    pub failed: u64,
    /// Seconds from the end of the load until no delivery was pending; `None` when it
    /// was not empty within `BACKLOG_DEADLINE`.
    pub backlog_empty_after_s: Option<f64>,
    /// Deliveries still pending at `BACKLOG_DEADLINE` (0 when the backlog emptied).
    pub backlog_left: u64,
}

/// The scenario's endpoint and receiver, from before the load to after its backlog.
pub struct WebhookRun {
    receiver: Receiver,
    endpoint_id: String,
}

impl WebhookRun {
    /// Starts the receiver and subscribes an endpoint of the bench org to `user.created`.
    pub fn begin(gateway: &Client, fixture: &Fixture) -> Result<Self> {
        let receiver = Receiver::start()?;
        let body = json!({"url": receiver.url(), "events": ["user.created"],
            "description": "cargo xtask bench: create-user-with-webhook"});
        let (bearer, org) = auth(fixture);
        let headers = [("Authorization", bearer.as_str()), ("x-org", org)];
        let created = gateway.post_json("/api/v1/app/webhooks", &headers, &body)?;
        if created.status != 201 {
            bail!(
                "creating the bench's webhook endpoint: {} {}",
                created.status,
                created.body
            );
        }
        let endpoint_id = created.body["id"]
            .as_str()
            .context("the endpoint's id")?
            .to_owned();
        Ok(Self {
            receiver,
            endpoint_id,
        })
    }

    /// Right after the load: waits for the endpoint's backlog to empty (timing it; at most
    /// `BACKLOG_DEADLINE`), reads what was written and received, and removes the endpoint
    /// (with its deliveries), so that the scenarios after it run without one. A backlog
    /// left at the deadline is reported and abandoned, never the end of the run.
    pub fn finish(self, gateway: &Client, fixture: &Fixture, db: &Psql) -> Result<WebhookResult> {
        let ended = Instant::now();
        let of_endpoint = format!("WHERE endpoint_id = {}", lit(&self.endpoint_id));
        let count = |filter: &str| -> Result<u64> {
            let sql = format!("SELECT count(*) FROM webhook_deliveries {of_endpoint}{filter}");
            Ok(db.query(&sql)?.parse()?)
        };
        let (backlog_empty_after_s, backlog_left) = loop {
            let pending = count(" AND state = 'pending'")?;
            if pending == 0 {
                break (Some(ended.elapsed().as_secs_f64()), 0);
            }
            if ended.elapsed() > BACKLOG_DEADLINE {
                break (None, pending);
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let result = WebhookResult {
            deliveries: self.receiver.deliveries(),
            written: count("")?,
            failed: count(" AND state = 'failed'")?,
            backlog_empty_after_s,
            backlog_left,
        };
        if backlog_left > 0 {
            eprintln!(
                "  webhook: {backlog_left} deliveries still pending after {} s: abandoned",
                BACKLOG_DEADLINE.as_secs()
            );
            // Failed, so that the deliverers stop on them and the delete below has no
            // claims to wait for.
            db.query(&format!(
                "UPDATE webhook_deliveries SET state = 'failed', \
                 last_error = 'abandoned by cargo xtask bench' {of_endpoint} AND state = 'pending'"
            ))?;
        }
        self.remove(gateway, fixture, db);
        Ok(result)
    }

    /// Deletes the endpoint through the API, or, should that fail (a timeout), in the
    /// database: the scenarios after this one must run without it.
    fn remove(&self, gateway: &Client, fixture: &Fixture, db: &Psql) {
        let path = format!("/api/v1/app/webhooks/{}", self.endpoint_id);
        let (bearer, org) = auth(fixture);
        let headers = [("Authorization", bearer.as_str()), ("x-org", org)];
        let failure = match gateway.delete(&path, &headers) {
            Ok(deleted) if deleted.status == 204 => return,
            Ok(deleted) => format!("{} {}", deleted.status, deleted.body),
            Err(e) => e.to_string(),
        };
        eprintln!("  webhook: deleting the endpoint through the API failed ({failure}); deleting it in the database");
        let sql = format!(
            "DELETE FROM webhook_endpoints WHERE id = {}",
            lit(&self.endpoint_id)
        );
        if let Err(e) = db.query(&sql) {
            eprintln!("  webhook: the endpoint could not be deleted either: {e}");
        }
    }
}

/// The bench admin's `Authorization` and `x-org`.
fn auth(fixture: &Fixture) -> (String, &str) {
    (format!("Bearer {}", fixture.token), &fixture.org_slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_gives_its_length_and_webhook_id_whatever_the_case() {
        let head = "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 42\r\n\
                    Webhook-Id: evt_0123456789abcdef\r\nwebhook-signature: v1,x\r\n";
        assert_eq!(
            parse_head(head),
            Some(Head {
                content_length: 42,
                webhook_id: "evt_0123456789abcdef".into()
            })
        );
        assert_eq!(
            parse_head("POST /hook HTTP/1.1\r\ncontent-length: 2\r\n"),
            None
        );
        assert_eq!(
            parse_head("POST /hook HTTP/1.1\r\nwebhook-id: evt_1\r\n"),
            None
        );
    }

    #[test]
    fn latency_runs_from_occurred_at_to_receipt() {
        let body = br#"{"type":"user.created","timestamp":"x","data":{"id":"evt_1","occurred_at":"2026-02-08T14:12:45.123Z"}}"#;
        let occurred = OffsetDateTime::parse("2026-02-08T14:12:45.123Z", &Rfc3339).unwrap();
        let received = SystemTime::from(occurred + time::Duration::milliseconds(87));
        let ms = latency_ms(body, received).unwrap();
        assert!((ms - 87.0).abs() < 0.001, "{ms}");
        assert_eq!(latency_ms(b"not json", received), None);
        assert_eq!(latency_ms(br#"{"data":{}}"#, received), None);
    }

    #[test]
    fn deliveries_count_retries_once_and_take_nearest_rank_percentiles() {
        let sample = |id: &str, ms: f64| Sample {
            webhook_id: id.into(),
            latency_ms: Some(ms),
        };
        let mut samples: Vec<Sample> = (1..=100)
            .map(|i| sample(&format!("evt_{i}"), f64::from(i)))
            .collect();
        samples.push(sample("evt_7", 500.0));
        samples.push(Sample {
            webhook_id: "evt_8".into(),
            latency_ms: None,
        });
        let d = Deliveries::of(&samples);
        assert_eq!((d.received, d.unique), (102, 100));
        assert_eq!(d.p50_ms, Some(51.0));
        assert_eq!(d.p99_ms, Some(100.0));
        assert_eq!(Deliveries::of(&[]), Deliveries::default());
    }

    #[test]
    fn the_receiver_records_what_it_is_sent_and_answers_204() {
        let receiver = Receiver::start().unwrap();
        let body = r#"{"data":{"occurred_at":"2026-02-08T14:12:45.123Z"}}"#;
        let mut conn = TcpStream::connect(receiver.addr).unwrap();
        for id in ["evt_a", "evt_b"] {
            let request = format!(
                "POST /hook HTTP/1.1\r\nhost: x\r\nwebhook-id: {id}\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            conn.write_all(request.as_bytes()).unwrap();
            let mut answer = [0u8; 46];
            conn.read_exact(&mut answer).unwrap();
            assert!(answer.starts_with(b"HTTP/1.1 204"), "{answer:?}");
        }
        let d = receiver.deliveries();
        assert_eq!((d.received, d.unique), (2, 2));
        assert!(d.p50_ms.unwrap() > 0.0);
    }
}
