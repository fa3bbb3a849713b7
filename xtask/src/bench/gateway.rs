//! The release gateway under test: started on a free loopback port, watched through
//! /proc (peak RSS), stopped with SIGTERM when dropped (killed if it lingers).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

pub struct Gateway {
    child: Option<Child>,
    pub base: String,
    pub pid: u32,
}

impl Gateway {
    pub fn start(binary: &Path, database_url: &str, log: &Path, log_level: &str) -> Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let log_file =
            std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let secret: String = crate::random_hex(32)?;
        let child = Command::new(binary)
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("ROSTER_BIND", format!("127.0.0.1:{port}"))
            .env("ROSTER_SECRET", secret)
            .env("ROSTER_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
            // The load authenticates external users far faster than a client would:
            // the limit is not what is measured.
            .env("ROSTER_RATE_LIMIT_AUTHENTICATE_PER_KEY", "1000000000")
            .env("ROSTER_RATE_LIMIT_AUTHENTICATE_PER_CLIENT", "1000000000")
            .env("ROSTER_MAX_CONNECTIONS_PER_CLIENT", "1000000")
            // Nothing here reads /metrics: no management port to collide on.
            .env("ROSTER_METRICS_BIND", "off")
            .env("RUST_LOG", log_level)
            .env("LOG_FORMAT", "json")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .context("starting roster-gateway serve")?;
        let pid = child.id();
        let mut gateway = Self {
            child: Some(child),
            base: format!("http://127.0.0.1:{port}"),
            pid,
        };
        let started = Instant::now();
        loop {
            if let Some(status) = gateway
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                bail!(
                    "roster-gateway exited at start ({status}); see {}",
                    log.display()
                );
            }
            if http_status(port, "/readyz") == Some(200) {
                return Ok(gateway);
            }
            if started.elapsed() > Duration::from_secs(20) {
                bail!(
                    "roster-gateway was not ready within 20 s; see {}",
                    log.display()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Resets the peak resident set size (`VmHWM`) so the next reading covers only what follows.
    pub fn reset_peak_rss(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.pid), "5");
    }

    /// Peak resident set size in MiB since start or the last reset.
    pub fn peak_rss_mib(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).ok()?;
        vm_hwm_mib(&status)
    }

    /// SIGTERM, a graceful stop of up to 15 s, then SIGKILL.
    pub fn stop(&mut self) -> Result<()> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(15) {
            if child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        child.kill()?;
        child.wait()?;
        Ok(())
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// `VmHWM` of a /proc/<pid>/status text, in MiB.
pub fn vm_hwm_mib(status: &str) -> Option<f64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The status code of a plain GET on loopback, if anything answered.
fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_rss_comes_from_vm_hwm() {
        let status = "Name:\troster-gateway\nVmPeak:\t  900000 kB\nVmHWM:\t   51200 kB\nVmRSS:\t   40000 kB\n";
        assert_eq!(vm_hwm_mib(status), Some(50.0));
        assert_eq!(vm_hwm_mib("Name: x\n"), None);
    }
}
