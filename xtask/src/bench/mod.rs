//! `cargo xtask bench`: a release gateway over loopback, N App users seeded in one org,
//! wrk for the load and pgbench beside it for the database's own limit. Prints a table
//! and writes `target/bench/report.json`, `report.md` and `latency.svg`.
//!
//! The run bounds its own time (every wrk and pgbench run has a deadline) and stops the
//! gateway it started, also when it fails.

mod chart;
mod db;
mod gateway;
mod pgbench;
mod receiver;
mod render;
mod report;
mod scenarios;
mod seed;
mod transfer;
mod wrk;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::Result;

use report::{Machine, Report, ScenarioResult, Settings};
use scenarios::Dataset;

#[derive(Debug, clap::Args)]
pub struct Options {
    /// App users to seed in the bench org.
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: u64,
    /// Seconds of measured load per scenario (after a short warm-up).
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// Only these scenarios (repeat the flag or separate with commas).
    #[arg(long = "scenario", value_name = "NAME")]
    pub scenarios: Vec<String>,
    /// Concurrent connections, for wrk and pgbench alike.
    #[arg(long, default_value_t = 32)]
    pub connections: u32,
    /// RUST_LOG of the gateway under test (`info` logs one line per request).
    #[arg(long, default_value = "warn")]
    pub gateway_log: String,
}

pub fn run(root: &Path, opts: &Options) -> Result<()> {
    let (wrk_names, bulk) = transfer::split(&opts.scenarios);
    let selected = match &wrk_names {
        Some(names) => scenarios::select(names)?,
        None => Vec::new(),
    };
    // What is built and measured: the tree as it is now, not when the report is written.
    let commit = git_commit(root);
    let out_dir = root.join("target/bench");
    std::fs::create_dir_all(&out_dir)?;
    let wrk_bin = wrk::ensure_installed()?;
    let pgbench_bin = pgbench::locate()?;

    eprintln!("bench: building the release gateway");
    crate::cargo(
        root,
        &[
            "build",
            "--release",
            "--quiet",
            "--package",
            "roster-gateway",
        ],
    )?;
    let gateway_bin = root.join("target/release/roster-gateway");

    let (admin_url, lease) = crate::database(root)?;
    let mut needs: Vec<Dataset> = selected
        .iter()
        .flat_map(|s| s.needs.iter().copied())
        .collect();
    if bulk.contains(&"export-1m") && !needs.contains(&Dataset::AppUsers) {
        needs.push(Dataset::AppUsers);
        needs.sort();
    }
    let bench_db = db::BenchDb::prepare(&admin_url, &gateway_bin, opts.rows, &needs)?;
    let mut fixture = bench_db.fixture.clone();

    let mut gw = gateway::start(
        &gateway_bin,
        &bench_db.url,
        &out_dir.join("gateway.log"),
        &opts.gateway_log,
    )?;
    eprintln!("bench: gateway pid {} on {}", gw.pid, gw.base);
    fixture.scim_token = gateway::mint_scim_token(&gw.base, &fixture)?;
    if selected.iter().any(|s| s.wrk_uses_session()) {
        fixture.session = console_session(&gw.base)?;
    }
    let fixture = &fixture;
    let duration = Duration::from_secs(opts.duration.max(1));
    let warmup = Duration::from_secs(opts.duration.clamp(1, 3));
    let run_tag = roster_devkit::random_hex(4)?;
    let mut results = Vec::new();
    for (i, scenario) in selected.iter().enumerate() {
        eprintln!(
            "bench: scenario {} {}: {}",
            scenario.number, scenario.name, scenario.title
        );
        let script = out_dir.join(format!("{}.lua", scenario.name));
        std::fs::write(
            &script,
            wrk::script(scenario, fixture, &format!("w{run_tag}{i}")),
        )?;
        wrk::run(
            &wrk_bin,
            &script,
            &gw.base,
            opts.connections,
            warmup,
            "warm-up",
        )?;
        std::fs::write(
            &script,
            wrk::script(scenario, fixture, &format!("m{run_tag}{i}")),
        )?;
        // pgbench runs half its time right before the gateway's load and half right
        // after (`PgbenchResult::bracketing`): the two are compared on the same machine
        // speed even when that speed drifts.
        let sql_path = out_dir.join(format!("{}.sql", scenario.name));
        let pg_half = Duration::from_secs((duration.as_secs() / 2).max(1));
        if let Some(script) = scenario.pgbench {
            std::fs::write(&sql_path, (script.sql)(fixture))?;
        }
        let run_pgbench = |label: &str| -> Result<Option<pgbench::PgbenchResult>> {
            if scenario.pgbench.is_none() {
                return Ok(None);
            }
            eprintln!("  pgbench, {label} the gateway's load");
            Ok(Some(pgbench::run(
                &pgbench_bin,
                &bench_db.url,
                &sql_path,
                &[
                    ("org", fixture.org_id.clone()),
                    ("workspace", fixture.workspace_id.clone()),
                    ("rows", fixture.rows.to_string()),
                ],
                opts.connections,
                pg_half,
            )?))
        };
        // The scenario's endpoint, subscribed from before its measured load until its backlog
        // has emptied after the load.
        let client = crate::http::Client::new(&gw.base);
        let webhook = match scenario.webhook {
            true => Some(receiver::WebhookRun::begin(&client, fixture)?),
            false => None,
        };
        let pg_before = run_pgbench("before")?;
        let load_before = load_average();
        gateway::reset_peak_rss(gw.pid);
        let measured = wrk::run(
            &wrk_bin,
            &script,
            &gw.base,
            opts.connections,
            duration,
            "gateway",
        )?;
        let rss = gateway::peak_rss_mib(gw.pid);
        let webhook = match webhook {
            Some(run) => {
                let db = crate::psql::Psql::new(&bench_db.url)?;
                Some(run.finish(&client, fixture, &db)?)
            }
            None => None,
        };
        let pg = match (pg_before, run_pgbench("after")?) {
            (Some(before), Some(after)) => Some(pgbench::PgbenchResult::bracketing(before, after)),
            _ => None,
        };
        let mut result = ScenarioResult::new(scenario, measured, pg, rss, load_before);
        if let Some(w) = &webhook {
            eprintln!(
                "  webhook: {} received ({} written, {} failed), p50 {:.1} ms, p99 {:.1} ms, backlog empty after {}",
                w.deliveries.unique,
                w.written,
                w.failed,
                w.deliveries.p50_ms.unwrap_or(f64::NAN),
                w.deliveries.p99_ms.unwrap_or(f64::NAN),
                w.backlog_empty_after_s.map_or_else(
                    || format!(
                        "(not within {} s: {} left)",
                        receiver::BACKLOG_DEADLINE.as_secs(),
                        w.backlog_left
                    ),
                    |s| format!("{s:.2} s")
                )
            );
        }
        result.webhook = webhook;
        eprintln!(
            "  {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, {} non-2xx{}",
            result.requests_per_s,
            result.p50_ms.unwrap_or(f64::NAN),
            result.p99_ms.unwrap_or(f64::NAN),
            result.non_2xx,
            result.pgbench.as_ref().map_or(String::new(), |p| format!(
                "; pgbench {:.0} tps ({:.0}%)",
                p.tps,
                result.pgbench_ratio.unwrap_or(0.0) * 100.0
            ))
        );
        results.push(result);
    }
    gw.stop()?;
    // The bulk scenarios run the gateway's command line, with no server beside it.
    let mut bulk_results = Vec::new();
    for name in &bulk {
        eprintln!("bench: scenario {name}");
        let result = match *name {
            "import-1m" => transfer::import(&gateway_bin, &bench_db.url, opts.rows, &run_tag)?,
            _ => transfer::export(&gateway_bin, &bench_db.url, &fixture.org_slug)?,
        };
        eprintln!("  {}", result.line());
        bulk_results.push(result);
    }
    drop(lease);

    if !results.is_empty() {
        let report = Report::new(
            machine(),
            Settings {
                rows: opts.rows,
                duration_s: duration.as_secs(),
                connections: opts.connections,
                gateway_log_level: opts.gateway_log.clone(),
                git_commit: commit,
            },
            bench_db.seeding.clone(),
            results,
        );
        std::fs::write(
            out_dir.join("report.json"),
            serde_json::to_string_pretty(&report)?,
        )?;
        std::fs::write(out_dir.join("report.md"), report.markdown())?;
        chart::draw(&out_dir.join("latency.svg"), &report.scenarios)?;
        println!("{}", report.table());
    }
    if !bulk_results.is_empty() {
        std::fs::write(
            out_dir.join("transfer.json"),
            serde_json::to_string_pretty(&bulk_results)?,
        )?;
        for result in &bulk_results {
            println!("{}", result.line());
        }
    }
    println!("bench: wrote the reports in {}", out_dir.display());
    Ok(())
}

