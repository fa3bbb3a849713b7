//! A deadline on the request body (`ROSTER_BODY_TIMEOUT_MS`, counted from the head's
//! arrival): every read of the body, by the JSON extractor or a handler streaming it, ends
//! there, and the client gets a 408 on a closed connection instead of holding it open.
//! A streamed upload (a user import, up to a gigabyte) is armed `idle` instead: its
//! deadline moves with every chunk, so that it ends only when the client stops sending.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::BoxBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::{ErrorRequestTimeout, PayloadError};
use actix_web::http::ConnectionType;
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpResponse};
use futures_util::Stream;

type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>>;

/// The deadline of one request's body.
pub struct BodyDeadline {
    timeout: Duration,
    expired: Rc<Cell<bool>>,
}

/// Puts the request's body, if it has one, behind the deadline; `idle`: counted from the
/// last chunk received rather than from the head.
pub fn arm(req: &mut ServiceRequest, timeout: Duration, idle: bool) -> BodyDeadline {
    let expired = Rc::new(Cell::new(false));
    match req.take_payload() {
        Payload::None => {}
        body => {
            let stream: BodyStream = Box::pin(DeadlineBody {
                body,
                deadline: Box::pin(tokio::time::sleep(timeout)),
                expired: Rc::clone(&expired),
                idle: idle.then_some(timeout),
            });
            req.set_payload(Payload::from(stream));
        }
    }
    BodyDeadline { timeout, expired }
}

impl BodyDeadline {
    /// The handler's answer, or the 408 if the body missed its deadline (whatever the
    /// handler made of the cut-off body); the connection is closed after it.
    pub fn answer(self, res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
        if !self.expired.get() {
            return res;
        }
        let (req, _) = res.into_parts();
        let mut response = HttpResponse::from_error(ErrorRequestTimeout(format!(
            "the request body did not arrive within {} ms",
            self.timeout.as_millis()
        )));
        response
            .head_mut()
            .set_connection_type(ConnectionType::Close);
        ServiceResponse::new(req, response)
    }
}

/// A body that ends in an error at its deadline.
struct DeadlineBody {
    body: Payload,
    deadline: Pin<Box<tokio::time::Sleep>>,
    expired: Rc<Cell<bool>>,
    /// Moves the deadline this far past each chunk.
    idle: Option<Duration>,
}

impl Stream for DeadlineBody {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.expired.get() {
            return Poll::Ready(None);
        }
        if let Poll::Ready(item) = Pin::new(&mut self.body).poll_next(cx) {
            if let (Some(idle), Some(Ok(_))) = (self.idle, &item) {
                let next = tokio::time::Instant::now() + idle;
                self.deadline.as_mut().reset(next);
            }
            return Poll::Ready(item);
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            self.expired.set(true);
            return Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the request body missed its deadline",
            )))));
        }
        Poll::Pending
    }
}
