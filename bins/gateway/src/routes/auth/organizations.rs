//! better-auth's organization plugin: the orgs an account may work in, and the one it
//! works in (its sessions' active org).

use actix_web::{web, HttpRequest, HttpResponse};
use roster_identity::active_org::{self, OrgChoice, Organization, SetActiveOrganizationRequest};

use crate::auth::{credential, Caller};
use crate::error::ApiResult;
use crate::extract::ApiJson;
use crate::state::AppState;

/// The orgs where the signed-in account is an active user, oldest first.
#[utoipa::path(get, path = "/api/auth/organization/list", tag = "auth",
    responses((status = 200, body = Vec<Organization>)))]
pub async fn list_organizations(
    state: web::Data<AppState>,
    Caller(auth): Caller,
) -> ApiResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let orgs = active_org::list(&mut conn, &auth.account_id).await?;
    Ok(HttpResponse::Ok().json(orgs))
}

/// Chooses the org the account works in: this session's active org, and where its next
/// sessions open. `organizationId: null` clears it (the answer is then `null`). An org
/// where the account is not a user is a 404, one where its user is deactivated a 403.
#[utoipa::path(post, path = "/api/auth/organization/set-active", tag = "auth",
    request_body = SetActiveOrganizationRequest,
    responses((status = 200, body = Option<Organization>)))]
pub async fn set_active_organization(
    state: web::Data<AppState>,
    req: HttpRequest,
    Caller(auth): Caller,
    ApiJson(body): ApiJson<SetActiveOrganizationRequest>,
) -> ApiResult<HttpResponse> {
    let choice = OrgChoice::try_from(body)?;
    let mut conn = state.conn().await?;
    let session_id = auth.session.as_ref().map(|s| &s.id);
    let org = active_org::set_active(&mut conn, &auth.account_id, session_id, choice).await?;
    // The cached session still names its old org: drop it, so the next request reads it.
    if let Some(token) = credential(&req) {
        state.credentials.forget(&token);
    }
    Ok(HttpResponse::Ok().json(org))
}
