//! The caller's API tokens: listed, created (the secret shown in that answer only, never
//! cached) and revoked, by the functions of `/api/v1/app/tokens`.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use roster_identity::requests::CreateTokenRequest;
use roster_identity::tokens;
use roster_identity::TokenId;

use super::form::Form;
use super::page::{everything, render, see_other, when, ConsoleError, ConsoleResult, Layout};
use super::session::Console;
use crate::extract::ids::PathId;

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub created: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "console/tokens.html")]
struct TokensPage<'a> {
    layout: Option<&'a Layout>,
    csrf: &'a str,
    tokens: Vec<TokenRow>,
    created: Option<String>,
}

async fn show(console: &Console, created: Option<String>, status: StatusCode) -> ConsoleResult {
    let all = everything()?;
    let mut conn = console.state.conn().await?;
    let page = tokens::list(&mut conn, &console.principal.account_id, &all)
        .await
        .map_err(|e| console.fail(e))?;
    drop(conn);
    let layout = console.layout.clone().at("tokens");
    render(
        status,
        &TokensPage {
            layout: Some(&layout),
            csrf: &layout.csrf,
            tokens: page
                .data
                .into_iter()
                .map(|t| TokenRow {
                    id: t.id.to_string(),
                    name: t.name,
                    created: when(t.created_at),
                    expires: t.expires_at.map_or_else(|| "never".to_owned(), when),
                })
                .collect(),
            created,
        },
    )
}

/// `GET /console/tokens`.
pub async fn list(console: Console) -> ConsoleResult {
    show(&console, None, StatusCode::OK).await
}

/// `POST /console/tokens`: creates one, as `POST /api/v1/app/tokens`, and shows its
/// secret in this answer only.
pub async fn create(console: Console, form: Form) -> ConsoleResult {
    let fail = |e| console.fail(e);
    let days = match form.text("expires_in_days") {
        None => None,
        Some(raw) => Some(raw.parse::<i64>().map_err(|_| {
            console.fail(ConsoleError::bad_request(
                "validation_failed",
                "expires in days must be a whole number",
            ))
        })?),
    };
    let request = CreateTokenRequest {
        name: form.raw("name").unwrap_or_default().to_owned(),
        expires_in_days: days,
    };
    let (name, expires_at) = request.parse().map_err(fail)?;
    let mut conn = console.state.conn().await?;
    let created = tokens::create(
        &mut conn,
        &console.principal.user.org_id,
        &console.principal.account_id,
        &name,
        expires_at,
    )
    .await
    .map_err(fail)?;
    drop(conn);
    show(&console, Some(created.secret), StatusCode::CREATED).await
}

/// `POST /console/tokens/{id}/revoke`, as `DELETE /api/v1/app/tokens/{id}`.
pub async fn revoke(console: Console, path: web::Path<String>, _form: Form) -> ConsoleResult {
    let id = TokenId::parse_path(&path).ok_or_else(|| console.fail(ConsoleError::not_found()))?;
    let mut conn = console.state.conn().await?;
    let hash = tokens::revoke(
        &mut conn,
        &console.principal.user.org_id,
        &console.principal.account_id,
        &id,
    )
    .await
    .map_err(|e| console.fail(e))?;
    console.state.credentials.forget_hash(&hash);
    Ok(see_other("/console/tokens"))
}
