//! The event context of each request (`roster_core::events::EventContext`): this
//! middleware opens it with the request id; the credential extractors name the actor.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::HttpMessage;
use roster_core::events::{Actor, EventContext};
use tracing_actix_web::RequestId;

/// Runs the rest of the request inside its event context.
pub async fn scope(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let context = EventContext {
        request_id: req.extensions().get::<RequestId>().map(|id| id.to_string()),
        actor: Actor::system(),
    };
    context.scope(next.call(req)).await
}
