//! `cargo xtask`: Roster's developer commands.
//!
//! - `pg start|stop|status`: a private PostgreSQL cluster under `target/`.
//! - `dev`: database (private unless `DATABASE_URL` is set), migrations, a demo org, serve.
//! - `test`: the whole test suite (private cluster unless `DATABASE_URL` is set), then
//!   (without a filter) `fuzz`.
//! - `fuzz`: schemathesis against the OpenAPI document of a running gateway.
//! - `scim`: the public SCIM test suite (scim2-tester) against a running gateway.
//! - `ci`: fmt check, clippy `-D warnings`, the docs (`-D warnings`, doctests), then `test`.
//! - `openapi`: rewrite `docs/openapi.json` from the gateway.
//! - `bench`: load on a release gateway with N seeded users, beside pgbench (see bench/).

mod bench;
mod dev;
mod examples;
mod fuzz;
mod gateway;
mod gateway_cli;
mod http;
mod js;
mod openapi;
mod pg;
mod process;
mod psql;
mod readme;
mod scim;
mod test;

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
    /// Run Roster locally with a demo org, until Ctrl-C.
    Dev(dev::Options),
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
    /// Run the public SCIM test suite (scim2-tester's check_server) against a real gateway
    /// on a fresh database: no ERROR or CRITICAL result.
    Scim,
    /// Run only the real better-auth client's scripts (tests/js) against a gateway on a
    /// fresh database; `cargo xtask test` runs them too.
    Js,
    /// Run the README's curl examples as printed against a gateway set up as `dev` sets
    /// one up, on a fresh database; `cargo xtask test` runs them too.
    Readme,
    /// Everything CI checks: formatting, clippy and rustdoc with -D warnings, the tests.
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
                PgAction::Stop => {
                    if cluster.stop()? {
                        eprintln!("xtask: private PostgreSQL stopped");
                    }
                }
                PgAction::Status => cluster.status()?,
            }
            Ok(())
        }
        Cmd::Dev(options) => dev::run(&root, &options),
        Cmd::Test { args } => test::run(&root, &args),
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
        Cmd::Scim => {
            let (url, _lease) = database(&root)?;
            if !scim::run(&root, &url)? {
                bail!("scim2-tester found errors");
            }
            Ok(())
        }
        Cmd::Js => {
            let (url, _lease) = database(&root)?;
            if !js::run(&root, &url)? {
                bail!("the better-auth client's tests failed");
            }
            Ok(())
        }
        Cmd::Readme => {
            let (url, _lease) = database(&root)?;
            if !readme::run(&root, &url)? {
                bail!("a README example failed");
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
            docs(&root)?;
            test::run(&root, &[])
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

/// `cargo` itself: the one that runs us, else the one on PATH.
pub(crate) fn cargo_command() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

pub(crate) fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    let status = cargo_command()
        .args(args)
        .current_dir(root)
        .status()
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("`cargo {}` failed", args.join(" "));
    }
    Ok(())
}

/// The crates' documentation builds without a warning, and its examples compile.
fn docs(root: &Path) -> Result<()> {
    let status = cargo_command()
        .args(["doc", "--workspace", "--no-deps"])
        .env("RUSTDOCFLAGS", "-D warnings")
        .current_dir(root)
        .status()
        .context("running cargo doc")?;
    if !status.success() {
        bail!("`cargo doc --workspace --no-deps` warns (RUSTDOCFLAGS=\"-D warnings\")");
    }
    cargo(root, &["test", "--workspace", "--doc"])
}

/// A database URL from the environment, or the private cluster's (started if needed).
/// The guard keeps the cluster in use until dropped.
pub(crate) fn database(root: &Path) -> Result<(String, Option<pg::Lease>)> {
    match given_database_url() {
        Some(url) => {
            eprintln!("xtask: using DATABASE_URL from the environment");
            Ok((url, None))
        }
        None => {
            let lease = pg::Cluster::locate(root)?.lease()?;
            Ok((lease.cluster().url("postgres"), Some(lease)))
        }
    }
}

/// `DATABASE_URL`, unless it is unset or empty.
pub(crate) fn given_database_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
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
    fn urls_are_redacted() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}
