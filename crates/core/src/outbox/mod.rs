//! The outbox worker every table Roster sends from shares (webhook deliveries, mail):
//! `workers` loops, each claiming a batch of due rows in a transaction of its own
//! connection (`FOR UPDATE SKIP LOCKED`, in the table's [`Outbox::batch`]) and holding it
//! until the outcomes are recorded, so that no two senders send a row at once and one that
//! dies gives its claims back at once (its transaction ends with its connection). A commit
//! that queued rows wakes them ([`Announcer`]: at once in its own process, by a coalesced
//! NOTIFY in the others); between wake-ups each sleeps until the next row falls due, and
//! looks every [`POLL`] besides.

mod announce;

pub use announce::{queued, Announcer};

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use diesel::{OptionalExtension, QueryableByName};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use tokio::sync::Notify;

use crate::db::prepared_once;
use crate::db::Pool;
use crate::time::Timestamp;
use crate::DomainError;

/// The longest sleep between two looks for due rows.
pub const POLL: Duration = Duration::from_secs(5);
/// The pause after the database failed a claim.
const AFTER_ERROR: Duration = Duration::from_secs(1);

/// A table of rows to send: how to claim, send and record one batch, and when the next
/// row falls due.
pub trait Outbox: Sync {
    /// What the logs call its rows ("webhook deliveries", "mail").
    const ROWS: &'static str;
    /// The most rows one batch claims: a full batch is followed by another at once.
    const BATCH: usize;
    /// The channel a commit that queued rows notifies.
    const CHANNEL: &'static str;
    /// Its table: a row is to send while its `state` is `'pending'`, from its
    /// `next_attempt_at` on.
    const TABLE: &'static str;

    /// In the batch's transaction: claims up to [`Self::BATCH`] due rows, sends them and
    /// records what came of each; returns how many it claimed.
    fn batch(
        &self,
        conn: &mut AsyncPgConnection,
    ) -> impl Future<Output = Result<usize, DomainError>> + Send;
}

/// Sends `outbox`'s rows with `workers` loops on `pool` (one connection each), woken by
/// `announcer` and by other processes' notifications on its channel, until its task is
/// aborted; nothing with `workers` 0.
pub async fn run<O: Outbox>(
    outbox: &O,
    pool: &Pool,
    database_url: &str,
    workers: usize,
    announcer: &Announcer,
) {
    if workers == 0 {
        return;
    }
    // One wake-up for all loops: it rouses one idle loop (or the next to finish), and a
    // loop that claimed a full batch rouses another, so that as many loops work as the
    // rows need, and a trickle of rows does not send every loop to claim the same few.
    let wake = Arc::new(Notify::new());
    announcer.serve(O::CHANNEL, wake.clone());
    let listen = crate::notifications::listen(
        database_url.to_owned(),
        O::CHANNEL,
        Wakes {
            wake: wake.clone(),
            rows: O::ROWS,
            origin: announcer.origin().to_owned(),
        },
    );
    let loops = futures_util::future::join_all((0..workers).map(|_| work(outbox, pool, &wake)));
    futures_util::future::join(listen, loops).await;
}

/// One loop: batches while rows are due, then sleeps until the next is due, a wake-up,
/// or the poll.
async fn work<O: Outbox>(outbox: &O, pool: &Pool, wake: &Notify) {
    loop {
        match batch(outbox, pool).await {
            Ok(n) if n == O::BATCH => {
                wake.notify_one();
                continue;
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "{} could not be claimed", O::ROWS);
                tokio::time::sleep(AFTER_ERROR).await;
            }
        }
        let wait = match next_due(outbox, pool).await {
            Ok(Some(at)) => until(at),
            Ok(None) => POLL,
            Err(_) => AFTER_ERROR,
        };
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// How long to sleep for a row due `at`: not past it, and no longer than [`POLL`].
fn until(at: Timestamp) -> Duration {
    let left = at - crate::time::now();
    Duration::try_from(left).unwrap_or(Duration::ZERO).min(POLL)
}

/// One batch in one transaction of its own connection.
async fn batch<O: Outbox>(outbox: &O, pool: &Pool) -> Result<usize, DomainError> {
    let mut conn = crate::db::conn(pool).await?;
    conn.transaction::<_, DomainError, _>(async |conn| outbox.batch(conn).await)
        .await
}

/// When the soonest pending row not yet due falls due, if any. What is due already was
/// claimed by the batch just ended or is held by another loop (which records it); rows
/// queued since wake the loops when their writes commit. Read without a lock: locking a
/// row takes a transaction id, and so a commit and its WAL flush, at every sleep.
async fn next_due<O: Outbox>(_: &O, pool: &Pool) -> Result<Option<Timestamp>, DomainError> {
    #[derive(QueryableByName)]
    struct Due {
        #[diesel(sql_type = diesel::sql_types::Timestamptz)]
        next_attempt_at: Timestamp,
    }
    let mut conn = crate::db::conn(pool).await?;
    let due: Option<Due> = prepared_once(diesel::sql_query(format!(
        "SELECT next_attempt_at FROM {} WHERE state = 'pending' AND next_attempt_at > now() \
         ORDER BY next_attempt_at LIMIT 1",
        O::TABLE
    )))
    .get_result(&mut conn)
    .await
    .optional()?;
    Ok(due.map(|d| d.next_attempt_at))
}

/// Wakes a loop on a notification (but this process's own, announced here already), and
/// when the connection is back (it may have missed some).
struct Wakes {
    wake: Arc<Notify>,
    rows: &'static str,
    origin: String,
}

impl crate::notifications::Listener for Wakes {
    fn alive(&self) -> bool {
        true
    }

    fn up(&self) {
        self.wake.notify_one();
    }

    fn heard(&self, payload: &str) {
        if payload != self.origin {
            self.wake.notify_one();
        }
    }

    fn down(&self, error: Option<&tokio_postgres::Error>, first: bool) {
        if let (Some(e), true) = (error, first) {
            let rows = self.rows;
            tracing::warn!(error = %e, "{rows} notifications unavailable; polling every {} s", POLL.as_secs());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sleep_ends_when_the_next_row_is_due_and_never_past_the_poll() {
        let now = crate::time::now();
        let soon = until(now + time::Duration::milliseconds(1500));
        assert!(soon <= Duration::from_millis(1500) && soon > Duration::from_millis(1000));
        assert_eq!(until(now - time::Duration::seconds(3)), Duration::ZERO);
        assert_eq!(until(now + time::Duration::hours(1)), POLL);
    }
}
