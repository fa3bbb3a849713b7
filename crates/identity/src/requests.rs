//! Request bodies of the App family and the auth endpoints, and their parsing into
//! domain commands ("parse, don't validate").

use roster_core::text::{bounded, bounded_opt, Email};
use roster_core::DomainError;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::passwords::{Password, MAX_PASSWORD_CHARS};
use crate::users::{NewUser, Role, UserChanges};
use crate::AccountId;
use roster_core::error::FieldErrors as Errors;

const NAME_MAX: usize = 200;
const JOB_NAME_MAX: usize = 200;
const JOB_DESCRIPTION_MAX: usize = 2000;

/// `user_info` of a create request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInfo {
    #[schema(example = "sasha@auroralabs.com", format = Email, min_length = 3, max_length = 254)]
    pub email: String,
    #[schema(
        example = "Sasha Patel",
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: String,
    #[serde(default)]
    #[schema(
        max_length = 200,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub given_name: Option<String>,
    #[serde(default)]
    #[schema(
        max_length = 200,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub family_name: Option<String>,
    #[serde(default)]
    #[schema(
        max_length = 200,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub job_position_name: Option<String>,
    #[serde(default)]
    #[schema(
        max_length = 2000,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub job_position_description: Option<String>,
}

/// `POST /api/v1/app/user`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// An existing account to add, with its own email in `user_info.email` (404 otherwise);
    /// without it the account is found or created by email.
    #[serde(default)]
    pub account_id: Option<String>,
    pub role: Role,
    pub user_info: UserInfo,
}

impl TryFrom<CreateUserRequest> for NewUser {
    type Error = DomainError;

    fn try_from(r: CreateUserRequest) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let email = errors.take(Email::parse("user_info.email", &r.user_info.email));
        let name = errors.take(bounded("user_info.name", &r.user_info.name, 1, NAME_MAX));
        let given_name = errors.take(bounded_opt(
            "user_info.given_name",
            r.user_info.given_name.as_deref(),
            NAME_MAX,
        ));
        let family_name = errors.take(bounded_opt(
            "user_info.family_name",
            r.user_info.family_name.as_deref(),
            NAME_MAX,
        ));
        let job_name = errors.take(bounded_opt(
            "user_info.job_position_name",
            r.user_info.job_position_name.as_deref(),
            JOB_NAME_MAX,
        ));
        let job_description = errors.take(bounded_opt(
            "user_info.job_position_description",
            r.user_info.job_position_description.as_deref(),
            JOB_DESCRIPTION_MAX,
        ));
        // A malformed account id cannot exist: the same 404 as an unknown one.
        let account_id = match r.account_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw)
                if errors
                    .take(roster_core::id::check_length("account_id", raw))
                    .is_none() =>
            {
                None
            }
            Some(raw) => Some(AccountId::parse(raw).ok_or_else(|| {
                DomainError::not_found("account").on_field("account_id", "no such account")
            })?),
        };
        errors.finish()?;
        match (
            email,
            name,
            given_name,
            family_name,
            job_name,
            job_description,
        ) {
            (
                Some(email),
                Some(name),
                Some(given_name),
                Some(family_name),
                Some(job_position_name),
                Some(job_position_description),
            ) => Ok(NewUser {
                account_id,
                role: r.role,
                email,
                name,
                given_name,
                family_name,
                job_position_name,
                job_position_description,
            }),
            _ => Err(DomainError::internal_msg(
                "validation collected no error for a missing field",
            )),
        }
    }
}

/// `PUT /api/v1/app/user/{id}`: every field optional; `null` clears a nullable one.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[serde(default)]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "roster_core::serde_ext::double_option")]
    #[schema(value_type = Option<String>, max_length = 200, pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$")]
    pub given_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "roster_core::serde_ext::double_option")]
    #[schema(value_type = Option<String>, max_length = 200, pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$")]
    pub family_name: Option<Option<String>>,
    #[serde(default)]
    #[schema(nullable = false, format = Email, min_length = 3, max_length = 254)]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "roster_core::serde_ext::double_option")]
    #[schema(value_type = Option<String>, max_length = 200, pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$")]
    pub job_position_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "roster_core::serde_ext::double_option")]
    #[schema(value_type = Option<String>, max_length = 2000, pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$")]
    pub job_position_description: Option<Option<String>>,
    /// Only an AppAdmin may change roles.
    #[serde(default)]
    #[schema(nullable = false)]
    pub role: Option<Role>,
}

impl UpdateUserRequest {
    /// Whether the request touches fields only an AppAdmin may change.
    pub fn touches_admin_fields(&self) -> bool {
        self.role.is_some() || self.email.is_some()
    }
}