/// "label: 3/10 s" while a load runs: rewritten in place on a terminal, a line every
/// 10 s otherwise.
pub(crate) struct Progress {
    label: String,
    total: u64,
    shown: Option<u64>,
    tty: bool,
}

impl Progress {
    pub fn new(label: &str, total: u64) -> Self {
        use std::io::IsTerminal;
        Self {
            label: label.to_owned(),
            total,
            shown: None,
            tty: std::io::stderr().is_terminal(),
        }
    }

    pub fn tick(&mut self, elapsed: u64) {
        if self.shown == Some(elapsed) || (!self.tty && !elapsed.is_multiple_of(10)) {
            return;
        }
        self.shown = Some(elapsed);
        if self.tty {
            eprint!("\r  {}: {elapsed:>3}/{} s ", self.label, self.total);
        } else if elapsed > 0 {
            eprintln!("  {}: {elapsed}/{} s", self.label, self.total);
        }
    }

    pub fn finish(&self) {
        if self.tty {
            eprint!("\r{:40}\r", "");
        }
    }
}

fn machine() -> Machine {
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: f64 = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    Machine {
        cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
        memory_gib: mem_kib / 1024.0 / 1024.0,
        cpu,
    }
}

fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn git_commit(root: &Path) -> String {
    let run = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let commit = run(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty =
        run(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    if dirty {
        format!("{commit}+changes")
    } else {
        commit
    }
}

/// A session of the bench admin, signed in as the console's users are.
fn console_session(base: &str) -> Result<String> {
    let answer = crate::http::Client::new(base).post_json(
        "/api/auth/sign-in/email",
        &[],
        &serde_json::json!({"email": scenarios::ADMIN_EMAIL, "password": scenarios::ADMIN_PASSWORD}),
    )?;
    match answer.body["token"].as_str() {
        Some(token) if answer.status == 200 => Ok(token.to_owned()),
        _ => anyhow::bail!(
            "the bench admin cannot sign in ({}): a database seeded before the console's scenario \
             has no password for it; drop `roster_bench` and run again",
            answer.status
        ),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_options_parse_with_their_defaults() {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            options: super::Options,
        }
        let cli = Cli::parse_from(["bench", "--scenario", "get-user", "--rows", "1000"]);
        assert_eq!(cli.options.rows, 1000);
        assert_eq!(cli.options.duration, 10);
        assert_eq!(cli.options.scenarios, ["get-user"]);
    }
}
