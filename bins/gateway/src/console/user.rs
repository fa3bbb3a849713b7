//! A user's page: its facts, the edit form (`PUT /api/v1/app/user/{id}`'s rules), and
//! Deactivate, Activate and Delete, each behind a confirmation page (no script needed).
//! AppAdmins open anyone; an AppMember only themselves.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use roster_core::etag::Precondition;
use roster_core::events::Event;
use roster_identity::requests::UpdateUserRequest;
use roster_identity::users::{self, Role, UserRecord, UserState};
use roster_identity::UserId;
use serde::Deserialize;

use super::form::Form;
use super::page::{render, see_other, when, ConsoleError, ConsoleResult, Layout};
use super::session::{AdminConsole, Console};
use super::user_related::Related;
use crate::extract::ids::PathId;

/// The user of the path, if the caller may open it (AppAdmins anyone, others themselves);
/// a 404 for a malformed id, a 403 page for someone else's.
fn target(console: &Console, raw: &str) -> Result<UserId, ConsoleError> {
    let id = UserId::parse_path(raw).ok_or_else(|| console.fail(ConsoleError::not_found()))?;
    if !console.principal.is_admin() && id != console.principal.user.id {
        return Err(console.fail(ConsoleError::forbidden(
            "forbidden",
            "only an AppAdmin may open another user's page",
        )));
    }
    Ok(id)
}

/// The user as the page shows it.
pub struct UserView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub job: String,
    pub role: &'static str,
    pub state: &'static str,
    pub created: String,
}

impl From<UserRecord> for UserView {
    fn from(u: UserRecord) -> Self {
        Self {
            id: u.id.to_string(),
            name: u.name,
            email: u.email,
            job: u.job_position_name.unwrap_or_default(),
            role: u.role.as_str(),
            state: u.state.as_str(),
            created: when(u.created_at),
        }
    }
}

/// An event as a row.
pub struct EventRow {
    pub when: String,
    pub kind: String,
    pub actor: String,
    pub target: String,
    pub request_id: String,
}

impl From<Event> for EventRow {
    fn from(e: Event) -> Self {
        let actor = serde_json::to_value(e.actor.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        Self {
            when: when(e.occurred_at),
            kind: e.kind,
            actor: match e.actor.id {
                Some(id) => format!("{actor} {id}"),
                None => actor,
            },
            target: format!("{} {}", e.target.kind, e.target.id),
            request_id: e.request_id.unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "console/user.html")]
struct UserPage<'a> {
    layout: Option<&'a Layout>,
    csrf: &'a str,
    admin: bool,
    user: UserView,
    related: Related,
}

/// `GET /console/users/{id}`.
pub async fn page(console: Console, path: web::Path<String>) -> ConsoleResult {
    let id = target(&console, &path)?;
    let mut conn = console.state.conn().await?;
    let user = users::get(&mut conn, console.org(), &id)
        .await
        .map_err(|e| console.fail(e))?;
    drop(conn);
    let related = Related::of(&console, &id).await?;
    let nav = if id == console.principal.user.id {
        "profile"
    } else {
        "users"
    };
    let layout = console.layout.clone().at(nav);
    render(
        StatusCode::OK,
        &UserPage {
            layout: Some(&layout),
            csrf: &layout.csrf,
            admin: console.principal.is_admin(),
            user: user.into(),
            related,
        },
    )
}

/// `POST /console/users/{id}`: name, job position and (AppAdmins) role, changed by the
/// API's `users::update`, which decides who may change what.
pub async fn edit(console: Console, path: web::Path<String>, form: Form) -> ConsoleResult {
    let id = target(&console, &path)?;
    let fail = |e| console.fail(e);
    let role = form
        .text("role")
        .map(|r| Role::parse("role", &r))
        .transpose()
        .map_err(fail)?;
    let request = UpdateUserRequest {
        name: form.text("name").or(Some(String::new())),
        given_name: None,
        family_name: None,
        email: None,
        job_position_name: Some(form.text("job_position_name")),
        job_position_description: None,
        role,
        metadata: None,
    };
    let changes = request.replacing().map_err(fail)?;
    let mut conn = console.state.writer.conn().await?;
    users::update(
        &mut conn,
        &console.principal,
        &id,
        changes,
        &Precondition::None,
    )
    .await
    .map_err(fail)?;
    console
        .state
        .principals
        .forget_user(&console.principal.user.org_id, &id);
    Ok(see_other(format!("/console/users/{id}")))
}

/// What the confirmation page asks about.
#[derive(Debug, Deserialize)]
pub struct ConfirmQuery {
    pub action: String,
}

#[derive(Template)]
#[template(path = "console/confirm.html")]
struct ConfirmPage<'a> {
    layout: Option<&'a Layout>,
    csrf: &'a str,
    heading: String,
    question: String,
    action: String,
    button: &'static str,
    danger: bool,
    cancel: String,
}

