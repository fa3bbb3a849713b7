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

/// Collects every field error of a request instead of stopping at the first.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// The value of `r`, or `None` after noting its field errors.
    pub fn take<T>(&mut self, r: Result<T, DomainError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(DomainError::BadRequest { errors, .. }) => {
                self.0.extend(errors);
                None
            }
            Err(other) => {
                self.0.push(FieldError::new("", other.to_string()));
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A 400 naming every field noted, if any.
    pub fn finish(self) -> Result<(), DomainError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(DomainError::invalid_fields(self.0))
        }
    }

    /// `finish`, then the value parsed from the fields taken, which is there when no
    /// field was noted.
    pub fn finish_with<T>(self, value: Option<T>) -> Result<T, DomainError> {
        self.finish()?;
        value.ok_or_else(|| {
            DomainError::internal_msg("validation collected no error for a missing field")
        })
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
    /// `code`: `unauthorized`, or a flow's own (better-auth's `INVALID_TOKEN`).
    #[error("{detail}")]
    Unauthorized {
        code: Cow<'static, str>,
        detail: String,
    },
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
    /// `code`: `unavailable`, or what is missing (`mail_not_configured`).
    #[error("{detail}")]
    Unavailable {
        code: Cow<'static, str>,
        detail: String,
    },
    /// The request's `If-Match` names a version that is not the resource's current one
    /// (`roster_core::etag::Precondition`): nothing was changed.
    #[error("{detail}")]
    PreconditionFailed { detail: String },
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
        Self::unauthorized_because("unauthorized", detail)
    }

    /// A 401 with a code of its own.
    pub fn unauthorized_because(
        code: impl Into<Cow<'static, str>>,
        detail: impl Into<String>,
    ) -> Self {
        Self::Unauthorized {
            code: code.into(),
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
        Self::unavailable_because("unavailable", detail)
    }

    /// A 503 with a code of its own (something this server is not set up for).
    pub fn unavailable_because(
        code: impl Into<Cow<'static, str>>,
        detail: impl Into<String>,
    ) -> Self {
        Self::Unavailable {
            code: code.into(),
            detail: detail.into(),
        }
    }

    /// A 412 (`precondition_failed`).
    pub fn precondition_failed(detail: impl Into<String>) -> Self {
        Self::PreconditionFailed {
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
            // diesel-async reports every error without a SQLSTATE (I/O, a closed connection)
            // as UnableToSendCommand.
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => Self::unavailable("the database is unavailable; retry shortly"),
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                Self::unavailable("the request conflicted with a concurrent one; retry")
            }
            Error::DatabaseError(DatabaseErrorKind::Unknown, ref info)
                if server_going_away(info.message()).is_some() =>
            {
                Self::unavailable("the database is unavailable; retry shortly")
            }
            // A failed commit whose rollback failed too: the connection is gone if either says so.
            Error::RollbackErrorOnCommit {
                rollback_error,
                commit_error,
            } => match (Self::from(*commit_error), Self::from(*rollback_error)) {
                (unavailable @ Self::Unavailable { .. }, _)
                | (_, unavailable @ Self::Unavailable { .. }) => unavailable,
                (commit_error, _) => commit_error,
            },
            other => Self::internal(other),
        }
    }
}

/// PostgreSQL's messages for the errors by which the server ends a session it is serving,
/// with their SQLSTATE. diesel's `DatabaseErrorInformation` carries no SQLSTATE, and
/// diesel-async reports these as `DatabaseErrorKind::Unknown`, so the server's (untranslated)
/// message is what identifies them. They arrive as the answer to the query in flight.
const SESSION_ENDED_BY_SERVER: &[(&str, &str)] = &[
    // admin_shutdown: `pg_ctl stop -m fast`, a failover, pg_terminate_backend().
    (
        "57P01",
        "terminating connection due to administrator command",
    ),
    // crash_shutdown: another backend crashed and the server restarts.
    (
        "57P02",
        "terminating connection because of crash of another server process",
    ),
    // idle_session_timeout.
    (
        "57P05",
        "terminating connection due to idle-session timeout",
    ),
    // idle_in_transaction_session_timeout.
    (
        "25P03",
        "terminating connection due to idle-in-transaction timeout",
    ),
];

/// The SQLSTATE of a message by which the server ended the session, if it is one.
fn server_going_away(message: &str) -> Option<&'static str> {
    SESSION_ENDED_BY_SERVER
        .iter()
        .find(|(_, text)| message.starts_with(text))
        .map(|(sqlstate, _)| *sqlstate)
}

impl From<crate::db::PoolError> for DomainError {
    fn from(err: crate::db::PoolError) -> Self {
        tracing::warn!(error = %err, "database connection unavailable");
        Self::unavailable("the database is unavailable; retry shortly")
    }
}

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorKind, Error};

    use super::*;

    fn database_error(kind: DatabaseErrorKind, message: &str) -> Error {
        Error::DatabaseError(kind, Box::new(message.to_owned()))
    }

    fn is_unavailable(err: Error) -> bool {
        matches!(DomainError::from(err), DomainError::Unavailable { .. })
    }

    #[test]
    fn a_lost_connection_is_unavailable() {
        assert!(is_unavailable(database_error(
            DatabaseErrorKind::UnableToSendCommand,
            "connection closed"
        )));
        assert!(is_unavailable(database_error(
            DatabaseErrorKind::ClosedConnection,
            ""
        )));
    }

    #[test]
    fn a_session_ended_by_the_server_is_unavailable() {
        assert!(is_unavailable(database_error(
            DatabaseErrorKind::Unknown,
            "terminating connection due to administrator command"
        )));
        assert_eq!(
            server_going_away("terminating connection due to idle-session timeout"),
            Some("57P05")
        );
    }

    #[test]
    fn other_database_errors_are_internal() {
        let err = database_error(DatabaseErrorKind::Unknown, "division by zero");
        assert!(matches!(DomainError::from(err), DomainError::Internal(_)));
    }

    #[test]
    fn a_commit_whose_rollback_lost_the_connection_is_unavailable() {
        let err = Error::RollbackErrorOnCommit {
            rollback_error: Box::new(database_error(
                DatabaseErrorKind::UnableToSendCommand,
                "connection closed",
            )),
            commit_error: Box::new(database_error(
                DatabaseErrorKind::SerializationFailure,
                "could not serialize access",
            )),
        };
        assert!(is_unavailable(err));
    }
}
