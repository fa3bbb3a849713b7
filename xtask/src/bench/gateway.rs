//! The release gateway under test, started as every gateway xtask serves is
//! (`crate::gateway`), and watched through /proc for its peak RSS.

use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Result};
use serde_json::json;

use crate::gateway::Gateway;
use crate::http::Client;

use super::scenarios::Fixture;

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

/// A SCIM token of the fixture's org, created through the API with its admin token (one
/// per run: a token's secret is shown only when it is created).
pub fn mint_scim_token(base: &str, fixture: &Fixture) -> Result<String> {
    let bearer = format!("Bearer {}", fixture.token);
    let headers = [
        ("authorization", bearer.as_str()),
        ("x-org", fixture.org_slug.as_str()),
    ];
    let created = Client::new(base).post_json(
        "/api/v1/app/scim-tokens",
        &headers,
        &json!({"name": "bench"}),
    )?;
    match (created.status, created.body["token"].as_str()) {
        (201, Some(token)) => Ok(token.to_owned()),
        (status, _) => bail!(
            "POST /api/v1/app/scim-tokens answered {status}: {}",
            created.body
        ),
    }
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
