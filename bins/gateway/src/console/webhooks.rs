//! Webhooks (AppAdmin): the org's endpoints, one added (its secret shown in that answer),
//! an endpoint's deliveries with Retry, "Send test event" and "Rotate secret", by the
//! functions of `/api/v1/app/webhooks`.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use roster_core::events::TypeFilter;
use roster_core::feed::FeedRequest;
use roster_webhooks::deliveries::{self, Delivery};
use roster_webhooks::endpoints::{self, WebhookEndpoint};
use roster_webhooks::requests::CreateWebhookRequest;
use roster_webhooks::{DeliveryId, EndpointId};

use super::form::Form;
use super::page::{render, see_other, when, ConsoleError, ConsoleResult, Layout};
use super::session::AdminConsole;
use crate::extract::ids::PathId;

pub struct EndpointRow {
    pub id: String,
    pub url: String,
    pub events: String,
    pub enabled: &'static str,
    pub created: String,
}

impl From<WebhookEndpoint> for EndpointRow {
    fn from(e: WebhookEndpoint) -> Self {
        Self {
            id: e.id.to_string(),
            url: e.url,
            events: e.events.map_or_else(|| "all".to_owned(), |t| t.join(", ")),
            enabled: if e.enabled { "yes" } else { "no" },
            created: when(e.created_at),
        }
    }
}

pub struct DeliveryRow {
    pub id: String,
    pub event_type: String,
    pub state: &'static str,
    pub attempts: i32,
    pub last: String,
    pub created: String,
}

impl From<Delivery> for DeliveryRow {
    fn from(d: Delivery) -> Self {
        Self {
            id: d.id.to_string(),
            event_type: d.event_type,
            state: d.state.as_str(),
            attempts: d.attempts,
            last: match (d.last_status, d.last_error) {
                (Some(status), _) => status.to_string(),
                (None, Some(error)) => error,
                (None, None) => String::new(),
            },
            created: when(d.created_at),
        }
    }
}

#[derive(Template)]
#[template(path = "console/webhooks.html")]
struct WebhooksPage<'a> {
    layout: Option<&'a Layout>,
    csrf: &'a str,
    endpoints: Vec<EndpointRow>,
    secret: Option<String>,
}

#[derive(Template)]
#[template(path = "console/webhook.html")]
struct WebhookPage<'a> {
    layout: Option<&'a Layout>,
    csrf: &'a str,
    endpoint: EndpointRow,
    deliveries: Vec<DeliveryRow>,
    secret: Option<String>,
}

/// The newest page of a feed (as the API's default).
fn newest() -> Result<FeedRequest, ConsoleError> {
    Ok(FeedRequest::parse(None, None)?)
}

async fn show_list(
    console: &AdminConsole,
    secret: Option<String>,
    status: StatusCode,
) -> ConsoleResult {
    let org = console.principal.user.org_id.as_str();
    let mut conn = console.state.conn().await?;
    let page = endpoints::list(&mut conn, org, &newest()?)
        .await
        .map_err(|e| console.fail(e))?;
    drop(conn);
    let layout = console.layout.clone().at("webhooks");
    render(
        status,
        &WebhooksPage {
            layout: Some(&layout),
            csrf: &layout.csrf,
            endpoints: page.data.into_iter().map(EndpointRow::from).collect(),
            secret,
        },
    )
}

/// `GET /console/webhooks`.
pub async fn list(console: AdminConsole) -> ConsoleResult {
    show_list(&console, None, StatusCode::OK).await
}

