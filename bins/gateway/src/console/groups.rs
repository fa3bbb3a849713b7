//! Groups of the org's users (AppAdmin): the list (search, cursor pages, "Create group"),
//! a group's page with its members, and members added and removed, by the functions of
//! `/api/v1/app/groups`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use askama::Template;
use roster_core::search::SearchTerm;
use roster_core::DomainError;
use roster_identity::groups::requests::{AddGroupMemberRequest, CreateOrgGroupRequest};
use roster_identity::groups::{self, Group, GroupFilter, GroupMember, NewGroup};
use roster_identity::{OrgGroupId, UserId};
use serde::Deserialize;

use super::form::Form;
use super::page::{
    cursor_paging, link, query, render, see_other, when, ConsoleError, ConsoleResult, Layout,
};
use super::session::AdminConsole;

/// The query of the list and of a group's members (blank fields mean "any").
#[derive(Debug, Default, Deserialize)]
pub struct GroupsQuery {
    #[serde(default)]
    pub search: String,
    pub after: Option<String>,
    pub before: Option<String>,
}

pub struct GroupRow {
    pub id: String,
    pub name: String,
    pub external_id: String,
    pub created: String,
}

impl From<Group> for GroupRow {
    fn from(g: Group) -> Self {
        Self {
            id: g.id.to_string(),
            name: g.display_name,
            external_id: g.external_id.unwrap_or_default(),
            created: when(g.created_at),
        }
    }
}

pub struct MemberRow {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub joined: String,
}

impl From<GroupMember> for MemberRow {
    fn from(m: GroupMember) -> Self {
        Self {
            user_id: m.user_id.to_string(),
            name: m.name,
            email: m.email,
            joined: when(m.created_at),
        }
    }
}

#[derive(Template)]
#[template(path = "console/groups.html")]
struct GroupsPage<'a> {
    layout: Option<&'a Layout>,
    csrf: &'a str,
    search: &'a str,
    total: i64,
    rows: Vec<GroupRow>,
    previous: Option<String>,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "console/group.html")]
struct GroupPage<'a> {
    layout: Option<&'a Layout>,
    csrf: &'a str,
    group: GroupRow,
    total: i64,
    members: Vec<MemberRow>,
    previous: Option<String>,
    next: Option<String>,
}

/// `GET /console/groups`: one page of the org's groups, as `GET /api/v1/app/groups`.
pub async fn list(console: AdminConsole, req: HttpRequest) -> ConsoleResult {
    let fail = |e| console.fail(e);
    let q: GroupsQuery = query(&req).map_err(fail)?;
    let filter = GroupFilter {
        search: SearchTerm::parse(Some(q.search.as_str()).filter(|s| !s.is_empty()))
            .map_err(|e| console.fail(e))?,
        ..GroupFilter::default()
    };
    let paging = cursor_paging(q.after.as_deref(), q.before.as_deref()).map_err(fail)?;
    let mut conn = console.state.conn().await?;
    let page = groups::list(&mut conn, console.org(), &filter, &paging)
        .await
        .map_err(|e| console.fail(e))?;
    drop(conn);
    let at =
        |cursor: (&str, &str)| link("/console/groups", &[("search", q.search.as_str()), cursor]);
    let layout = console.layout.clone().at("groups");
    render(
        StatusCode::OK,
        &GroupsPage {
            layout: Some(&layout),
            csrf: &layout.csrf,
            search: &q.search,
            total: page.total_count,
            previous: page.previous_cursor.as_deref().map(|c| at(("before", c))),
            next: page.next_cursor.as_deref().map(|c| at(("after", c))),
            rows: page.data.into_iter().map(GroupRow::from).collect(),
        },
    )
}

