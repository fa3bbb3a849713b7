//! Operations: liveness and readiness (`/metrics` is served beside the documented API).

use actix_web::{web, HttpResponse};
use diesel_async::RunQueryDsl;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::state::AppState;

pub fn register(t: &mut super::Table) {
    t.add(__path_healthz, healthz).add(__path_readyz, readyz);
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// The process answers.
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// The database answers (503 with `Retry-After` otherwise).
#[utoipa::path(get, path = "/readyz", tag = "ops", responses((status = 200, body = Health)))]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    diesel::sql_query("SELECT 1")
        .execute(&mut conn)
        .await
        .map_err(roster_core::DomainError::from)?;
    Ok(HttpResponse::Ok().json(Health { status: "ready" }))
}
