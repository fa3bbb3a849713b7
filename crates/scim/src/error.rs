//! SCIM errors (RFC 7644 §3.12): `urn:ietf:params:scim:api:messages:2.0:Error`, with
//! `status` as a string and a `scimType` where one applies.

use roster_core::DomainError;
use serde_json::{json, Value};

pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// The `scimType` of a 400 or 409 (RFC 7644 Table 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScimType {
    InvalidFilter,
    TooMany,
    Uniqueness,
    Mutability,
    InvalidSyntax,
    InvalidPath,
    NoTarget,
    InvalidValue,
    InvalidVers,
}

impl ScimType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidFilter => "invalidFilter",
            Self::TooMany => "tooMany",
            Self::Uniqueness => "uniqueness",
            Self::Mutability => "mutability",
            Self::InvalidSyntax => "invalidSyntax",
            Self::InvalidPath => "invalidPath",
            Self::NoTarget => "noTarget",
            Self::InvalidValue => "invalidValue",
            Self::InvalidVers => "invalidVers",
        }
    }
}

/// A SCIM error: an HTTP status, a `scimType` if one applies, and a detail for people.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{status} {detail}")]
pub struct ScimError {
    pub status: u16,
    pub scim_type: Option<ScimType>,
    pub detail: String,
}

pub type ScimResult<T> = Result<T, ScimError>;

impl ScimError {
    pub fn new(status: u16, scim_type: Option<ScimType>, detail: impl Into<String>) -> Self {
        Self {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    pub fn bad(scim_type: ScimType, detail: impl Into<String>) -> Self {
        Self::new(400, Some(scim_type), detail)
    }

    pub fn invalid_filter(detail: impl Into<String>) -> Self {
        Self::bad(ScimType::InvalidFilter, detail)
    }

    pub fn invalid_value(detail: impl Into<String>) -> Self {
        Self::bad(ScimType::InvalidValue, detail)
    }

    pub fn invalid_path(detail: impl Into<String>) -> Self {
        Self::bad(ScimType::InvalidPath, detail)
    }

    pub fn invalid_syntax(detail: impl Into<String>) -> Self {
        Self::bad(ScimType::InvalidSyntax, detail)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(404, None, format!("{what} not found"))
    }

    /// The error body, `application/scim+json`.
    pub fn body(&self) -> Value {
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status.to_string(),
            "detail": self.detail,
        });
        if let Some(t) = self.scim_type {
            body["scimType"] = json!(t.as_str());
        }
        body
    }
}

impl From<DomainError> for ScimError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::BadRequest { detail, errors, .. } => {
                let detail = match errors.first() {
                    Some(f) => format!("{}: {}", f.field, f.message),
                    None => detail,
                };
                Self::invalid_value(detail)
            }
            DomainError::Conflict { code, detail, .. } if code.ends_with("_taken") => {
                Self::new(409, Some(ScimType::Uniqueness), detail)
            }
            DomainError::Conflict { detail, .. } => Self::new(409, None, detail),
            DomainError::NotFound { detail, .. } => Self::new(404, None, detail),
            DomainError::Forbidden { detail, .. } => Self::new(403, None, detail),
            DomainError::Unauthorized { detail, .. } => Self::new(401, None, detail),
            DomainError::TooManyRequests { detail, .. } => Self::new(429, None, detail),
            DomainError::Unavailable { detail, .. } => Self::new(503, None, detail),
            DomainError::PreconditionFailed { detail } => Self::new(412, None, detail),
            DomainError::Internal(_) => Self::new(500, None, "internal error"),
        }
    }
}

impl From<diesel::result::Error> for ScimError {
    fn from(e: diesel::result::Error) -> Self {
        DomainError::from(e).into()
    }
}
