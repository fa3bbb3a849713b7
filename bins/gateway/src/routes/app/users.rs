//! App users (`/api/v1/app`): me, list, create, get, update, delete, activate, deactivate.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use roster_core::page::{CursorParams, OffsetParams, Page};
use roster_core::search::SearchTerm;
use roster_identity::requests::{CreateUserRequest, UpdateUserRequest};
use roster_identity::users::{self, NewUser, Role, User, UserFilter, UserState, UserStateChange};
use roster_identity::UserId;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{AdminCaller, AppCaller};
use crate::error::ApiResult;
use crate::extract::{tagged, ApiJson, ApiQuery, Conditional, CursorPaging, IdPath, MetadataQuery};
use crate::state::AppState;

/// The caller's own user in the org of the request.
#[utoipa::path(get, path = "/api/v1/app/me", tag = "app-users",
    responses((status = 200, body = User)))]
pub async fn me(caller: AppCaller, cond: Conditional) -> HttpResponse {
    cond.read(&User::from(caller.0.user))
}

/// Filters of `GET /api/v1/app/user`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilterQuery {
    /// Only users in this state.
    pub state: Option<UserState>,
    /// Only users with this role.
    pub role: Option<Role>,
    /// Case-insensitive substring of name or email.
    #[param(value_type = Option<SearchTerm>, inline)]
    pub search: Option<String>,
}

/// The org's users, oldest first, paginated.
#[utoipa::path(get, path = "/api/v1/app/user", tag = "app-users",
    params(OffsetParams, CursorParams, UserFilterQuery, MetadataQuery),
    responses((status = 200, body = Page<User>)))]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiQuery(q): ApiQuery<UserFilterQuery>,
    MetadataQuery(metadata): MetadataQuery,
    CursorPaging(paging): CursorPaging,
) -> ApiResult<HttpResponse> {
    let filter = UserFilter {
        state: q.state,
        role: q.role,
        search: SearchTerm::parse(q.search.as_deref())?,
        metadata,
    };
    let mut conn = state.conn().await?;
    let page = users::list(&mut conn, &caller.user.org_id, &filter, &paging).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Adds a user to the org (AppAdmin).
#[utoipa::path(post, path = "/api/v1/app/user", tag = "app-users",
    request_body = CreateUserRequest,
    responses((status = 201, body = User, headers(("Location" = String, description = "The new user's URL")))))]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: AdminCaller,
    ApiJson(body): ApiJson<CreateUserRequest>,
) -> ApiResult<HttpResponse> {
    let new = NewUser::try_from(body)?;
    let user = (state.writer)
        .create_user(&caller.user.org_id, new, Some(created))
        .await?;
    Ok(created(&user))
}

/// The answer to a create: 201 with the user and its URL.
fn created(user: &User) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/app/user/{}", user.id)))
        .json(user)
}

/// One user of the org.
#[utoipa::path(get, path = "/api/v1/app/user/{id}", tag = "app-users",
    params(("id" = String, Path, description = "A user id (user_…)")),
    responses((status = 200, body = User)))]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: AppCaller,
    cond: Conditional,
    IdPath(id): IdPath<UserId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let user = users::get(&mut conn, &caller.user.org_id, &id).await?;
    Ok(cond.read(&User::from(user)))
}

/// The PUT and the PATCH of a user, which differ only in how they read `metadata`.
macro_rules! change_user {
    ($($(#[doc = $doc:tt])* $method:ident $name:ident => $changes:ident;)+) => {$(
        $(#[doc = $doc])*
        #[utoipa::path($method, path = "/api/v1/app/user/{id}", tag = "app-users",
            params(("id" = String, Path, description = "A user id (user_…)")),
            request_body = UpdateUserRequest,
            responses((status = 200, body = User)))]
        pub async fn $name(
            state: web::Data<AppState>,
            caller: AppCaller,
            cond: Conditional,
            ApiJson(body): ApiJson<UpdateUserRequest>,
            IdPath(id): IdPath<UserId>,
        ) -> ApiResult<HttpResponse> {
            let changes = body.$changes()?;
            let mut conn = state.writer.conn().await?;
            let user = users::update(&mut conn, &caller, &id, changes, &cond.pre).await?;
            state.principals.forget_user(&caller.user.org_id, &id);
            Ok(tagged(&user))
        }
    )+};
}

change_user! {
    /// Changes a user. AppAdmins change anyone; users change their own name and job fields.
    /// `metadata` replaces the user's whole metadata.
    put update_user => replacing;
    /// Changes a user as PUT does, except that `metadata` is merged: the keys given are
    /// set, a key given `null` or `""` is removed, the others are kept.
    patch patch_user => merging;
}

/// Deletes a user from the org (AppAdmin): its project and group memberships, Slack links
/// and integrations go with it, its personal data is erased, and its account too (with
/// its tokens and sessions) unless it is a user of another org. The org's last active
/// AppAdmin cannot be deleted (409).
#[utoipa::path(delete, path = "/api/v1/app/user/{id}", tag = "app-users",
    params(("id" = String, Path, description = "A user id (user_…)")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_user(
    state: web::Data<AppState>,
    caller: AdminCaller,
    cond: Conditional,
    IdPath(id): IdPath<UserId>,
) -> ApiResult<HttpResponse> {
    let mut conn = state.writer.conn().await?;
    let deleted = users::delete(&mut conn, &caller.user.org_id, &id, &cond.pre).await?;
    state.principals.forget_user(&caller.user.org_id, &id);
    for hash in &deleted.credential_hashes {
        state.credentials.forget_hash(hash);
    }
    Ok(HttpResponse::NoContent().finish())
}

async fn set_state(
    state: web::Data<AppState>,
    caller: AdminCaller,
    id: UserId,
    to: UserState,
) -> ApiResult<HttpResponse> {
    let mut conn = state.writer.conn().await?;
    let change = users::set_state(&mut conn, &caller.user.org_id, &id, to).await?;
    state.principals.forget_user(&caller.user.org_id, &id);
    Ok(HttpResponse::Ok().json(change))
}

/// Deactivates a user (AppAdmin): its credentials stop working in this org at once.
/// Idempotent; the org's last active AppAdmin cannot be deactivated (409).
#[utoipa::path(post, path = "/api/v1/app/user/{id}/deactivate", tag = "app-users",
    params(("id" = String, Path, description = "A user id (user_…)")),
    responses((status = 200, body = UserStateChange)))]
pub async fn deactivate_user(
    state: web::Data<AppState>,
    caller: AdminCaller,
    IdPath(id): IdPath<UserId>,
) -> ApiResult<HttpResponse> {
    set_state(state, caller, id, UserState::Inactive).await
}

/// Activates a user (AppAdmin). Idempotent.
#[utoipa::path(post, path = "/api/v1/app/user/{id}/activate", tag = "app-users",
    params(("id" = String, Path, description = "A user id (user_…)")),
    responses((status = 200, body = UserStateChange)))]
pub async fn activate_user(
    state: web::Data<AppState>,
    caller: AdminCaller,
    IdPath(id): IdPath<UserId>,
) -> ApiResult<HttpResponse> {
    set_state(state, caller, id, UserState::Active).await
}
