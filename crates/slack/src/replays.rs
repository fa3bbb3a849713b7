//! Signed Slack requests already received. A signature is kept until its timestamp leaves
//! the window that `signature::verify` allows, so that a request replayed within it is
//! refused, by whichever replica it reaches: the table's key decides, not a check first.

use diesel::sql_types::{Bytea, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::DomainError;
use sha2::{Digest, Sha256};

use crate::signature::{SignedRequest, MAX_SKEW_SECS};

/// Records the first receipt of a signed request; a replay is a 401, as a bad signature
/// is. Expired receipts are deleted a batch at a time in the same statement (a minute
/// late, for the clocks of the gateway and the database to disagree a little).
pub async fn record_first_receipt(
    conn: &mut AsyncPgConnection,
    request: &SignedRequest,
) -> DomainResult<()> {
    let expires_at = time::OffsetDateTime::from_unix_timestamp(
        request.sent_at_unix.saturating_add(MAX_SKEW_SECS),
    )
    .map_err(|_| DomainError::unauthorized("the Slack request timestamp is invalid"))?;
    let inserted = diesel::sql_query(
        "WITH pruned AS ( \
           DELETE FROM slack_request_signatures WHERE signature_hash IN ( \
             SELECT signature_hash FROM slack_request_signatures \
              WHERE expires_at < now() - interval '1 minute' \
              LIMIT 100 FOR UPDATE SKIP LOCKED)) \
         INSERT INTO slack_request_signatures (signature_hash, expires_at) VALUES ($1, $2) \
         ON CONFLICT (signature_hash) DO NOTHING",
    )
    .bind::<Bytea, _>(Sha256::digest(request.mac).to_vec())
    .bind::<Timestamptz, _>(expires_at)
    .execute(conn)
    .await?;
    if inserted == 0 {
        return Err(DomainError::unauthorized(
            "this signed Slack request was received before; it may be a replay",
        ));
    }
    Ok(())
}
