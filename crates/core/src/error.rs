//! The domain error: one vocabulary for every crate, turned into problem+json by the gateway.

use std::borrow::Cow;

use serde::Serialize;
use utoipa::ToSchema;

/// One field that failed validation, e.g. `{"field": "user_info.email", "message": "already taken"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// What went wrong, in terms a client can act on. `code` is a stable machine-readable
/// name (`email_taken`); `detail` is for people.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("{detail}")]
    BadRequest {
        code: Cow<'static, str>,
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("{detail}")]
    Unauthorized { detail: String },
    #[error("{detail}")]
    Forbidden {
        code: Cow<'static, str>,
        detail: String,
    },
    #[error("{detail}")]
    NotFound {
        code: Cow<'static, str>,
        detail: String,
    },
    #[error("{detail}")]
    Conflict {
        code: Cow<'static, str>,
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("{detail}")]
    TooManyRequests {
        detail: String,
        retry_after_secs: u64,
        /// The number of attempts the window allows.
        limit: u32,
    },
    /// The database (or another dependency) does not answer: retry later.
    #[error("{detail}")]
    Unavailable { detail: String },
    /// A bug or an unexpected failure; its cause is logged, never shown.
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type DomainResult<T> = Result<T, DomainError>;

impl DomainError {
    pub fn bad_request(code: impl Into<Cow<'static, str>>, detail: impl Into<String>) -> Self {
        Self::BadRequest {
            code: code.into(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// A validation failure on one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        let error = FieldError::new(field, message);
        Self::BadRequest {
            code: Cow::Borrowed("validation_failed"),
            detail: format!("{}: {}", error.field, error.message),
            errors: vec![error],
        }
    }

    /// Validation failures on several fields.
    pub fn invalid_fields(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        Self::BadRequest {
            code: Cow::Borrowed("validation_failed"),
            detail,
            errors,
        }
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::Unauthorized {
            detail: detail.into(),
        }
    }

    pub fn forbidden(code: impl Into<Cow<'static, str>>, detail: impl Into<String>) -> Self {
        Self::Forbidden {
            code: code.into(),
            detail: detail.into(),
        }
    }

    /// `what` is the resource's name in the domain: `not_found("user")` -> code `user_not_found`.
    pub fn not_found(what: &str) -> Self {
        Self::NotFound {
            code: Cow::Owned(format!("{what}_not_found")),
            detail: format!("{what} not found"),
        }
    }

    pub fn conflict(code: impl Into<Cow<'static, str>>, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code: code.into(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// Names the field a conflict or validation failure is about.
    pub fn on_field(mut self, field: impl Into<String>, message: impl Into<String>) -> Self {
        if let Self::Conflict { errors, .. } | Self::BadRequest { errors, .. } = &mut self {
            errors.push(FieldError::new(field, message));
        }
        self
    }

    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::Unavailable {
            detail: detail.into(),
        }
    }

    pub fn internal(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Internal(Box::new(err))
    }

    /// Internal error from a message (for invariants that cannot fail in practice).
    pub fn internal_msg(msg: impl Into<String>) -> Self {
        Self::Internal(msg.into().into())
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound { .. })
    }
}

/// The name of the unique or check constraint a database error violated, if any.
pub fn violated_constraint(err: &diesel::result::Error) -> Option<&str> {
    match err {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation
            | diesel::result::DatabaseErrorKind::CheckViolation
            | diesel::result::DatabaseErrorKind::ForeignKeyViolation,
            info,
        ) => info.constraint_name(),
        _ => None,
    }
}

impl From<diesel::result::Error> for DomainError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => Self::NotFound {
                code: Cow::Borrowed("not_found"),
                detail: "not found".into(),
            },
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => Self::unavailable("the database is unavailable; retry shortly"),
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                Self::unavailable("the request conflicted with a concurrent one; retry")
            }
            // tokio-postgres reports a dropped connection as an unknown database error whose
            // message says so; treat it as unavailability, not as a bug.
            Error::DatabaseError(DatabaseErrorKind::Unknown, ref info)
                if is_connection_message(info.message()) =>
            {
                Self::unavailable("the database is unavailable; retry shortly")
            }
            other => Self::internal(other),
        }
    }
}

fn is_connection_message(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "connection closed",
        "connection reset",
        "terminating connection",
        "broken pipe",
        "error communicating",
        "connection refused",
        "the database system is",
    ]
    .iter()
    .any(|needle| m.contains(needle))
}

impl From<crate::db::PoolError> for DomainError {
    fn from(err: crate::db::PoolError) -> Self {
        tracing::warn!(error = %err, "database connection unavailable");
        Self::unavailable("the database is unavailable; retry shortly")
    }
}
