//! The report's verdicts and rendering, on made-up results.

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
        md.contains("| list-users | p50 <= 5 ms | 6.00 ms (pgbench alone: 2.50 ms avg) | FAIL |"),
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
fn get_session_is_judged_by_get_users_rate_in_the_same_run() {
    let result =
        |name, rate| ScenarioResult::new(scenario(name), wrk(rate, 1.0, 0), None, Some(30.0), None);
    let verdict = |r: &Report| {
        r.checks
            .iter()
            .find(|c| c.scenario == "get-session" && c.what == "rate >= 100% of get-user")
            .map(|c| (c.pass, c.measured.clone()))
    };
    let faster = report(vec![
        result("get-user", 5000.0),
        result("get-session", 5200.0),
    ]);
    assert_eq!(
        verdict(&faster),
        Some((true, "104% (5200/s against 5000/s)".into()))
    );
    let slower = report(vec![
        result("get-user", 5000.0),
        result("get-session", 4000.0),
    ]);
    assert_eq!(verdict(&slower).map(|v| v.0), Some(false));
    let alone = report(vec![result("get-session", 4000.0)]);
    assert_eq!(verdict(&alone), None, "judged only beside get-user");
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
        backlog_left: 0,
    };
    assert_eq!(judged(good.clone()), [true, true, true, true]);
    let slow = WebhookResult {
        deliveries: Deliveries {
            p50_ms: Some(150.0),
            p99_ms: Some(1500.0),
            ..good.deliveries.clone()
        },
        backlog_empty_after_s: None,
        backlog_left: 1_200,
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

#[test]
fn an_idempotent_create_is_judged_against_create_user_of_the_same_run() {
    let run = |idempotent: f64| {
        report(vec![
            ScenarioResult::new(
                scenario("create-user"),
                wrk(4000.0, 2.0, 0),
                None,
                Some(40.0),
                None,
            ),
            ScenarioResult::new(
                scenario("idempotent-create"),
                wrk(idempotent, 2.0, 0),
                None,
                Some(40.0),
                None,
            ),
        ])
    };
    let verdict = |r: &Report| {
        r.checks
            .iter()
            .find(|c| c.scenario == "idempotent-create" && c.what == "rate >= 85% of create-user")
            .map(|c| (c.pass, c.measured.clone()))
    };
    assert_eq!(
        verdict(&run(3600.0)),
        Some((true, "90% (3600/s against 4000/s)".into()))
    );
    assert_eq!(verdict(&run(3000.0)).map(|v| v.0), Some(false));
    // Alone, it is judged by its 5xx only.
    let alone = report(vec![ScenarioResult::new(
        scenario("idempotent-create"),
        wrk(3000.0, 2.0, 0),
        None,
        Some(40.0),
        None,
    )]);
    assert_eq!(verdict(&alone), None);
    assert!(alone.checks.iter().any(|c| c.what == "no 5xx" && c.pass));
}
