//! The audit log (`/api/v1/app/audit-events`): the org's events, newest first.

use actix_web::{web, HttpResponse};
use roster_core::events::{audit, Event, TypeFilter};
use roster_core::feed::{FeedPage, FeedRequest};
use utoipa::IntoParams;

use crate::auth::AdminCaller;
use crate::error::ApiResult;
use crate::routes::external::query::{FromQueryPairs, ListQuery, QueryPairs};
use crate::state::AppState;

/// Query of `GET /api/v1/app/audit-events` (`type` may be repeated).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditEventsQuery {
    /// Only events of these types; `user.*` matches every type under `user.`. Repeatable.
    #[param(rename = "type", explode = true, style = Form)]
    pub types: Option<Vec<TypeFilter>>,
    /// Only events by this actor (a user id, an API key id).
    #[param(max_length = 64)]
    pub actor_id: Option<String>,
    /// Only events about this resource (its id).
    #[param(max_length = 64)]
    pub target_id: Option<String>,
    /// Only events at or after this time (RFC 3339).
    #[param(format = DateTime)]
    pub since: Option<String>,
    /// Only events before this time (RFC 3339).
    #[param(format = DateTime)]
    pub until: Option<String>,
    /// How many events, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub first: Option<i64>,
    /// Cursor from `next_cursor`: the (older) events after it.
    #[param(min_length = 1)]
    pub after: Option<String>,
}

/// The checked query.
pub struct AuditQuery {
    filter: audit::AuditFilter,
    page: FeedRequest,
}

impl FromQueryPairs for AuditQuery {
    fn from_pairs(pairs: &QueryPairs) -> ApiResult<Self> {
        let types: Vec<&str> = pairs.all("type").collect();
        let filter = audit::AuditFilter::parse(
            &types,
            pairs.single("actor_id")?,
            pairs.single("target_id")?,
            pairs.single("since")?,
            pairs.single("until")?,
        )?;
        let page = FeedRequest::parse(pairs.number("first")?, pairs.single("after")?)?;
        Ok(Self { filter, page })
    }
}

/// The org's events, newest first (AppAdmin). A page stays the same while events are
/// written: new ones come before the first page.
#[utoipa::path(get, path = "/api/v1/app/audit-events", tag = "audit",
    params(AuditEventsQuery),
    responses((status = 200, body = FeedPage<Event>)))]
pub async fn list_audit_events(
    state: web::Data<AppState>,
    caller: AdminCaller,
    ListQuery(q): ListQuery<AuditQuery>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let page = audit::list(
        &mut conn,
        Some(caller.user.org_id.as_str()),
        &q.filter,
        &q.page,
    )
    .await?;
    Ok(HttpResponse::Ok().json(page))
}
