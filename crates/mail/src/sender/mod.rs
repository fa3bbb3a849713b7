//! The sender every gateway with mail configured runs: batches of due mail claimed with
//! `FOR UPDATE SKIP LOCKED` on a connection of its own and held until their outcomes are
//! recorded, so that no two senders send a mail at once and a sender that dies gives its
//! claims back at once. A notification after each commit that queued mail wakes it; it
//! sleeps until the next mail falls due, and polls every few seconds besides: the loop is
//! `roster_core::outbox`'s, which the webhook deliverer shares.

mod claim;

use std::time::Duration;

use diesel_async::AsyncPgConnection;
use lettre::message::Mailbox;
use roster_core::db::Pool;
use roster_core::outbox::{Announcer, Outbox};
use roster_core::DomainError;

use crate::links::{self, Purpose};
use crate::outbox::LINK_PLACEHOLDER;
use crate::transport::{SendError, Transport};
use claim::{Claimed, Recorded};

/// Mails claimed by one batch.
const BATCH: usize = 20;
/// The waits after failed attempts; past the last, the mail is given up.
pub const RETRY_SCHEDULE: [Duration; 7] = [
    Duration::from_secs(1),
    Duration::from_secs(10),
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 60 * 60),
    Duration::from_secs(6 * 60 * 60),
];

/// What the sender needs besides the database.
#[derive(Debug, Clone)]
pub struct SenderConfig {
    pub transport: Transport,
    /// The `From` of every mail.
    pub from: Mailbox,
    /// Where clients reach the gateway: the base of the links.
    pub public_url: String,
}

/// Sends due mail until its task is aborted.
pub struct Sender {
    pool: Pool,
    config: SenderConfig,
    database_url: String,
}

impl Sender {
    pub fn new(database_url: &str, config: SenderConfig) -> Result<Self, DomainError> {
        // One connection holds a batch's claims; the other stores its links at once, so
        // that a link works as soon as its mail arrives.
        let pool = roster_core::db::pool(database_url, 2).map_err(DomainError::internal)?;
        Ok(Self {
            pool,
            config,
            database_url: database_url.to_owned(),
        })
    }

    /// Sends until aborted, on the outbox worker every outbox shares
    /// ([`roster_core::outbox`]), with one loop woken by `announcer` in this process.
    pub async fn run(self, announcer: Announcer) {
        roster_core::outbox::run(&self, &self.pool, &self.database_url, 1, &announcer).await;
    }

    /// Sends one mail, with a fresh link when it carries one.
    async fn attempt(&self, mail: &Claimed) -> Result<(), SendError> {
        let mut body = mail.body.clone().unwrap_or_default();
        if let (Some(purpose), Some(account_id)) = (
            mail.link_purpose.as_deref().and_then(Purpose::parse),
            mail.link_account_id.as_deref(),
        ) {
            let token = {
                let mut conn = roster_core::db::conn(&self.pool)
                    .await
                    .map_err(|e| SendError::Transient(e.to_string()))?;
                links::issue(&mut conn, purpose, account_id, &mail.recipient)
                    .await
                    .map_err(|e| SendError::Transient(e.to_string()))?
            };
            let url = link_url(
                &self.config.public_url,
                purpose,
                &token,
                mail.link_callback.as_deref(),
            )
            .map_err(SendError::Permanent)?;
            body = body.replace(LINK_PLACEHOLDER, &url);
        }
        self.config
            .transport
            .send(&self.config.from, &mail.recipient, &mail.subject, body)
            .await
    }
}

impl Outbox for Sender {
    const ROWS: &'static str = "mail";
    const BATCH: usize = BATCH;
    const CHANNEL: &'static str = crate::MAIL_CHANNEL;
    const TABLE: &'static str = "mail_outbox";

    /// Claims a batch, sends it (one mail after another), and records what came of it.
    async fn batch(&self, conn: &mut AsyncPgConnection) -> Result<usize, DomainError> {
        claim::give_up_stale(conn).await?;
        let claimed = claim::claim(conn, BATCH as i64).await?;
        for mail in &claimed {
            let outcome = self.attempt(mail).await;
            claim::record(conn, &mail.id, recorded(mail, &outcome)).await?;
        }
        Ok(claimed.len())
    }
}

fn recorded<'a>(mail: &Claimed, outcome: &'a Result<(), SendError>) -> Recorded<'a> {
    match outcome {
        Ok(()) => Recorded::Sent,
        Err(SendError::Permanent(error)) => Recorded::GivenUp { error },
        Err(SendError::Transient(error)) => {
            let attempt = usize::try_from(mail.attempts).unwrap_or(0);
            match RETRY_SCHEDULE
                .get(attempt)
                .and_then(|wait| time::Duration::try_from(*wait).ok())
            {
                Some(wait) => Recorded::Retry {
                    at: roster_core::time::now() + wait,
                    error,
                },
                None => Recorded::GivenUp { error },
            }
        }
    }
}

/// The URL a link's mail carries: better-auth's `verify-email?token=` and
/// `reset-password/{token}`, each with the caller's `callbackURL`.
pub fn link_url(
    public_url: &str,
    purpose: Purpose,
    token: &str,
    callback: Option<&str>,
) -> Result<String, String> {
    let base = public_url.trim_end_matches('/');
    let path = match purpose {
        Purpose::VerifyEmail => format!("{base}/api/auth/verify-email"),
        Purpose::ResetPassword => format!("{base}/api/auth/reset-password/{token}"),
    };
    let mut url =
        url::Url::parse(&path).map_err(|_| "ROSTER_PUBLIC_URL is not a URL".to_owned())?;
    {
        let mut query = url.query_pairs_mut();
        if purpose == Purpose::VerifyEmail {
            query.append_pair("token", token);
        }
        if let Some(callback) = callback {
            query.append_pair("callbackURL", callback);
        }
    }
    let mut url = url.to_string();
    if url.ends_with('?') {
        url.pop();
    }
    Ok(url)
}
