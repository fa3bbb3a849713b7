//! Tools from Debian's packages (wrk for the bench, Chromium for the console's tests):
//! found on PATH, else installed with apt-get when we are root on Debian.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

/// `name` on PATH.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.exists())
}

/// `binary` on PATH, installing Debian's `packages` first when it is missing; `who` says
/// which command needs it.
pub fn ensure(binary: &str, packages: &[&str], who: &str) -> Result<PathBuf> {
    if let Some(path) = on_path(binary) {
        return Ok(path);
    }
    let install = format!(
        "apt-get update && apt-get install -y --no-install-recommends {}",
        packages.join(" ")
    );
    if !(Path::new("/usr/bin/apt-get").exists() && roster_devkit::pg_bin::is_root()) {
        bail!("{binary} is not installed: install it with `sudo {install}` (Debian/Ubuntu), then run again");
    }
    eprintln!(
        "{who}: {binary} is not installed; installing Debian's {}",
        packages.join(" and ")
    );
    let ok = Command::new("apt-get")
        .arg("update")
        .stdout(Stdio::null())
        .status()?
        .success()
        && Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(packages)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .status()?
            .success();
    if !ok {
        bail!("`{install}` failed");
    }
    on_path(binary).with_context(|| format!("{binary} was installed but is not on PATH"))
}
