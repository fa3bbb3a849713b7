//! pgbench: PostgreSQL's own limit for a scenario's SQL, sent as the gateway sends it
//! (prepared once per connection, as the gateway prepares them) and with the same number of connections
//! as wrk.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::process::wait_within;

pub fn locate() -> Result<PathBuf> {
    roster_devkit::pg_bin::client_program("pgbench").context(
        "pgbench is not installed: it ships with PostgreSQL \
         (`sudo apt-get install -y postgresql-contrib postgresql-client` on Debian/Ubuntu)",
    )
}

/// What pgbench measured: one run, or the runs either side of the gateway's load
/// (`bracketing`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct PgbenchResult {
    pub tps: f64,
    pub transactions: u64,
    pub failed: u64,
    pub latency_avg_ms: f64,
    /// The rate of each run this one combines, in order (empty for a single run).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub runs_tps: Vec<f64>,
}

impl PgbenchResult {
    /// Runs of equal length, one before the gateway's load and one after, as one: the mean
    /// rate, and the latency averaged over all their transactions. On a machine whose speed
    /// drifts (a shared VM: seen here, pgbench's rate for the same SQL moved from 21,700 to
    /// 37,000 a second within two minutes), a rate read on one side alone made the
    /// gateway/pgbench ratio swing by a fifth; the mean of both sides is what the machine
    /// did around the gateway's run.
    pub fn bracketing(before: Self, after: Self) -> Self {
        let transactions = before.transactions + after.transactions;
        let latency_avg_ms = if transactions == 0 {
            (before.latency_avg_ms + after.latency_avg_ms) / 2.0
        } else {
            (before.latency_avg_ms * before.transactions as f64
                + after.latency_avg_ms * after.transactions as f64)
                / transactions as f64
        };
        Self {
            tps: (before.tps + after.tps) / 2.0,
            transactions,
            failed: before.failed + after.failed,
            latency_avg_ms,
            runs_tps: vec![before.tps, after.tps],
        }
    }
}

/// Reads pgbench's summary.
pub fn parse(output: &str) -> Result<PgbenchResult> {
    let mut r = PgbenchResult::default();
    let (mut seen_tps, mut seen_count) = (false, false);
    for line in output.lines().map(str::trim) {
        let number_after = |prefix: &str| -> Option<f64> {
            line.strip_prefix(prefix)?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        };
        if let Some(v) = number_after("tps = ") {
            // pgbench 15 prints one tps line ("without initial connection time").
            r.tps = v;
            seen_tps = true;
        } else if let Some(v) = number_after("number of transactions actually processed: ") {
            r.transactions = v as u64;
            seen_count = true;
        } else if let Some(v) = number_after("number of failed transactions: ") {
            r.failed = v as u64;
        } else if let Some(v) = number_after("latency average = ") {
            r.latency_avg_ms = v;
        }
    }
    // With no transaction done in the time, pgbench 15 prints no tps: the rate is 0.
    if !seen_tps && (!seen_count || r.transactions != 0) {
        bail!("pgbench printed no tps; its output:\n{output}");
    }
    Ok(r)
}

/// Runs `script`, its statements prepared once per connection, for `duration`; `vars` become
/// `-D name=value`.
pub fn run(
    pgbench: &Path,
    url: &str,
    script: &Path,
    vars: &[(&str, String)],
    connections: u32,
    duration: Duration,
) -> Result<PgbenchResult> {
    let secs = duration.as_secs().max(1);
    let mut cmd = Command::new(pgbench);
    cmd.args(["-n", "-M", "prepared", "-j", "1"])
        .args(["-c", &connections.to_string(), "-T", &secs.to_string()])
        .arg("-f")
        .arg(script);
    for (name, value) in vars {
        cmd.arg("-D").arg(format!("{name}={value}"));
    }
    let mut child = cmd
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting pgbench")?;
    let mut progress = super::Progress::new("pgbench", secs);
    let status = wait_within(&mut child, Duration::from_secs(secs + 30), |spent| {
        progress.tick(spent.as_secs().min(secs))
    })?
    .with_context(|| format!("pgbench overran its {secs} s by 30 s and was stopped"))?;
    progress.finish();
    let out = child.wait_with_output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !status.success() {
        bail!(
            "pgbench failed ({status}):\n{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    parse(&stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_transaction_done_is_a_rate_of_0() {
        let out = "transaction type: /tmp/x.sql
duration: 5 s
number of transactions actually processed: 0
number of failed transactions: 0 (NaN%)
";
        let r = parse(out).unwrap();
        assert_eq!((r.tps, r.transactions), (0.0, 0));
        assert!(parse("duration: 5 s\n").is_err());
    }

    #[test]
    fn parses_the_summary_of_pgbench_15() {
        let out = "pgbench (15.19 (Debian 15.19-0+deb12u1))
transaction type: /tmp/x.sql
scaling factor: 1
query mode: prepared
number of clients: 32
number of threads: 1
maximum number of tries: 1
duration: 5 s
number of transactions actually processed: 123456
number of failed transactions: 0 (0.000%)
latency average = 1.296 ms
initial connection time = 40.123 ms
tps = 24691.234567 (without initial connection time)
";
        let r = parse(out).unwrap_or_default();
        assert!((r.tps - 24_691.234_567).abs() < 1e-6);
        assert_eq!(r.transactions, 123_456);
        assert_eq!(r.failed, 0);
        assert!((r.latency_avg_ms - 1.296).abs() < 1e-9);
        assert!(parse("connection to server failed").is_err());
    }

    #[test]
    fn bracketing_runs_average_the_rate_and_weigh_the_latency_by_transactions() {
        let run = |tps: f64, transactions: u64, failed: u64, latency_avg_ms: f64| PgbenchResult {
            tps,
            transactions,
            failed,
            latency_avg_ms,
            runs_tps: Vec::new(),
        };
        let r = PgbenchResult::bracketing(
            run(20_000.0, 100_000, 1, 1.5),
            run(30_000.0, 150_000, 2, 1.0),
        );
        assert!((r.tps - 25_000.0).abs() < 1e-9);
        assert_eq!(r.transactions, 250_000);
        assert_eq!(r.failed, 3);
        assert!((r.latency_avg_ms - 1.2).abs() < 1e-9);
        assert_eq!(r.runs_tps, [20_000.0, 30_000.0]);
        let none = PgbenchResult::bracketing(run(0.0, 0, 0, 2.0), run(0.0, 0, 0, 4.0));
        assert!((none.latency_avg_ms - 3.0).abs() < 1e-9);
    }
}
