//! `roster-gateway` as the e2e tests run it (see `tests/e2e/process.rs`).

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    roster_gateway::cli::main().await
}
