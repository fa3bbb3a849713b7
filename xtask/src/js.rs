//! The real better-auth client against a real gateway: the Node project in `tests/js`
//! (better-auth pinned in its `package-lock.json`), installed with `npm ci` into
//! `target/better-auth-js` (again only when the lockfile changed), run with `node --test`
//! against a `roster-gateway serve` on a fresh database, with two bootstrapped orgs (their
//! admins' tokens in `ROSTER_ORGS`) and its mail sent to the scripts' own SMTP server
//! (`ROSTER_SMTP_PORT`). One test of `cargo xtask test`. axe-core, which the console's
//! browser tests inject into their pages, is installed the same way (`install_axe`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use roster_devkit::random_hex;

use crate::fuzz::FreshDatabase;
use crate::gateway::Gateway;
use crate::gateway_cli;

/// The test's name in `cargo xtask test`'s output and filters.
pub const TEST_NAME: &str = "js::better_auth_client";
/// The origin the scripts send, trusted by the gateway they test.
const ORIGIN: &str = "http://app.roster.test";
const FILES: [&str; 4] = [
    "package.json",
    "package-lock.json",
    "client.test.mjs",
    "smtp.mjs",
];
/// The orgs bootstrapped for the organization plugin's routes (`ROSTER_ORGS`).
const ORGS: [&str; 2] = ["js-one", "js-two"];

/// `tests/js` with its dependencies in `target/better-auth-js`, installed from the
/// lockfile if it changed since the last install.
pub fn install(root: &Path) -> Result<PathBuf> {
    npm_ci(
        root,
        "tests/js",
        &FILES,
        "target/better-auth-js",
        "the better-auth client",
    )
}

/// axe-core for the console's browser tests (`tests/console/axe`, pinned in its
/// `package-lock.json`), in `target/axe-core`; returns the path of `axe.min.js`, which
/// the tests inject into every page (`ROSTER_AXE_JS`).
pub fn install_axe(root: &Path) -> Result<PathBuf> {
    let files = ["package.json", "package-lock.json"];
    let dir = npm_ci(
        root,
        "tests/console/axe",
        &files,
        "target/axe-core",
        "axe-core",
    )?;
    Ok(dir.join("node_modules/axe-core/axe.min.js"))
}

/// The Node project in `source` copied to `dest` (both under `root`) with its
/// dependencies, installed by `npm ci` if its lockfile changed since the last install.
fn npm_ci(root: &Path, source: &str, files: &[&str], dest: &str, what: &str) -> Result<PathBuf> {
    let source = root.join(source);
    let dir = root.join(dest);
    fs::create_dir_all(&dir)?;
    for file in files {
        fs::copy(source.join(file), dir.join(file))
            .with_context(|| format!("copying {}", source.join(file).display()))?;
    }
    let lock = fs::read_to_string(source.join("package-lock.json"))?;
    let stamp = dir.join("node_modules/.roster-lock");
    if fs::read_to_string(&stamp).is_ok_and(|s| s == lock) {
        return Ok(dir);
    }
    tool("node", what)?;
    tool("npm", what)?;
    eprintln!("xtask: installing {what} (pinned in its package-lock.json)");
    let ok = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
        .current_dir(&dir)
        .status()
        .context("running npm ci")?
        .success();
    if !ok {
        bail!(
            "`npm ci` in {} failed (see its output above)",
            dir.display()
        );
    }
    fs::write(&stamp, lock)?;
    Ok(dir)
}

fn tool(name: &str, what: &str) -> Result<()> {
    let found = Command::new(name)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        bail!(
            "{name} is needed to install {what}: install Node.js 20 or later with npm (e.g. \
             `sudo apt-get install -y nodejs npm`)"
        );
    }
    Ok(())
}

/// Runs the scripts against a gateway on a fresh database of the server at `admin_url`;
/// true when every script passed.
pub fn run(root: &Path, admin_url: &str) -> Result<bool> {
    let dir = install(root)?;
    let binary = crate::gateway::build_debug(root)?;
    let db = FreshDatabase::create(admin_url, "roster_js")?;
    let result = (|| {
        gateway_cli::run(&binary, &db.url, &["migrate"])?;
        let mut orgs = serde_json::Map::new();
        for slug in ORGS {
            let email = format!("admin@{slug}.test");
            let args = ["--org-slug", slug, "--email", &email, "--name", "JS Admin"];
            let boot = gateway_cli::bootstrap(&binary, &db.url, &args)?;
            orgs.insert(slug.to_owned(), boot.field("token")?.into());
        }
        // The scripts' own SMTP server listens there (smtp.mjs); mail waits in the
        // outbox until it does.
        let smtp_port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let env = [
            ("DATABASE_URL", db.url.clone()),
            ("ROSTER_SECRET", random_hex(32)?),
            ("ROSTER_TRUSTED_ORIGINS", ORIGIN.to_owned()),
            ("ROSTER_RATE_LIMIT_PER_CREDENTIAL", "1000".to_owned()),
            ("ROSTER_SIGNUP", "open".to_owned()),
            ("ROSTER_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}")),
            ("RUST_LOG", "warn".to_owned()),
        ];
        let log = dir.join("gateway.log");
        let mut gateway = Gateway::start(&binary, &env, &log, Duration::from_secs(60))?;
        let ok = Command::new("node")
            .args(["--test", "client.test.mjs"])
            .env("ROSTER_URL", &gateway.base)
            .env("ROSTER_ORIGIN", ORIGIN)
            .env("ROSTER_SMTP_PORT", smtp_port.to_string())
            .env("ROSTER_ORGS", serde_json::Value::Object(orgs).to_string())
            .current_dir(&dir)
            .status()
            .context("running node --test")?
            .success();
        let _ = gateway.stop();
        if !ok {
            eprintln!("js: the gateway's log is in {}", log.display());
        }
        Ok(ok)
    })();
    db.drop_now();
    result
}
