//! A workspace's external users (AppAdmin): the filters of `GET /api/v1/external-users`
//! (search, channel, tier, group; the same query names, read by the same parser) and its
//! numbered pages, listed by the same function.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use askama::Template;
use roster_external_users::users::{self, ExternalUser};
use roster_external_users::workspaces;
use roster_external_users::WorkspaceId;

use super::page::{render, when, ConsoleResult, Layout};
use super::session::AdminConsole;
use super::workspaces::{name_in, Catalogues, Entry};
use crate::routes::external::query::{FromQueryPairs, PageQuery, QueryPairs};
use crate::routes::external::users::ExternalUsersQuery;

/// The filters a page shows as chosen.
#[derive(Debug, Default)]
pub struct Chosen {
    pub search: String,
    pub channel: String,
    pub tier: String,
    pub group: String,
}

/// One choice of a select, and whether it is the chosen one.
pub struct Choice<'a> {
    pub entry: &'a Entry,
    pub selected: bool,
}

pub fn choices<'a>(entries: &'a [Entry], chosen: &str) -> Vec<Choice<'a>> {
    entries
        .iter()
        .map(|entry| Choice {
            entry,
            selected: entry.id == chosen,
        })
        .collect()
}

pub struct ExternalRow {
    pub name: String,
    pub identifier: String,
    pub external_id: String,
    pub channel: String,
    pub tier: String,
    pub group: String,
    pub blocked: bool,
    pub created: String,
}

impl ExternalRow {
    fn new(u: ExternalUser, catalogues: &Catalogues) -> Self {
        let named = |entries: &[Entry], id: Option<String>| {
            id.map(|id| name_in(entries, &id)).unwrap_or_default()
        };
        Self {
            name: u.name.unwrap_or_default(),
            identifier: u.identifier.unwrap_or_default(),
            external_id: u.external_id.unwrap_or_default(),
            channel: name_in(&catalogues.channels, &u.channel_id.to_string()),
            tier: named(&catalogues.tiers, u.tier_id.map(|t| t.to_string())),
            group: named(
                &catalogues.groups,
                u.external_user_group_id.map(|g| g.to_string()),
            ),
            blocked: u.blocked,
            created: when(u.created_at),
        }
    }
}

#[derive(Template)]
#[template(path = "console/external_users.html")]
struct ExternalUsersPage<'a> {
    layout: Option<&'a Layout>,
    workspace: Entry,
    chosen: &'a Chosen,
    channels: Vec<Choice<'a>>,
    tiers: Vec<Choice<'a>>,
    groups: Vec<Choice<'a>>,
    total: i64,
    rows: Vec<ExternalRow>,
    previous: Option<String>,
    next: Option<String>,
}

/// The query without its blank fields (a select's "Any" is no filter), so that the API's
/// own parser reads what is left.
fn given(query: &str) -> (QueryPairs, Chosen) {
    let mut kept = form_urlencoded::Serializer::new(String::new());
    let mut chosen = Chosen::default();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if v.trim().is_empty() {
            continue;
        }
        match k.as_ref() {
            "search" => chosen.search = v.to_string(),
            "channelIds" => chosen.channel = v.to_string(),
            "tierIds" => chosen.tier = v.to_string(),
            "externalUserGroupIds" => chosen.group = v.to_string(),
            _ => {}
        }
        kept.append_pair(&k, &v);
    }
    (QueryPairs::parse(&kept.finish()), chosen)
}

/// The link to page `number` with these filters.
fn page_link(workspace: WorkspaceId, query: &str, number: i64) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k != "pageNumber" && !v.trim().is_empty() {
            q.append_pair(&k, &v);
        }
    }
    q.append_pair("pageNumber", &number.to_string());
    format!("/console/workspaces/{workspace}/users?{}", q.finish())
}

/// `GET /console/workspaces/{id}/users`.
pub async fn list(
    console: AdminConsole,
    path: web::Path<String>,
    req: HttpRequest,
) -> ConsoleResult {
    let fail = |e| console.fail(e);
    let id: WorkspaceId = console.id(&path)?;
    let (pairs, chosen) = given(req.query_string());
    let filter = ExternalUsersQuery::from_pairs(&pairs)
        .and_then(ExternalUsersQuery::filter)
        .map_err(|e| console.fail(e))?;
    let page = PageQuery::from_pairs(&pairs)
        .and_then(|p| p.page())
        .map_err(|e| console.fail(e))?;
    let mut conn = console.state.conn().await?;
    let workspace = workspaces::get(&mut conn, console.org().as_str(), id)
        .await
        .map_err(fail)?;
    let catalogues = Catalogues::of(&mut conn, id).await.map_err(fail)?;
    let listed = users::list(&mut conn, id, &filter, page)
        .await
        .map_err(fail)?;
    drop(conn);
    let query = req.query_string();
    let more = page.number.saturating_mul(page.size) < listed.total;
    let layout = console.layout.clone().at("workspaces");
    render(
        StatusCode::OK,
        &ExternalUsersPage {
            layout: Some(&layout),
            workspace: Entry {
                id: workspace.id.to_string(),
                name: workspace.name,
                note: String::new(),
            },
            chosen: &chosen,
            channels: choices(&catalogues.channels, &chosen.channel),
            tiers: choices(&catalogues.tiers, &chosen.tier),
            groups: choices(&catalogues.groups, &chosen.group),
            total: listed.total,
            rows: listed
                .items
                .into_iter()
                .map(|u| ExternalRow::new(u, &catalogues))
                .collect(),
            previous: (page.number > 1).then(|| page_link(id, query, page.number - 1)),
            next: more.then(|| page_link(id, query, page.number + 1)),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_filters_are_dropped_and_pages_keep_the_rest() {
        let (pairs, chosen) = given("search=ada&channelIds=&tierIds=%20&pageNumber=2");
        assert_eq!(chosen.search, "ada");
        assert!(chosen.channel.is_empty());
        assert!(ExternalUsersQuery::from_pairs(&pairs).is_ok());
        let ws = WorkspaceId(uuid::Uuid::nil());
        assert_eq!(
            page_link(ws, "search=a%26b&channelIds=&pageNumber=2", 3),
            format!("/console/workspaces/{ws}/users?search=a%26b&pageNumber=3")
        );
    }
}
