//! The event context of each request (`roster_core::events::EventContext`): this
//! middleware opens it with the request id; the credential extractors name the actor. The
//! rows its writes queue for the outbox workers (webhook deliveries, mail) are announced
//! when it ends (`roster_core::outbox::Announcer::scope`).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};
use roster_core::events::{Actor, EventContext};
use tracing_actix_web::RequestId;

use crate::state::AppState;

/// Runs the rest of the request inside its event context and its announcements' scope.
pub async fn scope(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let context = EventContext {
        request_id: req.extensions().get::<RequestId>().map(|id| id.to_string()),
        actor: Actor::system(),
    };
    let announcer = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.announcer.clone());
    let call = context.scope(next.call(req));
    match announcer {
        Some(announcer) => announcer.scope(call).await,
        None => call.await,
    }
}
