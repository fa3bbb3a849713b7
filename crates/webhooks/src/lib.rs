//! `roster-webhooks`: an org's webhook endpoints and the deliveries of its events to them,
//! signed as Standard Webhooks specifies, sent at least once by every gateway's deliverer.
//! Events and their deliveries are written by `roster_core::events::emit`.
//!
//! Use it to manage an org's endpoints and see their deliveries from Rust, without the
//! gateway. Services are plain async functions over `&mut AsyncPgConnection` returning
//! `DomainResult`. Start with [`endpoints::create`] (with the sealing key of
//! [`endpoints::sealing_key`]) and [`endpoints::list`], then [`deliveries::list`]; every
//! write of the org (a user created, say) then adds a pending delivery to each endpoint
//! that subscribes to its event, which the [`deliverer`] sends. Run
//! `roster_core::migrations::run_pending` on the database first. The example
//! `cargo run -p roster-webhooks --example endpoint` does all of it, sending nothing.
//!
//! ```no_run
//! use diesel_async::{AsyncConnection, AsyncPgConnection};
//! use roster_core::feed::FeedRequest;
//! use roster_webhooks::endpoints;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let mut conn = AsyncPgConnection::establish("postgres://localhost/roster").await?;
//! let page = FeedRequest::parse(Some(20), None)?;
//! for endpoint in endpoints::list(&mut conn, "org_0123456789abcdef", &page).await?.data {
//!     println!("{} {} (enabled: {})", endpoint.id, endpoint.url, endpoint.enabled);
//! }
//! # Ok(())
//! # }
//! ```

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
