//! `cargo xtask fuzz`: schemathesis against `/openapi.json` of a real `roster-gateway
//! serve` on a freshly migrated database, every operation, with bootstrap credentials.
//! It fails on any 5xx, undocumented status, undocumented content type or response that
//! breaks its schema.
//!
//! schemathesis comes from PyPI, pinned in `xtask/fuzz/requirements.txt`, installed into
//! `target/fuzz-venv` (reused while the pins are unchanged).

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::Value;

/// How much fuzzing one run does.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Test cases per operation in each fuzzing round (schemathesis' `--max-examples`).
    pub max_examples: u32,
    /// Seconds for the whole run (schemathesis' `--max-time`).
    pub max_time_secs: u32,
    /// Hypothesis seed; random when unset (the summary prints it, to replay a run).
    pub seed: Option<u64>,
    /// Further arguments for `schemathesis run`.
    pub extra_args: Vec<String>,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            max_examples: 20,
            max_time_secs: 150,
            seed: None,
            extra_args: Vec::new(),
        }
    }
}

/// What a whole fuzz run found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub operations: u64,
    pub tested: u64,
    pub test_cases: u64,
    pub failures: u64,
    pub errors: u64,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures == 0 && self.errors == 0 && self.tested == self.operations
    }
}

/// Runs the whole thing against the PostgreSQL server at `admin_url` (a fresh database is
/// created on it and dropped afterwards).
pub fn run(root: &Path, admin_url: &str, budget: &Budget) -> Result<Outcome> {
    let schemathesis = install(root)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "--package",
            "roster-gateway",
            "--bin",
            "roster-gateway",
        ])
        .current_dir(root)
        .status()
        .context("building roster-gateway")?;
    if !built.success() {
        bail!("`cargo build --package roster-gateway` failed");
    }
    let gateway = root.join("target/debug/roster-gateway");
    let work = root.join("target/fuzz");
    fs::create_dir_all(&work)?;

    let db = FreshDatabase::create(admin_url)?;
    let result = (|| {
        let server = Gateway::start(&gateway, &db.url, &work)?;
        let outcome = fuzz(root, &schemathesis, &server, &work, budget);
        let log = server.stop();
        match outcome {
            Ok(o) if !o.passed() => {
                eprintln!("fuzz: the gateway's log is in {}", log.display());
                Ok(o)
            }
            other => other,
        }
    })();
    db.drop_now();
    result
}

/// schemathesis (and openapi-spec-validator beside it) in `target/fuzz-venv`, installed
/// from the pinned requirements if needed.
pub(crate) fn install(root: &Path) -> Result<PathBuf> {
    let venv = root.join("target/fuzz-venv");
    let exe = venv.join("bin/schemathesis");
    let requirements = root.join("xtask/fuzz/requirements.txt");
    let wanted = fs::read_to_string(&requirements)
        .with_context(|| format!("reading {}", requirements.display()))?;
    let stamp = venv.join("roster-requirements.txt");
    if exe.exists() && fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return Ok(exe);
    }
    let python = python3()?;
    if !venv.join("bin/python").exists() {
        eprintln!("xtask: creating {}", venv.display());
        let ok = Command::new(&python)
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .context("running python3 -m venv")?
            .success();
        if !ok {
            let _ = fs::remove_dir_all(&venv);
            bail!(
                "`python3 -m venv` failed: install Python's venv module, e.g. \
                 `sudo apt-get install -y python3-venv` (Debian/Ubuntu)"
            );
        }
    }
    eprintln!("xtask: installing schemathesis (pinned in xtask/fuzz/requirements.txt)");
    let ok = Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--requirement",
        ])
        .arg(&requirements)
        .status()
        .context("running pip")?
        .success();
    if !ok || !exe.exists() {
        bail!(
            "installing schemathesis into {} failed (see pip's output above)",
            venv.display()
        );
    }
    fs::write(&stamp, wanted)?;
    Ok(exe)
}

