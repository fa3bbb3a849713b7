//! `cargo xtask openapi`: `docs/openapi.json`, the committed copy of the document the
//! gateway serves (an e2e test fails when they differ), and its validation by
//! openapi-spec-validator from the pinned fuzz venv.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// Where the committed document lives.
pub fn path(root: &Path) -> PathBuf {
    root.join("docs/openapi.json")
}

/// Rewrites `docs/openapi.json` from the gateway's `openapi` command.
pub fn write(root: &Path) -> Result<()> {
    crate::cargo(root, &["build", "--quiet", "--package", "roster-gateway"])?;
    let out = Command::new(root.join("target/debug/roster-gateway"))
        .arg("openapi")
        .output()
        .context("running roster-gateway openapi")?;
    if !out.status.success() {
        bail!(
            "roster-gateway openapi failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let target = path(root);
    std::fs::write(&target, &out.stdout)
        .with_context(|| format!("writing {}", target.display()))?;
    eprintln!("xtask: wrote {}", target.display());
    Ok(())
}

/// Validates `docs/openapi.json` as OpenAPI 3.1 with openapi-spec-validator.
pub fn validate(root: &Path) -> Result<bool> {
    let schemathesis = crate::fuzz::install(root)?;
    let validator = schemathesis.with_file_name("openapi-spec-validator");
    let status = Command::new(&validator)
        .arg(path(root))
        .status()
        .with_context(|| format!("running {}", validator.display()))?;
    Ok(status.success())
}
