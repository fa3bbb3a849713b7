//! Waking the outbox workers after a commit that queued rows, without a NOTIFY in the
//! writing transaction: PostgreSQL holds one cluster-wide lock from the pre-commit of a
//! transaction that notified until its commit is flushed, so notifying writes commit one
//! at a time, one WAL flush each (creates fell to ~2,000/s, every create queuing mail).
//!
//! A write queues its rows and calls [`queued`]. Inside [`Announcer::scope`] (every request
//! of the gateway, every gathered batch of creates) that only notes the channel; when the
//! scope ends, its transactions committed, the announcer wakes this process's workers at
//! once and tells the other processes with a NOTIFY of its own, in a transaction of its
//! own, one at a time, each carrying every channel noted meanwhile. Outside a scope (a
//! command, a background task) [`queued`] notifies in the caller's transaction, as before.
//! A wake-up is a hint, never the data: the rows are committed, and workers look every
//! [`super::POLL`] besides.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, Mutex};

use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use tokio::sync::Notify;

use crate::db::{prepared_once, Pool};
use crate::error::DomainResult;

tokio::task_local! {
    /// The channels the scope's writes queued rows for.
    static NOTED: Arc<Channels>;
}

/// A set of channels, shared between threads.
#[derive(Default)]
struct Channels(Mutex<BTreeSet<&'static str>>);

impl Channels {
    fn add(&self, channel: &'static str) {
        self.lock().insert(channel);
    }

    fn take(&self) -> BTreeSet<&'static str> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeSet<&'static str>> {
        // Only inserts and takes run under the lock: a poisoned set is still a valid set.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// In the transaction that queued rows for `channel`'s workers: noted for the scope's
/// announcer if there is one, else a NOTIFY in this transaction (sent at its commit).
pub async fn queued(conn: &mut AsyncPgConnection, channel: &'static str) -> DomainResult<()> {
    if NOTED.try_with(|noted| noted.add(channel)).is_ok() {
        return Ok(());
    }
    prepared_once(diesel::sql_query("SELECT pg_notify($1, '')").bind::<Text, _>(channel))
        .execute(conn)
        .await?;
    Ok(())
}

/// One process's announcements: its workers by channel, and what other processes are yet
/// to be told.
#[derive(Clone)]
pub struct Announcer(Arc<Inner>);

struct Inner {
    /// The payload of this process's NOTIFYs, so that its own listeners pass over them.
    origin: String,
    workers: Mutex<Vec<(&'static str, Arc<Notify>)>>,
    untold: Channels,
    tell: Notify,
}

impl Default for Announcer {
    fn default() -> Self {
        Self(Arc::new(Inner {
            origin: crate::id::generate("gw"),
            workers: Mutex::default(),
            untold: Channels::default(),
            tell: Notify::new(),
        }))
    }
}

impl Announcer {
    /// The payload of this process's notifications.
    pub fn origin(&self) -> &str {
        &self.0.origin
    }

    /// `wake` (the worker loops') is given whenever `channel` is announced here.
    pub(super) fn serve(&self, channel: &'static str, wake: Arc<Notify>) {
        self.workers().push((channel, wake));
    }

    /// Rows were committed for `channels`: wakes this process's workers now, and has the
    /// others told.
    pub fn announce(&self, channels: &BTreeSet<&'static str>) {
        if channels.is_empty() {
            return;
        }
        for (channel, wake) in self.workers().iter() {
            if channels.contains(channel) {
                wake.notify_one();
            }
        }
        channels.iter().for_each(|c| self.0.untold.add(c));
        self.0.tell.notify_one();
    }

    /// Runs `work` noting the channels its writes queue rows for ([`queued`]), and
    /// announces them when it ends, also when it is dropped unfinished (a write may have
    /// committed before).
    pub async fn scope<F: Future>(&self, work: F) -> F::Output {
        let noted = Arc::new(Channels::default());
        let _announce = AnnounceAtEnd {
            announcer: self,
            noted: noted.clone(),
        };
        NOTED.scope(noted, work).await
    }

    /// Tells the other processes, one NOTIFY transaction at a time, until aborted. Each
    /// commits without waiting for its flush: it changes no data, and what it says is
    /// already durable.
    pub async fn run(self, pool: Pool) {
        loop {
            self.0.tell.notified().await;
            let channels = self.0.untold.take();
            if channels.is_empty() {
                continue;
            }
            let notify: String = channels
                .iter()
                .map(|c| format!("SELECT pg_notify('{c}', '{}');", self.0.origin))
                .collect();
            let sql = format!("BEGIN; SET LOCAL synchronous_commit = off; {notify} COMMIT;");
            let told = match crate::db::conn(&pool).await {
                Ok(mut conn) => conn.batch_execute(&sql).await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            if let Err(error) = told {
                tracing::warn!(%error, "outbox notifications not sent; the other processes poll");
                tokio::time::sleep(super::AFTER_ERROR).await;
            }
        }
    }

    fn workers(&self) -> std::sync::MutexGuard<'_, Vec<(&'static str, Arc<Notify>)>> {
        // Only pushes and reads run under the lock.
        self.0.workers.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Announces a scope's channels when the scope ends or is dropped.
struct AnnounceAtEnd<'a> {
    announcer: &'a Announcer,
    noted: Arc<Channels>,
}

impl Drop for AnnounceAtEnd<'_> {
    fn drop(&mut self) {
        self.announcer.announce(&self.noted.take());
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const CHANNEL: &str = "roster_test_due";

    #[tokio::test]
    async fn a_scope_wakes_the_workers_of_what_it_noted_when_it_ends_or_is_dropped() {
        let announcer = Announcer::default();
        let wake = Arc::new(Notify::new());
        announcer.serve(CHANNEL, wake.clone());
        let other = Arc::new(Notify::new());
        announcer.serve("roster_other_due", other.clone());
        let woken = |n: &Notify| {
            let n = n.notified();
            tokio::pin!(n);
            // A stored permit completes the first poll.
            futures_util::FutureExt::now_or_never(n).is_some()
        };

        announcer.scope(async {}).await;
        assert!(!woken(&wake), "nothing noted, nobody woken");

        announcer
            .scope(async { NOTED.with(|n| n.add(CHANNEL)) })
            .await;
        assert!(woken(&wake));
        assert!(!woken(&other), "only the noted channel's workers");
        assert_eq!(announcer.0.untold.take(), BTreeSet::from([CHANNEL]));

        // Dropped before it ends (a client gone after the commit): still announced.
        let unfinished = announcer.scope(async {
            NOTED.with(|n| n.add(CHANNEL));
            tokio::time::sleep(Duration::from_secs(3600)).await;
        });
        assert!(tokio::time::timeout(Duration::from_millis(10), unfinished)
            .await
            .is_err());
        assert!(woken(&wake));
    }
}
