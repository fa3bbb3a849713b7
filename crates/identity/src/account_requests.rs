//! Request bodies of better-auth's account routes (`/api/auth/change-password`,
//! `update-user`, `revoke-session`), and their parsing into domain commands.

use roster_core::error::FieldErrors as Errors;
use roster_core::patch;
use roster_core::schema::StringSchema;
use roster_core::text::{at_most, Text};
use roster_core::DomainError;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::account_settings::ProfileChange;
use crate::passwords::{Password, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use crate::requests::USER_NAME;

/// An account's image: a URL or data its client understands, as better-auth keeps it.
pub const IMAGE: Text = Text::new(1, 2048);
/// The longest session handle (token or id) worth looking up.
const MAX_HANDLE_CHARS: usize = 200;

fn new_password() -> StringSchema {
    StringSchema::new(MIN_PASSWORD_CHARS, MAX_PASSWORD_CHARS).description(format!(
        "{MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters, not one of the commonest \
         passwords, and hard to guess: else a 400 `PASSWORD_TOO_SHORT`, `PASSWORD_TOO_LONG` \
         or `PASSWORD_TOO_WEAK`."
    ))
}

fn current_password() -> StringSchema {
    StringSchema::new(1, MAX_PASSWORD_CHARS)
}

fn user_name() -> StringSchema {
    USER_NAME.schema()
}

fn image() -> StringSchema {
    IMAGE.schema().nullable()
}

fn handle() -> StringSchema {
    StringSchema::new(1, MAX_HANDLE_CHARS)
        .description("The session's token, or its id as list-sessions shows it in `token`'s place.")
}

/// `POST /api/auth/change-password`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangePasswordRequest {
    #[schema(schema_with = current_password)]
    pub current_password: String,
    #[schema(schema_with = new_password)]
    pub new_password: String,
    /// End the account's other sessions too (default false).
    #[serde(default)]
    pub revoke_other_sessions: Option<bool>,
}

/// A password change that passed validation.
#[derive(Debug)]
pub struct ChangePassword {
    pub current: String,
    pub new: Password,
    pub revoke_other_sessions: bool,
}

impl TryFrom<ChangePasswordRequest> for ChangePassword {
    type Error = DomainError;

    fn try_from(r: ChangePasswordRequest) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        errors.take(at_most(
            "currentPassword",
            &r.current_password,
            MAX_PASSWORD_CHARS,
        ));
        if r.current_password.is_empty() {
            errors.take::<()>(Err(DomainError::invalid(
                "currentPassword",
                "must not be empty",
            )));
        }
        let new = errors.take(Password::parse("newPassword", &r.new_password));
        errors.finish_with(new.map(|new| ChangePassword {
            current: r.current_password,
            new,
            revoke_other_sessions: r.revoke_other_sessions.unwrap_or(false),
        }))
    }
}

/// `POST /api/auth/update-user`: what to change (at least one field).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct UpdateAccountRequest {
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(schema_with = user_name)]
    pub name: Option<String>,
    /// `null` removes the image.
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(schema_with = image)]
    pub image: Option<Option<String>>,
}

impl TryFrom<UpdateAccountRequest> for ProfileChange {
    type Error = DomainError;

    fn try_from(r: UpdateAccountRequest) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let name = r
            .name
            .and_then(|name| errors.take(USER_NAME.parse("name", &name)));
        let image = patch::check(&mut errors, r.image, |image: String| {
            IMAGE.parse("image", &image)
        });
        errors.finish()?;
        if name.is_none() && image.is_none() {
            return Err(patch::empty_update());
        }
        Ok(ProfileChange { name, image })
    }
}

/// `POST /api/auth/revoke-session`
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RevokeSessionRequest {
    #[schema(schema_with = handle)]
    pub token: String,
}

impl RevokeSessionRequest {
    /// 400 for what names no session at all (empty, or too long to be one).
    pub fn check(&self) -> Result<&str, DomainError> {
        let token = self.token.trim();
        if token.is_empty() {
            return Err(DomainError::invalid("token", "must not be empty"));
        }
        at_most("token", token, MAX_HANDLE_CHARS)?;
        Ok(token)
    }
}
