//! External users (`/api/v1/external-users`, Zaia public API compatible): authenticate,
//! me, list, create, get, update. Authenticated by a workspace API key, except `me`,
//! which takes an external user's access token.

use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use roster_core::DomainError;
use roster_external_users::access::{
    self, Authenticate, AuthenticateRequest, AuthenticatedExternalUser,
};
use roster_external_users::input;
use roster_external_users::users::{
    self, CreateExternalUserRequest, ExternalUser, ExternalUserChanges, ExternalUserFilter,
    NewExternalUser, UpdateExternalUserRequest,
};
use roster_external_users::{ChannelId, GroupId, SuperIdentityId, TierId, UserId};
use utoipa::IntoParams;

use super::external_query::{listed, FromQueryPairs, ListQuery, QueryPairs};
use super::sessions::client_ip;
use crate::auth::{authorization_credential, ExternalCaller};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::rate_limit::Endpoint;
use crate::state::AppState;

/// `authenticate` and `me` come before `{id}`, which would otherwise take them for ids.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/api/v1/external-users/authenticate").route(web::post().to(authenticate)),
    )
    .service(super::resource("/api/v1/external-users/me").route(web::get().to(me)))
    .service(
        super::resource("/api/v1/external-users")
            .route(web::get().to(list_external_users))
            .route(web::post().to(create_external_user)),
    )
    .service(
        super::resource("/api/v1/external-users/{id}")
            .route(web::get().to(get_external_user))
            .route(web::patch().to(update_external_user)),
    );
}

/// An external user id from the path; a malformed one names no user: 404.
fn user_id(raw: &str) -> ApiResult<UserId> {
    UserId::parse(raw).ok_or_else(|| ApiError::not_found("external_user"))
}

fn signing_key(state: &AppState) -> [u8; 32] {
    access::signing_key(&state.config.secret.0)
}

/// Authenticates an external user: finds it by `id`, else by (`channelId`,
/// `externalId`), else by (`channelId`, `identifier`), creating it when none matches,
/// and returns it with an access token valid for one hour. Rate limited per API key and
/// per client address (429 with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/external-users/authenticate", tag = "external-users",
    request_body = AuthenticateRequest,
    responses((status = 200, description = "The external user was authenticated and access token generated.", body = AuthenticatedExternalUser)),
    security(("apiKey" = [])))]
pub async fn authenticate(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    // Counted before the key is checked, so that guessing keys is limited too; the body
    // is read only after the key passed.
    state.limits.check(
        Endpoint::Authenticate,
        authorization_credential(&req).as_deref(),
        client_ip(&req),
    )?;
    let caller = ExternalCaller::extract(&req).await?;
    let ApiJson(body) =
        ApiJson::<AuthenticateRequest>::from_request(&req, &mut payload.into_inner()).await?;
    let request = Authenticate::try_from(body)?;
    let key = signing_key(&state);
    let mut conn = state.conn().await?;
    let authenticated = access::authenticate(&mut conn, caller.key_holder(), request, &key).await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(authenticated))
}

/// The external user an access token belongs to (`Authorization: Bearer <accessToken>`),
/// so that a resource server can check a token. A token whose API key was revoked since:
/// 401; a user blocked since: 403.
#[utoipa::path(get, path = "/api/v1/external-users/me", tag = "external-users", operation_id = "external_user_me",
    responses((status = 200, description = "The external user the access token was issued to.", body = ExternalUser)),
    security(("accessToken" = [])))]