/// `POST /console/groups`: creates one, as `POST /api/v1/app/groups`.
pub async fn create(console: AdminConsole, form: Form) -> ConsoleResult {
    let request = CreateOrgGroupRequest {
        display_name: form.raw("display_name").unwrap_or_default().to_owned(),
        external_id: form.text("external_id"),
        members: None,
    };
    let new = NewGroup::try_from(request).map_err(|e| console.fail(e))?;
    let mut conn = console.state.conn().await?;
    let group = groups::create(&mut conn, console.org(), new)
        .await
        .map_err(|e| console.fail(e))?;
    Ok(see_other(format!("/console/groups/{}", group.id)))
}

/// `GET /console/groups/{id}`: the group and a page of its members.
pub async fn page(
    console: AdminConsole,
    path: web::Path<String>,
    req: HttpRequest,
) -> ConsoleResult {
    let fail = |e| console.fail(e);
    let id: OrgGroupId = console.id(&path)?;
    let q: GroupsQuery = query(&req).map_err(fail)?;
    let paging = cursor_paging(q.after.as_deref(), q.before.as_deref()).map_err(fail)?;
    let mut conn = console.state.conn().await?;
    let group = groups::get(&mut conn, console.org(), &id)
        .await
        .map_err(|e| console.fail(e))?;
    let members = groups::members(&mut conn, console.org(), &id, &paging)
        .await
        .map_err(|e| console.fail(e))?;
    drop(conn);
    let here = format!("/console/groups/{id}");
    let at = |cursor: (&str, &str)| link(&here, &[cursor]);
    let layout = console.layout.clone().at("groups");
    render(
        StatusCode::OK,
        &GroupPage {
            layout: Some(&layout),
            csrf: &layout.csrf,
            group: group.into(),
            total: members.total_count,
            previous: members
                .previous_cursor
                .as_deref()
                .map(|c| at(("before", c))),
            next: members.next_cursor.as_deref().map(|c| at(("after", c))),
            members: members.data.into_iter().map(MemberRow::from).collect(),
        },
    )
}

/// `POST /console/groups/{id}/members`: adds a user of the org (`user_id`), as
/// `POST /api/v1/app/groups/{id}/members`.
pub async fn add_member(
    console: AdminConsole,
    path: web::Path<String>,
    form: Form,
) -> ConsoleResult {
    let id: OrgGroupId = console.id(&path)?;
    let request = AddGroupMemberRequest {
        user_id: form.text("user_id").unwrap_or_default(),
    };
    let user_id = request.user_id().map_err(|e| console.fail(e))?;
    join(&console, &id, &user_id).await?;
    Ok(see_other(format!("/console/groups/{id}")))
}

/// `POST /console/users/{id}/groups`: adds the user to the group chosen (`group_id`), as
/// the route above; back to the user's page.
pub async fn add_to_group(
    console: AdminConsole,
    path: web::Path<String>,
    form: Form,
) -> ConsoleResult {
    let user_id: UserId = console.id(&path)?;
    let id = form
        .text("group_id")
        .and_then(|raw| OrgGroupId::parse(&raw))
        .ok_or_else(|| console.fail(DomainError::invalid("group_id", "choose a group")))?;
    join(&console, &id, &user_id).await?;
    Ok(see_other(format!("/console/users/{user_id}")))
}

async fn join(
    console: &AdminConsole,
    id: &OrgGroupId,
    user_id: &UserId,
) -> Result<(), ConsoleError> {
    let mut conn = console.state.conn().await?;
    groups::add_member(&mut conn, console.org(), id, user_id)
        .await
        .map_err(|e| console.fail(e))?;
    Ok(())
}

/// `POST /console/groups/{id}/members/{user}/remove`, as
/// `DELETE /api/v1/app/groups/{id}/members/{user}`.
pub async fn remove_member(
    console: AdminConsole,
    path: web::Path<(String, String)>,
    _form: Form,
) -> ConsoleResult {
    let id: OrgGroupId = console.id(&path.0)?;
    let user_id: UserId = console.id(&path.1)?;
    let mut conn = console.state.conn().await?;
    groups::remove_member(&mut conn, console.org(), &id, &user_id)
        .await
        .map_err(|e| console.fail(e))?;
    Ok(see_other(format!("/console/groups/{id}")))
}
