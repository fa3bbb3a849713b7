//! The signed-in account's own settings: its password and its profile.

use actix_web::{web, HttpResponse};
use roster_identity::account_requests::{
    ChangePassword, ChangePasswordRequest, UpdateAccountRequest,
};
use roster_identity::account_settings::{self, ProfileChange};

use super::caller::SessionCaller;
use super::shapes::{PasswordChanged, Status};
use crate::error::ApiResult;
use crate::extract::ApiJson;
use crate::state::AppState;

/// Changes the password after checking the current one (400 `INVALID_PASSWORD`); the new
/// one must pass the strength check. `revokeOtherSessions` ends every other session of the
/// account; the caller's own session goes on (so `token` is null).
#[utoipa::path(post, path = "/api/auth/change-password", tag = "auth",
    request_body = ChangePasswordRequest, responses((status = 200, body = PasswordChanged)))]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: SessionCaller,
    ApiJson(body): ApiJson<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let cmd = ChangePassword::try_from(body)?;
    let changed = account_settings::change_password(
        &**state,
        &state.hasher,
        &caller.session,
        &cmd.current,
        cmd.new,
        cmd.revoke_other_sessions,
    )
    .await?;
    for hash in &changed.revoked {
        state.credentials.forget_hash(hash);
    }
    Ok(HttpResponse::Ok().json(PasswordChanged {
        token: None,
        user: changed.account.into(),
    }))
}

/// Changes the account's name or image (`null` removes the image); the email is not
/// changed here.
#[utoipa::path(post, path = "/api/auth/update-user", tag = "auth", operation_id = "update_account",
    request_body = UpdateAccountRequest, responses((status = 200, body = Status)))]
pub async fn update_user(
    state: web::Data<AppState>,
    caller: SessionCaller,
    ApiJson(body): ApiJson<UpdateAccountRequest>,
) -> ApiResult<HttpResponse> {
    let change = ProfileChange::try_from(body)?;
    let mut conn = state.conn().await?;
    account_settings::update(&mut conn, &caller.session, change).await?;
    Ok(HttpResponse::Ok().json(Status { status: true }))
}
