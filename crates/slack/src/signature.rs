//! Slack request signatures: `X-Slack-Signature` is `v0=` and the hex HMAC-SHA256 of
//! `v0:{X-Slack-Request-Timestamp}:{raw body}` under the app's signing secret.

use hmac::{Hmac, Mac};
use roster_core::DomainError;
use sha2::Sha256;

/// How far a request's timestamp may be from now before it counts as a replay.
pub const MAX_SKEW_SECS: i64 = 5 * 60;

pub const TIMESTAMP_HEADER: &str = "x-slack-request-timestamp";
pub const SIGNATURE_HEADER: &str = "x-slack-signature";

fn mac(secret: &[u8], timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut m = match <Hmac<Sha256> as Mac>::new_from_slice(secret) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    };
    m.update(b"v0:");
    m.update(timestamp.as_bytes());
    m.update(b":");
    m.update(body);
    m
}

/// The signature Slack sends for this request (for tests and tools).
pub fn sign(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    format!(
        "v0={}",
        hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
    )
}

/// A request whose signature checked out: when it was sent, and its MAC as computed here
/// (one value however the header spelled it, so that a replay cannot pass as new).
pub struct SignedRequest {
    pub sent_at_unix: i64,
    pub mac: [u8; 32],
}

impl std::fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedRequest")
            .field("sent_at_unix", &self.sent_at_unix)
            .finish_non_exhaustive()
    }
}

/// Checks a request's timestamp (within [`MAX_SKEW_SECS`] of `now_unix`) and signature
/// (compared in constant time). Every failure is a 401 saying which check failed.
/// Whether it was received before is for [`crate::replays`] to say.
pub fn verify(
    secret: &[u8],
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_unix: i64,
) -> Result<SignedRequest, DomainError> {
    let timestamp = timestamp
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            DomainError::unauthorized("the X-Slack-Request-Timestamp header is missing")
        })?;
    let signature = signature
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| DomainError::unauthorized("the X-Slack-Signature header is missing"))?;
    let sent_at: i64 = timestamp.parse().map_err(|_| {
        DomainError::unauthorized("the X-Slack-Request-Timestamp header is not a Unix time")
    })?;
    if (now_unix - sent_at).abs() > MAX_SKEW_SECS {
        return Err(DomainError::unauthorized(
            "the Slack request timestamp is more than 5 minutes off; it may be a replay",
        ));
    }
    let invalid = || DomainError::unauthorized("the Slack request signature is invalid");
    let digest = signature
        .strip_prefix("v0=")
        .and_then(|h| hex::decode(h).ok())
        .ok_or_else(invalid)?;
    let computed = mac(secret, timestamp, body);
    computed
        .clone()
        .verify_slice(&digest)
        .map_err(|_| invalid())?;
    Ok(SignedRequest {
        sent_at_unix: sent_at,
        mac: computed.finalize().into_bytes().into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // The worked example of Slack's "Verifying requests from Slack" guide.
    const SECRET: &[u8] = b"8f742231b10e8888abcd99yyyzzz85a5";
    const TIMESTAMP: &str = "1531420618";
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const SIGNATURE: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    #[test]
    fn matches_slacks_worked_example() {
        assert_eq!(sign(SECRET, TIMESTAMP, BODY.as_bytes()), SIGNATURE);
        let now = 1_531_420_618 + 60;
        let signed = verify(
            SECRET,
            Some(TIMESTAMP),
            Some(SIGNATURE),
            BODY.as_bytes(),
            now,
        )
        .unwrap();
        assert_eq!(signed.sent_at_unix, 1_531_420_618);
        // Upper-case hex is the same signature, and the same MAC.
        let upper = format!("v0={}", SIGNATURE[3..].to_uppercase());
        let again = verify(SECRET, Some(TIMESTAMP), Some(&upper), BODY.as_bytes(), now).unwrap();
        assert_eq!(again.mac, signed.mac);
        assert_eq!(hex::encode(signed.mac), SIGNATURE[3..]);
    }

    #[test]
    fn rejects_tampering_staleness_and_missing_headers() {
        let now = 1_531_420_618;
        let body = BODY.as_bytes();
        let tampered = format!("{BODY}&x=1");
        for (ts, sig, body, now) in [
            (Some(TIMESTAMP), Some(SIGNATURE), tampered.as_bytes(), now),
            (Some(TIMESTAMP), Some("v0=00"), body, now),
            (Some(TIMESTAMP), Some("a2114d57"), body, now),
            (
                Some(TIMESTAMP),
                Some(SIGNATURE),
                body,
                now + MAX_SKEW_SECS + 1,
            ),
            (
                Some(TIMESTAMP),
                Some(SIGNATURE),
                body,
                now - MAX_SKEW_SECS - 1,
            ),
            (None, Some(SIGNATURE), body, now),
            (Some(TIMESTAMP), None, body, now),
            (Some("yesterday"), Some(SIGNATURE), body, now),
        ] {
            let err = verify(SECRET, ts, sig, body, now).unwrap_err();
            assert!(matches!(err, DomainError::Unauthorized { .. }), "{err}");
        }
        assert!(verify(
            b"another secret",
            Some(TIMESTAMP),
            Some(SIGNATURE),
            body,
            now
        )
        .is_err());
    }
}
