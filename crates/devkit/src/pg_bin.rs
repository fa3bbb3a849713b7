//! Where PostgreSQL's binaries are, and how to run them: as the `postgres` user when we
//! are root, because PostgreSQL refuses to run as root. Shared by xtask's private cluster
//! and the end-to-end tests' throwaway clusters (`tests/src/cluster.rs`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Result};

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The directory holding `pg_ctl` and `initdb`: the newest versioned Debian/Ubuntu install
/// first, then whatever PATH has.
pub fn find_bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("pg_ctl").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .find(|dir| dir.join("pg_ctl").exists() && dir.join("initdb").exists())
}

/// A PostgreSQL client program (psql, pgbench): from the server's bin directory, else PATH.
pub fn client_program(name: &str) -> Option<PathBuf> {
    if let Some(path) = find_bin_dir()
        .map(|dir| dir.join(name))
        .filter(|p| p.exists())
    {
        return Some(path);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.exists())
}

/// A PostgreSQL binary from `bin`, run as the postgres user when `as_postgres`.
pub fn command(bin: &Path, program: &str, as_postgres: bool) -> Command {
    let exe = bin.join(program);
    if as_postgres {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(exe);
        cmd
    } else {
        Command::new(exe)
    }
}

pub fn chown_postgres(dir: &Path) -> Result<()> {
    let ok = Command::new("chown")
        .args(["-R", "postgres:postgres"])
        .arg(dir)
        .status()?
        .success();
    if !ok {
        bail!("cannot hand {} to the postgres user", dir.display());
    }
    Ok(())
}
