//! The private PostgreSQL cluster: binaries from PATH or /usr/lib/postgresql/*/bin, data
//! under target/ (or /tmp when the postgres user cannot reach target/; or wherever
//! `ROSTER_PG_DIR` says), a free port, trust authentication on 127.0.0.1 only. As root it
//! runs as the `postgres` user, because PostgreSQL refuses to run as root.

use std::fs::{self, File};
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use roster_devkit::pg_bin::{self, chown_postgres, find_bin_dir, is_root};

use crate::process::log_tail;

/// Where the cluster lives instead of target/roster-pg, e.g. for a test's own cluster.
pub const DIR_VARIABLE: &str = "ROSTER_PG_DIR";

/// Settings given at every start (so that clusters made by an older xtask get them too).
/// Shared buffers hold the working set of `cargo xtask bench` at a million rows (App and
/// external users with their indexes, about 1.5 GB): PostgreSQL's 128 MB default, or the
/// 256 MB this cluster had, made every search read most of its rows from the kernel's
/// cache instead. Memory is taken as pages are used, so small test databases cost little.
const START_OPTIONS: &str = "-c shared_buffers=2GB";

pub struct Cluster {
    bin: PathBuf,
    base: PathBuf,
    as_postgres: bool,
}

/// While alive, this process counts as a user of the cluster; the last lease to go stops
/// the cluster if a lease (not `cargo xtask pg start`) started it.
pub struct Lease {
    cluster: Cluster,
    marker: PathBuf,
    released: bool,
}

/// What became of the cluster when a lease was given back.
#[derive(Debug, PartialEq, Eq)]
pub enum Released {
    Stopped,
    /// Other processes hold leases on it.
    StillInUse,
    /// `cargo xtask pg start` started it: it runs until `cargo xtask pg stop`.
    StartedByHand,
}

impl Lease {
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// Gives the lease back now, stopping the cluster if it was the last.
    pub fn release(mut self) -> Result<Released> {
        self.give_back()
    }

    fn give_back(&mut self) -> Result<Released> {
        self.released = true;
        let _ = fs::remove_file(&self.marker);
        let _lock = self.cluster.lock()?;
        let started_by_lease = self.cluster.base.join("started-by-lease");
        if !started_by_lease.exists() {
            return Ok(Released::StartedByHand);
        }
        if self.cluster.live_users() > 0 {
            return Ok(Released::StillInUse);
        }
        self.cluster.stop()?;
        let _ = fs::remove_file(started_by_lease);
        Ok(Released::Stopped)
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if !self.released && matches!(self.give_back(), Ok(Released::Stopped)) {
            eprintln!("xtask: private PostgreSQL stopped");
        }
    }
}

fn install_postgres() -> Result<()> {
    let debian = Path::new("/usr/bin/apt-get").exists();
    if !(debian && is_root()) {
        bail!(
            "no PostgreSQL server binaries (pg_ctl, initdb) found in PATH or /usr/lib/postgresql/*/bin.\n\
             Install them, e.g. `sudo apt-get install -y postgresql` (Debian/Ubuntu), \
             `sudo dnf install -y postgresql-server` (Fedora) or `brew install postgresql@16` (macOS),\n\
             or set DATABASE_URL to a PostgreSQL 15+ server you can create databases on."
        );
    }
    eprintln!(
        "xtask: PostgreSQL is not installed; installing the `postgresql` package with apt-get"
    );
    let ok = Command::new("apt-get").arg("update").status()?.success()
        && Command::new("apt-get")
            .args([
                "install",
                "-y",
                "--no-install-recommends",
                "postgresql",
                "postgresql-contrib",
            ])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()?
            .success();
    if !ok {
        bail!("`apt-get install postgresql` failed");
    }
    Ok(())
}

impl Cluster {
    pub fn locate(root: &Path) -> Result<Self> {
        let bin = match find_bin_dir() {
            Some(bin) => bin,
            None => {
                install_postgres()?;
                find_bin_dir().context("PostgreSQL was installed but pg_ctl is still not found")?
            }
        };
        let as_postgres = is_root();
        let chosen = std::env::var_os(DIR_VARIABLE).map(PathBuf::from);
        let mut base = chosen
            .clone()
            .unwrap_or_else(|| root.join("target").join("roster-pg"));
        fs::create_dir_all(&base).with_context(|| format!("creating {}", base.display()))?;
        if as_postgres {
            chown_postgres(&base)?;
            if chosen.is_none() && !runs_as_postgres(&["test", "-w", &base.to_string_lossy()])? {
                // The postgres user cannot reach target/ (a home directory, say): use /tmp.
                let tag: u64 = root
                    .to_string_lossy()
                    .bytes()
                    .fold(0xcbf2_9ce4_8422_2325, |h, b| {
                        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
                    });
                base = std::env::temp_dir().join(format!("roster-pg-{tag:016x}"));
                fs::create_dir_all(&base)?;
                chown_postgres(&base)?;
            }
        }
        Ok(Self {
            bin,
            base,
            as_postgres,
        })
    }

    fn data(&self) -> PathBuf {
        self.base.join("data")
    }

    fn port(&self) -> Result<u16> {
        let raw = fs::read_to_string(self.base.join("port"))
            .context("the cluster has no port yet: run `cargo xtask pg start`")?;
        raw.trim()
            .parse()
            .with_context(|| format!("{} is corrupt", self.base.join("port").display()))
    }

