//! The deliverer every gateway runs: `workers` batches at a time, each claimed on a
//! connection of its own with `FOR UPDATE SKIP LOCKED` and held until its outcomes are
//! recorded, so that no two deliverers send a delivery at once and a deliverer that dies
//! gives its claims back at once (its transaction ends with its connection). A
//! notification after each commit that added deliveries wakes it; it sleeps until the
//! next delivery falls due, and polls every few seconds besides.

mod claim;
mod health;
mod send;

use std::sync::Arc;
use std::time::Duration;

use diesel_async::AsyncConnection;
use roster_core::db::Pool;
use roster_core::events::DELIVERIES_CHANNEL;
use roster_core::sealed::SealingKey;
use roster_core::DomainError;
use tokio::sync::Notify;

pub use health::FAILING_DISABLES_AFTER;
pub use send::Outcome;

use crate::config::DeliveryConfig;
use crate::target::PublicResolver;

/// Deliveries claimed by one batch.
const BATCH: usize = 50;
/// The longest sleep between two looks for due deliveries.
const POLL: Duration = Duration::from_secs(5);
/// The pause after the database failed a claim.
const AFTER_ERROR: Duration = Duration::from_secs(1);

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

    /// Delivers until aborted (nothing with `workers` 0).
    pub async fn run(self) {
        if self.config.workers == 0 {
            return;
        }
        let wakes: Arc<Vec<Notify>> =
            Arc::new((0..self.config.workers).map(|_| Notify::new()).collect());
        let listen = roster_core::notifications::listen(
            self.database_url.clone(),
            DELIVERIES_CHANNEL,
            Wakes(wakes.clone()),
        );
        let workers = futures_util::future::join_all(wakes.iter().map(|wake| self.work(wake)));
        futures_util::future::join(listen, workers).await;
    }

    /// One worker: batches while there are due deliveries, then sleeps until the next is
    /// due, a notification, or the poll.
    async fn work(&self, wake: &Notify) {
        loop {
            match self.batch().await {
                Ok(n) if n == BATCH => continue,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "webhook deliveries could not be claimed");
                    tokio::time::sleep(AFTER_ERROR).await;
                }
            }
            let wait = match self.next_due().await {
                Ok(Some(at)) => {
                    let left = at - roster_core::time::now();
                    Duration::try_from(left).unwrap_or(Duration::ZERO).min(POLL)
                }
                Ok(None) => POLL,
                Err(_) => AFTER_ERROR,
            };
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// Claims a batch, sends it, and records what came of it, in one transaction.
    async fn batch(&self) -> Result<usize, DomainError> {
        let mut conn = roster_core::db::conn(&self.pool).await?;
        conn.transaction::<_, DomainError, _>(async |conn| {
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
        })
        .await
    }

    async fn next_due(&self) -> Result<Option<roster_core::time::Timestamp>, DomainError> {
        let mut conn = roster_core::db::conn(&self.pool).await?;
        claim::next_due(&mut conn).await
    }
}

/// Wakes every worker on a notification, and when the connection is back (it may have
/// missed some).
struct Wakes(Arc<Vec<Notify>>);

impl Wakes {
    fn all(&self) {
        for wake in self.0.iter() {
            wake.notify_one();
        }
    }
}

impl roster_core::notifications::Listener for Wakes {
    fn alive(&self) -> bool {
        true
    }

    fn up(&self) {
        self.all();
    }

    fn heard(&self, _payload: &str) {
        self.all();
    }

    fn down(&self, error: Option<&tokio_postgres::Error>, first: bool) {
        if let (Some(e), true) = (error, first) {
            tracing::warn!(error = %e, "webhook notifications unavailable; polling every {} s", POLL.as_secs());
        }
    }
}
