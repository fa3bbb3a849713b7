//! `cargo xtask scim` (and a step of `cargo xtask test`): the public SCIM test suite,
//! scim2-tester's `check_server`, against a real gateway on a fresh database, with a SCIM
//! token of its bootstrapped org. It fails on any ERROR or CRITICAL result. scim2-tester
//! is pinned (with its httpx2 extra) in `xtask/fuzz/requirements.txt`, in the fuzzing's
//! venv; the script is `xtask/scim/check.py`.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::fuzz::{self, FreshDatabase, FuzzedGateway};

/// The resource types checked.
pub const RESOURCES: &str = "User,Group";

/// Runs the suite against the PostgreSQL server at `admin_url`; `Ok(false)` when it found
/// an ERROR or CRITICAL result.
pub fn run(root: &Path, admin_url: &str) -> Result<bool> {
    let venv_exe = fuzz::install(root)?;
    let python = venv_exe
        .parent()
        .map(|bin| bin.join("python"))
        .context("the venv has no bin/")?;
    let binary = crate::gateway::build_debug(root)?;
    let work = root.join("target/scim");
    fs::create_dir_all(&work)?;
    let db = FreshDatabase::create(admin_url, "roster_scim")?;
    let result = (|| {
        let mut gateway = FuzzedGateway::start(&binary, &db.url, &work)?;
        let token = gateway.scim_token()?;
        let status = Command::new(&python)
            .arg(root.join("xtask/scim/check.py"))
            .env("ROSTER_SCIM_URL", format!("{}/scim/v2", gateway.base()))
            .env("ROSTER_SCIM_TOKEN", token)
            .env("ROSTER_SCIM_RESOURCES", RESOURCES)
            .status()
            .context("running scim2-tester")?;
        gateway.stop();
        if !status.success() {
            eprintln!("scim: the gateway's log is in {}", gateway.log().display());
        }
        Ok(status.success())
    })();
    db.drop_now();
    result
}
