//! `roster-webhooks`: an org's webhook endpoints and the deliveries of its events to them,
//! signed as Standard Webhooks specifies, sent at least once by every gateway's deliverer.
//! Events and their deliveries are written by `roster_core::events::emit`.

pub mod config;
pub mod deliverer;
pub mod deliveries;
pub mod endpoints;
pub mod requests;
pub mod schema;
pub mod signing;
pub mod target;

roster_core::prefixed_id!(
    /// A webhook endpoint's id, `whep_…`.
    EndpointId,
    "whep"
);

roster_core::prefixed_id!(
    /// A delivery's id, `whdl_…`.
    DeliveryId,
    "whdl"
);