pub async fn me(state: web::Data<AppState>, req: HttpRequest) -> ApiResult<HttpResponse> {
    let token = authorization_credential(&req).ok_or_else(|| {
        ApiError(DomainError::unauthorized(
            "authentication required: send Authorization: Bearer <accessToken>",
        ))
    })?;
    let key = signing_key(&state);
    let mut conn = state.conn().await?;
    let user = access::me(&mut conn, &token, &key).await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Query of `GET /api/v1/external-users`. Id filters take one value or many.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct ExternalUsersQuery {
    /// Only users on these channels.
    pub channel_ids: Vec<ChannelId>,
    /// Only users in these groups.
    pub external_user_group_ids: Vec<GroupId>,
    /// Only users of these super identities.
    pub super_identity_ids: Vec<SuperIdentityId>,
    /// Only users on these tiers.
    pub tier_ids: Vec<TierId>,
    /// Case-insensitive substring of the name, identifier or externalId.
    #[param(max_length = 200, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub search: Option<String>,
    /// The page number (default 1).
    #[param(minimum = 1, maximum = 1000000000000000.0)]
    pub page_number: Option<i64>,
    /// The page size, 1 to 100 (default 10).
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<i64>,
}

impl FromQueryPairs for ExternalUsersQuery {
    fn from_pairs(q: &QueryPairs) -> ApiResult<Self> {
        Ok(Self {
            channel_ids: q.ids("channelIds", ChannelId::parse)?,
            external_user_group_ids: q.ids("externalUserGroupIds", GroupId::parse)?,
            super_identity_ids: q.ids("superIdentityIds", SuperIdentityId::parse)?,
            tier_ids: q.ids("tierIds", TierId::parse)?,
            search: q.text("search")?,
            page_number: q.number("pageNumber")?,
            page_size: q.number("pageSize")?,
        })
    }
}

/// The workspace's external users, oldest first. The total is in `X-Total-Count`.
#[utoipa::path(get, path = "/api/v1/external-users", tag = "external-users",
    params(ExternalUsersQuery),
    responses((status = 200, description = "Retrieves all external users for the workspace.", body = Vec<ExternalUser>,
        headers(("X-Total-Count" = i64, description = "How many external users match the filters")))),
    security(("apiKey" = [])))]
pub async fn list_external_users(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    ListQuery(q): ListQuery<ExternalUsersQuery>,
) -> ApiResult<HttpResponse> {
    let page = roster_external_users::paging::PageRequest::new(q.page_number, q.page_size)?;
    let filter = ExternalUserFilter {
        channel_ids: q.channel_ids,
        external_user_group_ids: q.external_user_group_ids,
        super_identity_ids: q.super_identity_ids,
        tier_ids: q.tier_ids,
        search: input::search(q.search.as_deref())?,
    };
    let mut conn = state.conn().await?;
    let list = users::list(&mut conn, caller.workspace_id, &filter, page).await?;
    Ok(listed(list))
}

/// Creates an external user. A duplicate `externalId` or `identifier` in the channel is a
/// 409; a channel, tier or group not in the workspace is a 404.
#[utoipa::path(post, path = "/api/v1/external-users", tag = "external-users",
    request_body = CreateExternalUserRequest,
    responses((status = 200, description = "The external user was created.", body = ExternalUser)),
    security(("apiKey" = [])))]
pub async fn create_external_user(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    ApiJson(body): ApiJson<CreateExternalUserRequest>,
) -> ApiResult<HttpResponse> {
    let new = NewExternalUser::try_from(body)?;
    let mut conn = state.writer_conn().await?;
    let user = users::create(&mut conn, caller.workspace_id, new).await?;
    Ok(HttpResponse::Ok().json(user))
}

/// One external user of the workspace.
#[utoipa::path(get, path = "/api/v1/external-users/{id}", tag = "external-users",
    params(("id" = String, Path, description = "An external user id (UUID)")),
    responses((status = 200, description = "Retrieves an external user.", body = ExternalUser)),
    security(("apiKey" = [])))]
pub async fn get_external_user(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = user_id(&id)?;
    let mut conn = state.conn().await?;
    let user = users::get(&mut conn, caller.workspace_id, id).await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Updates an external user: only the fields sent; `null` clears a nullable one.
/// Blocking takes effect at once, also for access tokens already issued.
#[utoipa::path(patch, path = "/api/v1/external-users/{id}", tag = "external-users",
    params(("id" = String, Path, description = "An external user id (UUID)")),
    request_body = UpdateExternalUserRequest,
    responses((status = 200, description = "The external user was updated.", body = ExternalUser)),
    security(("apiKey" = [])))]
pub async fn update_external_user(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    id: web::Path<String>,
    ApiJson(body): ApiJson<UpdateExternalUserRequest>,
) -> ApiResult<HttpResponse> {
    let id = user_id(&id)?;
    let changes = ExternalUserChanges::try_from(body)?;
    let mut conn = state.writer_conn().await?;
    let user = users::update(&mut conn, caller.workspace_id, id, changes).await?;
    Ok(HttpResponse::Ok().json(user))
}
