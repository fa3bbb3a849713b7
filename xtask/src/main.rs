//! `cargo xtask`: Roster's developer commands.
//!
//! - `pg start|stop|status`: a private PostgreSQL cluster under `target/`.
//! - `dev`: database (private unless `DATABASE_URL` is set), migrations, a demo org, serve.
//! - `test`: the whole test suite (private cluster unless `DATABASE_URL` is set), then
//!   (without a filter) `fuzz`.
//! - `fuzz`: schemathesis against the OpenAPI document of a running gateway.
//! - `ci`: fmt check, clippy `-D warnings`, then `test`.
//! - `openapi`: rewrite `docs/openapi.json` from the gateway.
//! - `bench`: load on a release gateway with N seeded users, beside pgbench (see bench/).

mod bench;
mod fuzz;
mod openapi;
mod pg;
mod pg_bin;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Roster's developer commands")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Manage the private PostgreSQL cluster under target/.
    Pg {
        #[command(subcommand)]
        action: PgAction,
    },
    /// Run Roster locally on 127.0.0.1:8080 with a demo org.
    Dev {
        /// Address to serve on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
    },
    /// Run the whole test suite, then the schema-driven fuzzing. Extra arguments go to the
    /// test binaries, e.g. `cargo xtask test app::users::` runs only the tests whose names
    /// contain that (and no fuzzing).
    Test {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Fuzz every operation of the OpenAPI document with schemathesis against a real
    /// gateway on a fresh database: no 5xx, nothing undocumented.
    Fuzz {
        /// Test cases per operation.
        #[arg(long, default_value_t = fuzz::Budget::default().max_examples)]
        max_examples: u32,
        /// Seconds for the main pass (the lockout pass gets a quarter of it).
        #[arg(long, default_value_t = fuzz::Budget::default().max_time_secs)]
        max_time: u32,
        /// Replay a run: the seed its summary printed.
        #[arg(long)]
        seed: Option<u64>,
        /// Further arguments for `schemathesis run`, after `--` (e.g. `--report ndjson`).
        #[arg(last = true)]
        schemathesis_args: Vec<String>,
    },
    /// Everything CI checks: formatting, clippy with -D warnings, the tests.
    Ci,
    /// Rewrite docs/openapi.json, the committed copy of the served OpenAPI document, and
    /// validate it.
    Openapi,
    /// Load a release gateway over loopback with N seeded users, beside pgbench running
    /// the same SQL; writes target/bench/report.{json,md} and latency.svg.
    Bench(bench::Options),
}

#[derive(Subcommand)]
enum PgAction {
    /// Start the cluster (initialising it the first time); prints its DATABASE_URL.
    Start,
    /// Stop the cluster.
    Stop,
    /// Say whether it runs, and where.
    Status,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let root = project_root()?;
    match cli.command {
        Cmd::Pg { action } => {
            let cluster = pg::Cluster::locate(&root)?;
            match action {
                PgAction::Start => {
                    cluster.start()?;
                    println!("{}", cluster.url("postgres"));
                }
                PgAction::Stop => cluster.stop()?,
                PgAction::Status => cluster.status()?,
            }
            Ok(())
        }
        Cmd::Dev { bind } => dev(&root, &bind),
        Cmd::Test { args } => test(&root, &args),
        Cmd::Bench(options) => bench::run(&root, &options),
        Cmd::Openapi => {
            openapi::write(&root)?;
            if !openapi::validate(&root)? {
                bail!("docs/openapi.json is not valid OpenAPI (see above)");
            }
            Ok(())
        }
        Cmd::Fuzz {
            max_examples,
            max_time,
            seed,
            schemathesis_args,
        } => {
            let (url, _lease) = database(&root)?;
            let budget = fuzz::Budget {
                max_examples,
                max_time_secs: max_time,
                seed,
                extra_args: schemathesis_args,
            };
            if !fuzz::run(&root, &url, &budget)?.passed() {
                bail!("fuzzing found failures");
            }
            Ok(())
        }
        Cmd::Ci => {
            cargo(&root, &["fmt", "--all", "--", "--check"])
                .context("formatting differs: run `cargo fmt --all`")?;
            cargo(
                &root,
                &[
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ],
            )?;
            test(&root, &[])
        }
    }
}

