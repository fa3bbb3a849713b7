//! What a batch's outcomes mean for their endpoints: a success forgets past failures, a
//! first failure starts the count, and a 410 or 5 days of failures disable the endpoint
//! (`webhook.disabled`).

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use roster_core::error::DomainResult;
use roster_core::events::{self, EventType, NewEvent};

use super::claim::Claimed;
use super::send::Outcome;
use crate::endpoints::{EndpointRecord, WebhookEndpoint};
use crate::schema::webhook_endpoints;

/// How long an endpoint may fail every delivery before it is disabled.
pub const FAILING_DISABLES_AFTER: time::Duration = time::Duration::days(5);

/// One endpoint's outcomes in a batch.
#[derive(Debug, Default)]
struct Seen {
    delivered: bool,
    gone: bool,
    failed: bool,
    failing_since: Option<roster_core::time::Timestamp>,
}

/// Updates each endpoint of the batch as its outcomes require, in id order (so that two
/// deliverers lock endpoints in one order).
pub async fn update(
    conn: &mut AsyncPgConnection,
    claimed: &[Claimed],
    outcomes: &[Outcome],
) -> DomainResult<()> {
    let mut seen: BTreeMap<(&str, &str), Seen> = BTreeMap::new();
    for (c, outcome) in claimed.iter().zip(outcomes) {
        let s = seen
            .entry((c.org_id.as_str(), c.endpoint_id.as_str()))
            .or_default();
        s.failing_since = c.failing_since;
        match outcome {
            Outcome::Delivered(_) => s.delivered = true,
            Outcome::Gone => s.gone = true,
            Outcome::Failed { .. } => s.failed = true,
            Outcome::Skipped(_) => {}
        }
    }
    let now = roster_core::time::now();
    for ((org_id, id), s) in seen {
        let endpoint = webhook_endpoints::table.find((org_id, id));
        if s.gone
            || (s.failed
                && !s.delivered
                && s.failing_since
                    .is_some_and(|t| t + FAILING_DISABLES_AFTER <= now))
        {
            let disabled: Option<EndpointRecord> = diesel::update(endpoint)
                .filter(webhook_endpoints::enabled.eq(true))
                .set((
                    webhook_endpoints::enabled.eq(false),
                    webhook_endpoints::updated_at.eq(now),
                ))
                .returning(EndpointRecord::as_returning())
                .get_result(conn)
                .await
                .optional()?;
            if let Some(record) = disabled {
                tracing::warn!(
                    org_id,
                    endpoint_id = id,
                    gone = s.gone,
                    "webhook endpoint disabled"
                );
                let endpoint = WebhookEndpoint::from(record);
                let event = NewEvent::new(org_id, EventType::WebhookDisabled, id, &endpoint)?;
                events::emit(conn, event).await?;
            }
        } else if s.delivered && s.failing_since.is_some() {
            // `updated_at` too: the endpoint's representation (and so its ETag) changed.
            diesel::update(endpoint)
                .set((
                    webhook_endpoints::failing_since.eq(None::<roster_core::time::Timestamp>),
                    webhook_endpoints::updated_at.eq(now),
                ))
                .execute(conn)
                .await?;
        } else if s.failed && !s.delivered && s.failing_since.is_none() {
            diesel::update(endpoint)
                .filter(webhook_endpoints::failing_since.is_null())
                .set((
                    webhook_endpoints::failing_since.eq(now),
                    webhook_endpoints::updated_at.eq(now),
                ))
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}
