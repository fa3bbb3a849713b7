//! The report: per-scenario figures, the targets marked PASS or FAIL, rendered as a
//! terminal table, Markdown and JSON.

use serde::Serialize;

use super::db::Seeding;
use super::pgbench::PgbenchResult;
use super::receiver::WebhookResult;
use super::scenarios::{Target, WEBHOOK_TARGETS};
use super::wrk::WrkResult;

/// The gateway's peak resident set size may not exceed this.
pub const RSS_CEILING_MIB: f64 = 100.0;

#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub cores: usize,
    pub memory_gib: f64,
    pub cpu: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    pub rows: u64,
    pub duration_s: u64,
    pub connections: u32,
    pub gateway_log_level: String,
    pub git_commit: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResult {
    pub name: String,
    pub number: String,
    pub title: String,
    pub requests_per_s: f64,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub p999_ms: Option<f64>,
    pub non_2xx: u64,
    pub status_5xx: u64,
    pub peak_rss_mib: Option<f64>,
    /// The 1-minute load average as the scenario started (other work on the machine).
    pub load_before: Option<f64>,
    pub pgbench: Option<PgbenchResult>,
    /// Gateway requests/s over pgbench transactions/s.
    pub pgbench_ratio: Option<f64>,
    #[serde(skip)]
    pub target: Target,
    pub wrk: WrkResult,
    /// A scenario with a webhook: its deliveries and backlog (`bench::receiver`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook: Option<WebhookResult>,
}

impl ScenarioResult {
    pub fn new(
        scenario: &super::scenarios::Scenario,
        wrk: WrkResult,
        pgbench: Option<PgbenchResult>,
        peak_rss_mib: Option<f64>,
        load_before: Option<f64>,
    ) -> Self {
        let requests_per_s = wrk.rate();
        let pgbench_ratio = pgbench
            .as_ref()
            .filter(|p| p.tps > 0.0)
            .map(|p| requests_per_s / p.tps);
        Self {
            name: scenario.name.into(),
            number: scenario.number.into(),
            title: scenario.title.into(),
            requests_per_s,
            p50_ms: wrk.percentile(50.0),
            p99_ms: wrk.percentile(99.0),
            p999_ms: wrk.percentile(99.9),
            non_2xx: wrk.non_2xx(),
            status_5xx: wrk.status_5xx,
            peak_rss_mib,
            load_before,
            pgbench,
            pgbench_ratio,
            target: scenario.target,
            wrk,
            webhook: None,
        }
    }

    /// The checks this scenario is judged by.
    pub fn checks(&self) -> Vec<Check> {
        let mut checks = Vec::new();
        let mut check = |what: String, measured: String, pass: bool| {
            checks.push(Check {
                scenario: self.name.clone(),
                what,
                measured,
                pass,
            })
        };
        match self.target {
            Target::PgbenchRatio(min) => match self.pgbench_ratio {
                Some(r) => check(
                    format!("rate >= {:.0}% of pgbench", min * 100.0),
                    format!("{:.0}%", r * 100.0),
                    r >= min,
                ),
                None => check(
                    format!("rate >= {:.0}% of pgbench", min * 100.0),
                    "no pgbench figure".into(),
                    false,
                ),
            },
            Target::P50Ms(max) => {
                let p50 = self.p50_ms.unwrap_or(f64::INFINITY);
                // Beside it, what the database alone answers in with the same connections.
                let alone = self.pgbench.as_ref().map_or(String::new(), |p| {
                    format!(" (pgbench alone: {:.2} ms avg)", p.latency_avg_ms)
                });
                check(
                    format!("p50 <= {max} ms"),
                    format!("{p50:.2} ms{alone}"),
                    p50 <= max,
                )
            }
            Target::RateOf { .. } => check(
                "no 5xx".into(),
                format!("{} 5xx", self.status_5xx),
                self.status_5xx == 0,
            ),
            Target::RateAtLeast(min) => {
                check(
                    format!("rate >= {min:.0}/s"),
                    format!("{:.0}/s", self.requests_per_s),
                    self.requests_per_s >= min,
                );
                check(
                    "no 5xx".into(),
                    format!("{} 5xx", self.status_5xx),
                    self.status_5xx == 0,
                );
            }
            Target::None => {}
        }
        if let Some(w) = &self.webhook {
            for (what, measured, pass) in webhook_checks(w) {
                check(what, measured, pass);
            }
        }
        check(
            "no unexpected non-2xx".into(),
            format!("{} non-2xx", self.non_2xx),
            self.non_2xx == 0,
        );
        match self.peak_rss_mib {
            Some(rss) => check(
                format!("peak RSS <= {RSS_CEILING_MIB:.0} MiB"),
                format!("{rss:.1} MiB"),
                rss <= RSS_CEILING_MIB,
            ),
            None => check(
                format!("peak RSS <= {RSS_CEILING_MIB:.0} MiB"),
                "not measured".into(),
                false,
            ),
        }
        checks
    }
}

