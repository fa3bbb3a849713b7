//! Discovery (RFC 7644 §4), served without authentication: `ServiceProviderConfig`,
//! `ResourceTypes` and `Schemas`. Writes to them are 405.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use roster_scim::{schema, ScimError};
use serde_json::Value as Json;

use super::respond::{answer, base_url, ScimApiResult};

/// What the server supports: PATCH, filters (with `maxResults`) and ETags; not bulk, sort
/// or changePassword.
#[utoipa::path(get, path = "/scim/v2/ServiceProviderConfig", tag = "scim-discovery",
    responses((status = 200, description = "The configuration", content_type = "application/scim+json", body = Object)))]
pub async fn service_provider_config(req: HttpRequest) -> HttpResponse {
    answer(
        StatusCode::OK,
        &schema::service_provider_config(&base_url(&req)),
    )
}

fn list(items: Vec<Json>) -> Json {
    let n = items.len() as i64;
    roster_scim::list::response(n, 1, items)
}

fn one(items: Vec<Json>, id: &str, what: &str) -> ScimApiResult<HttpResponse> {
    items
        .into_iter()
        .find(|i| i["id"].as_str().is_some_and(|x| x.eq_ignore_ascii_case(id)))
        .map(|i| answer(StatusCode::OK, &i))
        .ok_or_else(|| ScimError::not_found(what).into())
}

/// The resource types: User and Group.
#[utoipa::path(get, path = "/scim/v2/ResourceTypes", tag = "scim-discovery",
    responses((status = 200, description = "A ListResponse of resource types", content_type = "application/scim+json", body = Object)))]
pub async fn resource_types(req: HttpRequest) -> HttpResponse {
    answer(
        StatusCode::OK,
        &list(schema::resource_types(&base_url(&req))),
    )
}

/// One resource type (`User` or `Group`).
#[utoipa::path(get, path = "/scim/v2/ResourceTypes/{id}", tag = "scim-discovery",
    params(("id" = String, Path, description = "User or Group")),
    responses((status = 200, description = "The resource type", content_type = "application/scim+json", body = Object)))]
pub async fn resource_type(req: HttpRequest, id: web::Path<String>) -> ScimApiResult<HttpResponse> {
    one(
        schema::resource_types(&base_url(&req)),
        &id,
        "resource type",
    )
}

/// The schemas: the core User and Group, with exactly the attributes Roster stores.
#[utoipa::path(get, path = "/scim/v2/Schemas", tag = "scim-discovery",
    responses((status = 200, description = "A ListResponse of schemas", content_type = "application/scim+json", body = Object)))]
pub async fn schemas(req: HttpRequest) -> HttpResponse {
    answer(StatusCode::OK, &list(schema::schemas(&base_url(&req))))
}

/// One schema, by its URN.
#[utoipa::path(get, path = "/scim/v2/Schemas/{id}", tag = "scim-discovery",
    params(("id" = String, Path, description = "A schema URN")),
    responses((status = 200, description = "The schema", content_type = "application/scim+json", body = Object)))]
pub async fn schema_by_id(req: HttpRequest, id: web::Path<String>) -> ScimApiResult<HttpResponse> {
    one(schema::schemas(&base_url(&req)), &id, "schema")
}

/// A search across resource types (`POST /.search`) is not supported: 501. Search one
/// type with `POST /Users/.search`.
#[utoipa::path(post, path = "/scim/v2/.search", tag = "scim",
    request_body(content = Object, content_type = "application/scim+json", description = "A SearchRequest"),
    responses((status = 501, description = "Not supported", content_type = "application/scim+json", body = Object)))]
pub async fn search_all(
    _caller: super::caller::ScimCaller,
    _body: web::Bytes,
) -> ScimApiResult<HttpResponse> {
    Err(ScimError::new(
        501,
        None,
        "searching several resource types at once is not supported: POST /Users/.search",
    )
    .into())
}
