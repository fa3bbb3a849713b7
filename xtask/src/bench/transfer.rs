//! The bulk scenarios, driven through the release gateway's command line rather than wrk:
//! `import-1m` times `roster-gateway import users` on a generated NDJSON file of N users
//! (each with a password hash) into an org of its own, and `export-1m` times
//! `roster-gateway export users` of the bench org's N users to a pipe that counts its
//! lines. Each process's peak RSS is its `VmHWM`, read from /proc while it runs (a high
//! water mark, so the last reading before it exits is the peak). Targets: docs/import.md.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde::Serialize;

use super::gateway::peak_rss_mib;
use super::report::RSS_CEILING_MIB;

/// The scenarios of this module, as `--scenario` names them.
pub const NAMES: [&str; 2] = ["import-1m", "export-1m"];

/// Users a second the import must reach (events included).
pub const IMPORT_TARGET_PER_S: f64 = 50_000.0;
/// Users a second the export must reach.
pub const EXPORT_TARGET_PER_S: f64 = 200_000.0;

/// Django's PBKDF2-SHA256 of "bench password 1" (1,000 rounds): one hash shared by every
/// generated line, as the import checks its form and keeps it without verifying it.
const HASH: &str =
    "pbkdf2_sha256$1000$benchsalt0123456$RikcPXVTtMIcYBWBjkN5vM7uMxD/WfmUKD7g+5H06BA=";

/// How long one run may take before it is stopped (a million users at a tenth of the
/// target is 200 s).
const DEADLINE: Duration = Duration::from_secs(1_800);

/// A bulk scenario's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct TransferResult {
    pub name: &'static str,
    pub users: u64,
    pub seconds: f64,
    pub users_per_s: f64,
    pub peak_rss_mib: Option<f64>,
    pub target_per_s: f64,
    pub pass: bool,
}

impl TransferResult {
    fn new(name: &'static str, users: u64, seconds: f64, rss: Option<f64>, target: f64) -> Self {
        let users_per_s = if seconds > 0.0 {
            users as f64 / seconds
        } else {
            0.0
        };
        Self {
            name,
            users,
            seconds,
            users_per_s,
            peak_rss_mib: rss,
            target_per_s: target,
            pass: users_per_s >= target && rss.is_some_and(|r| r <= RSS_CEILING_MIB),
        }
    }

    /// One line of the terminal report.
    pub fn line(&self) -> String {
        format!(
            "{:<10} {:>9} users in {:>7.1} s: {:>9.0}/s (target {:.0}/s), peak RSS {} {}",
            self.name,
            self.users,
            self.seconds,
            self.users_per_s,
            self.target_per_s,
            self.peak_rss_mib
                .map_or("?".to_owned(), |r| format!("{r:.0} MiB")),
            if self.pass { "PASS" } else { "FAIL" }
        )
    }
}

/// Splits `--scenario` names into the wrk scenarios' and this module's. No names: all of
/// both. Names of this module only: no wrk scenario (`None`).
pub fn split(names: &[String]) -> (Option<Vec<String>>, Vec<&'static str>) {
    if names.is_empty() {
        return (Some(Vec::new()), NAMES.to_vec());
    }
    let mut wrk = Vec::new();
    let mut bulk = Vec::new();
    for name in names.iter().flat_map(|n| n.split(',')).map(str::trim) {
        match NAMES.iter().find(|n| **n == name) {
            Some(n) => bulk.push(*n),
            None => wrk.push(name.to_owned()),
        }
    }
    ((!wrk.is_empty()).then_some(wrk), bulk)
}

/// Line `i` (from 0) of the generated import file.
pub fn user_line(i: u64) -> String {
    format!(
        "{{\"email\":\"imported{i}@bench.test\",\"name\":\"Imported User {i}\",\
         \"given_name\":\"Imported\",\"family_name\":\"User{i}\",\"role\":\"AppMember\",\
         \"external_id\":\"ext-{i}\",\"password_hash\":\"{HASH}\"}}\n"
    )
}

/// Writes an NDJSON file of `users` users to `path`, streamed.
pub fn write_file(path: &Path, users: u64) -> Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    for i in 0..users {
        out.write_all(user_line(i).as_bytes())?;
    }
    out.flush()?;
    Ok(())
}

/// The `created` count of the import's last stdout line
/// (`{"read", "created", "updated", "skipped", "failed", "seconds"}`).
pub fn created_of(summary: &str) -> Result<u64> {
    let json: serde_json::Value = serde_json::from_str(summary.trim())
        .with_context(|| format!("the import printed `{summary}`"))?;
    if json["failed"].as_u64() != Some(0) {
        bail!("the import refused lines: {summary}");
    }
    json["created"]
        .as_u64()
        .with_context(|| format!("no `created` in `{summary}`"))
}

/// Starts `gateway <args>` on the database, its stdout piped.
fn spawn(
    gateway: &Path,
    database_url: &str,
    args: &[&std::ffi::OsStr],
) -> Result<(Child, std::process::ChildStdout)> {
    let mut child = Command::new(gateway)
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().context("no stdout")?;
    Ok((child, stdout))
}