fn project_root() -> Result<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    Ok(manifest
        .parent()
        .context("xtask lives in the workspace")?
        .to_path_buf())
}

pub(crate) fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(args)
        .current_dir(root)
        .status()
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("`cargo {}` failed", args.join(" "));
    }
    Ok(())
}

/// A database URL from the environment, or the private cluster's (started if needed).
/// The guard keeps the cluster in use until dropped.
pub(crate) fn database(root: &Path) -> Result<(String, Option<pg::Lease>)> {
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            eprintln!("xtask: using DATABASE_URL from the environment");
            Ok((url, None))
        }
        _ => {
            let lease = pg::Cluster::locate(root)?.lease()?;
            Ok((lease.cluster().url("postgres"), Some(lease)))
        }
    }
}

fn test(root: &Path, extra: &[String]) -> Result<()> {
    use std::io::{BufRead, BufReader, Write};
    let (url, lease) = database(root)?;
    let cargo_bin = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut child = Command::new(cargo_bin)
        .args(["test", "--workspace", "--all-targets", "--"])
        .args(extra)
        .env("DATABASE_URL", &url)
        .current_dir(root)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("running cargo test")?;
    // Pass the output through, adding up every test binary's result line.
    let mut totals = Totals::default();
    if let Some(out) = child.stdout.take() {
        let mut stdout = std::io::stdout().lock();
        for line in BufReader::new(out).lines() {
            let line = line?;
            totals.add(&line);
            writeln!(stdout, "{line}")?;
        }
    }
    let status = child.wait()?;
    // Without a filter the document's validation and the schema-driven fuzzing run too, as
    // two more tests.
    let mut fuzz_error = None;
    if status.success() && extra.is_empty() {
        match openapi::validate(root) {
            Ok(true) => totals.passed += 1,
            Ok(false) => totals.failed += 1,
            Err(e) => {
                totals.failed += 1;
                fuzz_error = Some(e);
            }
        }
    }
    if status.success() && extra.is_empty() {
        match fuzz::run(root, &url, &fuzz::Budget::default()) {
            Ok(outcome) if outcome.passed() => totals.passed += 1,
            Ok(_) => totals.failed += 1,
            Err(e) => {
                totals.failed += 1;
                fuzz_error = Some(e);
            }
        }
    }
    drop(lease);
    // One closing line for the whole suite (cargo's last line is only the last binary's).
    println!(
        "tests: {} passed, {} failed, {} skipped",
        totals.passed, totals.failed, totals.ignored
    );
    if !status.success() {
        bail!("tests failed");
    }
    if let Some(e) = fuzz_error {
        return Err(e.context("the fuzzing could not run"));
    }
    if totals.failed > 0 {
        bail!("fuzzing found failures");
    }
    if totals.passed == 0 {
        bail!("no test ran");
    }
    Ok(())
}

/// Sums of libtest's `test result: ok. 3 passed; 0 failed; 1 ignored; ...` lines.
#[derive(Debug, Default, PartialEq, Eq)]
struct Totals {
    passed: u64,
    failed: u64,
    ignored: u64,
}

impl Totals {
    fn add(&mut self, line: &str) {
        let Some(rest) = line.strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(kind), Some(n)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u64>() else { continue };
            match kind {
                "passed" => self.passed += n,
                "failed" => self.failed += n,
                "ignored" => self.ignored += n,
                _ => {}
            }
        }
    }
}

