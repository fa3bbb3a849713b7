//! The signed-in account's sessions: list them, end one, the others, or all. Only the
//! caller's own sessions; another account's is "not found".

use actix_web::{web, HttpResponse};
use roster_identity::account_requests::RevokeSessionRequest;
use roster_identity::session_control::{self, Which};

use super::caller::SessionCaller;
use super::sessions::session_cookie;
use super::shapes::{SessionView, Status};
use crate::error::ApiResult;
use crate::extract::ApiJson;
use crate::state::AppState;

/// The account's live sessions, newest first (at most 100). Each session's `token` is its
/// id, not its token: Roster keeps only a hash of each token, and one session never sees
/// another's. The caller's own session shows its real token.
#[utoipa::path(get, path = "/api/auth/list-sessions", tag = "auth",
    responses((status = 200, body = Vec<SessionView>)))]
pub async fn list_sessions(
    state: web::Data<AppState>,
    caller: SessionCaller,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let sessions = session_control::list(&mut conn, &caller.session.account_id).await?;
    let views: Vec<SessionView> = sessions
        .into_iter()
        .map(|s| {
            let own = (s.id == caller.session.id).then(|| caller.token.clone());
            SessionView::new(s, own)
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

async fn revoke(state: &AppState, caller: &SessionCaller, which: Which<'_>) -> ApiResult<bool> {
    let mut conn = state.conn().await?;
    let hashes = session_control::revoke(&mut conn, &caller.session, which).await?;
    for hash in &hashes {
        state.credentials.forget_hash(hash);
    }
    let own = roster_core::secret::hash(&caller.token);
    Ok(hashes.contains(&own))
}

/// The answer to a revocation; one that ended the caller's own session clears its cookie.
fn answer(state: &AppState, ended_own: bool) -> HttpResponse {
    let mut res = HttpResponse::Ok();
    if ended_own {
        let mut gone = session_cookie(state, "");
        gone.make_removal();
        res.cookie(gone);
    }
    res.json(Status { status: true })
}

/// Ends one session of the account, named by its token or by the id list-sessions shows in
/// its place. None of the caller's: 404 `SESSION_NOT_FOUND`.
#[utoipa::path(post, path = "/api/auth/revoke-session", tag = "auth",
    request_body = RevokeSessionRequest, responses((status = 200, body = Status)))]
pub async fn revoke_session(
    state: web::Data<AppState>,
    caller: SessionCaller,
    ApiJson(body): ApiJson<RevokeSessionRequest>,
) -> ApiResult<HttpResponse> {
    let handle = body.check()?;
    let ended_own = revoke(&state, &caller, Which::One(handle)).await?;
    Ok(answer(&state, ended_own))
}

/// Ends every session of the account, the caller's too ("sign out everywhere").
#[utoipa::path(post, path = "/api/auth/revoke-sessions", tag = "auth",
    responses((status = 200, body = Status)))]
pub async fn revoke_sessions(
    state: web::Data<AppState>,
    caller: SessionCaller,
) -> ApiResult<HttpResponse> {
    let ended_own = revoke(&state, &caller, Which::All).await?;
    Ok(answer(&state, ended_own))
}

/// Ends every session of the account but the caller's.
#[utoipa::path(post, path = "/api/auth/revoke-other-sessions", tag = "auth",
    responses((status = 200, body = Status)))]
pub async fn revoke_other_sessions(
    state: web::Data<AppState>,
    caller: SessionCaller,
) -> ApiResult<HttpResponse> {
    let ended_own = revoke(&state, &caller, Which::Others).await?;
    Ok(answer(&state, ended_own))
}
