//! What external users are organised by (`/api/v1/channels`, `/api/v1/tiers`,
//! `/api/v1/external-user-groups`), authenticated by a workspace API key.

use actix_web::{web, HttpResponse};
use roster_core::search::SearchTerm;
use roster_external_users::channels::{self, Channel, CreateChannelRequest, UpdateChannelRequest};
use roster_external_users::groups::{
    self, CreateGroupRequest, ExternalUserGroup, GroupChanges, GroupFilter, NewGroup,
    UpdateGroupRequest,
};
use roster_external_users::input;
use roster_external_users::paging::PageRequest;
use roster_external_users::tiers::{self, CreateTierRequest, Tier, UpdateTierRequest};
use roster_external_users::{ChannelId, GroupId, TierId};
use utoipa::IntoParams;

use super::external_query::{listed, FromQueryPairs, ListQuery, QueryPairs};
use crate::auth::ExternalCaller;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        super::resource("/api/v1/channels")
            .route(web::get().to(list_channels))
            .route(web::post().to(create_channel)),
    )
    .service(
        super::resource("/api/v1/channels/{id}")
            .route(web::get().to(get_channel))
            .route(web::patch().to(update_channel))
            .route(web::delete().to(delete_channel)),
    )
    .service(
        super::resource("/api/v1/tiers")
            .route(web::get().to(list_tiers))
            .route(web::post().to(create_tier)),
    )
    .service(
        super::resource("/api/v1/tiers/{id}")
            .route(web::get().to(get_tier))
            .route(web::patch().to(update_tier))
            .route(web::delete().to(delete_tier)),
    )
    .service(
        super::resource("/api/v1/external-user-groups")
            .route(web::get().to(list_groups))
            .route(web::post().to(create_group)),
    )
    .service(
        super::resource("/api/v1/external-user-groups/{id}")
            .route(web::get().to(get_group))
            .route(web::patch().to(update_group))
            .route(web::delete().to(delete_group)),
    );
}

fn channel_id(raw: &str) -> ApiResult<ChannelId> {
    ChannelId::parse(raw).ok_or_else(|| ApiError::not_found("channel"))
}

fn tier_id(raw: &str) -> ApiResult<TierId> {
    TierId::parse(raw).ok_or_else(|| ApiError::not_found("tier"))
}

fn group_id(raw: &str) -> ApiResult<GroupId> {
    GroupId::parse(raw).ok_or_else(|| ApiError::not_found("external_user_group"))
}

/// Paging of the channel and tier lists.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct PageQuery {
    /// The page number (default 1).
    #[param(minimum = 1, maximum = 1000000000000000.0)]
    pub page_number: Option<i64>,
    /// The page size, 1 to 100 (default 10).
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<i64>,
}

impl FromQueryPairs for PageQuery {
    fn from_pairs(q: &QueryPairs) -> ApiResult<Self> {
        Ok(Self {
            page_number: q.number("pageNumber")?,
            page_size: q.number("pageSize")?,
        })
    }
}

impl PageQuery {
    fn page(&self) -> ApiResult<PageRequest> {
        Ok(PageRequest::new(self.page_number, self.page_size)?)
    }
}

// Channels

/// Creates a channel.
#[utoipa::path(post, path = "/api/v1/channels", tag = "channels",
    request_body = CreateChannelRequest,
    responses((status = 200, description = "The channel was created.", body = Channel)),
    security(("apiKey" = [])))]
pub async fn create_channel(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    ApiJson(body): ApiJson<CreateChannelRequest>,
) -> ApiResult<HttpResponse> {
    let name = body.parse()?;
    let mut conn = state.conn().await?;
    let channel = channels::create(&mut conn, caller.workspace_id, &name).await?;
    Ok(HttpResponse::Ok().json(channel))
}

/// The workspace's channels, oldest first. The total is in `X-Total-Count`.
#[utoipa::path(get, path = "/api/v1/channels", tag = "channels",
    params(PageQuery),
    responses((status = 200, description = "The workspace's channels.", body = Vec<Channel>,
        headers(("X-Total-Count" = i64, description = "How many channels there are")))),
    security(("apiKey" = [])))]
pub async fn list_channels(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    ListQuery(q): ListQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = q.page()?;
    let mut conn = state.conn().await?;
    Ok(listed(
        channels::list(&mut conn, caller.workspace_id, page).await?,
    ))
}

/// One channel of the workspace.
#[utoipa::path(get, path = "/api/v1/channels/{id}", tag = "channels",
    params(("id" = String, Path, description = "A channel id (UUID)")),
    responses((status = 200, description = "The channel.", body = Channel)),
    security(("apiKey" = [])))]
