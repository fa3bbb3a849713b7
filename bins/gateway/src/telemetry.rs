//! Logging: `LOG_FORMAT=pretty|json`, filtered by `RUST_LOG`, coloured only on a terminal.
//! Each request is one line: INFO unless an operator must act on it (WARN for a 503: the
//! database unreachable, its pool exhausted or a setting missing; ERROR for any other 5xx,
//! whose cause is logged beside it). Request input (paths, query strings, headers,
//! bodies) is never logged: the route pattern stands for the path.

use std::io::IsTerminal;
use std::time::Duration;

use actix_web::http::{Method, StatusCode};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber once; later calls do nothing.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal());
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}

/// What the line of a finished request says.
pub struct Finished<'a> {
    pub method: &'a Method,
    /// The route pattern (`/api/v1/app/user/{id}`), or `unmatched`.
    pub route: &'a str,
    pub status: StatusCode,
    /// The problem's code, for an error.
    pub code: Option<&'a str>,
    /// The problem's detail: logged for a 5xx only (ours, never the request's input).
    pub detail: Option<&'a str>,
    pub elapsed: Duration,
}

/// The one line of a finished request, in its span (which carries the request id).
pub fn request_finished(r: &Finished<'_>) {
    let (method, route, status) = (r.method.as_str(), r.route, r.status.as_u16());
    let code = r.code;
    let detail = r.detail.filter(|_| r.status.is_server_error());
    let duration_ms = r.elapsed.as_secs_f64() * 1000.0;
    macro_rules! line {
        ($level:ident, $message:literal) => {
            tracing::$level!(method, route, status, code, detail, duration_ms, $message)
        };
    }
    match r.status {
        StatusCode::SERVICE_UNAVAILABLE => line!(warn, "request refused: unavailable"),
        s if s.is_server_error() => line!(error, "request failed"),
        _ => line!(info, "request"),
    }
}

/// The span of each request: its id, which every line logged while it runs carries.
pub struct RequestSpan;

impl tracing_actix_web::RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &actix_web::dev::ServiceRequest) -> tracing::Span {
        use actix_web::HttpMessage;
        // Field values are computed only when the span is enabled.
        tracing::info_span!(
            "request",
            request_id = %request
                .extensions()
                .get::<tracing_actix_web::RequestId>()
                .map(|id| id.to_string())
                .unwrap_or_default(),
        )
    }

    /// The request's line is written by the gateway's own middleware (`request_finished`),
    /// with the problem's code: nothing more here.
    fn on_request_end<B: actix_web::body::MessageBody>(
        _span: tracing::Span,
        _outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
    }
}