/// Waits for `child`, reading its peak RSS meanwhile; fails past the deadline.
fn watch(child: &mut Child, started: Instant) -> Result<Option<f64>> {
    let mut peak = None;
    loop {
        if let Some(rss) = peak_rss_mib(child.id()) {
            peak = Some(rss);
        }
        if let Some(status) = child.try_wait()? {
            if !status.success() {
                bail!("the process ended with {status}");
            }
            return Ok(peak);
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            bail!("still running after {} s", DEADLINE.as_secs());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `import-1m`: `users` users into a new org of the bench database.
pub fn import(gateway: &Path, database_url: &str, users: u64, tag: &str) -> Result<TransferResult> {
    let slug = format!("bench-import-{tag}");
    crate::gateway_cli::bootstrap(
        gateway,
        database_url,
        &[
            "--org-slug",
            &slug,
            "--email",
            &format!("admin@{slug}.test"),
            "--name",
            "Bench",
        ],
    )?;
    let dir = std::env::temp_dir().join(format!("roster-bench-{tag}"));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("users.ndjson");
    eprintln!("bench: writing {users} users to {}", file.display());
    write_file(&file, users)?;
    let ran = (|| {
        let errors = dir.join("errors.ndjson");
        let args = [
            "import".as_ref(),
            "users".as_ref(),
            "--org".as_ref(),
            slug.as_ref(),
            file.as_os_str(),
            "--errors".as_ref(),
            errors.as_os_str(),
        ];
        let started = Instant::now();
        let (mut child, stdout) = spawn(gateway, database_url, &args)?;
        let reader =
            std::thread::spawn(move || BufReader::new(stdout).lines().map_while(Result::ok).last());
        let rss = watch(&mut child, started)?;
        let seconds = started.elapsed().as_secs_f64();
        let summary = reader.join().ok().flatten().unwrap_or_default();
        let created = created_of(&summary)?;
        Ok(TransferResult::new(
            NAMES[0],
            created,
            seconds,
            rss,
            IMPORT_TARGET_PER_S,
        ))
    })();
    let _ = std::fs::remove_dir_all(&dir);
    // The imported org goes, and its accounts, so that the bench database stays the size
    // it was seeded to.
    crate::psql::Psql::new(database_url)?.query(&format!(
        "DELETE FROM orgs WHERE slug = {slug};
         DELETE FROM accounts a WHERE a.email_key LIKE '%@bench.test' AND a.email_key LIKE 'imported%'
            AND NOT EXISTS (SELECT 1 FROM users u WHERE u.account_id = a.id)",
        slug = crate::psql::lit(&slug)
    ))?;
    ran
}

/// `export-1m`: the bench org's users as NDJSON to a pipe that counts the lines.
pub fn export(gateway: &Path, database_url: &str, org_slug: &str) -> Result<TransferResult> {
    let args = ["export", "users", "--org", org_slug].map(std::ffi::OsStr::new);
    let started = Instant::now();
    let (mut child, stdout) = spawn(gateway, database_url, &args)?;
    let counter = std::thread::spawn(move || count_lines(BufReader::new(stdout)));
    let rss = watch(&mut child, started)?;
    let seconds = started.elapsed().as_secs_f64();
    let users = counter.join().ok().context("the counter failed")??;
    Ok(TransferResult::new(
        NAMES[1],
        users,
        seconds,
        rss,
        EXPORT_TARGET_PER_S,
    ))
}

/// The lines of `input`, without holding them.
pub fn count_lines(mut input: impl BufRead) -> Result<u64> {
    let mut n = 0;
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(n);
        }
        n += buf.iter().filter(|b| **b == b'\n').count() as u64;
        let len = buf.len();
        input.consume(len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_between_wrk_and_the_bulk_scenarios() {
        assert_eq!(split(&[]), (Some(vec![]), NAMES.to_vec()));
        assert_eq!(split(&["import-1m".into()]), (None, vec!["import-1m"]));
        assert_eq!(
            split(&["get-user,export-1m".into(), "list-users".into()]),
            (
                Some(vec!["get-user".to_owned(), "list-users".to_owned()]),
                vec!["export-1m"]
            )
        );
    }

    #[test]
    fn generated_lines_are_distinct_users_with_a_hash() {
        let a: serde_json::Value = serde_json::from_str(&user_line(0)).unwrap();
        let b: serde_json::Value = serde_json::from_str(&user_line(999_999)).unwrap();
        assert_eq!(a["email"], "imported0@bench.test");
        assert_eq!(b["email"], "imported999999@bench.test");
        assert_eq!(a["password_hash"], HASH);
        assert!(user_line(7).ends_with("}\n"));
        let dir = std::env::temp_dir().join(format!("xtask-transfer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("u.ndjson");
        write_file(&file, 3).unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(count_lines(text.as_bytes()).unwrap(), 3);
    }

    #[test]
    fn the_summary_gives_the_users_created_and_refused_lines_fail() {
        let line = r#"{"read":5,"created":5,"updated":0,"skipped":0,"failed":0,"seconds":0.1}"#;
        assert_eq!(created_of(line).unwrap(), 5);
        assert!(created_of(r#"{"read":5,"created":4,"failed":1}"#).is_err());
        assert!(created_of("not json").is_err());
    }

    #[test]
    fn a_result_passes_on_its_rate_and_the_rss_ceiling() {
        let fast = TransferResult::new("import-1m", 1_000_000, 10.0, Some(60.0), 50_000.0);
        assert!(fast.pass, "{}", fast.line());
        assert_eq!(fast.users_per_s, 100_000.0);
        assert!(!TransferResult::new("import-1m", 1_000_000, 40.0, Some(60.0), 50_000.0).pass);
        assert!(!TransferResult::new("import-1m", 1_000_000, 10.0, Some(160.0), 50_000.0).pass);
        assert!(!TransferResult::new("import-1m", 1_000_000, 10.0, None, 50_000.0).pass);
        assert!(fast.line().contains("PASS"));
    }
}