pub async fn get_channel(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = channel_id(&id)?;
    let mut conn = state.conn().await?;
    Ok(HttpResponse::Ok().json(channels::get(&mut conn, caller.workspace_id, id).await?))
}

/// Renames a channel.
#[utoipa::path(patch, path = "/api/v1/channels/{id}", tag = "channels",
    params(("id" = String, Path, description = "A channel id (UUID)")),
    request_body = UpdateChannelRequest,
    responses((status = 200, description = "The channel was updated.", body = Channel)),
    security(("apiKey" = [])))]
pub async fn update_channel(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    id: web::Path<String>,
    ApiJson(body): ApiJson<UpdateChannelRequest>,
) -> ApiResult<HttpResponse> {
    let id = channel_id(&id)?;
    let name = body.parse()?;
    let mut conn = state.conn().await?;
    let channel = channels::rename(&mut conn, caller.workspace_id, id, &name).await?;
    Ok(HttpResponse::Ok().json(channel))
}

/// Deletes a channel; one that still has external users is a 409.
#[utoipa::path(delete, path = "/api/v1/channels/{id}", tag = "channels",
    params(("id" = String, Path, description = "A channel id (UUID)")),
    responses((status = 204, description = "Deleted")),
    security(("apiKey" = [])))]
pub async fn delete_channel(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = channel_id(&id)?;
    let mut conn = state.conn().await?;
    channels::delete(&mut conn, caller.workspace_id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

// Tiers

/// Creates a tier.
#[utoipa::path(post, path = "/api/v1/tiers", tag = "tiers",
    request_body = CreateTierRequest,
    responses((status = 200, description = "The tier was created.", body = Tier)),
    security(("apiKey" = [])))]
pub async fn create_tier(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    ApiJson(body): ApiJson<CreateTierRequest>,
) -> ApiResult<HttpResponse> {
    let name = body.parse()?;
    let mut conn = state.conn().await?;
    let tier = tiers::create(&mut conn, caller.workspace_id, &name).await?;
    Ok(HttpResponse::Ok().json(tier))
}

/// The workspace's tiers, oldest first. The total is in `X-Total-Count`.
#[utoipa::path(get, path = "/api/v1/tiers", tag = "tiers",
    params(PageQuery),
    responses((status = 200, description = "The workspace's tiers.", body = Vec<Tier>,
        headers(("X-Total-Count" = i64, description = "How many tiers there are")))),
    security(("apiKey" = [])))]
pub async fn list_tiers(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    ListQuery(q): ListQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = q.page()?;
    let mut conn = state.conn().await?;
    Ok(listed(
        tiers::list(&mut conn, caller.workspace_id, page).await?,
    ))
}

/// One tier of the workspace.
#[utoipa::path(get, path = "/api/v1/tiers/{id}", tag = "tiers",
    params(("id" = String, Path, description = "A tier id (UUID)")),
    responses((status = 200, description = "The tier.", body = Tier)),
    security(("apiKey" = [])))]
pub async fn get_tier(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = tier_id(&id)?;
    let mut conn = state.conn().await?;
    Ok(HttpResponse::Ok().json(tiers::get(&mut conn, caller.workspace_id, id).await?))
}

/// Renames a tier.
#[utoipa::path(patch, path = "/api/v1/tiers/{id}", tag = "tiers",
    params(("id" = String, Path, description = "A tier id (UUID)")),
    request_body = UpdateTierRequest,
    responses((status = 200, description = "The tier was updated.", body = Tier)),
    security(("apiKey" = [])))]
pub async fn update_tier(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    id: web::Path<String>,
    ApiJson(body): ApiJson<UpdateTierRequest>,
) -> ApiResult<HttpResponse> {
    let id = tier_id(&id)?;
    let name = body.parse()?;
    let mut conn = state.conn().await?;
    let tier = tiers::rename(&mut conn, caller.workspace_id, id, &name).await?;
    Ok(HttpResponse::Ok().json(tier))
}

/// Deletes a tier; its users and groups are left without one.
#[utoipa::path(delete, path = "/api/v1/tiers/{id}", tag = "tiers",
    params(("id" = String, Path, description = "A tier id (UUID)")),
    responses((status = 204, description = "Deleted")),
    security(("apiKey" = [])))]
