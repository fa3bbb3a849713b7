//! Logging: `LOG_FORMAT=pretty|json`, filtered by `RUST_LOG`. Nothing a client sent is
//! logged: no query strings, no bodies, no headers, no SQL parameters, no error details
//! (which may quote the input); see docs/security.md.

use tracing::Subscriber;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::LogFormat;

/// tokio-postgres logs every statement's parameters (emails, token hashes) at debug under
/// this target: it stays off whatever `RUST_LOG` asks.
const SQL_PARAMETERS_OFF: &str = "tokio_postgres::query=info";

/// The filter of `directives` (`RUST_LOG`'s syntax), with SQL parameters kept out.
pub fn filter(directives: &str) -> EnvFilter {
    let filter = EnvFilter::try_new(directives).unwrap_or_else(|_| EnvFilter::new("info"));
    match SQL_PARAMETERS_OFF.parse() {
        Ok(off) => filter.add_directive(off),
        Err(_) => filter,
    }
}

/// The gateway's log lines in `format`, written to `writer`.
pub fn layer<S, W>(format: LogFormat, writer: W) -> Box<dyn Layer<S> + Send + Sync>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let fmt = tracing_subscriber::fmt::layer()
        .with_target(false)
        .with_writer(writer);
    match format {
        LogFormat::Json => fmt.json().flatten_event(true).boxed(),
        LogFormat::Pretty => fmt.compact().boxed(),
    }
}

/// Installs the global subscriber once, on stdout; later calls do nothing.
pub fn init(format: LogFormat) {
    let directives = std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into());
    let _ = tracing_subscriber::registry()
        .with(layer(format, std::io::stdout).with_filter(filter(&directives)))
        .try_init();
}

/// The span of each request: method, route, path without the query string, client
/// address (`defences::client_addr`) and request id; never headers or bodies.
pub struct RequestSpan;

impl tracing_actix_web::RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        use actix_web::HttpMessage;
        // Field values are computed only when the span is enabled. The route is not known
        // before routing (finding it here would route twice): `finish` records it.
        tracing::info_span!(
            "request",
            http.method = %request.method(),
            http.route = tracing::field::Empty,
            http.path = %request.path(),
            http.client_ip = %crate::defences::client_addr::of(request.request())
                .map(|ip| ip.to_string())
                .unwrap_or_default(),
            request_id = %request
                .extensions()
                .get::<tracing_actix_web::RequestId>()
                .map(|id| id.to_string())
                .unwrap_or_default(),
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
        )
    }

    /// The status alone: an error's message may quote what the client sent (`finish`
    /// logs its problem code).
    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        let status = match outcome {
            Ok(res) => res.status(),
            Err(e) => e.as_response_error().status_code(),
        };
        span.record("http.status_code", status.as_u16());
        span.record(
            "otel.status_code",
            if status.is_server_error() {
                "ERROR"
            } else {
                "OK"
            },
        );
    }
}
