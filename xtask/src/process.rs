//! The processes xtask started: stopped with SIGTERM first, so that they stop gracefully,
//! and the end of their logs when they fail.

use std::path::Path;
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

use anyhow::Result;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

/// Sends SIGTERM to process `pid` (ours to stop); a process already gone is no error.
pub fn sigterm(pid: u32) {
    if let Ok(pid) = i32::try_from(pid) {
        let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
    }
}

/// SIGTERM, up to `grace` to exit, then SIGKILL; returns how it ended.
pub fn terminate(child: &mut Child, grace: Duration) -> Result<ExitStatus> {
    if let Some(status) = child.try_wait()? {
        return Ok(status);
    }
    sigterm(child.id());
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill()?;
    Ok(child.wait()?)
}

/// Waits for `child` at most `limit`, calling `tick` with the time spent between polls;
/// a child still running then is killed, and `None` says so.
pub fn wait_within(
    child: &mut Child,
    limit: Duration,
    mut tick: impl FnMut(Duration),
) -> Result<Option<ExitStatus>> {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(200));
        tick(started.elapsed());
    }
}

/// The last `n` lines of a log file.
pub fn log_tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
