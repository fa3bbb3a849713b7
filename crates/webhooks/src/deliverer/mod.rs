//! The deliverer every gateway runs: `workers` batches at a time, each claimed on a
//! connection of its own with `FOR UPDATE SKIP LOCKED` and held until its outcomes are
//! recorded, so that no two deliverers send a delivery at once and a deliverer that dies
//! gives its claims back at once (its transaction ends with its connection). A
//! notification after each commit that added deliveries wakes it; it sleeps until the
//! next delivery falls due, and polls every few seconds besides. The loop is
//! `roster_core::outbox`'s, which the mail sender shares; this is what is the deliveries'
//! own: their claim, their concurrent sends, their outcomes and the endpoints' health.

mod claim;
mod health;
mod send;

use std::sync::Arc;

use diesel_async::AsyncPgConnection;
use roster_core::db::Pool;
use roster_core::events::DELIVERIES_CHANNEL;
use roster_core::outbox::{Announcer, Outbox};
use roster_core::sealed::SealingKey;
use roster_core::DomainError;

pub use health::FAILING_DISABLES_AFTER;
pub use send::Outcome;

use crate::config::DeliveryConfig;
use crate::target::PublicResolver;

/// Deliveries claimed by one batch.
const BATCH: usize = 50;

/// Sends due deliveries until its task is aborted.
pub struct Deliverer {
    pool: Pool,
    client: reqwest::Client,
    config: DeliveryConfig,
    key: SealingKey,
    database_url: String,
}

impl Deliverer {
    pub fn new(
        database_url: &str,
        config: DeliveryConfig,
        key: SealingKey,
    ) -> Result<Self, DomainError> {
        let pool = roster_core::db::pool(database_url, config.workers.max(1))
            .map_err(DomainError::internal)?;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(PublicResolver {
                allow_private: config.allow_private,
            }))
            .user_agent(concat!("Roster-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(DomainError::internal)?;
        Ok(Self {
            pool,
            client,
            config,
            key,
            database_url: database_url.to_owned(),
        })
    }

    /// Delivers until aborted (nothing with `workers` 0), on the outbox worker every
    /// outbox shares ([`roster_core::outbox`]), woken by `announcer` in this process.
    pub async fn run(self, announcer: Announcer) {
        let workers = self.config.workers;
        roster_core::outbox::run(&self, &self.pool, &self.database_url, workers, &announcer).await;
    }
}

impl Outbox for Deliverer {
    const ROWS: &'static str = "webhook deliveries";
    const BATCH: usize = BATCH;
    const CHANNEL: &'static str = DELIVERIES_CHANNEL;
    const TABLE: &'static str = "webhook_deliveries";

    /// Claims a batch, sends it (all at once), and records what came of it.
    async fn batch(&self, conn: &mut AsyncPgConnection) -> Result<usize, DomainError> {
        let claimed = claim::claim(conn, BATCH as i64).await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let outcomes = futures_util::future::join_all(
            claimed
                .iter()
                .map(|c| send::attempt(&self.client, &self.config, &self.key, c)),
        )
        .await;
        claim::record(conn, &claimed, &outcomes, &self.config.schedule).await?;
        health::update(conn, &claimed, &outcomes).await?;
        Ok(claimed.len())
    }
}
