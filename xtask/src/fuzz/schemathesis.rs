//! One schemathesis run over every operation of the fuzzed gateway, within its budget,
//! and the summary xtask prints after schemathesis' own output.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use roster_devkit::random_hex;

use crate::process::wait_within;

use super::report::Report;
use super::setup::FuzzedGateway;
use super::{Budget, Outcome};

pub fn run(
    root: &Path,
    schemathesis: &Path,
    gateway: &FuzzedGateway,
    work: &Path,
    budget: &Budget,
) -> Result<Outcome> {
    let env = gateway.fuzz_env()?;
    let seed = match budget.seed {
        Some(seed) => seed,
        None => u64::from_str_radix(&random_hex(8)?, 16)?,
    };
    let config = root.join("xtask/fuzz/schemathesis.toml");
    let schema = format!("{}/openapi.json", gateway.base());
    let report_path = work.join("report.json");
    let _ = fs::remove_file(&report_path);
    println!(
        "fuzz: schemathesis against {schema}: {} examples per operation, at most {} s, seed {seed}",
        budget.max_examples, budget.max_time_secs
    );
    let started = Instant::now();
    let mut child = Command::new(schemathesis)
        .arg("--config-file")
        .arg(&config)
        .args(["run", &schema, "--no-color"])
        // One worker: with two, hypothesis' lambda-source cache raced in one run (a
        // schemathesis "Runtime Error" that said nothing about the gateway).
        .args(["--workers", "1"])
        .args(["--max-time", &budget.max_time_secs.to_string()])
        .args(["--max-examples", &budget.max_examples.to_string()])
        .args(["--seed", &seed.to_string()])
        // A request that hangs is a failure, not a stall.
        .args(["--request-timeout", "10"])
        .args(["--report", "json", "--report-json-path"])
        .arg(&report_path)
        .args(&budget.extra_args)
        .current_dir(work)
        .env("SCHEMATHESIS_HOOKS", root.join("xtask/fuzz/hooks.py"))
        .envs(env)
        .spawn()
        .context("running schemathesis")?;
    // schemathesis keeps to its time budget; should it not, it is stopped two minutes later.
    let limit = Duration::from_secs(u64::from(budget.max_time_secs) + 120);
    let status = wait_within(&mut child, limit, |_| {})?.with_context(|| {
        format!(
            "schemathesis overran its {} s budget by two minutes and was stopped",
            budget.max_time_secs
        )
    })?;
    let elapsed = started.elapsed().as_secs_f64();
    let report = fs::read_to_string(&report_path)
        .ok()
        .and_then(|text| Report::parse(&text).ok())
        .with_context(|| {
            format!(
                "schemathesis ({status}) wrote no report {}",
                report_path.display()
            )
        })?;
    let mut outcome = report.outcome();
    if !status.success() && outcome.failures == 0 && outcome.errors == 0 {
        outcome.errors += 1;
    }
    for line in report.failure_lines() {
        println!("fuzz: {line}");
    }
    if !gateway.token_still_works()? {
        println!("fuzz: the bootstrap token no longer works (GET /api/v1/app/me refused it)");
        outcome.errors += 1;
    }
    // After schemathesis' WARNINGS block and its count of skipped cases: what each means here.
    for line in report.explanations() {
        println!("fuzz: {line}");
    }
    if outcome.tested != outcome.operations {
        println!("fuzz: not every operation of the document was tested");
    }
    println!(
        "fuzz: {} of {} operations tested, {} test cases ({} skipped), {} failures, {} errors \
         in {elapsed:.0} s (seed {seed}): {}",
        outcome.tested,
        outcome.operations,
        outcome.test_cases,
        outcome.skipped,
        outcome.failures,
        outcome.errors,
        if outcome.passed() { "ok" } else { "FAILED" }
    );
    Ok(outcome)
}
