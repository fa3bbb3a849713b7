//! The HTTP server: the app, its middleware, and graceful start and stop.

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, App, HttpMessage, HttpServer};
use tokio::sync::Semaphore;
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa_swagger_ui::SwaggerUi;

use crate::background::BackgroundTasks;
use crate::config::Config;
use crate::credentials::CredentialCache;
use crate::error::{ApiError, Problem, PROBLEM_JSON};
use crate::metrics::{self, Metrics};
use crate::principals::{self, PrincipalCache};
use crate::state::AppState;
use crate::telemetry::RequestSpan;
use crate::{openapi, routes};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Worker `i`'s part of `total` split among `workers` (the first ones take the remainder),
/// at least one.
fn worker_share(total: usize, workers: usize, i: usize) -> usize {
    (total / workers + usize::from(i < total % workers)).max(1)
}

/// Builds the server on an already bound listener (port 0 works: tests use it).
///
/// Each HTTP worker thread gets a pool of its own, the configured size split among them:
/// a connection's I/O then runs on the thread whose requests use it, instead of waking
/// another thread twice per query (a quarter more requests/s in `cargo xtask bench`).
pub fn build(config: Config, listener: TcpListener) -> std::io::Result<Server> {
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
    // Writers' turns are split among the workers as the connections are: a turn given
    // back wakes a writer on the same thread (one shared semaphore woke writers on the
    // other thread, which halved creates a second in `cargo xtask bench`).
    let total_writers = usize::try_from(config.db_writers).unwrap_or(usize::MAX);
    let writers: Vec<Arc<Semaphore>> = (0..workers)
        .map(|i| Arc::new(Semaphore::new(worker_share(total_writers, workers, i))))
        .collect();
    let background = Arc::new(BackgroundTasks::default());
    background.spawn(roster_core::events::retention::run(
        roster_core::db::pool(&config.database_url, 1)
            .map_err(|e| std::io::Error::other(e.to_string()))?,
        config.audit_retention_days,
    ));
    let deliverer = roster_webhooks::deliverer::Deliverer::new(
        &config.database_url,
        config.webhooks.delivery(),
        config.webhook_key(),
    )
    .map_err(|e| std::io::Error::other(e.to_string()))?;
    background.spawn(deliverer.run());
    let hasher = config.hasher();
    let state = AppState {
        pool: pools[0].clone(),
        credentials: Arc::new(CredentialCache::new(cache_ttl)),
        principals,
        config: Arc::new(config),
        metrics,
        limits: Arc::new(limits),
        writers: writers[0].clone(),
        creates: Arc::default(),
        background,
        hasher,
    };
    let doc = openapi::document();
    let next_pool = Arc::new(AtomicUsize::new(0));
    let mut server =
        HttpServer::new(move || {
            let mut state = state.clone();
            let worker = next_pool.fetch_add(1, Ordering::Relaxed);
            state.pool = pools[worker % pools.len()].clone();
            state.writers = writers[worker % writers.len()].clone();
            state.creates = Arc::default();
            App::new()
                .app_data(web::Data::new(state))
                .app_data(crate::extract::payload_config())
                .app_data(
                    web::PathConfig::default()
                        .error_handler(|_, _| ApiError::not_found("resource").into()),
                )
                .app_data(web::QueryConfig::default().error_handler(|e, _| {
                    ApiError::bad_request("invalid_query", e.to_string()).into()
                }))
                .configure(routes::configure)
                .service(routes::resource("/metrics").route(web::get().to(metrics::metrics)))
                .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", doc.clone()))
                .default_service(web::to(|| async {
                    Err::<actix_web::HttpResponse, _>(ApiError::not_found("route"))
                }))
                .wrap(from_fn(crate::event_context::scope))
                .wrap(from_fn(finish))
                .wrap(from_fn(metrics::track))
                .wrap(TracingLogger::<RequestSpan>::new())
        })
        // A client that has not sent its request head by then gets 408 and is cut off.
        .client_request_timeout(client_timeout)
        .client_disconnect_timeout(Duration::from_secs(1))
        .listen(listener)?
        .shutdown_timeout(10);
    server = server.workers(workers);
    Ok(server.run())
}

/// Middleware: tags every response with `x-request-id`, and turns every error response
/// (ours, actix's own, unknown routes, wrong methods) into problem+json carrying it.
async fn finish(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
    let started = std::time::Instant::now();
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    let span = tracing::Span::current();
    if !span.is_disabled() {
        if let Some(route) = res.request().match_pattern() {
            span.record("http.route", route);
        }
    }
    // One line per request, inside its span (method, route, path, request id).
    tracing::info!(
        status = status.as_u16(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request done"
    );
    let problem = if status.is_client_error() || status.is_server_error() {
        let from_api = res
            .response()
            .error()
            .and_then(|e| e.as_error::<ApiError>())
            .map(ApiError::problem);
        let is_problem = res
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
        match from_api {
            Some(p) => Some(p),
            None if is_problem && request_id.is_none() => None,
            None => Some(Problem::for_status(
                status,
                res.response().error().map(|e| e.to_string()),
            )),
        }
    } else {
        None
    };
    let (req, mut response) = res.into_parts();
    if let Some(mut problem) = problem {
        problem.request_id.clone_from(&request_id);
        if status == StatusCode::METHOD_NOT_ALLOWED {
            problem.detail = format!("{} is not allowed on {}", req.method(), req.path());
            problem.error.clone_from(&problem.detail);
        }
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        response = response.set_body(BoxBody::new(body));
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    }
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        response.headers_mut().insert(REQUEST_ID, id);
    }
    Ok(ServiceResponse::new(req, response))
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