/// `GET /console/users/{id}/confirm?action=deactivate|activate|delete` (AppAdmin).
pub async fn confirm(
    console: AdminConsole,
    path: web::Path<String>,
    req: actix_web::HttpRequest,
) -> ConsoleResult {
    let id = target(&console, &path)?;
    let q: ConfirmQuery = serde_urlencoded::from_str(req.query_string())
        .map_err(|e| console.fail(ConsoleError::bad_request("invalid_query", e.to_string())))?;
    let mut conn = console.state.conn().await?;
    let user = users::get(&mut conn, &console.principal.user.org_id, &id)
        .await
        .map_err(|e| console.fail(e))?;
    drop(conn);
    let (button, question, danger) = match q.action.as_str() {
        "deactivate" => (
            "Deactivate",
            format!(
                "Deactivate {}? Their credentials stop working in this org at once.",
                user.name
            ),
            false,
        ),
        "activate" => (
            "Activate",
            format!("Activate {}? Their credentials work again.", user.name),
            false,
        ),
        "delete" => (
            "Delete",
            format!(
                "Delete {} for good? Their memberships, links and personal data go with them.",
                user.name
            ),
            true,
        ),
        _ => return Err(console.fail(ConsoleError::not_found())),
    };
    let layout = console.layout.clone().at("users");
    render(
        StatusCode::OK,
        &ConfirmPage {
            layout: Some(&layout),
            csrf: &layout.csrf,
            heading: format!("{button} {}", user.name),
            question,
            action: format!("/console/users/{id}/{}", q.action),
            button,
            danger,
            cancel: format!("/console/users/{id}"),
        },
    )
}

async fn set_state(console: AdminConsole, raw: &str, to: UserState) -> ConsoleResult {
    let id = target(&console, raw)?;
    let org = &console.principal.user.org_id;
    let mut conn = console.state.writer.conn().await?;
    users::set_state(&mut conn, org, &id, to)
        .await
        .map_err(|e| console.fail(e))?;
    console.state.principals.forget_user(org, &id);
    Ok(see_other(format!("/console/users/{id}")))
}

/// `POST /console/users/{id}/deactivate` (AppAdmin), as the API's deactivate.
pub async fn deactivate(
    console: AdminConsole,
    path: web::Path<String>,
    _form: Form,
) -> ConsoleResult {
    set_state(console, &path, UserState::Inactive).await
}

/// `POST /console/users/{id}/activate` (AppAdmin), as the API's activate.
pub async fn activate(
    console: AdminConsole,
    path: web::Path<String>,
    _form: Form,
) -> ConsoleResult {
    set_state(console, &path, UserState::Active).await
}

/// `POST /console/users/{id}/delete` (AppAdmin), as `DELETE /api/v1/app/user/{id}`.
pub async fn delete(console: AdminConsole, path: web::Path<String>, _form: Form) -> ConsoleResult {
    let id = target(&console, &path)?;
    let org = &console.principal.user.org_id;
    let mut conn = console.state.writer.conn().await?;
    let deleted = users::delete(&mut conn, org, &id, &Precondition::None)
        .await
        .map_err(|e| console.fail(e))?;
    console.state.principals.forget_user(org, &id);
    for hash in &deleted.credential_hashes {
        console.state.credentials.forget_hash(hash);
    }
    Ok(see_other("/console/users"))
}
