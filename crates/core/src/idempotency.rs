//! Idempotency keys (the IETF httpapi `Idempotency-Key` draft), without HTTP: a create
//! sent again with the same key, by the same credential in the same tenant, gets the first
//! answer back instead of creating twice.
//!
//! A key is claimed before the create runs ([`claim`]), then either given its answer
//! ([`finish`]), sealed because the answers of token and key creates carry the secret, or
//! released ([`release`]) when the create failed, so that a retry runs it afresh. Keys older
//! than the window are ignored, and deleted in small batches by [`run`].

use std::time::Duration;

use diesel::sql_types::{BigInt, Bytea, Nullable, Text};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::Pool;
use crate::error::DomainResult;
use crate::expiry::Expiring;
use crate::sealed::{self, SealingKey};
use crate::time::Timestamp;
use crate::DomainError;

/// The window of the draft's suggestion: a key is remembered for a day.
pub const DEFAULT_HOURS: u32 = 24;
/// Keys deleted by one statement of the expiry task.
pub const BATCH: i64 = 1_000;
/// How often a gateway looks for expired keys.
const EVERY: Duration = Duration::from_secs(600);
/// The longest key taken (the draft sets none; Stripe's is 255).
pub const MAX_KEY_LEN: usize = 255;

/// The purpose the answers' sealing key is derived for.
pub fn sealing_key(master: &[u8]) -> SealingKey {
    SealingKey::derive(master, "idempotency-answer")
}

/// How long a key whose request has not answered holds it: past this, that request is
/// taken for lost (its client gone, its process stopped) and the key may be claimed again.
pub const IN_FLIGHT_LEASE: Duration = Duration::from_secs(60);

/// Whether `key` is a key this module takes: 1 to 255 printable ASCII characters, not
/// starting or ending with a space (HTTP trims those off a header).
pub fn valid_key(key: &str) -> bool {
    (1..=MAX_KEY_LEN).contains(&key.len())
        && key.bytes().all(|b| (0x20..=0x7e).contains(&b))
        && !key.starts_with(' ')
        && !key.ends_with(' ')
}

/// Where a key belongs: the tenant (an org or a workspace), the credential that sent it
/// (its SHA-256, never the credential itself) and the key.
#[derive(Debug, Clone)]
pub struct Scope {
    pub tenant: String,
    pub credential: Vec<u8>,
    pub key: String,
}

impl Scope {
    /// What the sealed answer is bound to, so that it opens on this row only.
    fn bound_to(&self) -> String {
        format!(
            "{}/{}/{}",
            self.tenant,
            hex::encode(&self.credential),
            self.key
        )
    }
}

/// What identifies a request: SHA-256 over its method, path (with the query) and body.
pub fn fingerprint(method: &str, path_and_query: &str, body: &[u8]) -> Vec<u8> {
    let mut hash = Sha256::new();
    for part in [method.as_bytes(), path_and_query.as_bytes()] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.update(body);
    hash.finalize().to_vec()
}

/// The first answer, as replayed: its status, the headers that matter, its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// What a claim found.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key is this request's now: run the create, then [`finish`] or [`release`].
    Claimed,
    /// The key's first request, with the same fingerprint, answered this.
    Replay(Answer),
    /// The key's first request, with the same fingerprint, is still running.
    InFlight,
    /// The key was used for a request with another fingerprint.
    Mismatch,
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = Bytea)]
    fingerprint: Vec<u8>,
    #[diesel(sql_type = Nullable<Bytea>)]
    answer: Option<Vec<u8>>,
}

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = BigInt)]
    #[allow(dead_code)]
    one: i64,
}

/// The window in microseconds, as the claim's SQL takes it.
fn micros(window: Duration) -> i64 {
    i64::try_from(window.as_micros()).unwrap_or(i64::MAX)
}

/// A condition that is always true and commits the statement's transaction without
/// waiting for its WAL to reach the disk (`synchronous_commit` off for that transaction
/// alone), for the writes whose loss in a crash costs nothing (docs/performance.md):
/// - A claim: the create it precedes commits after it, and flushing that commit flushes
///   every WAL record before it, the claim's included. A claim lost in a crash before then
///   guarded nothing, since no create ran.
/// - A release: a key it would have freed is taken over once its in-flight lease ends.
///
/// The stored answer is flushed before the client sees it: lost, a retry would run the
/// create again once the lease ended.
const UNFLUSHED: &str = "set_config('synchronous_commit', 'off', true) IS NOT NULL";

/// Claims `scope`'s key for a request of `fingerprint`, or says what holds it. A key older
/// than `window`, or unanswered past [`IN_FLIGHT_LEASE`], counts as unused: it is taken over.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    scope: &Scope,
    fingerprint: &[u8],
    window: Duration,
    key: &SealingKey,
) -> DomainResult<Claim> {
    // A row released between the INSERT and the SELECT is claimed by the next turn.
    for _ in 0..3 {
        let claimed = diesel::sql_query(format!(
            "INSERT INTO idempotency_keys AS k (tenant, credential, key, fingerprint) \
             SELECT $1, $2, $3, $4 WHERE {UNFLUSHED} \
             ON CONFLICT (tenant, credential, key) DO UPDATE \
             SET fingerprint = EXCLUDED.fingerprint, answer = NULL, created_at = now() \
             WHERE k.created_at < now() - $5 * interval '1 microsecond' \
                OR (k.answer IS NULL AND k.created_at < now() - $6 * interval '1 microsecond') \
             RETURNING 1::int8 AS one"
        ))
        .bind::<Text, _>(&scope.tenant)
        .bind::<Bytea, _>(&scope.credential)
        .bind::<Text, _>(&scope.key)
        .bind::<Bytea, _>(fingerprint)
        .bind::<BigInt, _>(micros(window))
        .bind::<BigInt, _>(micros(IN_FLIGHT_LEASE))
        .get_results::<Claimed>(conn)
        .await?;
        if !claimed.is_empty() {
            return Ok(Claim::Claimed);
        }
        let found = diesel::sql_query(
            "SELECT fingerprint, answer FROM idempotency_keys \
             WHERE tenant = $1 AND credential = $2 AND key = $3",
        )
        .bind::<Text, _>(&scope.tenant)
        .bind::<Bytea, _>(&scope.credential)
        .bind::<Text, _>(&scope.key)
        .get_results::<Found>(conn)
        .await?;
        let Some(found) = found.into_iter().next() else {
            continue;
        };
        if found.fingerprint != fingerprint {
            return Ok(Claim::Mismatch);
        }
        return Ok(match found.answer {
            None => Claim::InFlight,
            Some(sealed) => Claim::Replay(open(key, scope, &sealed)?),
        });
    }
    Ok(Claim::InFlight)
}

