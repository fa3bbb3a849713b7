//! The table: one row per operation of `/openapi.json`, each sending tenant A's
//! credentials against tenant B's ids. The rows run in this order, family by family.

use super::probes::{artifact, by_id, cross_flow, Ctx, ORIGIN, SESSION_COOKIE};
use super::{status, Expect, Probe};

mod app;
mod events;
mod external;
mod projects;
mod scim;
mod slack;

pub type Probes = fn(&Ctx<'_>) -> Vec<Probe>;

/// (method, path, the probes of that operation).
type Row = (&'static str, &'static str, Probes);

/// One row per operation of the OpenAPI document.
pub fn routes() -> Vec<Row> {
    [
        app::rows(),
        projects::rows(),
        events::rows(),
        external::rows(),
        slack::rows(),
        scim::rows(),
    ]
    .concat()
}
