//! The audit log: an org's events, newest first, filtered by type, actor, target and time.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::filter::{types_matching, TypeFilter};
use super::schema::events;
use super::{Event, EventRecord};
use crate::error::DomainResult;
use crate::feed::{FeedPage, FeedRequest};
use crate::page::{Cursor, Keyset, ListOrder};
use crate::time::Timestamp;
use crate::DomainError;

/// The filters of the audit log, checked; all optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Types and `prefix.*` patterns; empty: every type.
    pub types: Vec<TypeFilter>,
    pub actor_id: Option<String>,
    pub target_id: Option<String>,
    /// From this time on (inclusive).
    pub since: Option<Timestamp>,
    /// Before this time (exclusive).
    pub until: Option<Timestamp>,
}

impl AuditFilter {
    /// Checks the filters as a request gives them; each failure is a 400 naming its field.
    pub fn parse(
        types: &[&str],
        actor_id: Option<&str>,
        target_id: Option<&str>,
        since: Option<&str>,
        until: Option<&str>,
    ) -> Result<Self, DomainError> {
        let mut errors = crate::error::FieldErrors::default();
        let types = types
            .iter()
            .filter_map(|raw| errors.take(TypeFilter::parse("type", raw)))
            .collect();
        let id = |field: &str, raw: Option<&str>, errors: &mut crate::error::FieldErrors| {
            raw.and_then(|raw| {
                errors
                    .take(crate::id::check_length(field, raw))
                    .map(|()| raw.to_owned())
            })
        };
        let actor_id = id("actor_id", actor_id, &mut errors);
        let target_id = id("target_id", target_id, &mut errors);
        let time = |field: &str, raw: Option<&str>, errors: &mut crate::error::FieldErrors| {
            raw.and_then(|raw| {
                errors.take(crate::time::parse(raw).ok_or_else(|| {
                    DomainError::invalid(
                        field,
                        "must be an RFC 3339 timestamp, e.g. 2026-02-08T14:12:45Z",
                    )
                }))
            })
        };
        let since = time("since", since, &mut errors);
        let until = time("until", until, &mut errors);
        errors.finish()?;
        Ok(Self {
            types,
            actor_id,
            target_id,
            since,
            until,
        })
    }
}

/// The audit log's order, on the `(org_id, occurred_at, id)` indexes.
const NEWEST_FIRST: Keyset<events::occurred_at, events::id> =
    Keyset::new(events::occurred_at, events::id, ListOrder::NewestFirst);

/// A page of the org's events (`None`: the events of no org), newest first:
/// `(occurred_at, id)` order, so that events written while a client pages land before its
/// first page, not among the next ones.
pub async fn list(
    conn: &mut AsyncPgConnection,
    org_id: Option<&str>,
    filter: &AuditFilter,
    page: &FeedRequest,
) -> DomainResult<FeedPage<Event>> {
    let mut query = events::table.select(EventRecord::as_select()).into_boxed();
    query = match org_id {
        Some(org_id) => query.filter(events::org_id.eq(org_id)),
        None => query.filter(events::org_id.is_null()),
    };
    if !filter.types.is_empty() {
        let types: Vec<&str> = types_matching(&filter.types)
            .into_iter()
            .map(|t| t.as_str())
            .collect();
        query = query.filter(events::kind.eq_any(types));
    }
    if let Some(actor) = &filter.actor_id {
        query = query.filter(events::actor_id.eq(actor));
    }
    if let Some(target) = &filter.target_id {
        query = query.filter(events::target_id.eq(target));
    }
    if let Some(since) = filter.since {
        query = query.filter(events::occurred_at.ge(since));
    }
    if let Some(until) = filter.until {
        query = query.filter(events::occurred_at.lt(until));
    }
    let rows: Vec<EventRecord> = NEWEST_FIRST.page(query, &page.paging()).load(conn).await?;
    Ok(FeedPage::assemble(page, rows, |r| Cursor::of(r.occurred_at, &r.id)).map(Event::from))
}