pub async fn delete_tier(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = tier_id(&id)?;
    let mut conn = state.conn().await?;
    tiers::delete(&mut conn, caller.workspace_id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

// External user groups

/// Query of `GET /api/v1/external-user-groups`. Id filters take one value or many.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct GroupsQuery {
    /// Only the group with exactly this external reference.
    pub external_id: Option<String>,
    /// Only these groups.
    pub ids: Vec<GroupId>,
    /// Only groups on these tiers.
    pub tier_ids: Vec<TierId>,
    /// Case-insensitive substring of the name or externalId.
    #[param(value_type = Option<SearchTerm>, inline)]
    pub search: Option<String>,
    /// The page number (default 1).
    #[param(minimum = 1, maximum = 1000000000000000.0)]
    pub page_number: Option<i64>,
    /// The page size, 1 to 100 (default 10).
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<i64>,
}

impl FromQueryPairs for GroupsQuery {
    fn from_pairs(q: &QueryPairs) -> ApiResult<Self> {
        Ok(Self {
            external_id: q.text("externalId")?,
            ids: q.ids("ids", GroupId::parse)?,
            tier_ids: q.ids("tierIds", TierId::parse)?,
            search: q.text("search")?,
            page_number: q.number("pageNumber")?,
            page_size: q.number("pageSize")?,
        })
    }
}

/// Creates an external user group. A duplicate `externalId` in the workspace is a 409; a
/// tier not in the workspace is a 404.
#[utoipa::path(post, path = "/api/v1/external-user-groups", tag = "external-user-groups",
    request_body = CreateGroupRequest,
    responses((status = 200, description = "The group was created.", body = ExternalUserGroup)),
    security(("apiKey" = [])))]
pub async fn create_group(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    ApiJson(body): ApiJson<CreateGroupRequest>,
) -> ApiResult<HttpResponse> {
    let new = NewGroup::try_from(body)?;
    let mut conn = state.conn().await?;
    let group = groups::create(&mut conn, caller.workspace_id, new).await?;
    Ok(HttpResponse::Ok().json(group))
}

/// The workspace's external user groups, oldest first. The total is in `X-Total-Count`.
#[utoipa::path(get, path = "/api/v1/external-user-groups", tag = "external-user-groups",
    params(GroupsQuery),
    responses((status = 200, description = "The workspace's external user groups.", body = Vec<ExternalUserGroup>,
        headers(("X-Total-Count" = i64, description = "How many groups match the filters")))),
    security(("apiKey" = [])))]
pub async fn list_groups(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    ListQuery(q): ListQuery<GroupsQuery>,
) -> ApiResult<HttpResponse> {
    let page = PageRequest::new(q.page_number, q.page_size)?;
    let filter = GroupFilter {
        external_id: input::external_id_filter(q.external_id)?,
        ids: q.ids,
        tier_ids: q.tier_ids,
        search: SearchTerm::parse(q.search.as_deref())?,
    };
    let mut conn = state.conn().await?;
    Ok(listed(
        groups::list(&mut conn, caller.workspace_id, &filter, page).await?,
    ))
}

/// One external user group of the workspace.
#[utoipa::path(get, path = "/api/v1/external-user-groups/{id}", tag = "external-user-groups",
    params(("id" = String, Path, description = "A group id (UUID)")),
    responses((status = 200, description = "The group.", body = ExternalUserGroup)),
    security(("apiKey" = [])))]
pub async fn get_group(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = group_id(&id)?;
    let mut conn = state.conn().await?;
    Ok(HttpResponse::Ok().json(groups::get(&mut conn, caller.workspace_id, id).await?))
}

/// Updates a group: only the fields sent; `null` clears a nullable one.
#[utoipa::path(patch, path = "/api/v1/external-user-groups/{id}", tag = "external-user-groups",
    params(("id" = String, Path, description = "A group id (UUID)")),
    request_body = UpdateGroupRequest,
    responses((status = 200, description = "The group was updated.", body = ExternalUserGroup)),
    security(("apiKey" = [])))]
pub async fn update_group(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    id: web::Path<String>,
    ApiJson(body): ApiJson<UpdateGroupRequest>,
) -> ApiResult<HttpResponse> {
    let id = group_id(&id)?;
    let changes = GroupChanges::try_from(body)?;
    let mut conn = state.conn().await?;
    let group = groups::update(&mut conn, caller.workspace_id, id, changes).await?;
    Ok(HttpResponse::Ok().json(group))
}

/// Deletes a group; its users are left without one.
#[utoipa::path(delete, path = "/api/v1/external-user-groups/{id}", tag = "external-user-groups",
    params(("id" = String, Path, description = "A group id (UUID)")),
    responses((status = 204, description = "Deleted")),
    security(("apiKey" = [])))]
pub async fn delete_group(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = group_id(&id)?;
    let mut conn = state.conn().await?;
    groups::delete(&mut conn, caller.workspace_id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