/// A python3 with the venv module: from PATH, or installed with apt-get when we are root
/// on Debian/Ubuntu; otherwise an error saying what to install.
fn python3() -> Result<String> {
    let usable = || {
        Command::new("python3")
            .args(["-c", "import venv, ensurepip"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if usable() {
        return Ok("python3".into());
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if root && Path::new("/usr/bin/apt-get").exists() {
        eprintln!("xtask: python3 (with venv) is missing; installing it with apt-get");
        let ok = Command::new("apt-get").arg("update").status()?.success()
            && Command::new("apt-get")
                .args(["install", "-y", "--no-install-recommends"])
                .args(["python3", "python3-venv", "python3-pip"])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .status()?
                .success();
        if ok && usable() {
            return Ok("python3".into());
        }
    }
    bail!(
        "python3 with its venv module is needed to run schemathesis: install it, e.g. \
         `sudo apt-get install -y python3 python3-venv` (Debian/Ubuntu), \
         `sudo dnf install -y python3` (Fedora) or `brew install python3` (macOS)"
    )
}

/// A database of its own for the run, created from the admin URL and dropped at the end.
struct FreshDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl FreshDatabase {
    fn create(admin_url: &str) -> Result<Self> {
        let name = format!("roster_fuzz_{}", std::process::id());
        psql(
            admin_url,
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        )?;
        psql(admin_url, &format!("CREATE DATABASE {name}"))?;
        Ok(Self {
            admin_url: admin_url.to_owned(),
            url: with_database(admin_url, &name),
            name,
        })
    }

    fn drop_now(self) {
        if let Err(e) = psql(
            &self.admin_url,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        ) {
            eprintln!("xtask: could not drop {}: {e:#}", self.name);
        }
    }
}

/// Runs one SQL statement with psql (from a Debian/Ubuntu PostgreSQL install, where the
/// private cluster's binaries come from, else from PATH).
fn psql(url: &str, sql: &str) -> Result<()> {
    let mut installed: Vec<PathBuf> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin/psql"))
        .filter(|p| p.exists())
        .collect();
    installed.sort();
    let exe = installed.pop().unwrap_or_else(|| PathBuf::from("psql"));
    let out = Command::new(&exe)
        .args(["--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1"])
        .args(["--dbname", url, "--command", sql])
        .output()
        .with_context(|| format!("running {}", exe.display()))?;
    if !out.status.success() {
        bail!(
            "psql `{sql}` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// `url` naming another database.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let cut = base
        .rfind('/')
        .filter(|i| *i > "postgres://".len())
        .unwrap_or(base.len());
    format!("{}/{name}{query}", &base[..cut])
}

/// A `roster-gateway serve` process on a free loopback port, plus the credentials that
/// `bootstrap` printed for it.
struct Gateway {
    child: Child,
    addr: String,
    log: PathBuf,
    org: String,
    token: String,
    api_key: String,
    workspace_id: String,
    /// For the hook that signs slash commands as Slack does (`xtask/fuzz/hooks.py`).
    slack_signing_secret: String,
}

impl Gateway {
    fn start(exe: &Path, database_url: &str, work: &Path) -> Result<Self> {
        let secret = random_hex(32)?;
        let run = |args: &[&str]| -> Result<String> {
            let out = Command::new(exe)
                .args(args)
                .env("DATABASE_URL", database_url)
                .env("RUST_LOG", "warn")
                .output()
                .with_context(|| format!("running roster-gateway {}", args[0]))?;
            if !out.status.success() {
                bail!(
                    "roster-gateway {} failed:\n{}",
                    args[0],
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        };
        run(&["migrate"])?;
        // The Slack family defaults to the org `default`: bootstrap that one.
        let boot = run(&[
            "bootstrap",
            "--org-slug",
            "default",
            "--email",
            "fuzz@roster.test",
            "--name",
            "Fuzz Admin",
        ])?;
        let boot: Value = serde_json::from_str(boot.trim()).context("bootstrap's output")?;
        let field = |key: &str| -> Result<String> {
            boot[key]
                .as_str()
                .map(str::to_owned)
                .with_context(|| format!("bootstrap printed no {key}"))
        };
        let addr = format!("127.0.0.1:{}", free_port()?);
        // Slack is configured as in production, its API on a loopback port where nothing
        // listens: only the OAuth callbacks call it, after checking a signed state that the
        // fuzzer cannot make.
        let slack_api = format!("http://127.0.0.1:{}/api", free_port()?);
        let slack_signing_secret = random_hex(16)?;
        let log = work.join("gateway.log");
        let log_file = fs::File::create(&log)?;
        let child = Command::new(exe)
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("ROSTER_BIND", &addr)
            .env("ROSTER_PUBLIC_URL", format!("http://{addr}"))
            .env("ROSTER_SECRET", &secret)
            .env("SLACK_SIGNING_SECRET", &slack_signing_secret)
            .env("SLACK_CLIENT_ID", "1234567890.0987654321")
            .env("SLACK_CLIENT_SECRET", random_hex(16)?)
            .env("SLACK_API_BASE_URL", slack_api)
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "warn")
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .context("starting roster-gateway serve")?;
        let mut gateway = Self {
            child,
            addr,
            log,
            org: field("org_slug")?,
            token: field("token")?,
            api_key: field("api_key")?,
            workspace_id: field("workspace_id")?,
            slack_signing_secret,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = gateway.child.try_wait()? {
                bail!(
                    "roster-gateway serve exited with {status}; its log:\n{}",
                    fs::read_to_string(&gateway.log).unwrap_or_default()
                );
            }
            if matches!(gateway.request("GET", "/readyz", None, None), Ok((200, _))) {
                return Ok(gateway);
            }
            if Instant::now() > deadline {
                let _ = gateway.stop();
                bail!("roster-gateway serve did not become ready within 60 s");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A minimal HTTP/1.1 exchange (setup requests only; the fuzzing is schemathesis').
    fn request(
        &self,
        method: &str,
        path: &str,
        authorization: Option<&str>,
        json: Option<&Value>,
    ) -> Result<(u16, Value)> {
        let mut stream = TcpStream::connect(&self.addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        let body = json.map(Value::to_string).unwrap_or_default();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        if json.is_some() {
            head.push_str("Content-Type: application/json\r\n");
        }
        if let Some(auth) = authorization {
            head.push_str(&format!("Authorization: {auth}\r\nx-org: {}\r\n", self.org));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        stream.write_all(body.as_bytes())?;
        let mut raw = String::new();
        stream.read_to_string(&mut raw)?;
        let status = raw
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .context("no HTTP status line")?;
        let body = raw.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        Ok((status, serde_json::from_str(body).unwrap_or(Value::Null)))
    }

    /// What the config file reads from the environment: the bootstrap credentials, an
    /// external user's access token, and resources the fuzzer may revoke or deactivate
    /// (never its own user, token or API key, or it would lock itself out).
    fn credentials(&self) -> Result<Vec<(String, String)>> {
        let bearer = format!("Bearer {}", self.token);
        let create = |path: &str, auth: &str, body: Value| -> Result<Value> {
            let (status, created) = self.request_as(auth, path, &body)?;
            if !(200..300).contains(&status) {
                bail!("setting up: POST {path} answered {status}: {created}");
            }
            Ok(created)
        };
        let id = |v: &Value| v["id"].as_str().unwrap_or_default().to_owned();
        let channel = create(
            "/api/v1/channels",
            &self.api_key,
            serde_json::json!({"name": "Fuzz channel"}),
        )?;
        let user = create(
            "/api/v1/external-users/authenticate",
            &self.api_key,
            serde_json::json!({"channelId": channel["id"], "externalId": "fuzz-user"}),
        )?;
        let spare_user = create(
            "/api/v1/app/user",
            &bearer,
            serde_json::json!({"role": "AppMember", "user_info": {"email": "spare@roster.test", "name": "Spare User"}}),
        )?;
        let spare_token = create(
            "/api/v1/app/tokens",
            &bearer,
            serde_json::json!({"name": "spare"}),
        )?;
        let spare_key = create(
            &format!("/api/v1/app/workspaces/{}/api-keys", self.workspace_id),
            &bearer,
            serde_json::json!({"name": "spare"}),
        )?;
        Ok(vec![
            ("ROSTER_FUZZ_ORG".into(), self.org.clone()),
            ("ROSTER_FUZZ_TOKEN".into(), self.token.clone()),
            ("ROSTER_FUZZ_API_KEY".into(), self.api_key.clone()),
            (
                "ROSTER_FUZZ_ACCESS_TOKEN".into(),
                user["accessToken"].as_str().unwrap_or_default().to_owned(),
            ),
            ("ROSTER_FUZZ_SPARE_USER".into(), id(&spare_user)),
            ("ROSTER_FUZZ_SPARE_TOKEN".into(), id(&spare_token)),
            ("ROSTER_FUZZ_WORKSPACE".into(), self.workspace_id.clone()),
            ("ROSTER_FUZZ_SPARE_API_KEY".into(), id(&spare_key)),
            (
                "ROSTER_FUZZ_SLACK_SIGNING_SECRET".into(),
                self.slack_signing_secret.clone(),
            ),
        ])
    }

    fn request_as(&self, authorization: &str, path: &str, body: &Value) -> Result<(u16, Value)> {
        self.request("POST", path, Some(authorization), Some(body))
    }

    /// Stops the process (ours: started above) and returns where its log is.
    fn stop(mut self) -> PathBuf {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.log.clone()
    }
}

/// Runs schemathesis once over every operation and prints the summary.
fn fuzz(
    root: &Path,
    schemathesis: &Path,
    gateway: &Gateway,
    work: &Path,
    budget: &Budget,
) -> Result<Outcome> {
    let creds = gateway.credentials()?;
    let seed = match budget.seed {
        Some(seed) => seed,
        None => u64::from_str_radix(&random_hex(8)?, 16)?,
    };
    let config = root.join("xtask/fuzz/schemathesis.toml");
    let schema = format!("{}/openapi.json", gateway.base());
    let report = work.join("report.json");
    let _ = fs::remove_file(&report);
    println!(
        "fuzz: schemathesis against {schema}: {} examples per operation, at most {} s, seed {seed}",
        budget.max_examples, budget.max_time_secs
    );
    let started = Instant::now();
    let mut cmd = Command::new(schemathesis);
    let mut child = cmd
        .arg("--config-file")
        .arg(&config)
        .args(["run", &schema, "--no-color"])
        // One worker: with two, hypothesis' lambda-source cache raced in one run (a
        // schemathesis "Runtime Error" that said nothing about the gateway).
        .args(["--workers", "1"])
        .args(["--max-time", &budget.max_time_secs.to_string()])
        .args(["--max-examples", &budget.max_examples.to_string()])
        .args(["--seed", &seed.to_string()])
        // A request that hangs is a failure, not a stall.
        .args(["--request-timeout", "10"])
        .args(["--report", "json", "--report-json-path"])
        .arg(&report)
        .args(&budget.extra_args)
        .current_dir(work)
        .env("SCHEMATHESIS_HOOKS", root.join("xtask/fuzz/hooks.py"))
        .envs(creds.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .spawn()
        .context("running schemathesis")?;
    // schemathesis keeps to its time budget; should it not, it is stopped two minutes later.
    let deadline = started + Duration::from_secs(u64::from(budget.max_time_secs) + 120);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "schemathesis overran its {} s budget by two minutes and was stopped",
                budget.max_time_secs
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let elapsed = started.elapsed().as_secs_f64();
    let report: Value = fs::read_to_string(&report)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .with_context(|| {
            format!(
                "schemathesis ({status}) wrote no report {}",
                report.display()
            )
        })?;
    let n = |path: &[&str]| -> u64 {
        path.iter()
            .fold(&report, |v, key| &v[key])
            .as_u64()
            .unwrap_or(0)
    };
    let failures = report["failures"].as_array().map_or(&[][..], Vec::as_slice);
    let mut outcome = Outcome {
        operations: n(&["operations", "total"]),
        tested: n(&["operations", "tested"]),
        test_cases: n(&["test_cases", "generated"]),
        failures: failures
            .iter()
            .map(|f| f["count"].as_u64().unwrap_or(0))
            .sum(),
        errors: report["errors"].as_array().map_or(0, Vec::len) as u64
            + n(&["operations", "errored"]),
    };
    if !status.success() && outcome.failures == 0 && outcome.errors == 0 {
        outcome.errors += 1;
    }
    for failure in failures {
        println!(
            "fuzz: {} {}: {}",
            failure["code"].as_str().unwrap_or("?"),
            failure["title"].as_str().unwrap_or("?"),
            failure["operations"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    // The fuzzer must not have locked itself out: then later requests proved little.
    let (me, _) = gateway.request(
        "GET",
        "/api/v1/app/me",
        Some(&format!("Bearer {}", gateway.token)),
        None,
    )?;
    if me != 200 {
        println!("fuzz: the bootstrap token no longer works (GET /api/v1/app/me answered {me})");
        outcome.errors += 1;
    }
    // Where the fuzzer got less deep than it might (informational: they do not fail the run).
    let warnings: Vec<String> = report["warnings"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(kind, ops)| {
            let n = ops.as_array().map_or(0, Vec::len);
            (n > 0).then(|| format!("{kind} on {n}"))
        })
        .collect();
    if !warnings.is_empty() {
        println!(
            "fuzz: schemathesis warnings (operations): {}",
            warnings.join(", ")
        );
    }
    if outcome.tested != outcome.operations {
        println!("fuzz: not every operation of the document was tested");
    }
    println!(
        "fuzz: {} of {} operations tested, {} test cases, {} failures, {} errors in {elapsed:.0} s \
         (seed {seed}): {}",
        outcome.tested,
        outcome.operations,
        outcome.test_cases,
        outcome.failures,
        outcome.errors,
        if outcome.passed() { "ok" } else { "FAILED" }
    );
    Ok(outcome)
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .context("reading /dev/urandom")?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_name_the_fuzz_database() {
        assert_eq!(
            with_database(
                "postgres://postgres@127.0.0.1:5432/postgres",
                "roster_fuzz_1"
            ),
            "postgres://postgres@127.0.0.1:5432/roster_fuzz_1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
    }
}
