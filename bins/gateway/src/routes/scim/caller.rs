//! The caller of `/scim/v2`: a SCIM token (`rscim_…`), bound to one org. No other
//! credential works here, and a SCIM token works nowhere else. A checked token is cached
//! for a few seconds (`scim_clients`), and dropped on every replica when it is revoked.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use roster_core::events::{Actor, ActorType, EventContext};
use roster_core::DomainError;
use roster_identity::scim_tokens::{self, ScimClient};

use super::respond::ScimApiError;
use crate::auth::bearer;
use crate::state::AppState;

/// A SCIM client: the org its token is bound to.
#[derive(Debug, Clone)]
pub struct ScimCaller(pub ScimClient);

impl FromRequest for ScimCaller {
    type Error = ScimApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ScimApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let secret = bearer(req);
        Box::pin(async move {
            let state =
                state.ok_or_else(|| DomainError::internal_msg("application state missing"))?;
            let secret = secret.ok_or_else(|| {
                DomainError::unauthorized(
                    "authentication required: send Authorization: Bearer <SCIM token>",
                )
            })?;
            let client = state
                .scim_clients
                .get_or_load(&secret, || async {
                    let mut conn = state.conn().await?;
                    Ok::<_, ScimApiError>(scim_tokens::authenticate(&mut conn, &secret).await?)
                })
                .await?;
            EventContext::set_actor(Actor::new(ActorType::Scim, client.token_id.as_str()));
            Ok(ScimCaller(client))
        })
    }
}
