//! A `roster-gateway serve` process for the fuzzing and the bench: on a free loopback
//! port, its output in a log file, waited for until `/readyz` answers 200, and stopped
//! with SIGTERM when dropped (killed if it lingers).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::http;
use crate::process::{log_tail, terminate};

/// Builds the debug `roster-gateway` quietly; its path.
pub fn build_debug(root: &Path) -> Result<PathBuf> {
    crate::cargo(
        root,
        &[
            "build",
            "--quiet",
            "--package",
            "roster-gateway",
            "--bin",
            "roster-gateway",
        ],
    )?;
    Ok(root.join("target/debug/roster-gateway"))
}

pub struct Gateway {
    child: Option<Child>,
    pub base: String,
    pub pid: u32,
    log: PathBuf,
}

impl Gateway {
    /// Starts `binary serve` with `env` (DATABASE_URL, ROSTER_SECRET, RUST_LOG, ...) and
    /// waits up to `ready_within` for it to answer.
    pub fn start(
        binary: &Path,
        env: &[(&str, String)],
        log: &Path,
        ready_within: Duration,
    ) -> Result<Self> {
        let addr = format!("127.0.0.1:{}", roster_devkit::free_port()?);
        let log_file =
            fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let child = Command::new(binary)
            .arg("serve")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("ROSTER_BIND", &addr)
            .env("ROSTER_PUBLIC_URL", format!("http://{addr}"))
            .env("LOG_FORMAT", "json")
            // Neither the fuzzing nor the bench reads /metrics: no management port to take.
            .env("ROSTER_METRICS_BIND", "off")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .context("starting roster-gateway serve")?;
        let mut gateway = Self {
            pid: child.id(),
            child: Some(child),
            base: format!("http://{addr}"),
            log: log.to_owned(),
        };
        let client = http::Client::new(&gateway.base);
        let deadline = Instant::now() + ready_within;
        loop {
            if let Some(status) = gateway
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                bail!(
                    "roster-gateway serve exited at start ({status}); the end of its log {}:\n{}",
                    log.display(),
                    log_tail(log, 20)
                );
            }
            if client.status("/readyz") == Some(200) {
                return Ok(gateway);
            }
            if Instant::now() > deadline {
                bail!(
                    "roster-gateway serve was not ready within {} s; see {}",
                    ready_within.as_secs(),
                    log.display()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn log(&self) -> &Path {
        &self.log
    }

    /// SIGTERM, a graceful stop of up to 15 s, then SIGKILL.
    pub fn stop(&mut self) -> Result<()> {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child, Duration::from_secs(15))?;
        }
        Ok(())
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}
