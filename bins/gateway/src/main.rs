use std::net::TcpListener;

use anyhow::Context;
use clap::Parser;
use roster_gateway::cli::{self, Cli, Command};
use roster_gateway::{server, telemetry};

/// mimalloc instead of the system allocator: a request allocates a few hundred small
/// blocks (rows, JSON, headers), and glibc's malloc and free were ~15% of the gateway's
/// CPU under load (perf, `cargo xtask bench`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    match cli.command {
        Command::Serve(config) => {
            let listener = TcpListener::bind(config.bind)
                .with_context(|| format!("cannot listen on {}", config.bind))?;
            tracing::info!(address = %config.bind, "roster-gateway listening");
            server::build(config, listener)?.await?;
            tracing::info!("roster-gateway stopped");
        }
        Command::Migrate(args) => {
            let applied = cli::migrate(&args.database_url).await?;
            tracing::info!(count = applied.len(), ?applied, "migrations applied");
        }
        Command::Bootstrap(args) => {
            let out = cli::bootstrap(&args).await?;
            println!("{}", serde_json::to_string(&out)?);
        }
        Command::Openapi => println!("{}", roster_gateway::openapi::document().to_pretty_json()?),
    }
    Ok(())
}
