//! External-users workspaces (AppAdmin): the org's workspaces, one created, and a
//! workspace's page: its API keys (a new one shown in that answer only; revoke), its
//! channels, tiers and groups. By the functions of `/api/v1/app/workspaces` and of the
//! external family's catalogues.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use roster_core::db::AsyncPgConnection;
use roster_core::DomainError;
use roster_external_users::groups::{self, GroupFilter};
use roster_external_users::paging::PageRequest;
use roster_external_users::workspaces::{self, NameRequest};
use roster_external_users::{channels, tiers, ApiKeyId, WorkspaceId};

use super::form::Form;
use super::page::{everything, render, see_other, when, ConsoleResult, Layout};
use super::session::AdminConsole;

/// A named thing of a workspace, as the tables show it.
pub struct Entry {
    pub id: String,
    pub name: String,
    /// What else the table says of it (a key's creation time, a group's tier).
    pub note: String,
}

/// What the workspace's catalogues hold (their first page of 100).
pub struct Catalogues {
    pub channels: Vec<Entry>,
    pub tiers: Vec<Entry>,
    pub groups: Vec<Entry>,
}

impl Catalogues {
    pub async fn of(conn: &mut AsyncPgConnection, id: WorkspaceId) -> Result<Self, DomainError> {
        let first = PageRequest::new(None, Some(roster_core::page::MAX_PAGE_SIZE))?;
        let entry = |id: String, name: String| Entry {
            id,
            name,
            note: String::new(),
        };
        let channels = channels::list(conn, id, first).await?.items;
        let tiers: Vec<Entry> = tiers::list(conn, id, first)
            .await?
            .items
            .into_iter()
            .map(|t| entry(t.id.to_string(), t.name))
            .collect();
        let groups = groups::list(conn, id, &GroupFilter::default(), first)
            .await?
            .items;
        Ok(Self {
            channels: channels
                .into_iter()
                .map(|c| entry(c.id.to_string(), c.name))
                .collect(),
            groups: groups
                .into_iter()
                .map(|g| Entry {
                    note: g
                        .tier_id
                        .map(|t| name_in(&tiers, &t.to_string()))
                        .unwrap_or_default(),
                    id: g.id.to_string(),
                    name: g.name,
                })
                .collect(),
            tiers,
        })
    }
}

/// The name of the entry with this id, else the id.
pub fn name_in(entries: &[Entry], id: &str) -> String {
    entries
        .iter()
        .find(|e| e.id == id)
        .map_or_else(|| id.to_owned(), |e| e.name.clone())
}

#[derive(Template)]
#[template(path = "console/workspaces.html")]
struct WorkspacesPage<'a> {
    layout: Option<&'a Layout>,
    csrf: &'a str,
    workspaces: Vec<Entry>,
}

#[derive(Template)]
#[template(path = "console/workspace.html")]
struct WorkspacePage<'a> {
    layout: Option<&'a Layout>,
    csrf: &'a str,
    workspace: Entry,
    keys: Vec<Entry>,
    catalogues: Catalogues,
    created: Option<String>,
}

/// `GET /console/workspaces`: the org's workspaces (AppAdmin).
pub async fn list(console: AdminConsole) -> ConsoleResult {
    let all = everything().map_err(|e| console.fail(e))?;
    let mut conn = console.state.conn().await?;
    let page = workspaces::list(&mut conn, console.org().as_str(), &all)
        .await
        .map_err(|e| console.fail(e))?;
    drop(conn);
    let layout = console.layout.clone().at("workspaces");
    render(
        StatusCode::OK,
        &WorkspacesPage {
            layout: Some(&layout),
            csrf: &layout.csrf,
            workspaces: page
                .data
                .into_iter()
                .map(|w| Entry {
                    id: w.id.to_string(),
                    name: w.name,
                    note: when(w.created_at),
                })
                .collect(),
        },
    )
}

/// `POST /console/workspaces`: as `POST /api/v1/app/workspaces`.
pub async fn create(console: AdminConsole, form: Form) -> ConsoleResult {
    let request = NameRequest {
        name: form.raw("name").unwrap_or_default().to_owned(),
    };
    let name = request.parse().map_err(|e| console.fail(e))?;
    let mut conn = console.state.conn().await?;
    let workspace = workspaces::create(&mut conn, console.org().as_str(), &name)
        .await
        .map_err(|e| console.fail(e))?;
    Ok(see_other(format!("/console/workspaces/{}", workspace.id)))
}

async fn show(
    console: &AdminConsole,
    id: WorkspaceId,
    created: Option<String>,
    status: StatusCode,
) -> ConsoleResult {
    let fail = |e| console.fail(e);
    let org = console.org().as_str();
    let all = everything().map_err(|e| console.fail(e))?;
    let mut conn = console.state.conn().await?;
    let workspace = workspaces::get(&mut conn, org, id).await.map_err(fail)?;
    let keys = workspaces::list_keys(&mut conn, org, id, &all)
        .await
        .map_err(fail)?;
    let catalogues = Catalogues::of(&mut conn, id).await.map_err(fail)?;
    drop(conn);
    let layout = console.layout.clone().at("workspaces");
    render(
        status,
        &WorkspacePage {
            layout: Some(&layout),
            csrf: &layout.csrf,
            workspace: Entry {
                id: workspace.id.to_string(),
                name: workspace.name,
                note: when(workspace.created_at),
            },
            keys: keys
                .data
                .into_iter()
                .map(|k| Entry {
                    id: k.id.to_string(),
                    name: k.name,
                    note: when(k.created_at),
                })
                .collect(),
            catalogues,
            created,
        },
    )
}

/// `GET /console/workspaces/{id}`.
pub async fn page(console: AdminConsole, path: web::Path<String>) -> ConsoleResult {
    let id: WorkspaceId = console.id(&path)?;
    show(&console, id, None, StatusCode::OK).await
}

/// `POST /console/workspaces/{id}/keys`: as `POST /api/v1/app/workspaces/{id}/api-keys`;
/// the key in this answer only.
pub async fn create_key(
    console: AdminConsole,
    path: web::Path<String>,
    form: Form,
) -> ConsoleResult {
    let id: WorkspaceId = console.id(&path)?;
    let request = NameRequest {
        name: form.raw("name").unwrap_or_default().to_owned(),
    };
    let name = request.parse().map_err(|e| console.fail(e))?;
    let mut conn = console.state.conn().await?;
    let created = workspaces::create_key(&mut conn, console.org().as_str(), id, &name)
        .await
        .map_err(|e| console.fail(e))?;
    drop(conn);
    show(&console, id, Some(created.secret), StatusCode::CREATED).await
}

/// `POST /console/workspaces/{id}/keys/{key}/revoke`, as
/// `DELETE /api/v1/app/workspaces/{id}/api-keys/{key}`.
pub async fn revoke_key(
    console: AdminConsole,
    path: web::Path<(String, String)>,
    _form: Form,
) -> ConsoleResult {
    let id: WorkspaceId = console.id(&path.0)?;
    let key: ApiKeyId = console.id(&path.1)?;
    let mut conn = console.state.conn().await?;
    workspaces::revoke_key(&mut conn, console.org().as_str(), id, key)
        .await
        .map_err(|e| console.fail(e))?;
    Ok(see_other(format!("/console/workspaces/{id}")))
}
