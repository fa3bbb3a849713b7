//! The management address (`ROSTER_METRICS_BIND`): a second listener of the same process
//! that serves `/metrics` and the health checks to whoever reaches it, and nothing else.
//! On the public address `/metrics` needs `Authorization: Bearer <ROSTER_METRICS_TOKEN>`,
//! and is not there at all without one.

use actix_web::HttpRequest;
use roster_core::DomainError;
use subtle::ConstantTimeEq;

use super::Defences;
use crate::error::ApiError;

/// What the management address serves.
const MANAGEMENT_PATHS: [&str; 3] = ["/metrics", "/healthz", "/readyz"];

fn on_management(defences: &Defences, req: &HttpRequest) -> bool {
    defences.management == Some(req.app_config().local_addr())
}

/// A 404 for anything but the management paths on the management address.
pub fn admit(defences: &Defences, req: &HttpRequest) -> Result<(), ApiError> {
    if on_management(defences, req) && !MANAGEMENT_PATHS.contains(&req.path()) {
        return Err(ApiError::not_found("route"));
    }
    Ok(())
}

/// Whether `req` may read `/metrics`: always on the management address; on the public one
/// with the metrics token (compared in constant time), a 401 without it, and a 404 when no
/// token is configured.
pub fn may_read_metrics(defences: &Defences, req: &HttpRequest) -> Result<(), ApiError> {
    if on_management(defences, req) {
        return Ok(());
    }
    let Some(expected) = &defences.metrics_token else {
        return Err(ApiError::not_found("route"));
    };
    let given = crate::auth::bearer(req).map(|token| roster_core::secret::hash(&token));
    match given {
        Some(given) if bool::from(given.ct_eq(expected)) => Ok(()),
        _ => Err(ApiError(DomainError::unauthorized(
            "/metrics on this address needs Authorization: Bearer <ROSTER_METRICS_TOKEN>",
        ))),
    }
}
