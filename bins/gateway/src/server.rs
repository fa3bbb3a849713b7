//! The HTTP server: the app, its middleware, and graceful start and stop.

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::http::Method;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpResponse, HttpServer};
use tracing_actix_web::TracingLogger;
use utoipa_swagger_ui::SwaggerUi;

use crate::background::BackgroundTasks;
use crate::config::Config;
use crate::credentials::{self, CredentialCache};
use crate::defences::{self, Defences};
use crate::error::ApiError;
use crate::metrics::{self, Metrics};
use crate::principals::{self, PrincipalCache};
use crate::scim_clients::{self, ScimClientCache};
use crate::state::AppState;
use crate::telemetry::RequestSpan;
use crate::writer::Writer;
use crate::{openapi, routes};

/// Worker `i`'s part of `total` split among `workers` (the first ones take the remainder),
/// at least one.
fn worker_share(total: usize, workers: usize, i: usize) -> usize {
    (total / workers + usize::from(i < total % workers)).max(1)
}

/// Builds the server on already bound listeners (port 0 works: tests use it): the public
/// one, and the management one of `/metrics` if any (see `defences::management`).
///
/// Each HTTP worker thread gets a pool of its own, the configured size split among them:
/// a connection's I/O then runs on the thread whose requests use it, instead of waking
/// another thread twice per query (a quarter more requests/s in `cargo xtask bench`).
pub fn build(
    config: Config,
    listener: TcpListener,
    management: Option<TcpListener>,
) -> std::io::Result<Server> {
    Ok(build_with_pools(config, listener, management)?.0)
}

/// Serves until SIGTERM or SIGINT, then stops gracefully: no new connections, the
/// requests in flight finished (for at most `SHUTDOWN_TIMEOUT_SECS`), the pools closed.
pub async fn serve(
    config: Config,
    listener: TcpListener,
    management: Option<TcpListener>,
) -> std::io::Result<()> {
    let (server, pools) = build_with_pools(config, listener, management)?;
    let handle = server.handle();
    actix_web::rt::spawn(async move {
        let signal = stop_signal().await;
        tracing::info!(
            signal,
            "stopping: no new connections; finishing the requests in flight"
        );
        handle.stop(true).await;
    });
    server.await?;
    for pool in &pools {
        pool.close();
    }
    tracing::info!("database connections closed");
    Ok(())
}

/// Marks `interrupted` the imports a restart cut off (see `imports::jobs`).
async fn mark_interrupted_imports(pool: roster_core::db::Pool) {
    let marked = match pool.get().await {
        Ok(mut conn) => roster_identity::imports::jobs::mark_interrupted(&mut conn).await,
        Err(e) => Err(e.into()),
    };
    match marked {
        Ok(0) => {}
        Ok(count) => tracing::warn!(count, "imports cut off by a restart marked interrupted"),
        Err(e) => tracing::error!(error = %e, "cannot mark interrupted imports"),
    }
}

/// Seconds the requests in flight have to finish once the server stops.
pub const SHUTDOWN_TIMEOUT_SECS: u64 = 10;

/// The name of the first stop signal received.
async fn stop_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            },
            _ => {
                tracing::error!("cannot listen for stop signals");
                std::future::pending().await
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "ctrl-c"
    }
}

