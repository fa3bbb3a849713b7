//! The last word on every answer: the request id, problem+json for every error (SCIM's
//! own body under `/scim/v2`, the console's pages left HTML), and the request's log line.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse};
use tracing_actix_web::RequestId;

use crate::error::{ApiError, Problem, PROBLEM_JSON};
use crate::routes;
use crate::routes::scim::respond::{
    error_body as scim_error_body, ScimApiError, SCIM_BASE, SCIM_JSON,
};
use crate::telemetry;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Middleware: tags every response with `x-request-id`, and turns every error response
/// (ours, actix's own, unknown routes, wrong methods) into problem+json carrying it.
pub async fn finish(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
    let started = std::time::Instant::now();
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    let problem = if status.is_client_error() || status.is_server_error() {
        let from_api = res.response().error().and_then(|e| {
            e.as_error::<ApiError>().map(ApiError::problem).or_else(|| {
                e.as_error::<ScimApiError>().map(|e| {
                    let code = e.0.scim_type.map_or("scim_error", |t| t.as_str());
                    Problem::new(status, code, e.0.detail.clone())
                })
            })
        });
        let is_problem = res
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
        match from_api {
            Some(p) => Some(p),
            None if is_problem && request_id.is_none() => None,
            None => Some(Problem::for_status(
                status,
                res.response().error().map(|e| e.to_string()),
            )),
        }
    } else {
        None
    };
    let route = res.request().match_pattern();
    telemetry::request_finished(&telemetry::Finished {
        method: res.request().method(),
        route: route.as_deref().unwrap_or("unmatched"),
        status,
        code: problem.as_ref().map(|p| p.code.as_str()),
        detail: problem.as_ref().map(|p| p.detail.as_str()),
        elapsed: started.elapsed(),
    });
    let (req, mut response) = res.into_parts();
    let scim = req.path().starts_with(SCIM_BASE);
    if let (true, Some(problem)) = (scim, &problem) {
        // /scim/v2 answers SCIM errors, whoever made the error (no route, another method).
        let is_scim = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(SCIM_JSON.as_bytes()));
        if !is_scim {
            let detail = match status {
                StatusCode::METHOD_NOT_ALLOWED => {
                    format!("{} is not allowed on {}", req.method(), req.path())
                }
                _ => problem.detail.clone(),
            };
            response = response.set_body(BoxBody::new(scim_error_body(status, &detail)));
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
        }
    } else if let (true, Some(_)) = (is_html(&response), &problem) {
        // The console's error pages are for people: they stay HTML.
    } else if let Some(mut problem) = problem {
        problem.request_id.clone_from(&request_id);
        if status == StatusCode::METHOD_NOT_ALLOWED {
            problem.detail = format!("{} is not allowed on {}", req.method(), req.path());
            problem.error.clone_from(&problem.detail);
        }
        if let Some(status) = routes::auth::wire::translate(req.path(), &mut problem) {
            *response.status_mut() = status;
        }
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        response = response.set_body(BoxBody::new(body));
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    }
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        response.headers_mut().insert(REQUEST_ID, id);
    }
    Ok(ServiceResponse::new(req, response))
}

/// Whether an answer is an HTML page (the console's).
fn is_html(response: &HttpResponse<BoxBody>) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
}
