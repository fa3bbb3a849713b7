//! One attempt: the event POSTed to its endpoint, signed, within the timeout.

use std::time::Duration;

use futures_util::StreamExt;
use roster_core::sealed::{self, SealingKey};

use super::claim::Claimed;
use crate::config::DeliveryConfig;
use crate::{signing, target};

/// The most of a receiver's answer read (and then dropped), so that its connection can
/// be used again.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// What an attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx within the timeout.
    Delivered(u16),
    /// 410: the receiver is gone for good; the endpoint is disabled.
    Gone,
    /// Anything else: retried on the schedule.
    Failed { status: Option<u16>, error: String },
    /// Not attempted (the endpoint is disabled); the delivery has failed.
    Skipped(String),
}

/// The body of a delivery: `{"type", "timestamp", "data": <the event>}`.
pub fn body(claimed: &Claimed) -> Vec<u8> {
    let event = claimed.event();
    serde_json::to_vec(&serde_json::json!({
        "type": event.kind,
        "timestamp": roster_core::time::format_millis(event.occurred_at),
        "data": event,
    }))
    .unwrap_or_default()
}

/// The secrets that sign now: the current one, and the previous one until it expires.
fn secrets(key: &SealingKey, claimed: &Claimed) -> Result<Vec<String>, String> {
    let broken = |_| "the endpoint's secret does not open".to_owned();
    let mut out =
        vec![sealed::open(key, &claimed.endpoint_id, &claimed.secret_sealed).map_err(broken)?];
    if let (Some(previous), Some(until)) = (
        &claimed.previous_secret_sealed,
        claimed.previous_secret_expires_at,
    ) {
        if until > roster_core::time::now() {
            out.push(sealed::open(key, &claimed.endpoint_id, previous).map_err(broken)?);
        }
    }
    Ok(out)
}

/// Makes one attempt at a claimed delivery.
pub async fn attempt(
    client: &reqwest::Client,
    config: &DeliveryConfig,
    key: &SealingKey,
    claimed: &Claimed,
) -> Outcome {
    if !claimed.enabled {
        return Outcome::Skipped("the endpoint is disabled".into());
    }
    let failed = |error: String| Outcome::Failed {
        status: None,
        error,
    };
    let url = match target::check_form(&claimed.url, config.allow_private) {
        Ok(url) => url,
        Err(why) => return failed(format!("the URL is refused: it {why}")),
    };
    let secrets = match secrets(key, claimed) {
        Ok(secrets) => secrets,
        Err(why) => return failed(why),
    };
    let body = body(claimed);
    let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let signature =
        signing::signature_header(&secrets, claimed.event_id.as_str(), timestamp, &body);
    let sent = client
        .post(url)
        .timeout(config.timeout)
        .header("content-type", "application/json")
        .header("webhook-id", claimed.event_id.as_str())
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(answer) => {
            let status = answer.status().as_u16();
            drain(answer, config.timeout).await;
            match status {
                200..=299 => Outcome::Delivered(status),
                410 => Outcome::Gone,
                _ => Outcome::Failed {
                    status: Some(status),
                    error: format!("the receiver answered {status}"),
                },
            }
        }
        Err(e) if e.is_timeout() => failed(format!(
            "no answer within {} ms",
            config.timeout.as_millis()
        )),
        // Without the URL, which may carry a token of the receiver's.
        Err(e) => failed(e.without_url().to_string()),
    }
}

/// Reads (and drops) up to [`MAX_ANSWER_BYTES`] of an answer, within `timeout`.
async fn drain(answer: reqwest::Response, timeout: Duration) {
    let mut stream = answer.bytes_stream();
    let _ = tokio::time::timeout(timeout, async {
        let mut read = 0;
        while let Some(Ok(chunk)) = stream.next().await {
            read += chunk.len();
            if read > MAX_ANSWER_BYTES {
                break;
            }
        }
    })
    .await;
}