/// `POST /console/webhooks`: as `POST /api/v1/app/webhooks`; the secret in this answer.
pub async fn create(console: AdminConsole, form: Form) -> ConsoleResult {
    let fail = |e: roster_core::DomainError| console.fail(e);
    let events = match form.text("events") {
        None => None,
        Some(raw) => Some(
            raw.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| serde_json::from_value::<TypeFilter>(serde_json::Value::from(t)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| {
                    console.fail(ConsoleError::bad_request(
                        "validation_failed",
                        format!("events: {e}"),
                    ))
                })?,
        ),
    };
    let request = CreateWebhookRequest {
        url: form.text("url").unwrap_or_default(),
        events,
        description: form.text("description"),
    };
    let new = roster_webhooks::requests::NewEndpoint::try_from(request).map_err(fail)?;
    let key = console.state.config.webhook_key();
    let allow_private = console.state.config.webhooks.allow_private;
    let mut conn = console.state.conn().await?;
    let created = endpoints::create(
        &mut conn,
        &key,
        allow_private,
        console.principal.user.org_id.as_str(),
        new,
    )
    .await
    .map_err(fail)?;
    drop(conn);
    show_list(&console, Some(created.secret), StatusCode::CREATED).await
}

fn endpoint_id(console: &AdminConsole, raw: &str) -> Result<EndpointId, ConsoleError> {
    EndpointId::parse_path(raw).ok_or_else(|| console.fail(ConsoleError::not_found()))
}

async fn show(console: &AdminConsole, id: &EndpointId, secret: Option<String>) -> ConsoleResult {
    let org = console.principal.user.org_id.as_str();
    let fail = |e| console.fail(e);
    let mut conn = console.state.conn().await?;
    let endpoint = endpoints::get(&mut conn, org, id).await.map_err(fail)?;
    let page = deliveries::list(&mut conn, org, id, &newest()?)
        .await
        .map_err(fail)?;
    drop(conn);
    let layout = console.layout.clone().at("webhooks");
    render(
        StatusCode::OK,
        &WebhookPage {
            layout: Some(&layout),
            csrf: &layout.csrf,
            endpoint: endpoint.into(),
            deliveries: page.data.into_iter().map(DeliveryRow::from).collect(),
            secret,
        },
    )
}

/// `GET /console/webhooks/{id}`: the endpoint and its latest deliveries.
pub async fn page(console: AdminConsole, path: web::Path<String>) -> ConsoleResult {
    let id = endpoint_id(&console, &path)?;
    show(&console, &id, None).await
}

/// `POST /console/webhooks/{id}/test`: a `webhook.test` event to this endpoint only.
pub async fn send_test(
    console: AdminConsole,
    path: web::Path<String>,
    _form: Form,
) -> ConsoleResult {
    let id = endpoint_id(&console, &path)?;
    let mut conn = console.state.conn().await?;
    endpoints::send_test(&mut conn, console.principal.user.org_id.as_str(), &id)
        .await
        .map_err(|e| console.fail(e))?;
    Ok(see_other(format!("/console/webhooks/{id}")))
}

/// `POST /console/webhooks/{id}/rotate-secret`: the new secret, shown in this answer.
pub async fn rotate(console: AdminConsole, path: web::Path<String>, _form: Form) -> ConsoleResult {
    let id = endpoint_id(&console, &path)?;
    let key = console.state.config.webhook_key();
    let mut conn = console.state.conn().await?;
    let secret =
        endpoints::rotate_secret(&mut conn, &key, console.principal.user.org_id.as_str(), &id)
            .await
            .map_err(|e| console.fail(e))?;
    drop(conn);
    show(&console, &id, Some(secret.secret)).await
}

/// `POST /console/webhooks/{id}/deliveries/{delivery}/retry`: sent again now.
pub async fn retry(
    console: AdminConsole,
    path: web::Path<(String, String)>,
    _form: Form,
) -> ConsoleResult {
    let id = endpoint_id(&console, &path.0)?;
    let delivery =
        DeliveryId::parse_path(&path.1).ok_or_else(|| console.fail(ConsoleError::not_found()))?;
    let mut conn = console.state.conn().await?;
    deliveries::retry(
        &mut conn,
        console.principal.user.org_id.as_str(),
        &id,
        &delivery,
    )
    .await
    .map_err(|e| console.fail(e))?;
    Ok(see_other(format!("/console/webhooks/{id}")))
}
