//! Request bodies of the App family and the auth endpoints, and their parsing into
//! domain commands ("parse, don't validate").

use roster_core::error::FieldErrors as Errors;
use roster_core::metadata::{self, Metadata, MetadataUpdate, RawMetadata};
use roster_core::patch;
use roster_core::schema::StringSchema;
use roster_core::text::{at_most, Email, Text};
use roster_core::DomainError;
use serde::Deserialize;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, SchemaType, Type};
use utoipa::ToSchema;

use crate::passwords::{Password, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use crate::users::{NewUser, Role, UserChanges};
use crate::AccountId;

/// A user's name, and each of its parts.
pub const USER_NAME: Text = Text::new(1, 200);
pub(crate) const JOB_POSITION_NAME: Text = Text::new(1, 200);
pub(crate) const JOB_POSITION_DESCRIPTION: Text = Text::new(1, 2000);
const TOKEN_NAME: Text = Text::new(1, 100);
/// How many days a token may last.
const TOKEN_DAYS: std::ops::RangeInclusive<i64> = 1..=3650;

fn email() -> StringSchema {
    Email::schema()
}

fn user_name() -> StringSchema {
    USER_NAME.schema()
}

fn name_part() -> StringSchema {
    USER_NAME.schema_opt()
}

fn job_position_name() -> StringSchema {
    JOB_POSITION_NAME.schema_opt()
}

fn job_position_description() -> StringSchema {
    JOB_POSITION_DESCRIPTION.schema_opt()
}

/// `user_info` of a create request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInfo {
    #[schema(schema_with = user_info_email)]
    pub email: String,
    #[schema(schema_with = user_info_name)]
    pub name: String,
    #[serde(default)]
    #[schema(schema_with = name_part)]
    pub given_name: Option<String>,
    #[serde(default)]
    #[schema(schema_with = name_part)]
    pub family_name: Option<String>,
    #[serde(default)]
    #[schema(schema_with = job_position_name)]
    pub job_position_name: Option<String>,
    #[serde(default)]
    #[schema(schema_with = job_position_description)]
    pub job_position_description: Option<String>,
}

fn user_info_email() -> StringSchema {
    Email::schema().example("sasha@auroralabs.com")
}

fn user_info_name() -> StringSchema {
    USER_NAME.schema().example("Sasha Patel")
}

fn account_schema() -> roster_core::schema::StringSchema {
    roster_core::id::reference_schema(
        "An existing account to add, with its own email in `user_info.email` (404 otherwise);\n\
         without it the account is found or created by email.",
        "acct_4b7c2a1d9e5f3c8b",
    )
    .nullable()
}

/// `POST /api/v1/app/user`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    #[serde(default)]
    #[schema(schema_with = account_schema)]
    pub account_id: Option<String>,
    pub role: Role,
    pub user_info: UserInfo,
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(schema_with = metadata::create_schema)]
    pub metadata: Option<RawMetadata>,
}

impl TryFrom<CreateUserRequest> for NewUser {
    type Error = DomainError;

    fn try_from(r: CreateUserRequest) -> Result<Self, DomainError> {
        let mut errors = Errors::default();
        let email = errors.take(Email::parse("user_info.email", &r.user_info.email));
        let name = errors.take(USER_NAME.parse("user_info.name", &r.user_info.name));
        let given_name = errors
            .take(USER_NAME.parse_opt("user_info.given_name", r.user_info.given_name.as_deref()));
        let family_name = errors
            .take(USER_NAME.parse_opt("user_info.family_name", r.user_info.family_name.as_deref()));
        let job_name = errors.take(JOB_POSITION_NAME.parse_opt(
            "user_info.job_position_name",
            r.user_info.job_position_name.as_deref(),
        ));
        let job_description = errors.take(JOB_POSITION_DESCRIPTION.parse_opt(
            "user_info.job_position_description",
            r.user_info.job_position_description.as_deref(),
        ));
        let metadata = errors.take(Metadata::parse("metadata", r.metadata.unwrap_or_default()));
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
        let parsed = (|| {
            Some(NewUser {
                account_id,
                role: r.role,
                email: email?,
                name: name?,
                given_name: given_name?,
                family_name: family_name?,
                job_position_name: job_name?,
                job_position_description: job_description?,
                metadata: metadata?,
            })
        })();
        errors.finish_with(parsed)
    }
}

/// `PUT` and `PATCH /api/v1/app/user/{id}`: every field optional; `null` clears a
/// nullable one. The two differ only in `metadata`: PUT replaces it, PATCH merges it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(schema_with = user_name)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(schema_with = name_part)]
    pub given_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(schema_with = name_part)]
    pub family_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(schema_with = email)]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(schema_with = job_position_name)]
    pub job_position_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(schema_with = job_position_description)]
    pub job_position_description: Option<Option<String>>,
    /// Only an AppAdmin may change roles.
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(nullable = false)]
    pub role: Option<Role>,
    /// Only an AppAdmin may change metadata.
    #[serde(default, deserialize_with = "roster_core::patch::present")]
    #[schema(schema_with = update_metadata)]
    pub metadata: Option<RawMetadata>,
}