/// The server and the pools of its workers.
fn build_with_pools(
    config: Config,
    listener: TcpListener,
    management: Option<TcpListener>,
) -> std::io::Result<(Server, Vec<roster_core::db::Pool>)> {
    let workers = config
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let pools = (0..workers)
        .map(|i| {
            roster_core::db::pool(
                &config.database_url,
                worker_share(config.db_pool_size, workers, i),
            )
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let client_timeout = Duration::from_millis(config.client_timeout_ms);
    let limits = config.rate_limits();
    let metrics = Arc::new(Metrics::default());
    for pool in &pools {
        metrics.watch_pool(pool.clone());
    }
    let cache_ttl = Duration::from_secs(config.auth_cache_seconds);
    let principals = Arc::new(PrincipalCache::new(cache_ttl));
    principals::listen(&principals, config.database_url.clone());
    let credentials = Arc::new(CredentialCache::new(cache_ttl));
    credentials::listen(&credentials, config.database_url.clone());
    let scim_clients = Arc::new(ScimClientCache::new(cache_ttl));
    scim_clients::listen(&scim_clients, config.database_url.clone());
    // Writers' turns are split among the workers as the connections are: a turn given
    // back wakes a writer on the same thread (one shared semaphore woke writers on the
    // other thread, which halved creates a second in `cargo xtask bench`).
    let total_writers = usize::try_from(config.db_writers).unwrap_or(usize::MAX);
    let background = Arc::new(BackgroundTasks::default());
    background.spawn(roster_core::events::retention::run(
        roster_core::db::pool(&config.database_url, 1)
            .map_err(|e| std::io::Error::other(e.to_string()))?,
        config.audit_retention_days,
    ));
    background.spawn(roster_core::idempotency::run(
        roster_core::db::pool(&config.database_url, 1)
            .map_err(|e| std::io::Error::other(e.to_string()))?,
        config.idempotency_hours,
    ));
    // Wakes this process's deliverers and mail sender once a write that queued rows for
    // them commits, and tells the other processes (`roster_core::outbox::Announcer`).
    let announcer = roster_core::outbox::Announcer::default();
    background.spawn(
        announcer.clone().run(
            roster_core::db::pool(&config.database_url, 1)
                .map_err(|e| std::io::Error::other(e.to_string()))?,
        ),
    );
    let deliverer = roster_webhooks::deliverer::Deliverer::new(
        &config.database_url,
        config.webhooks.delivery(),
        config.webhook_key(),
    )
    .map_err(|e| std::io::Error::other(e.to_string()))?;
    background.spawn(deliverer.run(announcer.clone()));
    match config
        .mail
        .sender(&config.public_url)
        .map_err(std::io::Error::other)?
    {
        Some(mail) => {
            let sender = roster_mail::sender::Sender::new(&config.database_url, mail)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            background.spawn(sender.run(announcer.clone()));
        }
        None => tracing::info!(
            "mail is not configured (ROSTER_SMTP_URL): verification and password-reset \
             requests answer 503 mail_not_configured, and invitation mail waits in the outbox"
        ),
    }
    background.spawn(mark_interrupted_imports(
        roster_core::db::pool(&config.database_url, 1)
            .map_err(|e| std::io::Error::other(e.to_string()))?,
    ));
    let hasher = config.hasher();
    let management_addr = management
        .as_ref()
        .map(TcpListener::local_addr)
        .transpose()?;
    let defences = Arc::new(Defences::new(&config, management_addr));
    let connections = Arc::clone(&defences.connections);
    let state = AppState {
        pool: pools[0].clone(),
        credentials,
        principals,
        scim_clients,
        config: Arc::new(config),
        writer: Writer::new(pools[0].clone(), metrics.clone(), 1, announcer.clone()),
        announcer,
        metrics,
        limits: Arc::new(limits),
        defences,
        background,
        hasher,
    };
    let doc = openapi::document();
    let next_worker = Arc::new(AtomicUsize::new(0));
    let worker_pools = pools.clone();
    let mut server = HttpServer::new(move || {
        let mut state = state.clone();
        let worker = next_worker.fetch_add(1, Ordering::Relaxed) % worker_pools.len();
        state.pool = worker_pools[worker].clone();
        state.writer = Writer::new(
            state.pool.clone(),
            state.metrics.clone(),
            worker_share(total_writers, workers, worker),
            state.announcer.clone(),
        );
        App::new()
            .app_data(web::Data::new(state))
            .app_data(crate::extract::payload_config())
            .app_data(
                web::PathConfig::default()
                    .error_handler(|_, _| ApiError::not_found("resource").into()),
            )
            .app_data(
                web::QueryConfig::default().error_handler(|e, _| {
                    ApiError::bad_request("invalid_query", e.to_string()).into()
                }),
            )
            .configure(|cfg| routes::table().configure(cfg))
            .configure(crate::console::configure)
            .service(
                routes::resource("/metrics", &[Method::GET]).route(web::get().to(metrics::metrics)),
            )
            .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", doc.clone()))
            .service(routes::resource("/docs", &[Method::GET]).route(web::get().to(docs_redirect)))
            .default_service(web::to(unknown_route))
            .wrap(from_fn(crate::event_context::scope))
            .wrap(from_fn(defences::guard))
            .wrap(from_fn(crate::answers::finish))
            .wrap(from_fn(metrics::track))
            .wrap(TracingLogger::<RequestSpan>::new())
    })
    // A client that has not sent its request head by then gets 408 and is cut off.
    .client_request_timeout(client_timeout)
    .client_disconnect_timeout(Duration::from_secs(1))
    .on_connect(move |io, data| connections.on_connect(io, data))
    .listen(listener)?
    // Signals are `serve`'s to handle: actix would stop at once on SIGINT.
    .disable_signals()
    .shutdown_timeout(SHUTDOWN_TIMEOUT_SECS);
    if let Some(management) = management {
        server = server.listen(management)?;
    }
    server = server.workers(workers);
    Ok((server.run(), pools))
}

/// `/docs` is where people type the docs' address: the UI is at `/docs/`.
async fn docs_redirect() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// No route here: the 404 says where the routes are described.
async fn unknown_route() -> Result<HttpResponse, ApiError> {
    Err(ApiError(roster_core::DomainError::NotFound {
        code: "route_not_found".into(),
        detail:
            "no such route: the API is described at /docs/ (its OpenAPI document at /openapi.json)"
                .into(),
    }))
}

#[cfg(test)]
mod share_tests {
    use super::worker_share;

    #[test]
    fn shares_add_up_and_none_is_empty() {
        assert_eq!(
            (0..2).map(|i| worker_share(5, 2, i)).collect::<Vec<_>>(),
            [3, 2]
        );
        assert_eq!((0..2).map(|i| worker_share(16, 2, i)).sum::<usize>(), 16);
        assert_eq!(
            (0..2).map(|i| worker_share(1, 2, i)).collect::<Vec<_>>(),
            [1, 1]
        );
    }
}
