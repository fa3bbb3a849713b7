//! A user of an import file checked by the rules the API enforces (bounds, roles, states)
//! plus the form of an imported password hash.

use roster_core::text::Email;
use roster_core::time::Timestamp;
use roster_core::DomainError;

use super::raw::RawUser;
use super::LineError;
use crate::password_formats::ImportedHash;
use crate::requests::{JOB_POSITION_DESCRIPTION, JOB_POSITION_NAME, USER_NAME};
use crate::users::{Role, UserState};

/// A user ready to write.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub line: u64,
    pub email: Email,
    /// `email`'s identity key (`roster_core::keys`): what it is unique on in an org.
    pub email_key: String,
    pub name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub job_position_name: Option<String>,
    pub job_position_description: Option<String>,
    pub role: Role,
    pub state: UserState,
    pub created_at: Option<Timestamp>,
    /// The user's id in the system it comes from (SCIM's `externalId`).
    pub external_id: Option<String>,
    pub password_hash: Option<ImportedHash>,
}

/// The code and message a domain error gives a line.
pub fn line_error(line: u64, email: Option<&str>, e: DomainError) -> LineError {
    LineError {
        email: email.map(str::to_owned),
        ..LineError::of(line, e)
    }
}

impl ImportRow {
    /// Checks a user of line `line`. The name, when absent, is the given and family names,
    /// or else the email.
    pub fn check(line: u64, raw: RawUser) -> Result<Self, LineError> {
        let email_raw = raw.email.as_deref().map(str::trim).unwrap_or_default();
        let fail = |e: DomainError| line_error(line, Some(email_raw).filter(|e| !e.is_empty()), e);
        if email_raw.is_empty() {
            return Err(fail(DomainError::invalid("email", "is required")));
        }
        let email = Email::parse("email", email_raw).map_err(fail)?;
        let given_name = USER_NAME
            .parse_opt("given_name", raw.given_name.as_deref())
            .map_err(fail)?;
        let family_name = USER_NAME
            .parse_opt("family_name", raw.family_name.as_deref())
            .map_err(fail)?;
        let name = match raw.name.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => name.to_owned(),
            _ => {
                let parts: Vec<&str> = [given_name.as_deref(), family_name.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect();
                if parts.is_empty() {
                    email.as_str().to_owned()
                } else {
                    parts.join(" ")
                }
            }
        };
        let name = USER_NAME.parse("name", &name).map_err(fail)?;
        let role = match raw.role.as_deref().map(str::trim) {
            None | Some("") => Role::AppMember,
            Some(role) => Role::parse("role", role).map_err(|_| {
                let message = format!("role: must be one of: {}", Role::allowed());
                LineError::new(line, Some(email_raw.to_owned()), "unknown_role", message)
            })?,
        };
        let state = match raw.state.as_deref().map(str::trim) {
            None | Some("") => UserState::Active,
            Some(state) => UserState::parse("state", state).map_err(fail)?,
        };
        let created_at = match raw.created_at.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(at) => Some(roster_core::time::parse(at).ok_or_else(|| {
                fail(DomainError::invalid(
                    "created_at",
                    "must be an RFC 3339 timestamp",
                ))
            })?),
        };
        let password_hash = match raw.password_hash.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(hash) => Some(ImportedHash::parse("password_hash", hash).map_err(fail)?),
        };
        Ok(Self {
            line,
            email_key: email.key(),
            email,
            name,
            given_name,
            family_name,
            job_position_name: JOB_POSITION_NAME
                .parse_opt("job_position_name", raw.job_position_name.as_deref())
                .map_err(fail)?,
            job_position_description: JOB_POSITION_DESCRIPTION
                .parse_opt(
                    "job_position_description",
                    raw.job_position_description.as_deref(),
                )
                .map_err(fail)?,
            role,
            state,
            created_at,
            external_id: USER_NAME
                .parse_opt("external_id", raw.external_id.as_deref())
                .map_err(fail)?,
            password_hash,
        })
    }
}
