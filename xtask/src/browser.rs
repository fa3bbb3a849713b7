//! Headless Chromium for the console's tests (`tests/console`): Debian's `chromium` and
//! `chromium-driver`, installed with apt-get when chromedriver is missing and we are root
//! on Debian, as PostgreSQL and wrk are.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{bail, Result};

const PACKAGES: [&str; 2] = ["chromium", "chromium-driver"];

fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|d| d.join(name).exists()))
}

/// Makes sure `chromedriver` (and the browser it drives) is on PATH.
pub fn ensure_installed() -> Result<()> {
    if on_path("chromedriver") {
        return Ok(());
    }
    let install = format!(
        "apt-get update && apt-get install -y --no-install-recommends {}",
        PACKAGES.join(" ")
    );
    if !(Path::new("/usr/bin/apt-get").exists() && roster_devkit::pg_bin::is_root()) {
        bail!("chromedriver is not installed: install it with `sudo {install}` (Debian/Ubuntu), then run again");
    }
    eprintln!("xtask: chromedriver is not installed; installing Debian's `chromium` and `chromium-driver`");
    let ok = Command::new("apt-get")
        .arg("update")
        .stdout(Stdio::null())
        .status()?
        .success()
        && Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(PACKAGES)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .status()?
            .success();
    if !ok || !on_path("chromedriver") {
        bail!("`{install}` failed");
    }
    Ok(())
}
