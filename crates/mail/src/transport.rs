//! How mail leaves: SMTP (`ROSTER_SMTP_URL`, through lettre on tokio with rustls), or, in
//! development only, the process's own log.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    /// An SMTP server: `smtp://host:port` (plain, for loopback), `smtp+starttls://` or
    /// `smtps://`, with optional `user:password@`.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Development only: each mail, links included, is written to the log at info level.
    Log,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Transport::Smtp(_) => f.write_str("Transport::Smtp(..)"),
            Transport::Log => f.write_str("Transport::Log"),
        }
    }
}

/// Why a mail was not sent: `Transient` is retried, `Permanent` is given up.
#[derive(Debug, Clone)]
pub enum SendError {
    Transient(String),
    Permanent(String),
}

impl Transport {
    /// An SMTP transport from its URL; an unusable URL is an error naming why (never the
    /// URL itself, which may hold a password).
    pub fn smtp(raw: &str, timeout: Duration) -> Result<Self, String> {
        let raw = raw.trim();
        let url = match raw.strip_prefix("smtp+starttls://") {
            Some(rest) if rest.contains('?') => format!("smtp://{rest}&tls=required"),
            Some(rest) => format!("smtp://{rest}?tls=required"),
            None => raw.to_owned(),
        };
        if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
            return Err("the scheme must be smtp, smtp+starttls or smtps".into());
        }
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| format!("not a usable SMTP URL: {e}"))?;
        Ok(Transport::Smtp(builder.timeout(Some(timeout)).build()))
    }

    /// Sends one plain-text mail.
    pub async fn send(
        &self,
        from: &Mailbox,
        to: &str,
        subject: &str,
        body: String,
    ) -> Result<(), SendError> {
        let to: Mailbox = to
            .parse()
            .map_err(|_| SendError::Permanent("the recipient is not a mail address".into()))?;
        match self {
            Transport::Log => {
                tracing::info!(to = %to, subject, body = %body, "mail (development log transport)");
                Ok(())
            }
            Transport::Smtp(smtp) => {
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(body)
                    .map_err(|e| {
                        SendError::Permanent(format!("the mail could not be built: {e}"))
                    })?;
                match smtp.send(message).await {
                    Ok(_) => Ok(()),
                    Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
                    Err(e) => Err(SendError::Transient(e.to_string())),
                }
            }
        }
    }
}
