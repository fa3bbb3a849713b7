//! `cargo xtask dev`: Roster on a local address with a demo org, until Ctrl-C. The
//! address is checked before anything else; on Ctrl-C (or SIGTERM, SIGHUP) the gateway is
//! stopped, then the private cluster unless other xtask commands still use it.

mod interrupt;
mod port;
mod watchdog;

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use roster_devkit::{random_hex, with_database};

use crate::gateway_cli::{self, Bootstrapped};
use crate::pg::Released;
use crate::process::terminate;
use crate::psql::Psql;
use interrupt::Interrupt;
use watchdog::Watchdog;

#[derive(Debug, clap::Args)]
pub struct Options {
    /// Address to serve on.
    #[arg(long, env = "ROSTER_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Drop and recreate the private cluster's dev database first, then bootstrap afresh:
    /// credentials printed by earlier runs stop working.
    #[arg(long)]
    pub reset: bool,
}

/// The private cluster's database for `dev`.
const DATABASE: &str = "roster_dev";

pub fn run(root: &Path, options: &Options) -> Result<()> {
    port::ensure_free(options.bind)?;
    if options.reset && crate::given_database_url().is_some() {
        bail!(
            "--reset drops and recreates the private cluster's {DATABASE}; xtask drops no \
             database of DATABASE_URL's server: drop and recreate yours yourself"
        );
    }
    let interrupt = Interrupt::install()?;
    let (admin_url, lease) = crate::database(root)?;
    let served = serve(root, options, &interrupt, &admin_url, lease.is_some());
    if !interrupt.requested() {
        return served;
    }
    let database = match lease {
        None => "DATABASE_URL's server is left as it is",
        Some(lease) => match lease.release()? {
            Released::Stopped => "the private PostgreSQL stopped",
            Released::StillInUse => "the private PostgreSQL runs on for other xtask commands",
            Released::StartedByHand => {
                "the private PostgreSQL runs on (`cargo xtask pg start` started it)"
            }
        },
    };
    eprintln!("xtask: dev server stopped; {database}");
    Ok(())
}

fn serve(
    root: &Path,
    options: &Options,
    interrupt: &Interrupt,
    admin_url: &str,
    private: bool,
) -> Result<()> {
    let url = if private {
        let server = Psql::new(admin_url)?;
        if options.reset {
            eprintln!("xtask: dropping {DATABASE} (--reset)");
            server.drop_database(DATABASE)?;
        }
        server.ensure_database(DATABASE)?;
        with_database(admin_url, DATABASE)
    } else {
        admin_url.to_owned()
    };
    eprintln!("xtask: building the gateway (the first build takes a few minutes)");
    let built = interrupt.run(
        crate::cargo_command()
            .args(["build", "--package", "roster-gateway"])
            .current_dir(root),
    )?;
    if !built.success() {
        bail!("`cargo build --package roster-gateway` failed");
    }
    let binary = root.join("target/debug/roster-gateway");
    gateway_cli::run(&binary, &url, &["migrate"])?;
    let boot = gateway_cli::bootstrap(
        &binary,
        &url,
        &[
            "--org-slug",
            "default",
            "--org-name",
            "Default",
            "--email",
            "admin@example.com",
            "--name",
            "Demo Admin",
            "--password",
            "roster-dev-password",
        ],
    )?;
    if interrupt.requested() {
        return Ok(());
    }
    print_banner(options, &url, &boot, private)?;
    let mut gateway = Command::new(&binary)
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("ROSTER_SECRET", dev_secret(root)?)
        .env("ROSTER_BIND", options.bind.to_string())
        .env("ROSTER_PUBLIC_URL", format!("http://{}", options.bind))
        // Development: anyone may sign up, and without an SMTP server the mail (its links
        // included) goes to this log.
        .env("ROSTER_SIGNUP", "open")
        // Webhooks to a receiver on this machine (http, loopback) are allowed.
        .env("ROSTER_WEBHOOK_ALLOW_PRIVATE", "true")
        .env(
            "ROSTER_MAIL_TRANSPORT",
            if std::env::var_os("ROSTER_SMTP_URL").is_some() {
                "smtp"
            } else {
                "log"
            },
        )
        .env(
            "RUST_LOG",
            std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()),
        )
        .stdin(Stdio::null())
        .spawn()
        .context("running roster-gateway serve")?;
    let _watchdog = match Watchdog::guard(gateway.id()) {
        Ok(watchdog) => watchdog,
        Err(e) => {
            terminate(&mut gateway, Duration::from_secs(15))?;
            return Err(e);
        }
    };
    let status = interrupt.wait(gateway)?;
    if !status.success() && !interrupt.requested() {
        bail!("roster-gateway serve exited with {status}");
    }
    Ok(())
}

fn print_banner(options: &Options, url: &str, boot: &Bootstrapped, private: bool) -> Result<()> {
    let bind = options.bind;
    println!("Roster dev server on http://{bind}");
    println!("  database:  {}", crate::redact(url));
    println!("  org:       default (admin@example.com / roster-dev-password)");
    println!("  bootstrap: {}", boot.line);
    println!();
    println!("  export ROSTER_TOKEN={}", boot.field("token")?);
    println!("  curl -s http://{bind}/api/v1/app/me -H \"Authorization: Bearer $ROSTER_TOKEN\" -H 'x-org: default'");
    println!();
    println!(
        "  export ROSTER_WORKSPACE_ID={}",
        boot.field("workspace_id")?
    );
    println!("  export ROSTER_API_KEY={}", boot.field("api_key")?);
    println!("  curl -s http://{bind}/api/v1/channels -H \"authorization: $ROSTER_API_KEY\"");
    println!("  API docs:  http://{bind}/docs/");
    let metrics = std::env::var("ROSTER_METRICS_BIND").unwrap_or_else(|_| "127.0.0.1:9090".into());
    if metrics != "off" {
        println!("  metrics:   http://{metrics}/metrics (ROSTER_METRICS_BIND)");
    }
    println!();
    if options.reset {
        println!("  The database is new: credentials printed by earlier runs no longer work.");
    } else if private {
        println!("  Credentials printed by earlier runs still work; `cargo xtask dev --reset` starts from an empty database.");
    } else {
        println!("  Credentials printed by earlier runs still work.");
    }
    println!(
        "  Ctrl-C stops the gateway{}.",
        if private {
            " and the private PostgreSQL"
        } else {
            ""
        }
    );
    println!();
    Ok(())
}

/// A signing key kept under target/ so dev restarts keep issued tokens valid.
fn dev_secret(root: &Path) -> Result<String> {
    let path = root.join("target/roster-dev-secret");
    if let Ok(s) = std::fs::read_to_string(&path) {
        if s.trim().len() >= 32 {
            return Ok(s.trim().to_owned());
        }
    }
    let secret = random_hex(32)?;
    std::fs::create_dir_all(root.join("target"))?;
    std::fs::write(&path, &secret)?;
    Ok(secret)
}
