/// mimalloc instead of the system allocator: a request allocates a few hundred small
/// blocks (rows, JSON, headers), and glibc's malloc and free were ~15% of the gateway's
/// CPU under load (perf, `cargo xtask bench`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    roster_gateway::cli::main().await
}
