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
            w.backlog_empty_after_s
                .map_or("still pending".to_owned(), |s| format!("{s:.2} s")),
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
        let checks = scenarios.iter().flat_map(ScenarioResult::checks).collect();
        Self {
            machine,
            settings,
            seeding,
            scenarios,
            checks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::scenarios::SCENARIOS;
    use super::*;

    fn wrk(rate: f64, p50: f64, non_2xx_5xx: u64) -> WrkResult {
        WrkResult {
            requests: (rate * 10.0) as u64,
            duration_s: 10.0,
            status_2xx: (rate * 10.0) as u64 - non_2xx_5xx,
            status_5xx: non_2xx_5xx,
            latency_ms: vec![(50.0, p50), (99.0, p50 * 3.0), (99.9, p50 * 5.0)],
            ..WrkResult::default()
        }
    }

    fn scenario(name: &str) -> &'static super::super::scenarios::Scenario {
        SCENARIOS
            .iter()
            .find(|s| s.name == name)
            .unwrap_or(&SCENARIOS[0])
    }

    fn report(results: Vec<ScenarioResult>) -> Report {
        Report::new(
            Machine {
                cores: 2,
                memory_gib: 24.0,
                cpu: "test".into(),
            },
            Settings {
                rows: 1000,
                duration_s: 10,
                connections: 32,
                gateway_log_level: "warn".into(),
                git_commit: "abc".into(),
            },
            vec![Seeding {
                dataset: "app-users".into(),
                what: "users with their accounts".into(),
                rows: 1000,
                seconds: 2.0,
                rows_per_s: 500.0,
            }],
            results,
        )
    }

    #[test]
    fn targets_are_judged_per_scenario() {
        let pg = |tps: f64| {
            Some(PgbenchResult {
                tps,
                latency_avg_ms: 2.5,
                ..PgbenchResult::default()
            })
        };
        let r = report(vec![
            ScenarioResult::new(
                scenario("get-user"),
                wrk(6000.0, 1.0, 0),
                pg(10_000.0),
                Some(30.0),
                None,
            ),
            ScenarioResult::new(
                scenario("list-users"),
                wrk(900.0, 6.0, 0),
                pg(1000.0),
                Some(130.0),
                None,
            ),
            ScenarioResult::new(
                scenario("create-user"),
                wrk(3500.0, 2.0, 4),
                None,
                Some(40.0),
                None,
            ),
        ]);
        let verdict = |scenario: &str, what: &str| {
            r.checks
                .iter()
                .find(|c| c.scenario == scenario && c.what.starts_with(what))
                .map(|c| c.pass)
        };
        assert_eq!(verdict("get-user", "rate >= 50% of pgbench"), Some(true));
        assert_eq!(r.scenarios[0].pgbench_ratio, Some(0.6));
        assert_eq!(verdict("list-users", "p50 <= 5 ms"), Some(false));
        assert_eq!(verdict("list-users", "peak RSS"), Some(false));
        assert_eq!(verdict("create-user", "rate >= 3000/s"), Some(true));
        assert_eq!(verdict("create-user", "no 5xx"), Some(false));
        assert_eq!(verdict("create-user", "no unexpected non-2xx"), Some(false));
        let table = r.table();
        assert!(table.contains("1 get-user"), "{table}");
        assert!(table.contains("60%"), "{table}");
        assert!(table.lines().nth(1).is_some_and(|l| l.ends_with("PASS")));
        assert!(table.lines().nth(2).is_some_and(|l| l.ends_with("FAIL")));
        let md = r.markdown();
        assert!(md.contains("| 2 list-users | 900 | 6.00 |"), "{md}");
        assert!(
            md.contains("Seeding: 1000 users with their accounts in 2.0 s (500/s)."),
            "{md}"
        );
        assert!(
            md.contains(
                "| list-users | p50 <= 5 ms | 6.00 ms (pgbench alone: 2.50 ms avg) | FAIL |"
            ),
            "{md}"
        );
        let json = serde_json::to_value(&r).unwrap_or_default();
        assert_eq!(json["scenarios"][2]["status_5xx"], 4);
        assert_eq!(json["checks"][0]["pass"], true);
    }

    #[test]
    fn a_missing_pgbench_figure_fails_the_ratio() {
        let r = report(vec![ScenarioResult::new(
            scenario("get-user"),
            wrk(6000.0, 1.0, 0),
            None,
            Some(30.0),
            None,
        )]);
        assert!(!r.checks[0].pass);
        assert_eq!(r.checks[0].measured, "no pgbench figure");
    }

    #[test]
    fn a_webhook_is_judged_by_delivery_latency_backlog_and_completeness() {
        use super::super::receiver::Deliveries;
        let judged = |w: WebhookResult| {
            let mut r = ScenarioResult::new(
                scenario("create-user-with-webhook"),
                wrk(4000.0, 2.0, 0),
                None,
                Some(50.0),
                None,
            );
            r.webhook = Some(w);
            r.checks()
                .into_iter()
                .filter(|c| c.what.contains("deliver") || c.what.contains("backlog"))
                .map(|c| c.pass)
                .collect::<Vec<_>>()
        };
        let good = WebhookResult {
            deliveries: Deliveries {
                received: 40_001,
                unique: 40_000,
                p50_ms: Some(12.0),
                p99_ms: Some(300.0),
            },
            written: 40_000,
            failed: 0,
            backlog_empty_after_s: Some(0.4),
        };
        assert_eq!(judged(good.clone()), [true, true, true, true]);
        let slow = WebhookResult {
            deliveries: Deliveries {
                p50_ms: Some(150.0),
                p99_ms: Some(1500.0),
                ..good.deliveries.clone()
            },
            backlog_empty_after_s: None,
            ..good.clone()
        };
        assert_eq!(judged(slow), [false, false, false, true]);
        let lost = WebhookResult {
            deliveries: Deliveries {
                unique: 39_999,
                ..good.deliveries.clone()
            },
            ..good.clone()
        };
        assert_eq!(judged(lost), [true, true, true, false]);
        let failed = WebhookResult { failed: 1, ..good };
        assert_eq!(judged(failed), [true, true, true, false]);
    }
}