    pub fn url(&self, database: &str) -> String {
        let port = self.port().unwrap_or(5432);
        format!("postgres://postgres@127.0.0.1:{port}/{database}")
    }

    /// Runs a PostgreSQL binary, as the postgres user when we are root.
    fn pg(&self, program: &str, args: &[&str]) -> Command {
        let mut cmd = pg_bin::command(&self.bin, program, self.as_postgres);
        cmd.args(args);
        cmd
    }

    fn lock(&self) -> Result<File> {
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.base.join("xtask.lock"))?;
        file.lock().context("locking the cluster directory")?;
        Ok(file)
    }

    fn is_running(&self) -> bool {
        self.data().join("PG_VERSION").exists()
            && self
                .pg("pg_ctl", &["status", "-D", &self.data().to_string_lossy()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map(|s| s.success())
                .unwrap_or(false)
    }

    fn init(&self) -> Result<()> {
        let port = roster_devkit::free_port()?;
        eprintln!(
            "xtask: initialising a private PostgreSQL cluster in {}",
            self.data().display()
        );
        let ok = self
            .pg(
                "initdb",
                &[
                    "-D",
                    &self.data().to_string_lossy(),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-locale",
                ],
            )
            .stdout(Stdio::null())
            .status()
            .context("running initdb")?
            .success();
        if !ok {
            bail!("initdb failed");
        }
        // Test-friendly settings: durability is not needed for throwaway data.
        let mut conf = File::options()
            .append(true)
            .open(self.data().join("postgresql.conf"))?;
        writeln!(
            conf,
            "\n# roster xtask\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\n\
             fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 300\n",
            self.base.display()
        )?;
        fs::write(self.base.join("port"), port.to_string())?;
        Ok(())
    }

    /// Starts the cluster unless it runs already.
    pub fn start(&self) -> Result<bool> {
        let _lock = self.lock()?;
        // Started by hand: it stays up until `cargo xtask pg stop`.
        let _ = fs::remove_file(self.base.join("started-by-lease"));
        self.start_locked()
    }

    fn start_locked(&self) -> Result<bool> {
        if self.is_running() {
            return Ok(false);
        }
        if !self.data().join("PG_VERSION").exists() {
            let _ = fs::remove_dir_all(self.data());
            self.init()?;
        }
        // A port taken by something else since init: pick a new one.
        let port = self.port()?;
        if TcpListener::bind(("127.0.0.1", port)).is_err() {
            let new_port = roster_devkit::free_port()?;
            let mut conf = File::options()
                .append(true)
                .open(self.data().join("postgresql.conf"))?;
            writeln!(conf, "port = {new_port}")?;
            fs::write(self.base.join("port"), new_port.to_string())?;
        }
        let log = self.base.join("postgres.log");
        let ok = self
            .pg(
                "pg_ctl",
                &[
                    "start",
                    "-w",
                    "-t",
                    "60",
                    "-D",
                    &self.data().to_string_lossy(),
                    "-l",
                    &log.to_string_lossy(),
                    "-o",
                    START_OPTIONS,
                ],
            )
            .stdout(Stdio::null())
            .status()
            .context("running pg_ctl start")?
            .success();
        if !ok {
            bail!(
                "PostgreSQL did not start; the end of {}:\n{}",
                log.display(),
                log_tail(&log, 20)
            );
        }
        eprintln!(
            "xtask: private PostgreSQL running at {}",
            self.url("postgres")
        );
        Ok(true)
    }

    /// Stops the cluster; says whether it was running.
    pub fn stop(&self) -> Result<bool> {
        if !self.is_running() {
            return Ok(false);
        }
        let ok = self
            .pg(
                "pg_ctl",
                &[
                    "stop",
                    "-w",
                    "-m",
                    "fast",
                    "-D",
                    &self.data().to_string_lossy(),
                ],
            )
            .stdout(Stdio::null())
            .status()?
            .success();
        if !ok {
            bail!("pg_ctl stop failed");
        }
        Ok(true)
    }

    pub fn status(&self) -> Result<()> {
        if self.is_running() {
            println!(
                "running: {} (data in {})",
                self.url("postgres"),
                self.data().display()
            );
        } else {
            println!("stopped (data in {})", self.data().display());
        }
        Ok(())
    }

    fn users_dir(&self) -> PathBuf {
        self.base.join("users")
    }

    /// Processes holding a lease that are still alive.
    fn live_users(&self) -> usize {
        fs::read_dir(self.users_dir())
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| {
                let alive = e
                    .file_name()
                    .to_str()
                    .and_then(|pid| pid.parse::<u32>().ok())
                    .is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
                if !alive {
                    let _ = fs::remove_file(e.path());
                }
                alive
            })
            .count()
    }

    /// Starts the cluster if needed and registers this process as its user.
    pub fn lease(self) -> Result<Lease> {
        let _lock = self.lock()?;
        if self.start_locked()? {
            fs::write(self.base.join("started-by-lease"), b"")?;
        }
        fs::create_dir_all(self.users_dir())?;
        let marker = self.users_dir().join(std::process::id().to_string());
        fs::write(&marker, b"")?;
        drop(_lock);
        Ok(Lease {
            cluster: self,
            marker,
            released: false,
        })
    }
}

fn runs_as_postgres(args: &[&str]) -> Result<bool> {
    Ok(Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .args(args)
        .status()?
        .success())
}
