//! Who is using the console: the session cookie's account, as an active user of the
//! session's org, resolved by the same extractor as the API's (`AppCaller`), so that the
//! same caches, rules and event actor apply. Not signed in: to the sign-in page; no org
//! chosen: to the org chooser.

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use roster_core::DomainError;
use roster_identity::active_org;
use roster_identity::auth::Principal;
use roster_identity::OrgId;

use super::csrf;
use super::page::{ConsoleError, Layout, OrgOption};
use crate::auth::AppCaller;
use crate::error::ApiError;
use crate::extract::ids::PathId;
use crate::extract::{deref_to_inner, narrowed_extractor, Extracting};
use crate::state::AppState;

/// The application state, for the console's handlers.
pub fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, ConsoleError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| DomainError::internal_msg("application state missing").into())
}

/// A signed-in user of the session's org, and the frame of its pages.
pub struct Console {
    pub principal: Principal,
    pub layout: Layout,
    pub state: web::Data<AppState>,
}

impl Console {
    /// An error page inside this caller's frame.
    pub fn fail(&self, e: impl Into<ConsoleError>) -> ConsoleError {
        e.into().within(&self.layout)
    }

    /// The id in a path segment; a malformed one names nothing: the 404 page.
    pub fn id<T: PathId>(&self, raw: &str) -> Result<T, ConsoleError> {
        T::parse_path(raw).ok_or_else(|| self.fail(ConsoleError::not_found()))
    }

    /// The org of this console.
    pub fn org(&self) -> &OrgId {
        &self.principal.user.org_id
    }
}

/// The console's answer to a failed `AppCaller`.
fn refused(e: ApiError) -> ConsoleError {
    match e.0 {
        DomainError::Unauthorized { .. } => ConsoleError::redirect("/console/sign-in"),
        // No org named (the session has none active), or not an active user of it.
        DomainError::BadRequest { .. } | DomainError::NotFound { .. } => {
            ConsoleError::redirect("/console/orgs")
        }
        DomainError::Forbidden { code, .. } if code == "not_a_member" => {
            ConsoleError::redirect("/console/orgs")
        }
        other => other.into(),
    }
}

impl FromRequest for Console {
    type Error = ConsoleError;
    type Future = Extracting<Self, ConsoleError>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = AppCaller::from_request(req, payload);
        let state = app_state(req);
        let binding = csrf::binding(req);
        Box::pin(async move {
            let state = state?;
            let AppCaller(principal) = caller.await.map_err(refused)?;
            let mut conn = state.conn().await?;
            let orgs = active_org::list(&mut conn, &principal.account_id).await?;
            drop(conn);
            let org_name = orgs
                .iter()
                .find(|o| o.id == principal.user.org_id)
                .map(|o| o.name.clone())
                .unwrap_or_default();
            let layout = Layout {
                user_id: principal.user.id.to_string(),
                user_name: principal.user.name.clone(),
                org_name,
                orgs: orgs
                    .into_iter()
                    .map(|o| OrgOption {
                        selected: o.id == principal.user.org_id,
                        id: o.id.to_string(),
                        name: o.name,
                    })
                    .collect(),
                csrf: csrf::token(&state.config.secret.0, binding.as_deref().unwrap_or("")),
                admin: principal.is_admin(),
                nav: "",
            };
            Ok(Console {
                principal,
                layout,
                state,
            })
        })
    }
}

/// An AppAdmin of the session's org; anyone else gets the 403 page (in their frame).
pub struct AdminConsole(pub Console);

deref_to_inner!(AdminConsole => Console);

narrowed_extractor!(AdminConsole, ConsoleError: Console => |console: Console| {
    match console.principal.require_admin() {
        Ok(()) => Ok(AdminConsole(console)),
        Err(e) => Err(console.fail(e)),
    }
});
