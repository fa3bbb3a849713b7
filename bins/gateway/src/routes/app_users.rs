//! App users (`/api/v1/app`): me, list, create, get, update, activate, deactivate.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use roster_core::page::{CursorParams, OffsetParams, Page, Paging};
use roster_core::DomainError;
use roster_identity::requests::{CreateUserRequest, UpdateUserRequest};
use roster_identity::users::{
    self, NewUser, Role, User, UserChanges, UserFilter, UserState, UserStateChange,
};
use roster_identity::UserId;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::AppCaller;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(super::resource("/me").route(web::get().to(me)))
        .service(
            super::resource("/user")
                .route(web::get().to(list_users))
                .route(web::post().to(create_user)),
        )
        .service(
            super::resource("/user/{id}")
                .route(web::get().to(get_user))
                .route(web::put().to(update_user)),
        )
        .service(super::resource("/user/{id}/deactivate").route(web::post().to(deactivate_user)))
        .service(super::resource("/user/{id}/activate").route(web::post().to(activate_user)));
}

/// A user id from the path; a malformed one names no user: 404.
pub fn user_id(raw: &str) -> ApiResult<UserId> {
    UserId::parse(raw).ok_or_else(|| ApiError::not_found("user"))
}

/// The caller's own user in the org of the request.
#[utoipa::path(get, path = "/api/v1/app/me", tag = "app-users",
    params(("x-org" = String, Header, description = "Org slug or id")),
    responses((status = 200, body = User)), security(("bearer" = []), ("session" = [])))]
pub async fn me(caller: AppCaller) -> HttpResponse {
    HttpResponse::Ok().json(User::from(caller.0.user))
}

/// Filters of `GET /api/v1/app/user` (its paging is `OffsetParams` and `CursorParams`).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListUsersQuery {
    /// Only users in this state.
    pub state: Option<UserState>,
    /// Only users with this role.
    pub role: Option<Role>,
    /// Case-insensitive substring of name or email.
    #[param(max_length = 200, pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$")]
    pub search: Option<String>,
}

/// The org's users, oldest first, paginated.
#[utoipa::path(get, path = "/api/v1/app/user", tag = "app-users",
    params(("x-org" = String, Header, description = "Org slug or id"), OffsetParams, CursorParams, ListUsersQuery),
    responses((status = 200, body = Page<User>)), security(("bearer" = []), ("session" = [])))]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiQuery(offset): ApiQuery<OffsetParams>,
    ApiQuery(cursor): ApiQuery<CursorParams>,
    ApiQuery(q): ApiQuery<ListUsersQuery>,
) -> ApiResult<HttpResponse> {
    let paging = Paging::new(&offset, &cursor)?;
    let search = q
        .search
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    if search.as_ref().is_some_and(|s| s.chars().count() > 200) {
        return Err(DomainError::invalid("search", "must be at most 200 characters").into());
    }
    if search
        .as_ref()
        .is_some_and(|s| s.chars().any(char::is_control))
    {
        return Err(DomainError::invalid("search", "must not contain control characters").into());
    }
    let filter = UserFilter {
        state: q.state,
        role: q.role,
        search,
    };
    let mut conn = state.conn().await?;
    let page = users::list(&mut conn, &caller.user.org_id, &filter, &paging).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Adds a user to the org (AppAdmin).
#[utoipa::path(post, path = "/api/v1/app/user", tag = "app-users",
    params(("x-org" = String, Header, description = "Org slug or id")),
    request_body = CreateUserRequest,
    responses((status = 201, body = User, headers(("Location" = String, description = "The new user's URL")))),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: AppCaller,
    ApiJson(body): ApiJson<CreateUserRequest>,
) -> ApiResult<HttpResponse> {
    caller.require_admin()?;
    let new = NewUser::try_from(body)?;
    let user = state.create_user(&caller.user.org_id, new).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/app/user/{}", user.id)))
        .json(user))
}

/// One user of the org.
#[utoipa::path(get, path = "/api/v1/app/user/{id}", tag = "app-users",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A user id (user_…)")),
    responses((status = 200, body = User)), security(("bearer" = []), ("session" = [])))]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = user_id(&id)?;
    let mut conn = state.conn().await?;
    let user = users::get(&mut conn, &caller.user.org_id, &id).await?;
    Ok(HttpResponse::Ok().json(User::from(user)))
}

/// Changes a user. AppAdmins change anyone; users change their own name and job fields.
#[utoipa::path(put, path = "/api/v1/app/user/{id}", tag = "app-users",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A user id (user_…)")),
    request_body = UpdateUserRequest,
    responses((status = 200, body = User)), security(("bearer" = []), ("session" = [])))]
pub async fn update_user(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
    ApiJson(body): ApiJson<UpdateUserRequest>,
) -> ApiResult<HttpResponse> {
    let id = user_id(&id)?;
    if !caller.is_admin() {
        if id != caller.user.id {
            return Err(DomainError::forbidden(
                "admin_required",
                "only an AppAdmin may change other users",
            )
            .into());
        }
        if body.touches_admin_fields() {
            return Err(DomainError::forbidden(
                "admin_required",
                "only an AppAdmin may change a role or an email",
            )
            .into());
        }
    }
    let changes = UserChanges::try_from(body)?;
    let mut conn = state.writer_conn().await?;
    let user = users::update(&mut conn, &caller.user.org_id, &id, changes).await?;
    state.principals.forget_user(&caller.user.org_id, &id);
    Ok(HttpResponse::Ok().json(user))
}

async fn set_state(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: &str,
    to: UserState,
) -> ApiResult<HttpResponse> {
    caller.require_admin()?;
    let id = user_id(id)?;
    let mut conn = state.writer_conn().await?;
    let change = users::set_state(&mut conn, &caller.user.org_id, &id, to).await?;
    state.principals.forget_user(&caller.user.org_id, &id);
    Ok(HttpResponse::Ok().json(change))
}

/// Deactivates a user (AppAdmin): its credentials stop working in this org at once.
/// Idempotent; the org's last active AppAdmin cannot be deactivated (409).
#[utoipa::path(post, path = "/api/v1/app/user/{id}/deactivate", tag = "app-users",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A user id (user_…)")),
    responses((status = 200, body = UserStateChange)), security(("bearer" = []), ("session" = [])))]
pub async fn deactivate_user(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    set_state(state, caller, &id, UserState::Inactive).await
}

/// Activates a user (AppAdmin). Idempotent.
#[utoipa::path(post, path = "/api/v1/app/user/{id}/activate", tag = "app-users",
    params(("x-org" = String, Header, description = "Org slug or id"), ("id" = String, Path, description = "A user id (user_…)")),
    responses((status = 200, body = UserStateChange)), security(("bearer" = []), ("session" = [])))]
pub async fn activate_user(
    state: web::Data<AppState>,
    caller: AppCaller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    set_state(state, caller, &id, UserState::Active).await
}
