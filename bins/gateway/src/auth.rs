//! Authentication extractors: who is calling, and as which user of which org.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use roster_core::events::{Actor, ActorType, EventContext};
use roster_core::DomainError;
use roster_identity::auth::{self, Authenticated, Principal};
use roster_identity::sessions::SESSION_PREFIX;
use roster_identity::tokens::TOKEN_PREFIX;

use crate::credentials::CredentialCache;
use crate::error::ApiError;
use crate::extract::{deref_to_inner, narrowed_extractor, Extracting};
use crate::state::AppState;

/// The session cookie, named as better-auth names it so that its clients work unchanged.
pub const SESSION_COOKIE: &str = "better-auth.session_token";
/// The header that picks the org of an App-family request.
pub const ORG_HEADER: &str = "x-org";
/// How long a process keeps a credential it checked, by default
/// (`ROSTER_AUTH_CACHE_SECONDS`). A revocation through any replica ends it on every
/// replica as soon as the change commits (`credentials`), as a deactivation does.
pub const CREDENTIAL_CACHE_TTL: std::time::Duration =
    std::time::Duration::from_secs(crate::config::DEFAULT_AUTH_CACHE_SECONDS);

/// The longest org reference (slug or id) worth looking up; longer ones are a 400.
pub const MAX_ORG_REF: usize = 100;

/// The `authorization` header of a request, trimmed, when it is text.
fn authorization(req: &HttpRequest) -> Option<&str> {
    Some(
        req.headers()
            .get(header::AUTHORIZATION)?
            .to_str()
            .ok()?
            .trim(),
    )
}

/// The bearer token of a request, if it sent one.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let value = authorization(req)?;
    let (scheme, token) = value.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty())
        .then(|| token.trim().to_owned())
}

/// The credential of a request: a bearer token, else the session cookie.
pub fn credential(req: &HttpRequest) -> Option<String> {
    bearer(req).or_else(|| {
        req.cookie(SESSION_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|v| !v.is_empty())
    })
}

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError(DomainError::internal_msg("application state missing")))
}

/// Who a credential belongs to: from this process's short-lived cache, else the database.
pub(crate) async fn authenticate(
    state: &AppState,
    secret: Option<String>,
) -> Result<Authenticated, ApiError> {
    let secret = secret.ok_or_else(|| {
        ApiError(DomainError::unauthorized(
            "authentication required: send Authorization: Bearer <token> or the session cookie",
        ))
    })?;
    let key = CredentialCache::key(&secret);
    if let Some(known) = state.credentials.get(&key) {
        return Ok(known);
    }
    let epoch = state.credentials.epoch();
    let mut conn = state.conn().await?;
    let authenticated = auth::authenticate(&mut conn, &secret)
        .await
        .map_err(|e| match e {
            DomainError::Unauthorized { .. } if is_api_key(&secret) => DomainError::unauthorized(
                "this route takes an API token (rpat_…) or a session (Authorization: Bearer, or \
                 the better-auth.session_token cookie), not a workspace API key: workspace API \
                 keys are for /api/v1/external-users, /api/v1/channels, /api/v1/tiers and \
                 /api/v1/external-user-groups",
            ),
            other => other,
        })?;
    state.credentials.put(key, authenticated.clone(), epoch);
    Ok(authenticated)
}

/// Whether a credential is shaped like a workspace API key (`rxk_…`).
fn is_api_key(secret: &str) -> bool {
    secret
        .strip_prefix(roster_external_users::workspaces::API_KEY_PREFIX)
        .is_some_and(|rest| rest.starts_with('_'))
}

/// Whether a credential is shaped like an API token or session token of the App family.
fn is_app_credential(secret: &str) -> bool {
    [TOKEN_PREFIX, SESSION_PREFIX].iter().any(|prefix| {
        secret
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('_'))
    })
}

/// Names the caller, a user of an org, as the actor of the request's events.
pub fn name_actor(principal: &Principal) {
    EventContext::set_actor(Actor::new(ActorType::User, principal.user.id.as_str()));
}

/// The org a request names in `x-org`, trimmed (empty when sent empty): a 400 when it is
/// not text or is longer than an org reference can be.
fn org_header(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    match req.headers().get(ORG_HEADER).map(|v| v.to_str()) {
        None => Ok(None),
        Some(Ok(org)) if org.trim().len() <= MAX_ORG_REF => Ok(Some(org.trim().to_owned())),
        Some(_) => Err(invalid_org_header()),
    }
}

fn invalid_org_header() -> ApiError {
    ApiError::bad_request(
        "invalid_org_header",
        "the x-org header must be an org slug or id",
    )
}

