//! External user groups (`/api/v1/external-user-groups`): a workspace's companies or
//! teams of external users, each on an optional tier.

use actix_web::{web, HttpResponse};
use roster_core::search::SearchTerm;
use roster_external_users::groups::{
    self, CreateGroupRequest, ExternalUserGroup, GroupChanges, GroupFilter, NewGroup,
    UpdateGroupRequest,
};
use roster_external_users::input;
use roster_external_users::{GroupId, TierId};
use utoipa::IntoParams;

use super::query::{listed, FromQueryPairs, ListQuery, PageQuery, QueryPairs};
use crate::auth::ExternalCaller;
use crate::error::ApiResult;
use crate::extract::{tagged, ApiJson, Conditional, IdPath, MetadataQuery};
use crate::state::AppState;

/// Filters of `GET /api/v1/external-user-groups` (its paging is `PageQuery`). Id filters
/// take one value or many.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query, rename_all = "camelCase")]
pub struct GroupsQuery {
    /// Only the group with exactly this external reference (at most 250 characters,
    /// `roster_external_users::input::external_id_filter`).
    #[param(max_length = 250)]
    pub external_id: Option<String>,
    /// Only these groups.
    pub ids: Vec<GroupId>,
    /// Only groups on these tiers.
    pub tier_ids: Vec<TierId>,
    /// Case-insensitive substring of the name or externalId.
    #[param(value_type = Option<SearchTerm>, inline)]
    pub search: Option<String>,
}

impl FromQueryPairs for GroupsQuery {
    fn from_pairs(q: &QueryPairs) -> ApiResult<Self> {
        Ok(Self {
            external_id: q.text("externalId")?,
            ids: q.ids("ids", GroupId::parse)?,
            tier_ids: q.ids("tierIds", TierId::parse)?,
            search: q.text("search")?,
        })
    }
}

/// Creates an external user group. A duplicate `externalId` in the workspace is a 409; a
/// tier not in the workspace is a 404.
#[utoipa::path(post, path = "/api/v1/external-user-groups", tag = "external-user-groups",
    request_body = CreateGroupRequest,
    responses((status = 200, description = "The group was created.", body = ExternalUserGroup)))]
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
    params(GroupsQuery, MetadataQuery, PageQuery),
    responses((status = 200, description = "The workspace's external user groups.", body = Vec<ExternalUserGroup>,
        headers(("X-Total-Count" = i64, description = "How many groups match the filters")))))]
pub async fn list_groups(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    ListQuery(q): ListQuery<GroupsQuery>,
    MetadataQuery(metadata): MetadataQuery,
    ListQuery(page): ListQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = page.page()?;
    let filter = GroupFilter {
        external_id: input::external_id_filter(q.external_id)?,
        ids: q.ids,
        tier_ids: q.tier_ids,
        search: SearchTerm::parse(q.search.as_deref())?,
        metadata,
    };
    let mut conn = state.conn().await?;
    Ok(listed(
        groups::list(&mut conn, caller.workspace_id, &filter, page).await?,
    ))
}

/// One external user group of the workspace.
#[utoipa::path(get, path = "/api/v1/external-user-groups/{id}", tag = "external-user-groups",
    params(("id" = String, Path, description = "A group id (UUID)")),
    responses((status = 200, description = "The group.", body = ExternalUserGroup)))]
pub async fn get_group(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    cond: Conditional,
    IdPath(id): IdPath<GroupId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    Ok(cond.read(&groups::get(&mut conn, caller.workspace_id, id).await?))
}

/// Updates a group: only the fields sent; `null` clears a nullable one. `metadata` is
/// merged: a key given `null` or `""` is removed.
#[utoipa::path(patch, path = "/api/v1/external-user-groups/{id}", tag = "external-user-groups",
    params(("id" = String, Path, description = "A group id (UUID)")),
    request_body = UpdateGroupRequest,
    responses((status = 200, description = "The group was updated.", body = ExternalUserGroup)))]
pub async fn update_group(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    cond: Conditional,
    ApiJson(body): ApiJson<UpdateGroupRequest>,
    IdPath(id): IdPath<GroupId>,
) -> ApiResult<HttpResponse> {
    let changes = GroupChanges::try_from(body)?;
    let mut conn = state.conn().await?;
    let group = groups::update(&mut conn, caller.workspace_id, id, changes, &cond.pre).await?;
    Ok(tagged(&group))
}

/// Deletes a group; its users are left without one.
#[utoipa::path(delete, path = "/api/v1/external-user-groups/{id}", tag = "external-user-groups",
    params(("id" = String, Path, description = "A group id (UUID)")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_group(
    state: web::Data<AppState>,
    caller: ExternalCaller,
    cond: Conditional,
    IdPath(id): IdPath<GroupId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    groups::delete(&mut conn, caller.workspace_id, id, &cond.pre).await?;
    Ok(HttpResponse::NoContent().finish())
}
