//! The caller of an account route: a signed-in session (cookie, or its token as Bearer).
//! An API token is no session: like no credential, it is a 401 (`UNAUTHORIZED`).

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use roster_core::events::{Actor, ActorType, EventContext};
use roster_core::DomainError;
use roster_identity::sessions::Session;

use crate::auth::{credential, Caller};
use crate::error::ApiError;
use crate::extract::Extracting;

/// The session of the request and its token.
#[derive(Debug, Clone)]
pub struct SessionCaller {
    pub session: Session,
    pub token: String,
}

impl FromRequest for SessionCaller {
    type Error = ApiError;
    type Future = Extracting<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload);
        let token = credential(req);
        Box::pin(async move {
            let Caller(authenticated, _) = caller.await?;
            let (Some(session), Some(token)) = (authenticated.session, token) else {
                return Err(ApiError(DomainError::unauthorized(
                    "this route needs a session: the better-auth.session_token cookie, or the \
                     session's token as Authorization: Bearer",
                )));
            };
            EventContext::set_actor(Actor::new(ActorType::User, session.account_id.as_str()));
            Ok(SessionCaller { session, token })
        })
    }
}
