//! schemathesis and openapi-spec-validator in a virtualenv of their own under target/,
//! with the versions pinned in `xtask/fuzz/requirements.txt`, and the python3 they need.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};
use roster_devkit::pg_bin::is_root;

/// schemathesis (and openapi-spec-validator beside it) in `target/fuzz-venv`, installed
/// from the pinned requirements if needed.
pub fn install(root: &Path) -> Result<PathBuf> {
    let venv = root.join("target/fuzz-venv");
    let exe = venv.join("bin/schemathesis");
    let requirements = root.join("xtask/fuzz/requirements.txt");
    let wanted = fs::read_to_string(&requirements)
        .with_context(|| format!("reading {}", requirements.display()))?;
    let stamp = venv.join("roster-requirements.txt");
    if exe.exists() && fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return Ok(exe);
    }
    let python = python3()?;
    if !venv.join("bin/python").exists() {
        eprintln!("xtask: creating {}", venv.display());
        let ok = Command::new(&python)
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .context("running python3 -m venv")?
            .success();
        if !ok {
            let _ = fs::remove_dir_all(&venv);
            bail!(
                "`python3 -m venv` failed: install Python's venv module, e.g. \
                 `sudo apt-get install -y python3-venv` (Debian/Ubuntu)"
            );
        }
    }
    eprintln!("xtask: installing schemathesis (pinned in xtask/fuzz/requirements.txt)");
    let ok = Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--requirement",
        ])
        .arg(&requirements)
        .status()
        .context("running pip")?
        .success();
    if !ok || !exe.exists() {
        bail!(
            "installing schemathesis into {} failed (see pip's output above)",
            venv.display()
        );
    }
    fs::write(&stamp, wanted)?;
    Ok(exe)
}

/// A python3 with the venv module: from PATH, or installed with apt-get when we are root
/// on Debian/Ubuntu; otherwise an error saying what to install.
fn python3() -> Result<String> {
    let usable = || {
        Command::new("python3")
            .args(["-c", "import venv, ensurepip"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if usable() {
        return Ok("python3".into());
    }
    if is_root() && Path::new("/usr/bin/apt-get").exists() {
        eprintln!("xtask: python3 (with venv) is missing; installing it with apt-get");
        let ok = Command::new("apt-get").arg("update").status()?.success()
            && Command::new("apt-get")
                .args(["install", "-y", "--no-install-recommends"])
                .args(["python3", "python3-venv", "python3-pip"])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status()?
                .success();
        if ok && usable() {
            return Ok("python3".into());
        }
    }
    bail!(
        "python3 with its venv module is needed to run schemathesis: install it, e.g. \
         `sudo apt-get install -y python3 python3-venv` (Debian/Ubuntu), \
         `sudo dnf install -y python3` (Fedora) or `brew install python3` (macOS)"
    )
}
