//! `Idempotency-Key` (the IETF httpapi idempotency-key-header draft) on every create the
//! route table marks with `Table::create`: one wrapper around those routes, written once.
//!
//! Without the header a create runs as always. With it, the key is scoped to the tenant
//! and the credential (`Holder`, as the route's family authenticates it) and claimed in
//! PostgreSQL (`roster_core::idempotency`) before the handler runs:
//! - the same key with the same request (method, path, body) within the window replays the
//!   first answer (status, `Content-Type`, `Location`, `ETag`, body) with
//!   `Idempotent-Replayed: true`; nothing is created and no event is emitted;
//! - the same key with another request: 422 `idempotency_key_reused`;
//! - the same key while its first request runs: 409 `idempotency_key_in_flight`;
//! - a first request answered with an error (4xx or 5xx) releases its key, so that a retry
//!   runs afresh (the draft lets a server keep no error);
//! - a malformed key: 400 `invalid_idempotency_key`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::{self, BoxBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use futures_util::future::LocalBoxFuture;
use roster_core::error::DomainResult;
use roster_core::idempotency::{self, Answer, Claim, Scope, SealedAnswer};
use roster_core::sealed::SealingKey;
use roster_core::DomainError;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, RefOr, Required, Type};

use crate::error::ApiError;
use crate::state::AppState;

/// The request header.
pub const HEADER: &str = "idempotency-key";
/// The header a replayed answer carries.
pub const REPLAYED: &str = "idempotent-replayed";
/// The headers of an answer that are stored and replayed with its status and body.
const KEPT: [HeaderName; 4] = [
    header::CONTENT_TYPE,
    header::LOCATION,
    header::ETAG,
    header::LAST_MODIFIED,
];

tokio::task_local! {
    /// The key [`handle`] claimed for the request it runs.
    static CLAIMED: Arc<Claimed>;
}

/// A key claimed for the running request. A create that stores its answer in its own
/// statement (App users by email: `Writer::create_user`) says so here, and [`handle`] then
/// does not store it again.
pub struct Claimed {
    scope: Scope,
    sealing: SealingKey,
    stored: AtomicBool,
}

impl Claimed {
    /// The key claimed for the running request, if any.
    pub fn current() -> Option<Arc<Self>> {
        CLAIMED.try_with(Arc::clone).ok()
    }

    /// Makes the answer to keep from what the request created, as `render` (the
    /// handler's own answer) answers it.
    pub fn answer_with<T: 'static>(
        self: &Arc<Self>,
        render: fn(&T) -> HttpResponse,
    ) -> impl Fn(&T) -> DomainResult<SealedAnswer> + Send + Sync + 'static {
        let claimed = self.clone();
        move |created: &T| {
            let (head, body) = render(created).into_parts();
            let answer = body::MessageBody::try_into_bytes(body)
                .ok()
                .and_then(|bytes| answer_of(&head, &bytes))
                .ok_or_else(|| DomainError::internal_msg("an answer to keep that is not text"))?;
            idempotency::seal(claimed.scope.clone(), &answer, &claimed.sealing)
        }
    }

    /// The answer was stored with what the request created.
    pub fn stored(&self) {
        self.stored.store(true, Ordering::Relaxed);
    }
}

/// Who a key belongs to: the tenant (org or workspace id) and the SHA-256 of the
/// credential.
pub struct Holder {
    pub tenant: String,
    pub credential: Vec<u8>,
}

impl Holder {
    /// The holder of `secret` in `tenant` (the secret is hashed here, never kept).
    pub fn new(tenant: impl ToString, secret: Option<String>) -> Self {
        Self {
            tenant: tenant.to_string(),
            credential: roster_core::secret::hash(secret.as_deref().unwrap_or_default()),
        }
    }
}

/// How a family finds the holder of a request (its `Family::idempotency`): it
/// authenticates as the family's handlers do, and its error is the answer they would give.
pub type Scoper = fn(&HttpRequest) -> LocalBoxFuture<'static, Result<Holder, ApiError>>;

/// The wrapper of a create route whose family finds holders with `scoper`.
pub async fn handle(
    scoper: Scoper,
    mut req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = match key_of(&req) {
        None => return next.call(req).await,
        Some(Ok(key)) => key,
        Some(Err(e)) => return Ok(req.error_response(e)),
    };
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let Some(state) = state else {
        return next.call(req).await;
    };
    let holder = match scoper(req.request()).await {
        Ok(holder) => holder,
        Err(e) => return Ok(req.error_response(e)),
    };
    let (http, payload) = req.parts_mut();
    let body = match web::Bytes::from_request(http, payload).await {
        Ok(body) => body,
        Err(e) => return Ok(req.error_response(crate::extract::body_error(&e))),
    };
    req.set_payload(body.clone().into());
    let target = req.uri().path_and_query().map_or("", |p| p.as_str());
    let fingerprint = idempotency::fingerprint(req.method().as_str(), target, &body);
    let scope = Scope {
        tenant: holder.tenant,
        credential: holder.credential,
        key,
    };
    let sealing = idempotency::sealing_key(&state.config.secret.0);
    let window = Duration::from_secs(u64::from(state.config.idempotency_hours) * 3_600);
    let claim = match state.conn().await {
        Ok(mut conn) => idempotency::claim(&mut conn, &scope, &fingerprint, window, &sealing)
            .await
            .map_err(ApiError),
        Err(e) => Err(e),
    };
    match claim {
        Err(e) => Ok(req.error_response(e)),
        Ok(Claim::Mismatch) => Ok(req.error_response(ApiError::idempotency_key_reused())),
        Ok(Claim::InFlight) => Ok(req.error_response(ApiError(DomainError::conflict(
            "idempotency_key_in_flight",
            "the first request with this Idempotency-Key is still being processed: retry \
             once it has been answered",
        )))),
        Ok(Claim::Replay(answer)) => Ok(req.into_response(replay(&answer))),
        Ok(Claim::Claimed) => {
            let claimed = Arc::new(Claimed {
                scope,
                sealing,
                stored: AtomicBool::new(false),
            });
            let res = CLAIMED.scope(claimed.clone(), next.call(req)).await;
            if claimed.stored.load(Ordering::Relaxed) {
                return res;
            }
            Ok(settle(&state, &claimed.scope, &claimed.sealing, res).await?)
        }
    }
}

