//! The operator CLI: `serve`, `migrate`, `bootstrap`, `openapi`, `import`, `export`.

use std::net::TcpListener;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use roster_core::text::{Email, Slug};
use roster_identity::bootstrap::{self, Bootstrap, ORG_NAME};
use roster_identity::passwords::{Hasher, Password};
use roster_identity::requests::USER_NAME;
use serde::Serialize;

use crate::config::{Config, LogFormat};

#[derive(Debug, Parser)]
#[command(
    name = "roster-gateway",
    version,
    about = "Roster: self-hosted user management"
)]
pub struct Cli {
    /// Log format.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty, global = true)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API.
    Serve(Box<Config>),
    /// Apply pending database migrations.
    Migrate(DatabaseArgs),
    /// Create an org, account, AppAdmin user and external-users workspace if absent, print
    /// fresh credentials (an API token and a workspace API key) as JSON.
    Bootstrap(BootstrapArgs),
    /// Print the OpenAPI document that `serve` serves at `/openapi.json`.
    Openapi,
    /// Import users from a file (docs/import.md).
    #[command(subcommand)]
    Import(crate::transfer::ImportCommand),
    /// Export users to stdout (docs/import.md).
    #[command(subcommand)]
    Export(crate::transfer::ExportCommand),
    /// Print audit events as NDJSON, newest first: an org's (`--org`), or by default the
    /// events of no org (accounts that are users of none), which no org's audit log shows.
    AuditEvents(crate::audit_cli::AuditEventsArgs),
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: String,
}

#[derive(Debug, Args)]
pub struct BootstrapArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[arg(long)]
    pub org_slug: String,
    /// Defaults to the slug.
    #[arg(long)]
    pub org_name: Option<String>,
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: String,
    /// Lets the account sign in with a password too (set only if it has none).
    #[arg(long, env = "ROSTER_BOOTSTRAP_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

/// What `bootstrap` prints: one JSON line.
#[derive(Debug, Serialize)]
pub struct BootstrapOutput {
    pub org_id: String,
    pub org_slug: String,
    pub account_id: String,
    pub user_id: String,
    pub token: String,
    pub workspace_id: Option<String>,
    pub api_key: Option<String>,
}

/// `roster-gateway`'s main: parses the command line and runs it.
pub async fn main() -> anyhow::Result<()> {
    run(Cli::parse()).await
}

/// Runs a command of the CLI.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    // `import` and `export` own stdout (the summary, the users): no log lines there.
    if !matches!(cli.command, Command::Import(_) | Command::Export(_)) {
        crate::telemetry::init(cli.log_format);
    }
    match cli.command {
        Command::Serve(config) => {
            let listener = TcpListener::bind(config.bind)
                .with_context(|| format!("cannot listen on {}", config.bind))?;
            let management = config
                .metrics_bind
                .0
                .map(|addr| {
                    TcpListener::bind(addr)
                        .with_context(|| format!("cannot listen for /metrics on {addr}"))
                })
                .transpose()?;
            let address = listener.local_addr()?;
            let metrics = management
                .as_ref()
                .map(TcpListener::local_addr)
                .transpose()?
                .map_or_else(|| "off".to_owned(), |a| a.to_string());
            tracing::info!(%address, %metrics, "roster-gateway listening");
            crate::server::serve(*config, listener, management).await?;
            tracing::info!("roster-gateway stopped");
        }
        Command::Migrate(args) => {
            let applied = migrate(&args.database_url).await?;
            tracing::info!(count = applied.len(), ?applied, "migrations applied");
        }
        Command::Bootstrap(args) => {
            let out = bootstrap(&args).await?;
            println!("{}", serde_json::to_string(&out)?);
        }
        Command::Openapi => println!("{}", crate::openapi::document().to_pretty_json()?),
        Command::Import(command) => crate::transfer::import(command).await?,
        Command::Export(command) => crate::transfer::export(command).await?,
        Command::AuditEvents(args) => crate::audit_cli::audit_events(args).await?,
    }
    Ok(())
}

pub async fn migrate(database_url: &str) -> anyhow::Result<Vec<String>> {
    let url = database_url.to_owned();
    tokio::task::spawn_blocking(move || roster_core::migrations::run_pending(&url))
        .await?
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"))
}

pub async fn bootstrap(args: &BootstrapArgs) -> anyhow::Result<BootstrapOutput> {
    let email = Email::parse("--email", &args.email)?;
    let name = USER_NAME.parse("--name", &args.name)?;
    let password = match args.password.as_deref() {
        Some(raw) => {
            let known = vec![email.as_str().to_owned(), name.clone()];
            let password = Password::parse("--password", raw)?;
            Some(Hasher::new(1).hash_new(password, known).await?)
        }
        None => None,
    };
    let cmd = Bootstrap {
        org_slug: Slug::parse("--org-slug", &args.org_slug)?,
        org_name: ORG_NAME.parse(
            "--org-name",
            args.org_name.as_deref().unwrap_or(&args.org_slug),
        )?,
        email,
        name,
        password,
    };
    let pool = roster_core::db::pool(&args.db.database_url, 1)?;
    let mut conn = pool.get().await.context("cannot connect to the database")?;
    let done = bootstrap::run(&mut conn, cmd).await?;
    let (workspace, api_key) =
        roster_external_users::workspaces::bootstrap(&mut conn, done.org_id.as_str()).await?;
    Ok(BootstrapOutput {
        org_id: done.org_id.to_string(),
        org_slug: done.org_slug,
        account_id: done.account_id.to_string(),
        user_id: done.user_id.to_string(),
        token: done.token,
        workspace_id: Some(workspace.id.to_string()),
        api_key: Some(api_key.secret),
    })
}
