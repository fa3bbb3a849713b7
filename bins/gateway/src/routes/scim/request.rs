//! What every `/scim/v2` resource handler starts from, extracted once: the SCIM token's
//! org, the base URL for `meta.location`, the query (`filter`, paging, projections) and
//! `If-Match`. Handlers then call one `roster_scim` function and answer its resource.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use roster_identity::scim_tokens::ScimClient;
use roster_scim::list::ListQuery;
use roster_scim::projection::Projection;
use roster_scim::{Change, ScimResult, Scope};
use serde_json::Value as Json;

use super::caller::ScimCaller;
use super::respond::{answer, base_url, if_match, Query, ScimApiError, ScimApiResult};

/// A request to a SCIM resource, by a SCIM client.
pub struct ScimRequest {
    pub client: ScimClient,
    pub base: String,
    pub query: Query,
    pub if_match: Option<String>,
}

impl FromRequest for ScimRequest {
    type Error = ScimApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ScimApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = ScimCaller::from_request(req, payload);
        let base = base_url(req);
        let query = Query::of(req);
        let if_match = if_match(req);
        Box::pin(async move {
            Ok(Self {
                client: caller.await?.0,
                base,
                query,
                if_match,
            })
        })
    }
}

impl ScimRequest {
    pub fn scope(&self) -> Scope<'_> {
        Scope {
            org_id: &self.client.org_id,
            base: &self.base,
        }
    }

    /// `attributes` and `excludedAttributes` of the query, for resources of `core`.
    pub fn projection(&self, core: &str) -> ScimResult<Projection> {
        self.query.projection(core)
    }

    /// The query of a list of resources of `core`.
    pub fn list_query(&self, core: &str) -> ScimResult<ListQuery> {
        ListQuery::parse(&self.query.raw(), core)
    }

    pub fn if_match(&self) -> Option<&str> {
        self.if_match.as_deref()
    }

    /// A PUT or PATCH of the resource `id` with `body`, answered as `projection` says.
    pub fn change<'a>(
        &'a self,
        id: &'a str,
        body: &'a Json,
        projection: &'a Projection,
    ) -> Change<'a> {
        Change {
            scope: self.scope(),
            id,
            body,
            if_match: self.if_match(),
            projection,
        }
    }
}

/// 200 with the resource (or list) a `roster_scim` function answered.
pub fn ok(resource: ScimResult<Json>) -> ScimApiResult<HttpResponse> {
    Ok(answer(StatusCode::OK, &resource?))
}

/// 200 with a list a `roster_scim` function answered, serialised as it is.
pub fn ok_list(list: ScimResult<impl serde::Serialize>) -> ScimApiResult<HttpResponse> {
    Ok(super::respond::listed(&list?))
}

/// 201 with the resource created, and its `Location`.
pub fn created(resource: ScimResult<Json>) -> ScimApiResult<HttpResponse> {
    Ok(answer(StatusCode::CREATED, &resource?))
}

/// The PUT and the PATCH of one resource type: each reads the body, makes its
/// `roster_scim` write as a [`Change`], runs `then` (if any) on the id, and answers the
/// resource. Their OpenAPI entries differ only in the body they take.
macro_rules! scim_changes {
    (
        path: $path:tt, id: $id:tt, answer: $answer:tt, schema: $schema:path, then: $then:tt,
        $(
            $(#[doc = $doc:tt])*
            $method:ident $name:ident($body:tt) => $write:path;
        )+
    ) => {$(
        $(#[doc = $doc])*
        #[utoipa::path($method, path = $path, tag = "scim",
            params(("id" = String, Path, description = $id)),
            request_body(content = Object, content_type = "application/scim+json", description = $body),
            responses((status = 200, description = $answer, content_type = "application/scim+json", body = Object)))]
        pub async fn $name(
            state: actix_web::web::Data<$crate::state::AppState>,
            scim: $crate::routes::scim::request::ScimRequest,
            id: actix_web::web::Path<String>,
            bytes: actix_web::web::Bytes,
        ) -> $crate::routes::scim::respond::ScimApiResult<actix_web::HttpResponse> {
            let projection = scim.projection($schema)?;
            let body = $crate::routes::scim::respond::body(&bytes)?;
            let mut conn = state.writer.conn().await?;
            let resource = $write(&mut conn, scim.change(&id, &body, &projection)).await;
            scim_changes!(@then $then (&state, &scim, &id));
            $crate::routes::scim::request::ok(resource)
        }
    )+};
    (@then [] $args:tt) => {};
    (@then [$then:path] ($($arg:expr),*)) => {
        $then($($arg),*)
    };
}
pub(crate) use scim_changes;
