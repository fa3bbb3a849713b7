//! External users (`/api/v1/external-users`): list, create, get, update.

use actix_web::{web, HttpResponse};
use roster_core::search::SearchTerm;
use roster_external_users::users::{
    self, CreateExternalUserRequest, ExternalUser, ExternalUserChanges, ExternalUserFilter,
    NewExternalUser, UpdateExternalUserRequest,
};
use roster_external_users::{ChannelId, GroupId, SuperIdentityId, TierId, UserId};
use utoipa::IntoParams;

use super::query::{listed, FromQueryPairs, ListQuery, PageQuery, QueryPairs};
use crate::auth::ExternalCaller;
use crate::error::ApiResult;
use crate::extract::{tagged, ApiJson, Conditional, IdPath, MetadataQuery};
use crate::state::AppState;

/// Filters of `GET /api/v1/external-users` (its paging is `PageQuery`). Id filters take
/// one value or many.
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
    #[param(value_type = Option<SearchTerm>, inline)]
    pub search: Option<String>,
}

impl FromQueryPairs for ExternalUsersQuery {
    fn from_pairs(q: &QueryPairs) -> ApiResult<Self> {
        Ok(Self {
            channel_ids: q.ids("channelIds", ChannelId::parse)?,
            external_user_group_ids: q.ids("externalUserGroupIds", GroupId::parse)?,
            super_identity_ids: q.ids("superIdentityIds", SuperIdentityId::parse)?,
            tier_ids: q.ids("tierIds", TierId::parse)?,
            search: q.text("search")?,
        })
    }
}

impl ExternalUsersQuery {
    /// The list's filter (the console's External users page reads the same query).
    pub fn filter(self) -> ApiResult<ExternalUserFilter> {
        Ok(ExternalUserFilter {
            channel_ids: self.channel_ids,
            external_user_group_ids: self.external_user_group_ids,
            super_identity_ids: self.super_identity_ids,
            tier_ids: self.tier_ids,
            search: SearchTerm::parse(self.search.as_deref())?,
            metadata: Default::default(),
        })
    }
}

/// The workspace's external users, oldest first. The total is in `X-Total-Count`.
#[utoipa::path(get, path = "/api/v1/external-users", tag = "external-users",
    params(ExternalUsersQuery, MetadataQuery, PageQuery),
    responses((status = 200, description = "Retrieves all external users for the workspace.", body = Vec<ExternalUser>,
        headers(("X-Total-Count" = i64, description = "How many external users match the filters")))))]
pub async fn list_external_users(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    ListQuery(q): ListQuery<ExternalUsersQuery>,
    MetadataQuery(metadata): MetadataQuery,
    ListQuery(page): ListQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let filter = ExternalUserFilter {
        metadata,
        ..q.filter()?
    };
    let mut conn = state.conn().await?;
    let list = users::list(&mut conn, caller.workspace_id, &filter, page).await?;
    Ok(listed(list))
}

/// Creates an external user. A duplicate `externalId` or `identifier` in the channel is a
/// 409; a channel, tier or group not in the workspace is a 404.
#[utoipa::path(post, path = "/api/v1/external-users", tag = "external-users",
    request_body = CreateExternalUserRequest,
    responses((status = 200, description = "The external user was created.", body = ExternalUser)))]
pub async fn create_external_user(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    ApiJson(body): ApiJson<CreateExternalUserRequest>,
) -> ApiResult<HttpResponse> {
    let new = NewExternalUser::try_from(body)?;
    let mut conn = state.writer.conn().await?;
    let user = users::create(&mut conn, caller.workspace_id, new).await?;
    Ok(HttpResponse::Ok().json(user))
}

/// One external user of the workspace.
#[utoipa::path(get, path = "/api/v1/external-users/{id}", tag = "external-users",
    params(("id" = String, Path, description = "An external user id (UUID)")),
    responses((status = 200, description = "Retrieves an external user.", body = ExternalUser)))]
pub async fn get_external_user(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    cond: Conditional,
    IdPath(id): IdPath<UserId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let user = users::get(&mut conn, caller.workspace_id, id).await?;
    Ok(cond.read(&user))
}

/// Updates an external user: only the fields sent; `null` clears a nullable one.
/// `metadata` is merged: a key given `null` or `""` is removed.
/// Blocking takes effect at once, also for access tokens already issued.
#[utoipa::path(patch, path = "/api/v1/external-users/{id}", tag = "external-users",
    params(("id" = String, Path, description = "An external user id (UUID)")),
    request_body = UpdateExternalUserRequest,
    responses((status = 200, description = "The external user was updated.", body = ExternalUser)))]
pub async fn update_external_user(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    cond: Conditional,
    ApiJson(body): ApiJson<UpdateExternalUserRequest>,
    IdPath(id): IdPath<UserId>,
) -> ApiResult<HttpResponse> {
    let changes = ExternalUserChanges::try_from(body)?;
    let mut conn = state.writer.conn().await?;
    let user = users::update(&mut conn, caller.workspace_id, id, changes, &cond.pre).await?;
    Ok(tagged(&user))
}
