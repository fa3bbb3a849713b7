//! The audit log page: the filters of `GET /api/v1/app/audit-events` and its pages
//! (newest first), read by the same function (AppAdmin).

use actix_web::http::StatusCode;
use actix_web::HttpRequest;
use askama::Template;
use roster_core::events::audit;
use roster_core::feed::FeedRequest;
use serde::Deserialize;

use super::page::{render, ConsoleError, ConsoleResult, Layout};
use super::session::AdminConsole;
use super::user::EventRow;

/// The page's query; blank fields are no filter.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub actor_id: String,
    #[serde(default)]
    pub target_id: String,
    #[serde(default)]
    pub since: String,
    #[serde(default)]
    pub until: String,
    pub after: Option<String>,
}

impl AuditQuery {
    fn pick(raw: &str) -> Option<&str> {
        Some(raw.trim()).filter(|r| !r.is_empty())
    }

    /// The filter, checked by the audit log's own rules.
    pub fn filter(&self) -> Result<audit::AuditFilter, ConsoleError> {
        let types: Vec<&str> = Self::pick(&self.kind).into_iter().collect();
        Ok(audit::AuditFilter::parse(
            &types,
            Self::pick(&self.actor_id),
            Self::pick(&self.target_id),
            Self::pick(&self.since),
            Self::pick(&self.until),
        )?)
    }

    /// The link to this filter's page after `cursor` (the newest without one).
    pub fn link(&self, after: Option<&str>) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("type", &self.kind),
            ("actor_id", &self.actor_id),
            ("target_id", &self.target_id),
            ("since", &self.since),
            ("until", &self.until),
        ] {
            if !v.trim().is_empty() {
                q.append_pair(k, v);
            }
        }
        if let Some(after) = after {
            q.append_pair("after", after);
        }
        format!("/console/audit?{}", q.finish())
    }
}

#[derive(Template)]
#[template(path = "console/audit.html")]
struct AuditPage<'a> {
    layout: Option<&'a Layout>,
    kind: &'a str,
    actor_id: &'a str,
    target_id: &'a str,
    since: &'a str,
    until: &'a str,
    rows: Vec<EventRow>,
    first: Option<String>,
    next: Option<String>,
}

/// `GET /console/audit`.
pub async fn list(console: AdminConsole, req: HttpRequest) -> ConsoleResult {
    let q: AuditQuery = serde_urlencoded::from_str(req.query_string())
        .map_err(|e| console.fail(ConsoleError::bad_request("invalid_query", e.to_string())))?;
    let filter = q.filter().map_err(|e| console.fail(e))?;
    let after = q.after.as_deref().filter(|a| !a.is_empty());
    let request = FeedRequest::parse(None, after).map_err(|e| console.fail(e))?;
    let mut conn = console.state.conn().await?;
    let page = audit::list(
        &mut conn,
        Some(console.principal.user.org_id.as_str()),
        &filter,
        &request,
    )
    .await
    .map_err(|e| console.fail(e))?;
    drop(conn);
    let layout = console.layout.clone().at("audit");
    render(
        StatusCode::OK,
        &AuditPage {
            layout: Some(&layout),
            kind: &q.kind,
            actor_id: &q.actor_id,
            target_id: &q.target_id,
            since: &q.since,
            until: &q.until,
            first: after.map(|_| q.link(None)),
            next: page.next_cursor.as_deref().map(|c| q.link(Some(c))),
            rows: page.data.into_iter().map(EventRow::from).collect(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_filters() {
        let q = AuditQuery {
            kind: "user.*".into(),
            target_id: "user_1".into(),
            ..AuditQuery::default()
        };
        assert_eq!(
            q.link(Some("c")),
            "/console/audit?type=user.*&target_id=user_1&after=c"
        );
        assert_eq!(q.link(None), "/console/audit?type=user.*&target_id=user_1");
    }

    #[test]
    fn a_bad_time_is_refused() {
        let q = AuditQuery {
            since: "yesterday".into(),
            ..AuditQuery::default()
        };
        assert_eq!(q.filter().unwrap_err().status, StatusCode::BAD_REQUEST);
    }
}
