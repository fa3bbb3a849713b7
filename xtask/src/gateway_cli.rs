//! `roster-gateway migrate` and `bootstrap`, run as an operator would, and the
//! credentials bootstrap prints.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};
use serde_json::Value;

/// Runs `binary <args>` against `database_url`; returns what it printed.
pub fn run(binary: &Path, database_url: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(binary)
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running roster-gateway {}", args.join(" ")))?;
    if !out.status.success() {
        bail!(
            "roster-gateway {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The JSON line `bootstrap` printed: org, admin and fresh credentials.
pub struct Bootstrapped {
    pub line: String,
    json: Value,
}

impl Bootstrapped {
    /// A string field (`org_id`, `org_slug`, `user_id`, `token`, `workspace_id`, `api_key`).
    pub fn field(&self, key: &str) -> Result<String> {
        self.json[key]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("bootstrap printed no {key}: {}", self.line))
    }
}

/// `binary bootstrap <args>` (`--org-slug`, `--email`, ...) against `database_url`.
pub fn bootstrap(binary: &Path, database_url: &str, args: &[&str]) -> Result<Bootstrapped> {
    let printed = run(binary, database_url, &[&["bootstrap"], args].concat())?;
    let line = printed.trim().to_owned();
    let json =
        serde_json::from_str(&line).with_context(|| format!("bootstrap printed `{line}`"))?;
    Ok(Bootstrapped { line, json })
}