/// An answer sealed for its key's row: what [`finish`] stores, or what a create stores in
/// its own statement (`roster_identity::users::create_many_by_email`).
#[derive(Debug, Clone)]
pub struct SealedAnswer {
    pub scope: Scope,
    pub sealed: Vec<u8>,
}

/// Seals `answer` for `scope`'s row.
pub fn seal(scope: Scope, answer: &Answer, key: &SealingKey) -> DomainResult<SealedAnswer> {
    let json = serde_json::to_string(answer)
        .map_err(|e| DomainError::internal_msg(format!("an answer to store: {e}")))?;
    let sealed = sealed::seal(key, &scope.bound_to(), &json)?;
    Ok(SealedAnswer { scope, sealed })
}

/// Stores the answer of the request that claimed `scope`'s key.
pub async fn finish(
    conn: &mut AsyncPgConnection,
    scope: &Scope,
    answer: &Answer,
    key: &SealingKey,
) -> DomainResult<()> {
    let SealedAnswer { scope, sealed } = seal(scope.clone(), answer, key)?;
    diesel::sql_query(
        "UPDATE idempotency_keys SET answer = $4 \
         WHERE tenant = $1 AND credential = $2 AND key = $3",
    )
    .bind::<Text, _>(&scope.tenant)
    .bind::<Bytea, _>(&scope.credential)
    .bind::<Text, _>(&scope.key)
    .bind::<Bytea, _>(sealed)
    .execute(conn)
    .await?;
    Ok(())
}

/// Gives back a key whose request failed, so that a retry runs it afresh.
pub async fn release(conn: &mut AsyncPgConnection, scope: &Scope) -> DomainResult<()> {
    diesel::sql_query(format!(
        "DELETE FROM idempotency_keys \
         WHERE tenant = $1 AND credential = $2 AND key = $3 AND answer IS NULL AND {UNFLUSHED}"
    ))
    .bind::<Text, _>(&scope.tenant)
    .bind::<Bytea, _>(&scope.credential)
    .bind::<Text, _>(&scope.key)
    .execute(conn)
    .await?;
    Ok(())
}

fn open(key: &SealingKey, scope: &Scope, sealed: &[u8]) -> DomainResult<Answer> {
    let json = sealed::open(key, &scope.bound_to(), sealed)?;
    serde_json::from_str(&json)
        .map_err(|e| DomainError::internal_msg(format!("a stored answer does not read: {e}")))
}

/// Idempotency keys, by the time they were first claimed.
const KEYS: Expiring = Expiring {
    table: "idempotency_keys",
    column: "created_at",
    rows: "idempotency keys",
};

/// Deletes up to `limit` keys created before `before`; returns how many.
pub async fn delete_batch(
    conn: &mut AsyncPgConnection,
    before: Timestamp,
    limit: i64,
) -> DomainResult<usize> {
    KEYS.delete_batch(conn, before, limit).await
}

/// Deletes every key created before `before`, `limit` at a time; returns how many.
pub async fn delete_expired(pool: &Pool, before: Timestamp, limit: i64) -> DomainResult<usize> {
    KEYS.delete_expired(pool, before, limit).await
}

/// Every ten minutes, from now on, deletes the keys older than `hours` hours (until the
/// task is aborted).
pub async fn run(pool: Pool, hours: u32) {
    let keep = time::Duration::hours(i64::from(hours));
    KEYS.run(pool, EVERY, keep, BATCH).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_one_to_255_printable_ascii_characters() {
        assert!(valid_key("a"));
        assert!(valid_key("8e03978e-40d5-43e8-bc93-6894a57f9324"));
        assert!(valid_key(&"k".repeat(255)));
        assert!(!valid_key(""));
        assert!(!valid_key(&"k".repeat(256)));
        assert!(!valid_key("tab\there"));
        assert!(!valid_key("clé"));
        assert!(!valid_key(" a"));
        assert!(!valid_key("a "));
        assert!(valid_key("a b"));
    }

    #[test]
    fn fingerprints_tell_method_path_and_body_apart() {
        let base = fingerprint("POST", "/a", b"{}");
        assert_eq!(base, fingerprint("POST", "/a", b"{}"));
        assert_ne!(base, fingerprint("PUT", "/a", b"{}"));
        assert_ne!(base, fingerprint("POST", "/b", b"{}"));
        assert_ne!(base, fingerprint("POST", "/a", b"{ }"));
        assert_ne!(
            fingerprint("POST", "/a", b"b"),
            fingerprint("POST", "/ab", b"")
        );
    }
}