fn dev(root: &Path, bind: &str) -> Result<()> {
    let (admin_url, lease) = database(root)?;
    let url = match &lease {
        // The private cluster gets its own dev database; a given DATABASE_URL is used as is.
        Some(lease) => {
            lease.cluster().ensure_database("roster_dev")?;
            lease.cluster().url("roster_dev")
        }
        None => admin_url,
    };
    cargo(root, &["build", "--quiet", "--package", "roster-gateway"])?;
    let gateway = root.join("target/debug/roster-gateway");
    let secret = dev_secret(root)?;
    let run = |args: &[&str]| -> Result<String> {
        let out = Command::new(&gateway)
            .args(args)
            .env("DATABASE_URL", &url)
            .env("ROSTER_SECRET", &secret)
            .env("RUST_LOG", "warn")
            .output()
            .with_context(|| format!("running roster-gateway {}", args.join(" ")))?;
        if !out.status.success() {
            bail!(
                "roster-gateway {} failed:\n{}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    run(&["migrate"])?;
    let boot = run(&[
        "bootstrap",
        "--org-slug",
        "default",
        "--org-name",
        "Default",
        "--email",
        "admin@example.com",
        "--name",
        "Demo Admin",
        "--password",
        "roster-dev-password",
    ])?;
    let token = boot
        .split("\"token\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .context("bootstrap printed no token")?
        .to_owned();
    let printed = |key: &str| {
        boot.split(&format!("\"{key}\":\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(str::to_owned)
    };
    let api_key = printed("api_key").context("bootstrap printed no api_key")?;
    let workspace_id = printed("workspace_id").context("bootstrap printed no workspace_id")?;
    println!("Roster dev server on http://{bind}");
    println!("  database:  {}", redact(&url));
    println!("  org:       default (admin@example.com / roster-dev-password)");
    println!("  bootstrap: {}", boot.trim());
    println!();
    println!("  export ROSTER_TOKEN={token}");
    println!("  curl -s http://{bind}/api/v1/app/me -H \"Authorization: Bearer $ROSTER_TOKEN\" -H 'x-org: default'");
    println!();
    println!("  export ROSTER_WORKSPACE_ID={workspace_id}");
    println!("  export ROSTER_API_KEY={api_key}");
    println!("  curl -s http://{bind}/api/v1/channels -H \"authorization: $ROSTER_API_KEY\"");
    println!("  API docs:  http://{bind}/docs/");
    println!();
    let status = Command::new(&gateway)
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("ROSTER_SECRET", &secret)
        .env("ROSTER_BIND", bind)
        .env("ROSTER_PUBLIC_URL", format!("http://{bind}"))
        .env(
            "RUST_LOG",
            std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()),
        )
        .status()
        .context("running roster-gateway serve")?;
    drop(lease);
    if !status.success() {
        bail!("roster-gateway serve exited with {status}");
    }
    Ok(())
}

/// A signing key kept under target/ so dev restarts keep issued tokens valid.
fn dev_secret(root: &Path) -> Result<String> {
    let path = root.join("target/roster-dev-secret");
    if let Ok(s) = std::fs::read_to_string(&path) {
        if s.trim().len() >= 32 {
            return Ok(s.trim().to_owned());
        }
    }
    let secret = random_hex(32)?;
    std::fs::create_dir_all(root.join("target"))?;
    std::fs::write(&path, &secret)?;
    Ok(secret)
}

/// `n` random bytes from /dev/urandom, as lowercase hex.
pub(crate) fn random_hex(n: usize) -> Result<String> {
    let mut bytes = vec![0u8; n];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))
        .context("reading /dev/urandom")?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(a)) if a > s => {
            let creds = &url[s + 3..a];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[a..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_add_up_result_lines() {
        let mut t = Totals::default();
        t.add("test result: ok. 14 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s");
        t.add("test result: FAILED. 40 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out; finished in 9s");
        t.add("test something ... ok");
        assert_eq!(
            t,
            Totals {
                passed: 54,
                failed: 2,
                ignored: 1
            }
        );
    }

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}