fn update_metadata() -> utoipa::openapi::schema::Object {
    let mut schema = metadata::merge_schema();
    schema.description = Some(
        "Only an AppAdmin may change metadata. PUT replaces the whole map with the keys \
         given (`null` or \"\" values left out); PATCH merges: the keys given are set, a key \
         given `null` or \"\" is removed, the others are kept. At most 50 keys, each at \
         most 40 characters of A-Z, a-z, 0-9, '_', '.' and '-', each value a string of at \
         most 500 characters."
            .into(),
    );
    schema
}

impl UpdateUserRequest {
    /// Whether the request touches fields only an AppAdmin may change.
    pub fn touches_admin_fields(&self) -> bool {
        self.role.is_some() || self.email.is_some() || self.metadata.is_some()
    }

    /// The changes of a PUT: metadata replaced.
    pub fn replacing(self) -> Result<UserChanges, DomainError> {
        self.changes(MetadataUpdate::replace)
    }

    /// The changes of a PATCH: metadata merged.
    pub fn merging(self) -> Result<UserChanges, DomainError> {
        self.changes(MetadataUpdate::merge)
    }

    fn changes(
        self,
        metadata: fn(&str, RawMetadata) -> Result<MetadataUpdate, DomainError>,
    ) -> Result<UserChanges, DomainError> {
        let r = self;
        let mut errors = Errors::default();
        let name = r
            .name
            .as_deref()
            .and_then(|n| errors.take(USER_NAME.parse("name", n)));
        let email = r
            .email
            .as_deref()
            .and_then(|e| errors.take(Email::parse("email", e)))
            .map(Email::into_inner);
        let changes = UserChanges {
            name,
            given_name: patch::parse(&mut errors, r.given_name, |v| {
                USER_NAME.parse_opt("given_name", v.as_deref())
            }),
            family_name: patch::parse(&mut errors, r.family_name, |v| {
                USER_NAME.parse_opt("family_name", v.as_deref())
            }),
            email,
            job_position_name: patch::parse(&mut errors, r.job_position_name, |v| {
                JOB_POSITION_NAME.parse_opt("job_position_name", v.as_deref())
            }),
            job_position_description: patch::parse(&mut errors, r.job_position_description, |v| {
                JOB_POSITION_DESCRIPTION.parse_opt("job_position_description", v.as_deref())
            }),
            role: r.role,
            metadata: r
                .metadata
                .and_then(|m| errors.take(metadata("metadata", m))),
            ..UserChanges::default()
        };
        errors.finish()?;
        if changes.name.is_none()
            && changes.given_name.is_none()
            && changes.family_name.is_none()
            && changes.email.is_none()
            && changes.job_position_name.is_none()
            && changes.job_position_description.is_none()
            && changes.role.is_none()
            && changes.metadata.is_none()
        {
            return Err(patch::empty_update());
        }
        Ok(changes)
    }
}

/// `POST /api/auth/sign-up/email`
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SignUpRequest {
    #[schema(schema_with = email)]
    pub email: String,
    #[schema(schema_with = password)]
    pub password: String,
    #[schema(schema_with = user_name)]
    pub name: String,
}

pub(crate) fn password() -> StringSchema {
    StringSchema::new(MIN_PASSWORD_CHARS, MAX_PASSWORD_CHARS).description(format!(
        "{MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters, not one of the commonest \
         passwords, and hard to guess (a zxcvbn score of 3 or more): else a 400 with code \
         `password_too_weak`."
    ))
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
        let name = errors.take(USER_NAME.parse("name", &r.name));
        let parsed = (|| {
            Some(SignUp {
                email: email?,
                password: password?,
                name: name?,
            })
        })();
        errors.finish_with(parsed)
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
        errors.take(at_most("email", &self.email, Email::MAX_CHARS));
        errors.take(at_most("password", &self.password, MAX_PASSWORD_CHARS));
        errors.finish()
    }
}

/// `POST /api/v1/app/tokens`
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    #[schema(schema_with = token_name)]
    pub name: String,
    #[serde(default, deserialize_with = "roster_core::serde_ext::whole_number")]
    #[schema(schema_with = token_days)]
    pub expires_in_days: Option<i64>,
}

fn token_name() -> StringSchema {
    TOKEN_NAME
        .schema()
        .description(format!("What the token is for, {TOKEN_NAME}."))
}

fn token_days() -> ObjectBuilder {
    let (first, last) = (*TOKEN_DAYS.start(), *TOKEN_DAYS.end());
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .description(Some(format!(
            "Days until it expires, {first} to {last}; without it the token never expires."
        )))
        .minimum(Some(first))
        .maximum(Some(last))
}

impl CreateTokenRequest {
    /// The name and expiry, validated.
    pub fn parse(&self) -> Result<(String, Option<roster_core::time::Timestamp>), DomainError> {
        let mut errors = Errors::default();
        let name = errors.take(TOKEN_NAME.parse("name", &self.name));
        let expires = match self.expires_in_days {
            None => Some(None),
            Some(d) if TOKEN_DAYS.contains(&d) => {
                Some(Some(roster_core::time::now() + time::Duration::days(d)))
            }
            Some(_) => errors.take(Err(DomainError::invalid(
                "expires_in_days",
                format!(
                    "must be between {} and {}",
                    TOKEN_DAYS.start(),
                    TOKEN_DAYS.end()
                ),
            ))),
        };
        errors.finish_with(name.zip(expires))
    }
}