/// Runs `then` over what an App-family request brings: the app state, its credential and
/// the org it names in `x-org` (see [`org_header`]), read before the future runs.
fn signed_in<T: 'static>(
    req: &HttpRequest,
    then: impl AsyncFnOnce(
            web::Data<AppState>,
            Option<String>,
            Result<Option<String>, ApiError>,
        ) -> Result<T, ApiError>
        + 'static,
) -> Extracting<T> {
    let state = state(req);
    let secret = credential(req);
    let org = org_header(req);
    Box::pin(async move { then(state?, secret, org).await })
}

/// A signed-in account (token or session), whatever org it is working in, and the org its
/// request names in `x-org` (trimmed; absent when empty).
#[derive(Debug, Clone)]
pub struct Caller(pub Authenticated, pub Option<String>);

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Extracting<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        signed_in(req, async |state, secret, org| {
            let org = org?.filter(|o| !o.is_empty());
            Ok(Caller(authenticate(&state, secret).await?, org))
        })
    }
}

/// The caller as an active user of the org named by `x-org` (or the session's active org).
#[derive(Debug, Clone)]
pub struct AppCaller(pub Principal);

deref_to_inner!(AppCaller => Principal);

impl FromRequest for AppCaller {
    type Error = ApiError;
    type Future = Extracting<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        signed_in(req, async |state, secret, org| {
            let authenticated = authenticate(&state, secret).await?;
            let org = match org? {
                Some(org) if org.is_empty() => return Err(invalid_org_header()),
                org => org,
            };
            // The org the request names, else the session's; without one, principal() says 400.
            let org_ref = org.clone().or_else(|| {
                let session = authenticated.session.as_ref()?;
                Some(session.active_org_id.as_ref()?.to_string())
            });
            let principal = state
                .principals
                .get_or_load(&authenticated.account_id, org_ref.as_deref(), || async {
                    let mut conn = state.conn().await?;
                    auth::principal(&mut conn, &authenticated, org.as_deref())
                        .await
                        .map_err(|e| ApiError(unknown_org(e)))
                })
                .await?;
            name_actor(&principal);
            Ok(AppCaller(principal))
        })
    }
}

/// An AppAdmin of the org named by `x-org`: any other active user is a 403.
#[derive(Debug, Clone)]
pub struct AdminCaller(pub Principal);

deref_to_inner!(AdminCaller => Principal);

narrowed_extractor!(AdminCaller, ApiError: AppCaller => |AppCaller(principal): AppCaller| {
    principal.require_admin()?;
    Ok(AdminCaller(principal))
});

/// Not a user of the org `x-org` names: whether no such org exists or the caller is not in
/// it stays unsaid (the caller cannot see that org either way).
fn unknown_org(e: DomainError) -> DomainError {
    match e {
        DomainError::Forbidden { code, .. } if code == "not_a_member" => DomainError::forbidden(
            "not_a_member",
            "the org named by x-org does not exist or you are not a user of it: x-org takes the \
             slug or id of an org you belong to",
        ),
        other => other,
    }
}

/// The credential of an external-family request: the `authorization` header as is, or
/// after a `Bearer ` prefix.
pub fn authorization_credential(req: &HttpRequest) -> Option<String> {
    let value = authorization(req)?;
    let credential = match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        _ => value,
    };
    (!credential.is_empty()).then(|| credential.to_owned())
}

/// A caller of the external family: the workspace whose API key is in `authorization`.
/// No key, or an unknown or revoked one: 401.
#[derive(Debug, Clone, Copy)]
pub struct ExternalCaller {
    pub workspace_id: roster_external_users::WorkspaceId,
    /// The key it presented (access tokens it obtains name it).
    pub key_id: roster_external_users::ApiKeyId,
}

impl ExternalCaller {
    pub fn key_holder(&self) -> roster_external_users::workspaces::KeyHolder {
        roster_external_users::workspaces::KeyHolder {
            workspace_id: self.workspace_id,
            key_id: self.key_id,
        }
    }
}

impl FromRequest for ExternalCaller {
    type Error = ApiError;
    type Future = Extracting<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = state(req);
        let key = authorization_credential(req);
        Box::pin(async move {
            let state = state?;
            let key = key.ok_or_else(|| {
                ApiError(DomainError::unauthorized(
                    "authentication required: send the workspace API key in the authorization header",
                ))
            })?;
            let mut conn = state.conn().await?;
            let holder = roster_external_users::workspaces::authenticate_key(&mut conn, &key)
                .await
                .map_err(|e| match e {
                    DomainError::Unauthorized { .. } if is_app_credential(&key) => {
                        DomainError::unauthorized(
                            "this route takes a workspace API key (rxk_…) in the authorization \
                             header, not an API token or session: an AppAdmin creates one with \
                             POST /api/v1/app/workspaces/{id}/api-keys",
                        )
                    }
                    other => other,
                })?;
            EventContext::set_actor(Actor::new(ActorType::ApiKey, holder.key_id.to_string()));
            Ok(ExternalCaller {
                workspace_id: holder.workspace_id,
                key_id: holder.key_id,
            })
        })
    }
}
