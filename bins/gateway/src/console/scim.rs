//! SCIM (AppAdmin): the org's SCIM tokens, one created (shown in that answer only) or
//! revoked by the functions of `/api/v1/app/scim-tokens`, and the base URL to paste into
//! Okta or Microsoft Entra.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use roster_identity::scim_tokens::{self, CreateScimTokenRequest};
use roster_identity::ScimTokenId;

use super::form::Form;
use super::page::{everything, render, see_other, when, ConsoleResult, Layout};
use super::session::AdminConsole;

pub struct ScimTokenRow {
    pub id: String,
    pub name: String,
    pub created: String,
}

#[derive(Template)]
#[template(path = "console/scim.html")]
struct ScimPage<'a> {
    layout: Option<&'a Layout>,
    csrf: &'a str,
    base_url: String,
    tokens: Vec<ScimTokenRow>,
    created: Option<String>,
}

async fn show(
    console: &AdminConsole,
    created: Option<String>,
    status: StatusCode,
) -> ConsoleResult {
    let all = everything().map_err(|e| console.fail(e))?;
    let mut conn = console.state.conn().await?;
    let page = scim_tokens::list(&mut conn, console.org(), &all)
        .await
        .map_err(|e| console.fail(e))?;
    drop(conn);
    let layout = console.layout.clone().at("scim");
    render(
        status,
        &ScimPage {
            layout: Some(&layout),
            csrf: &layout.csrf,
            base_url: format!(
                "{}/scim/v2",
                console.state.config.public_url.trim_end_matches('/')
            ),
            tokens: page
                .data
                .into_iter()
                .map(|t| ScimTokenRow {
                    id: t.id.to_string(),
                    name: t.name,
                    created: when(t.created_at),
                })
                .collect(),
            created,
        },
    )
}

/// `GET /console/scim`.
pub async fn list(console: AdminConsole) -> ConsoleResult {
    show(&console, None, StatusCode::OK).await
}

/// `POST /console/scim`: creates a token, as `POST /api/v1/app/scim-tokens`, and shows
/// it in this answer only.
pub async fn create(console: AdminConsole, form: Form) -> ConsoleResult {
    let request = CreateScimTokenRequest {
        name: form.raw("name").unwrap_or_default().to_owned(),
    };
    let mut conn = console.state.conn().await?;
    let created = scim_tokens::create(&mut conn, console.org(), &request)
        .await
        .map_err(|e| console.fail(e))?;
    drop(conn);
    show(&console, Some(created.token), StatusCode::CREATED).await
}

/// `POST /console/scim/{id}/revoke`, as `DELETE /api/v1/app/scim-tokens/{id}`.
pub async fn revoke(console: AdminConsole, path: web::Path<String>, _form: Form) -> ConsoleResult {
    let id: ScimTokenId = console.id(&path)?;
    let mut conn = console.state.conn().await?;
    scim_tokens::revoke(&mut conn, console.org(), &id)
        .await
        .map_err(|e| console.fail(e))?;
    console.state.scim_clients.forget_token(console.org(), &id);
    Ok(see_other("/console/scim"))
}
