//! The gateway must not outlive xtask, even one killed hard (SIGKILL), which cannot clean
//! up. Without unsafe code (no `prctl(PR_SET_PDEATHSIG)` in a pre_exec hook), a watchdog
//! does it: a `sh` waiting to read a pipe only xtask writes to, which the kernel closes
//! when xtask dies, however it dies; at its end of file the watchdog sends SIGTERM.

use std::process::{Child, ChildStdin, Command, Stdio};

use anyhow::{Context, Result};

pub struct Watchdog {
    process: Child,
    /// Held open while xtask lives; never written to.
    _pipe: Option<ChildStdin>,
}

impl Watchdog {
    /// Watches over process `pid`, until dropped.
    pub fn guard(pid: u32) -> Result<Self> {
        let mut process = Command::new("sh")
            .args(["-c", "read _ignored; kill -TERM \"$0\""])
            .arg(pid.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting the gateway's watchdog")?;
        let pipe = process.stdin.take();
        Ok(Self {
            process,
            _pipe: pipe,
        })
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        // Stopped before the pipe closes, so that it sends nothing.
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
