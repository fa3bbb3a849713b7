//! The gateway's own defences, around every request whatever its route: who the client
//! is, how many connections it may hold open, how long its body may take to arrive, what
//! the management address serves, which origins browsers may call from (CSRF and CORS),
//! and the headers every answer carries
//! (docs/security.md says why each).

pub mod body_deadline;
pub mod client_addr;
pub mod connections;
pub mod headers;
pub mod management;
pub mod origin;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

use crate::config::Config;
use crate::state::AppState;

pub use client_addr::TrustedProxies;
pub use connections::ConnectionCap;
pub use origin::TrustedOrigins;

/// The defences of one serving gateway, built once from its configuration.
pub struct Defences {
    pub proxies: TrustedProxies,
    pub connections: Arc<ConnectionCap>,
    pub body_timeout: Duration,
    /// The management listener's address, when there is one.
    pub management: Option<SocketAddr>,
    /// The SHA-256 of `ROSTER_METRICS_TOKEN`, when set.
    metrics_token: Option<Vec<u8>>,
    /// Whether answers carry `Strict-Transport-Security`.
    hsts: bool,
    /// Where browsers may call from (CSRF and CORS).
    pub origins: TrustedOrigins,
}

impl Defences {
    pub fn new(config: &Config, management: Option<SocketAddr>) -> Self {
        let proxies = config.trusted_proxies.clone();
        let limit = usize::try_from(config.max_connections_per_client).unwrap_or(usize::MAX);
        Self {
            connections: Arc::new(ConnectionCap::new(limit, proxies.clone())),
            proxies,
            body_timeout: Duration::from_millis(config.body_timeout_ms),
            management,
            metrics_token: config
                .metrics_token
                .as_ref()
                .map(|token| roster_core::secret::hash(&String::from_utf8_lossy(&token.0))),
            hsts: config.https(),
            origins: config.trusted_origins.clone().or_public(&config.public_url),
        }
    }
}

/// Middleware, inside the problem+json one (which renders its refusals): the management
/// address's routes, the body's deadline, and the answer's headers.
pub async fn guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let defences = &state.defences;
    if let Some(preflight) = origin::preflight(&defences.origins, req.request()) {
        let mut res = req.into_response(preflight);
        headers::add(&mut res, defences.hsts);
        return Ok(res);
    }
    let admitted = management::admit(defences, req.request())
        .and_then(|()| origin::check(&defences.origins, req.request()));
    let mut res = match admitted {
        Err(refusal) => req.error_response(refusal),
        Ok(()) => {
            let idle = req.method() == actix_web::http::Method::POST
                && [
                    crate::routes::app::user_imports::IMPORT_PATH,
                    crate::routes::external::imports::IMPORT_PATH,
                ]
                .contains(&req.path());
            let deadline = body_deadline::arm(&mut req, defences.body_timeout, idle);
            let res = next.call(req).await?.map_into_boxed_body();
            deadline.answer(res)
        }
    };
    headers::add(&mut res, defences.hsts);
    origin::add_cors(&defences.origins, &mut res);
    Ok(res)
}
