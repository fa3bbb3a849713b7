//! A console form POST: `application/x-www-form-urlencoded`, at most 64 KiB, and its CSRF
//! token checked before the handler runs.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::StreamExt;

use super::csrf;
use super::page::ConsoleError;
use crate::extract::Extracting;
use crate::state::AppState;

/// The largest form the console takes.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// The fields of a form whose CSRF token matched.
#[derive(Debug, Default)]
pub struct Form(Vec<(String, String)>);

impl Form {
    /// A field as sent (the first of its name).
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A field trimmed, `None` when absent or blank.
    pub fn text(&self, name: &str) -> Option<String> {
        self.raw(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }
}

fn is_form(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            m.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

impl FromRequest for Form {
    type Error = ConsoleError;
    type Future = Extracting<Self, ConsoleError>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let secret = req
            .app_data::<web::Data<AppState>>()
            .map(|s| s.config.secret.0.clone());
        let binding = csrf::binding(req);
        let form = is_form(req);
        let mut payload = payload.take();
        Box::pin(async move {
            if !form {
                return Err(ConsoleError::bad_request(
                    "unsupported_media_type",
                    "console forms are sent as application/x-www-form-urlencoded",
                ));
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| {
                    ConsoleError::bad_request("invalid_body", "the form could not be read")
                })?;
                if body.len() + chunk.len() > MAX_FORM_BYTES {
                    return Err(ConsoleError::bad_request(
                        "payload_too_large",
                        "the form is larger than 64 KiB",
                    ));
                }
                body.extend_from_slice(&chunk);
            }
            let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
            let form = Form(pairs);
            let valid = match (secret, binding, form.raw(csrf::FIELD)) {
                (Some(secret), Some(binding), Some(given)) => {
                    csrf::verify(&secret, &binding, given)
                }
                _ => false,
            };
            if !valid {
                return Err(ConsoleError::forbidden(
                    "csrf_failed",
                    "this form is missing its CSRF token or it has expired: reload the page and send it again",
                ));
            }
            Ok(form)
        })
    }
}