/// The request's key: none without the header, else the key or why it is malformed. A key
/// sent as the draft's structured-field string (`"…"`) is the text between the quotes.
fn key_of(req: &ServiceRequest) -> Option<Result<String, ApiError>> {
    let mut values = req.headers().get_all(HEADER);
    let first = values.next()?;
    let bad = || {
        ApiError::bad_request(
            "invalid_idempotency_key",
            "the Idempotency-Key header must be sent once, with 1 to 255 printable ASCII \
             characters",
        )
    };
    let key = first.to_str().ok().map(|raw| {
        raw.strip_prefix('"')
            .and_then(|k| k.strip_suffix('"'))
            .filter(|k| !k.is_empty() && !k.contains(['"', '\\']))
            .unwrap_or(raw)
    });
    Some(match key {
        Some(key) if values.next().is_none() && idempotency::valid_key(key) => Ok(key.to_owned()),
        _ => Err(bad()),
    })
}

/// The stored first answer, as it was sent, marked replayed.
fn replay(answer: &Answer) -> HttpResponse {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut res = HttpResponse::build(status);
    for (name, value) in &answer.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::from_str(value),
        ) {
            res.insert_header((name, value));
        }
    }
    res.insert_header((REPLAYED, "true"));
    res.body(answer.body.clone())
}

/// After the handler: a success is stored as the key's answer, anything else releases the
/// key. The answer is sent whatever the storing did: a key left unanswered is refused with
/// 409 until its in-flight lease ends, and never runs the create twice meanwhile.
async fn settle(
    state: &AppState,
    scope: &Scope,
    sealing: &SealingKey,
    res: Result<ServiceResponse<BoxBody>, actix_web::Error>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = match res {
        Ok(res) if res.status().is_success() => res,
        other => {
            release(state, scope).await;
            return other;
        }
    };
    let (req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let bytes = match body::to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(_) => {
            release(state, scope).await;
            let e = ApiError(DomainError::internal_msg("reading an answer"));
            return Ok(ServiceResponse::from_err(e, req));
        }
    };
    match answer_of(&head, &bytes) {
        Some(answer) => {
            let stored = match state.conn().await {
                Ok(mut conn) => idempotency::finish(&mut conn, scope, &answer, sealing)
                    .await
                    .map_err(ApiError),
                Err(e) => Err(e),
            };
            if let Err(e) = stored {
                tracing::warn!(error = %e, "storing an idempotent answer failed");
            }
        }
        // Every create answers JSON; anything else is not kept.
        None => release(state, scope).await,
    }
    Ok(ServiceResponse::new(
        req,
        head.set_body(BoxBody::new(bytes)),
    ))
}

/// The answer to keep of a response: its status, the headers that matter, its body; `None`
/// for a body that is not text.
fn answer_of(head: &HttpResponse<()>, bytes: &[u8]) -> Option<Answer> {
    let headers = KEPT
        .iter()
        .filter_map(|name| {
            let value = head.headers().get(name)?.to_str().ok()?;
            Some((name.as_str().to_owned(), value.to_owned()))
        })
        .collect();
    Some(Answer {
        status: head.status().as_u16(),
        headers,
        body: String::from_utf8(bytes.to_vec()).ok()?,
    })
}

async fn release(state: &AppState, scope: &Scope) {
    let released = match state.conn().await {
        Ok(mut conn) => idempotency::release(&mut conn, scope)
            .await
            .map_err(ApiError),
        Err(e) => Err(e),
    };
    if let Err(e) = released {
        tracing::warn!(error = %e, "releasing an idempotency key failed");
    }
}

/// What `Table::create` adds to a create's entry: the optional header, and the 409 and
/// 422 it may answer.
pub fn document(operation: &mut Operation) {
    let key = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .description(Some(
            "Makes the create safe to retry (IETF httpapi idempotency-key draft): the same \
             key with the same request, from the same credential in the same tenant, within \
             the window (`ROSTER_IDEMPOTENCY_HOURS`, 24 by default), replays the first answer with `Idempotent-Replayed: true` and creates \
             nothing. 1 to 255 printable ASCII characters, e.g. a UUID.",
        ))
        .required(Required::False)
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(idempotency::MAX_KEY_LEN))
                .pattern(Some("^[!-~]([ -~]*[!-~])?$")),
        ))
        .build();
    operation.parameters.get_or_insert_with(Vec::new).push(key);
    for (status, description) in [
        (
            "409",
            "Conflict with the current state (a duplicate), or `idempotency_key_in_flight`: \
             the first request with this Idempotency-Key is still running",
        ),
        (
            "422",
            "`idempotency_key_reused`: this Idempotency-Key was sent with another request",
        ),
    ] {
        operation.responses.responses.insert(
            status.to_owned(),
            RefOr::T(crate::openapi::problem_response(description)),
        );
    }
}
