//! The release gateway under test, started as every gateway xtask serves is
//! (`crate::gateway`), and watched through /proc for its peak RSS.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;

use crate::gateway::Gateway;

pub fn start(binary: &Path, database_url: &str, log: &Path, log_level: &str) -> Result<Gateway> {
    let env = [
        ("DATABASE_URL", database_url.to_owned()),
        ("ROSTER_SECRET", roster_devkit::random_hex(32)?),
        // The load authenticates external users far faster than a client would:
        // the limit is not what is measured.
        (
            "ROSTER_RATE_LIMIT_AUTHENTICATE_PER_KEY",
            "1000000000".into(),
        ),
        (
            "ROSTER_RATE_LIMIT_AUTHENTICATE_PER_CLIENT",
            "1000000000".into(),
        ),
        ("ROSTER_MAX_CONNECTIONS_PER_CLIENT", "1000000".into()),
        // `create-user-with-webhook` delivers to a receiver on loopback.
        ("ROSTER_WEBHOOK_ALLOW_PRIVATE", "true".into()),
        ("RUST_LOG", log_level.to_owned()),
    ];
    Gateway::start(binary, &env, log, Duration::from_secs(20))
}

/// Resets the peak resident set size (`VmHWM`) so the next reading covers only what follows.
pub fn reset_peak_rss(pid: u32) {
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}

/// Peak resident set size in MiB since start or the last reset.
pub fn peak_rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    vm_hwm_mib(&status)
}

/// `VmHWM` of a `/proc/<pid>/status` text, in MiB.
fn vm_hwm_mib(status: &str) -> Option<f64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
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
