//! Prometheus metrics: requests and latency by route and status, pool size and waits.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::state::AppState;

const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

#[derive(Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, secs: f64) {
        for (i, le) in BUCKETS.iter().enumerate() {
            if secs <= *le {
                self.buckets[i] += 1;
            }
        }
        self.count += 1;
        self.sum += secs;
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (i, le) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{le}\"}} {}",
                self.buckets[i]
            );
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}",
            self.count
        );
        let _ = writeln!(out, "{name}_sum{{{labels}}} {}", self.sum);
        let _ = writeln!(out, "{name}_count{{{labels}}} {}", self.count);
    }
}

/// Process-wide counters; cheap enough to update on every request.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), Histogram>>,
    pool_waits: Mutex<Histogram>,
    /// The pools of every worker thread, reported as one.
    pools: Mutex<Vec<roster_core::db::Pool>>,
}

impl Metrics {
    pub fn record_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        if let Ok(mut map) = self.requests.lock() {
            map.entry((method.to_owned(), route.to_owned(), status))
                .or_default()
                .observe(elapsed.as_secs_f64());
        }
    }

    pub fn record_pool_wait(&self, elapsed: Duration) {
        if let Ok(mut h) = self.pool_waits.lock() {
            h.observe(elapsed.as_secs_f64());
        }
    }

    pub fn watch_pool(&self, pool: roster_core::db::Pool) {
        if let Ok(mut pools) = self.pools.lock() {
            pools.push(pool);
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str(
            "# HELP roster_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE roster_http_requests_total counter\n");
        if let Ok(map) = self.requests.lock() {
            let labelled: Vec<(String, &Histogram)> = map
                .iter()
                .map(|((method, route, status), h)| {
                    (
                        format!(
                            "method=\"{method}\",route=\"{}\",status=\"{status}\"",
                            escape(route)
                        ),
                        h,
                    )
                })
                .collect();
            for (labels, h) in &labelled {
                let _ = writeln!(out, "roster_http_requests_total{{{labels}}} {}", h.count);
            }
            out.push_str("# HELP roster_http_request_duration_seconds HTTP request latency by method, route and status.\n");
            out.push_str("# TYPE roster_http_request_duration_seconds histogram\n");
            for (labels, h) in &labelled {
                h.render(&mut out, "roster_http_request_duration_seconds", labels);
            }
        }
        let (mut max_size, mut size, mut available, mut waiting) = (0, 0, 0, 0);
        if let Ok(pools) = self.pools.lock() {
            for status in pools.iter().map(|p| p.status()) {
                max_size += status.max_size;
                size += status.size;
                available += status.available;
                waiting += status.waiting;
            }
        }
        out.push_str("# HELP roster_db_pool_max_size Largest number of database connections.\n# TYPE roster_db_pool_max_size gauge\n");
        let _ = writeln!(out, "roster_db_pool_max_size {max_size}");
        out.push_str("# HELP roster_db_pool_size Open database connections.\n# TYPE roster_db_pool_size gauge\n");
        let _ = writeln!(out, "roster_db_pool_size {size}");
        out.push_str("# HELP roster_db_pool_available Idle database connections.\n# TYPE roster_db_pool_available gauge\n");
        let _ = writeln!(out, "roster_db_pool_available {available}");
        out.push_str("# HELP roster_db_pool_waiting Requests waiting for a connection.\n# TYPE roster_db_pool_waiting gauge\n");
        let _ = writeln!(out, "roster_db_pool_waiting {waiting}");
        out.push_str("# HELP roster_db_pool_wait_seconds Time spent waiting for a database connection.\n# TYPE roster_db_pool_wait_seconds histogram\n");
        if let Ok(h) = self.pool_waits.lock() {
            h.render(&mut out, "roster_db_pool_wait_seconds", "");
        }
        out
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Middleware: times every request and counts it under its route pattern.
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let res = next.call(req).await?;
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    if let Some(state) = state {
        state
            .metrics
            .record_request(&method, &route, res.status().as_u16(), started.elapsed());
    }
    Ok(res)
}

/// `GET /metrics`, on the management address or with the metrics token.
pub async fn metrics(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, crate::error::ApiError> {
    crate::defences::management::may_read_metrics(&state.defences, &req)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render()))
}