fn nullable(
    errors: &mut Errors,
    field: &str,
    raw: Option<Option<String>>,
    max: usize,
) -> Option<Option<String>> {
    match raw {
        None => None,
        Some(v) => errors
            .take(bounded_opt(field, v.as_deref(), max))
            .map(Some)
            .unwrap_or(None),
    }
}

impl TryFrom<UpdateUserRequest> for UserChanges {
    type Error = DomainError;

    fn try_from(r: UpdateUserRequest) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let name = r
            .name
            .as_deref()
            .and_then(|n| errors.take(bounded("name", n, 1, NAME_MAX)));
        let email = r
            .email
            .as_deref()
            .and_then(|e| errors.take(Email::parse("email", e)))
            .map(Email::into_inner);
        let changes = UserChanges {
            name,
            given_name: nullable(&mut errors, "given_name", r.given_name, NAME_MAX),
            family_name: nullable(&mut errors, "family_name", r.family_name, NAME_MAX),
            email,
            job_position_name: nullable(
                &mut errors,
                "job_position_name",
                r.job_position_name,
                JOB_NAME_MAX,
            ),
            job_position_description: nullable(
                &mut errors,
                "job_position_description",
                r.job_position_description,
                JOB_DESCRIPTION_MAX,
            ),
            role: r.role,
        };
        errors.finish()?;
        if changes.name.is_none()
            && changes.given_name.is_none()
            && changes.family_name.is_none()
            && changes.email.is_none()
            && changes.job_position_name.is_none()
            && changes.job_position_description.is_none()
            && changes.role.is_none()
        {
            return Err(DomainError::bad_request(
                "empty_update",
                "the request changes nothing: send at least one field",
            ));
        }
        Ok(changes)
    }
}

/// `POST /api/auth/sign-up/email`
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SignUpRequest {
    #[schema(format = Email, min_length = 3, max_length = 254)]
    pub email: String,
    /// 8 to 128 characters, not one of the commonest passwords, and hard to guess (a
    /// zxcvbn score of 3 or more): else a 400 with code `password_too_weak`.
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: String,
}

/// A sign-up that passed validation.
#[derive(Debug)]
pub struct SignUp {
    pub email: Email,
    pub password: Password,
    pub name: String,
}

impl TryFrom<SignUpRequest> for SignUp {
    type Error = DomainError;

    fn try_from(r: SignUpRequest) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let email = errors.take(Email::parse("email", &r.email));
        let password = errors.take(Password::parse("password", &r.password));
        let name = errors.take(bounded("name", &r.name, 1, NAME_MAX));
        errors.finish()?;
        match (email, password, name) {
            (Some(email), Some(password), Some(name)) => Ok(SignUp {
                email,
                password,
                name,
            }),
            _ => Err(DomainError::internal_msg(
                "validation collected no error for a missing field",
            )),
        }
    }
}

/// `POST /api/auth/sign-in/email`
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SignInRequest {
    pub email: String,
    pub password: String,
    /// Accepted for better-auth clients; sessions always last 7 days.
    #[serde(default, rename = "rememberMe")]
    pub remember_me: Option<bool>,
}

impl SignInRequest {
    /// Refuses (400) what no account can have, before any password is hashed: an email
    /// over 254 characters, a password longer than sign-up accepts.
    pub fn check(&self) -> Result<(), DomainError> {
        let mut errors = Errors::default();
        if self.email.chars().count() > 254 {
            errors.take::<()>(Err(DomainError::invalid(
                "email",
                "must be at most 254 characters",
            )));
        }
        if self.password.chars().count() > MAX_PASSWORD_CHARS {
            errors.take::<()>(Err(DomainError::invalid(
                "password",
                format!("must be at most {} characters", MAX_PASSWORD_CHARS),
            )));
        }
        errors.finish()
    }
}

/// `POST /api/v1/app/tokens`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    /// What the token is for, 1 to 100 characters.
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: String,
    /// Days until it expires, 1 to 3650; without it the token never expires.
    #[serde(default, deserialize_with = "roster_core::serde_ext::whole_number")]
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<i64>,
}

impl CreateTokenRequest {
    /// The name and expiry, validated.
    pub fn parse(&self) -> Result<(String, Option<roster_core::time::Timestamp>), DomainError> {
        let mut errors = Errors::default();
        let name = errors.take(bounded("name", &self.name, 1, 100));
        let expires = match self.expires_in_days {
            None => Some(None),
            Some(d) if (1..=3650).contains(&d) => {
                Some(Some(roster_core::time::now() + time::Duration::days(d)))
            }
            Some(_) => errors.take(Err(DomainError::invalid(
                "expires_in_days",
                "must be between 1 and 3650",
            ))),
        };
        errors.finish()?;
        match (name, expires) {
            (Some(name), Some(expires)) => Ok((name, expires)),
            _ => Err(DomainError::internal_msg(
                "validation collected no error for a missing field",
            )),
        }
    }
}