/// The checks of a scenario's webhook ([`WEBHOOK_TARGETS`]): what, measured, passed.
fn webhook_checks(w: &WebhookResult) -> Vec<(String, String, bool)> {
    let (p50_max, p99_max, backlog_max) = WEBHOOK_TARGETS;
    let ms = |v: Option<f64>| v.map_or("none received".to_owned(), |v| format!("{v:.1} ms"));
    let d = &w.deliveries;
    vec![
        (
            format!("delivery p50 <= {p50_max:.0} ms"),
            ms(d.p50_ms),
            d.p50_ms.is_some_and(|v| v <= p50_max),
        ),
        (
            format!("delivery p99 <= {p99_max:.0} ms"),
            ms(d.p99_ms),
            d.p99_ms.is_some_and(|v| v <= p99_max),
        ),
        (
            format!("backlog empty within {backlog_max:.0} s"),
            w.backlog_empty_after_s.map_or_else(
                || {
                    let deadline = super::receiver::BACKLOG_DEADLINE.as_secs();
                    format!("{} still pending after {deadline} s", w.backlog_left)
                },
                |s| format!("{s:.2} s"),
            ),
            w.backlog_empty_after_s.is_some_and(|s| s <= backlog_max),
        ),
        (
            "every delivery received, none failed".into(),
            format!(
                "{} written, {} received, {} failed",
                w.written, d.unique, w.failed
            ),
            w.failed == 0 && w.written > 0 && d.unique as u64 == w.written,
        ),
    ]
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub scenario: String,
    pub what: String,
    pub measured: String,
    pub pass: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub machine: Machine,
    pub settings: Settings,
    pub seeding: Vec<Seeding>,
    pub scenarios: Vec<ScenarioResult>,
    pub checks: Vec<Check>,
}

impl Report {
    pub fn new(
        machine: Machine,
        settings: Settings,
        seeding: Vec<Seeding>,
        scenarios: Vec<ScenarioResult>,
    ) -> Self {
        let mut checks: Vec<Check> = scenarios.iter().flat_map(ScenarioResult::checks).collect();
        checks.extend(relative_checks(&scenarios));
        Self {
            machine,
            settings,
            seeding,
            scenarios,
            checks,
        }
    }
}

/// The checks of the scenarios judged against another of the run ([`Target::RateOf`]):
/// none when the other did not run.
fn relative_checks(scenarios: &[ScenarioResult]) -> Vec<Check> {
    scenarios
        .iter()
        .filter_map(|s| {
            let Target::RateOf { of, min } = s.target else {
                return None;
            };
            let other = scenarios.iter().find(|o| o.name == of)?;
            let ratio = if other.requests_per_s > 0.0 {
                s.requests_per_s / other.requests_per_s
            } else {
                0.0
            };
            Some(Check {
                scenario: s.name.clone(),
                what: format!("rate >= {:.0}% of {of}", min * 100.0),
                measured: format!(
                    "{:.0}% ({:.0}/s against {:.0}/s)",
                    ratio * 100.0,
                    s.requests_per_s,
                    other.requests_per_s
                ),
                pass: ratio >= min,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
