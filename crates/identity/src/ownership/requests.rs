//! The bodies and queries of the mail flows, on better-auth's wire, and their checks.

use roster_core::error::FieldErrors as Errors;
use roster_core::schema::StringSchema;
use roster_core::text::Email;
use roster_core::DomainError;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::passwords::Password;

/// The longest link token accepted (Roster's are far shorter).
const MAX_TOKEN_CHARS: usize = 200;
/// The longest callback URL accepted.
const MAX_CALLBACK_CHARS: usize = 2048;

fn email() -> StringSchema {
    Email::schema()
}

/// What `token` takes: up to `MAX_TOKEN_CHARS` characters, not all blank. Whether it is
/// a live one Roster mailed is known only on the server (else `INVALID_TOKEN`).
pub fn link_token() -> StringSchema {
    StringSchema::new(1, MAX_TOKEN_CHARS)
        .pattern(r"\S")
        .description("The token of the link Roster mailed.")
}

/// `POST /api/auth/send-verification-email`
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SendVerificationEmailRequest {
    #[schema(schema_with = email)]
    pub email: String,
    /// Where the link sends the browser once followed: a path, or a URL on
    /// `ROSTER_PUBLIC_URL`'s origin.
    #[serde(rename = "callbackURL")]
    pub callback_url: Option<String>,
}

/// `POST /api/auth/request-password-reset`
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RequestPasswordResetRequest {
    #[schema(schema_with = email)]
    pub email: String,
    /// The page that takes the new password (it gets `?token=`): a path, or a URL on
    /// `ROSTER_PUBLIC_URL`'s origin.
    #[serde(rename = "redirectTo")]
    pub redirect_to: Option<String>,
}

/// `POST /api/auth/reset-password`
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResetPasswordRequest {
    #[serde(rename = "newPassword")]
    #[schema(schema_with = crate::requests::password)]
    pub new_password: String,
    #[schema(schema_with = link_token)]
    pub token: String,
}

/// `GET /api/auth/verify-email`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerifyEmailQuery {
    /// The token of the link Roster mailed (`MAX_TOKEN_CHARS` at most, not all blank).
    #[param(min_length = 1, max_length = 200, pattern = r"\S")]
    pub token: String,
    /// Where to send the browser afterwards (`?error=INVALID_TOKEN` on failure).
    #[serde(rename = "callbackURL")]
    #[param(rename = "callbackURL")]
    pub callback_url: Option<String>,
}

impl VerifyEmailQuery {
    /// The token (a link token's length at most) and the checked callback.
    pub fn parse(&self, public_url: &str) -> Result<(String, Option<String>), DomainError> {
        let mut errors = Errors::default();
        let token = errors.take(token("token", &self.token));
        let to = errors.take(callback(
            "callbackURL",
            self.callback_url.as_deref(),
            public_url,
        ));
        errors.finish()?;
        match (token, to) {
            (Some(token), Some(to)) => Ok((token, to)),
            _ => Err(DomainError::internal_msg("validation collected no error")),
        }
    }
}

/// A link token as a client sent it: not empty, and no longer than any Roster makes.
fn token(field: &str, raw: &str) -> Result<String, DomainError> {
    if raw.chars().count() > MAX_TOKEN_CHARS || raw.trim().is_empty() {
        return Err(DomainError::invalid(
            field,
            format!("must be a link token of at most {MAX_TOKEN_CHARS} characters"),
        ));
    }
    Ok(raw.trim().to_owned())
}

/// `GET /api/auth/reset-password/{token}`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResetLinkQuery {
    /// The page that takes the new password; it gets `?token=` (or `?error=INVALID_TOKEN`).
    #[serde(rename = "callbackURL")]
    #[param(rename = "callbackURL")]
    pub callback_url: Option<String>,
}

/// An email and the checked callback of a request for mail.
#[derive(Debug)]
pub struct MailRequest {
    pub email: Email,
    pub callback: Option<String>,
}

/// A callback the browser may be sent to: a path on this server (not `//host`), or an
/// absolute URL on the origin of `public_url`; anything else could send a link's holder
/// to another site.
pub fn callback(
    field: &str,
    raw: Option<&str>,
    public_url: &str,
) -> Result<Option<String>, DomainError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    if raw.chars().count() > MAX_CALLBACK_CHARS || raw.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            format!("must be a URL of at most {MAX_CALLBACK_CHARS} characters"),
        ));
    }
    if raw.starts_with('/') && !raw.starts_with("//") && !raw.contains('\\') {
        return Ok(Some(raw.to_owned()));
    }
    let same_origin = match (url::Url::parse(raw), url::Url::parse(public_url)) {
        (Ok(url), Ok(public)) => url.origin() == public.origin(),
        _ => false,
    };
    if same_origin {
        Ok(Some(raw.to_owned()))
    } else {
        Err(DomainError::invalid(
            field,
            "must be a path or a URL on this server's public origin",
        ))
    }
}

impl SendVerificationEmailRequest {
    pub fn parse(&self, public_url: &str) -> Result<MailRequest, DomainError> {
        mail_request(
            &self.email,
            ("callbackURL", self.callback_url.as_deref()),
            public_url,
        )
    }
}

impl RequestPasswordResetRequest {
    pub fn parse(&self, public_url: &str) -> Result<MailRequest, DomainError> {
        mail_request(
            &self.email,
            ("redirectTo", self.redirect_to.as_deref()),
            public_url,
        )
    }
}

fn mail_request(
    email: &str,
    (field, raw): (&str, Option<&str>),
    public_url: &str,
) -> Result<MailRequest, DomainError> {
    let mut errors = Errors::default();
    let email = errors.take(Email::parse("email", email));
    let callback = errors.take(callback(field, raw, public_url));
    errors.finish()?;
    match (email, callback) {
        (Some(email), Some(callback)) => Ok(MailRequest { email, callback }),
        _ => Err(DomainError::internal_msg("validation collected no error")),
    }
}

impl ResetPasswordRequest {
    /// The new password (length rules; strength is checked as it is hashed) and token.
    pub fn parse(&self) -> Result<(Password, String), DomainError> {
        let mut errors = Errors::default();
        let password = errors.take(Password::parse("newPassword", &self.new_password));
        let token = errors.take(token("token", &self.token));
        errors.finish()?;
        match (password, token) {
            (Some(password), Some(token)) => Ok((password, token)),
            _ => Err(DomainError::internal_msg("validation collected no error")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_token_is_the_one_taken() {
        let params = VerifyEmailQuery::into_params(|| None);
        let param = params.iter().find(|p| p.name == "token").unwrap();
        let schema = serde_json::to_value(&param.schema).unwrap();
        assert_eq!(
            serde_json::to_value(&param.required).unwrap(),
            serde_json::json!(true)
        );
        assert_eq!(schema["maxLength"], MAX_TOKEN_CHARS);
        assert!(token("t", &"é".repeat(MAX_TOKEN_CHARS)).is_ok());
        assert!(token("t", &"é".repeat(MAX_TOKEN_CHARS + 1)).is_err());
        assert!(token("t", " \t ").is_err());
        assert_eq!(token("t", " abc ").unwrap(), "abc");
    }
}
