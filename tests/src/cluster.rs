//! A throwaway PostgreSQL cluster owned by one test, for tests that stop and start the
//! server: the shared server of `DATABASE_URL` must stay up for every other test. It lives
//! in a fresh temporary directory, listens on a free loopback port, and is stopped and
//! deleted on drop. The binaries are found (and run as the `postgres` user when we are
//! root) as `cargo xtask` does.

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use roster_devkit::pg_bin;

/// What the blocking commands need; shared with `spawn_blocking` closures.
struct Spec {
    bin: PathBuf,
    base: PathBuf,
    as_postgres: bool,
    port: u16,
}

pub struct Cluster {
    spec: Arc<Spec>,
}

impl Cluster {
    /// Initialises a cluster in a new temporary directory and starts it.
    pub async fn start_new() -> Result<Self> {
        let spec = tokio::task::spawn_blocking(Spec::init).await??;
        let cluster = Self {
            spec: Arc::new(spec),
        };
        cluster.start().await?;
        Ok(cluster)
    }

    /// The URL of database `name` on this cluster.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.spec.port)
    }

    /// `pg_ctl start`, waiting (up to 60 s) until the server accepts connections.
    pub async fn start(&self) -> Result<()> {
        let spec = self.spec.clone();
        tokio::task::spawn_blocking(move || spec.start()).await?
    }

    /// `pg_ctl stop -m fast`: open connections are terminated; waits (up to 60 s) until
    /// the server has exited.
    pub async fn stop(&self) -> Result<()> {
        let spec = self.spec.clone();
        tokio::task::spawn_blocking(move || spec.stop("fast")).await?
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.spec.stop("immediate");
        let _ = fs::remove_dir_all(&self.spec.base);
    }
}

impl Spec {
    fn init() -> Result<Self> {
        let bin = pg_bin::find_bin_dir().context(
            "no PostgreSQL server binaries (pg_ctl, initdb) in PATH or /usr/lib/postgresql/*/bin: \
             run the tests with `cargo xtask test`, which installs them, or install PostgreSQL",
        )?;
        let as_postgres = pg_bin::is_root();
        let base =
            std::env::temp_dir().join(format!("roster-test-pg-{}", roster_devkit::random_hex(8)?));
        fs::create_dir_all(&base).with_context(|| format!("creating {}", base.display()))?;
        if as_postgres {
            pg_bin::chown_postgres(&base)?;
        }
        let port = roster_devkit::free_port()?;
        let spec = Self {
            bin,
            base,
            as_postgres,
            port,
        };
        let out = spec
            .pg("initdb")
            .args(["-D", &spec.data(), "-U", "postgres", "--auth=trust"])
            .args(["-E", "UTF8", "--no-locale", "--no-sync"])
            .output()
            .context("running initdb")?;
        if !out.status.success() {
            bail!("initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        // Throwaway data: durability is not needed, and the socket stays in our directory.
        let mut conf = fs::File::options()
            .append(true)
            .open(spec.base.join("data/postgresql.conf"))?;
        writeln!(
            conf,
            "\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\n\
             fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 60\n\
             shared_buffers = 32MB\n",
            spec.base.display()
        )?;
        Ok(spec)
    }

    fn data(&self) -> String {
        self.base.join("data").to_string_lossy().into_owned()
    }

    fn pg(&self, program: &str) -> Command {
        pg_bin::command(&self.bin, program, self.as_postgres)
    }

    fn start(&self) -> Result<()> {
        let log = self.base.join("postgres.log");
        let ok = self
            .pg("pg_ctl")
            .args(["start", "-w", "-t", "60", "-D", &self.data(), "-l"])
            .arg(&log)
            .stdout(Stdio::null())
            .status()
            .context("running pg_ctl start")?
            .success();
        if !ok {
            let text = fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(20).collect();
            bail!(
                "PostgreSQL did not start; the end of its log:\n{}",
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        Ok(())
    }

    fn stop(&self, mode: &str) -> Result<()> {
        let ok = self
            .pg("pg_ctl")
            .args(["stop", "-w", "-t", "60", "-m", mode, "-D", &self.data()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .context("running pg_ctl stop")?
            .success();
        if !ok {
            bail!("pg_ctl stop -m {mode} failed");
        }
        Ok(())
    }
}
