//! Webhook endpoints of the org and their deliveries (`/api/v1/app/webhooks`, AppAdmin).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use roster_core::feed::{FeedPage, FeedParams, FeedRequest};
use roster_webhooks::deliveries::{self, Delivery};
use roster_webhooks::endpoints::{self, CreatedEndpoint, TestSent, WebhookEndpoint, WebhookSecret};
use roster_webhooks::requests::{CreateWebhookRequest, UpdateWebhookRequest};
use roster_webhooks::{DeliveryId, EndpointId};

use crate::auth::AdminCaller;
use crate::error::ApiResult;
use crate::extract::{tagged, ApiJson, ApiQuery, Conditional, IdPath};
use crate::state::AppState;

/// 200 with a secret, kept out of caches.
fn secret_answer(secret: &WebhookSecret) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(secret)
}

/// Creates an endpoint (AppAdmin). Its secret is in this response, and at `.../secret`.
#[utoipa::path(post, path = "/api/v1/app/webhooks", tag = "webhooks",
    request_body = CreateWebhookRequest,
    responses((status = 201, body = CreatedEndpoint, headers(("Location" = String, description = "The endpoint's URL")))),
)]
pub async fn create_webhook(
    state: web::Data<AppState>,
    caller: AdminCaller,
    ApiJson(body): ApiJson<CreateWebhookRequest>,
) -> ApiResult<HttpResponse> {
    let new = body.try_into()?;
    let mut conn = state.conn().await?;
    let key = state.config.webhook_key();
    let allow_private = state.config.webhooks.allow_private;
    let created = endpoints::create(
        &mut conn,
        &key,
        allow_private,
        caller.user.org_id.as_str(),
        new,
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/app/webhooks/{}", created.endpoint.id),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(created))
}

/// The org's endpoints, newest first (AppAdmin; never their secrets).
#[utoipa::path(get, path = "/api/v1/app/webhooks", tag = "webhooks",
    params(FeedParams),
    responses((status = 200, body = FeedPage<WebhookEndpoint>)))]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    caller: AdminCaller,
    ApiQuery(q): ApiQuery<FeedParams>,
) -> ApiResult<HttpResponse> {
    let page = FeedRequest::try_from(&q)?;
    let mut conn = state.conn().await?;
    Ok(HttpResponse::Ok()
        .json(endpoints::list(&mut conn, caller.user.org_id.as_str(), &page).await?))
}

/// One endpoint (AppAdmin).
#[utoipa::path(get, path = "/api/v1/app/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "An endpoint id (whep_…)")),
    responses((status = 200, body = WebhookEndpoint)))]
pub async fn get_webhook(
    state: web::Data<AppState>,
    caller: AdminCaller,
    cond: Conditional,
    IdPath(id): IdPath<EndpointId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    Ok(cond.read(&endpoints::get(&mut conn, caller.user.org_id.as_str(), &id).await?))
}

/// Changes an endpoint (AppAdmin): only the fields sent; `enabled: true` turns a disabled
/// one back on.
#[utoipa::path(patch, path = "/api/v1/app/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "An endpoint id (whep_…)")),
    request_body = UpdateWebhookRequest,
    responses((status = 200, body = WebhookEndpoint)))]
pub async fn update_webhook(
    state: web::Data<AppState>,
    caller: AdminCaller,
    cond: Conditional,
    IdPath(id): IdPath<EndpointId>,
    ApiJson(body): ApiJson<UpdateWebhookRequest>,
) -> ApiResult<HttpResponse> {
    let changes = body.try_into()?;
    let mut conn = state.conn().await?;
    let allow_private = state.config.webhooks.allow_private;
    let endpoint = endpoints::update(
        &mut conn,
        allow_private,
        caller.user.org_id.as_str(),
        &id,
        changes,
        &cond.pre,
    )
    .await?;
    Ok(tagged(&endpoint))
}

/// Deletes an endpoint and its deliveries (AppAdmin).
#[utoipa::path(delete, path = "/api/v1/app/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "An endpoint id (whep_…)")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    caller: AdminCaller,
    cond: Conditional,
    IdPath(id): IdPath<EndpointId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    endpoints::delete(&mut conn, caller.user.org_id.as_str(), &id, &cond.pre).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The endpoint's signing secret (AppAdmin).
#[utoipa::path(get, path = "/api/v1/app/webhooks/{id}/secret", tag = "webhooks",
    params(("id" = String, Path, description = "An endpoint id (whep_…)")),
    responses((status = 200, body = WebhookSecret)))]
pub async fn get_webhook_secret(
    state: web::Data<AppState>,
    caller: AdminCaller,
    IdPath(id): IdPath<EndpointId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let key = state.config.webhook_key();
    let secret = endpoints::secret(&mut conn, &key, caller.user.org_id.as_str(), &id).await?;
    Ok(secret_answer(&secret))
}

/// A new signing secret (AppAdmin); the old one signs beside it for 24 hours.
#[utoipa::path(post, path = "/api/v1/app/webhooks/{id}/rotate-secret", tag = "webhooks",
    params(("id" = String, Path, description = "An endpoint id (whep_…)")),
    responses((status = 200, body = WebhookSecret)))]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    caller: AdminCaller,
    IdPath(id): IdPath<EndpointId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let key = state.config.webhook_key();
    let secret =
        endpoints::rotate_secret(&mut conn, &key, caller.user.org_id.as_str(), &id).await?;
    Ok(secret_answer(&secret))
}

/// Sends a `webhook.test` event to this endpoint only (AppAdmin).
#[utoipa::path(post, path = "/api/v1/app/webhooks/{id}/test", tag = "webhooks",
    params(("id" = String, Path, description = "An endpoint id (whep_…)")),
    responses((status = 202, body = TestSent)))]
pub async fn test_webhook(
    state: web::Data<AppState>,
    caller: AdminCaller,
    IdPath(id): IdPath<EndpointId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let sent = endpoints::send_test(&mut conn, caller.user.org_id.as_str(), &id).await?;
    Ok(HttpResponse::Accepted().json(sent))
}

/// The endpoint's deliveries, newest first (AppAdmin).
#[utoipa::path(get, path = "/api/v1/app/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = String, Path, description = "An endpoint id (whep_…)"), FeedParams),
    responses((status = 200, body = FeedPage<Delivery>)))]
pub async fn list_deliveries(
    state: web::Data<AppState>,
    caller: AdminCaller,
    IdPath(id): IdPath<EndpointId>,
    ApiQuery(q): ApiQuery<FeedParams>,
) -> ApiResult<HttpResponse> {
    let page = FeedRequest::try_from(&q)?;
    let mut conn = state.conn().await?;
    let list = deliveries::list(&mut conn, caller.user.org_id.as_str(), &id, &page).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Sends a delivery again now (AppAdmin).
#[utoipa::path(post, path = "/api/v1/app/webhooks/{id}/deliveries/{delivery_id}/retry", tag = "webhooks",
    params(("id" = String, Path, description = "An endpoint id (whep_…)"),
        ("delivery_id" = String, Path, description = "A delivery id (whdl_…)")),
    responses((status = 202, body = Delivery)))]
pub async fn retry_delivery(
    state: web::Data<AppState>,
    caller: AdminCaller,
    IdPath((id, delivery_id)): IdPath<(EndpointId, DeliveryId)>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let delivery =
        deliveries::retry(&mut conn, caller.user.org_id.as_str(), &id, &delivery_id).await?;
    Ok(HttpResponse::Accepted().json(delivery))
}
