//! `cargo xtask fuzz`: schemathesis against `/openapi.json` of a real `roster-gateway
//! serve` on a freshly migrated database, every operation, with bootstrap credentials,
//! every check schemathesis has (a few left out of single operations, each with its
//! reason, in `xtask/fuzz/schemathesis.toml`) and its stateful phase, which follows the
//! document's links from each create to its item operations. It fails on any failure.
//!
//! schemathesis comes from PyPI, pinned in `xtask/fuzz/requirements.txt`, installed into
//! `target/fuzz-venv` (reused while the pins are unchanged).

mod database;
mod report;
mod schemathesis;
mod setup;
mod venv;

use std::fs;
use std::path::Path;

use anyhow::Result;

pub use database::FreshDatabase;
pub use setup::FuzzedGateway;
pub use venv::install;

/// How much fuzzing one run does.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Test cases per operation in each fuzzing round (schemathesis' `--max-examples`).
    pub max_examples: u32,
    /// Seconds for the whole run (schemathesis' `--max-time`).
    pub max_time_secs: u32,
    /// Hypothesis seed; random when unset (the summary prints it, to replay a run).
    pub seed: Option<u64>,
    /// Further arguments for `schemathesis run`.
    pub extra_args: Vec<String>,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            max_examples: 20,
            max_time_secs: 150,
            seed: None,
            extra_args: Vec::new(),
        }
    }
}

/// What a whole fuzz run found.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    pub operations: u64,
    pub tested: u64,
    pub test_cases: u64,
    /// Test cases schemathesis sent without checking their answers (its own probes).
    pub skipped: u64,
    pub failures: u64,
    pub errors: u64,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures == 0 && self.errors == 0 && self.tested == self.operations
    }
}

/// Runs the whole thing against the PostgreSQL server at `admin_url` (a fresh database is
/// created on it and dropped afterwards).
pub fn run(root: &Path, admin_url: &str, budget: &Budget) -> Result<Outcome> {
    let schemathesis = venv::install(root)?;
    let binary = crate::gateway::build_debug(root)?;
    let work = root.join("target/fuzz");
    fs::create_dir_all(&work)?;

    let db = FreshDatabase::create(admin_url, "roster_fuzz")?;
    let result = (|| {
        let mut gateway = FuzzedGateway::start(&binary, &db.url, &work)?;
        let outcome = schemathesis::run(root, &schemathesis, &gateway, &work, budget);
        gateway.stop();
        match outcome {
            Ok(o) if !o.passed() => {
                eprintln!("fuzz: the gateway's log is in {}", gateway.log().display());
                Ok(o)
            }
            other => other,
        }
    })();
    db.drop_now();
    result
}
