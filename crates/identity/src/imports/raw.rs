//! The users an import file gives: the fields of the NDJSON and CSV forms, and Auth0's
//! bulk export (NDJSON with Auth0's field names).

use roster_core::imports::{Format, RawRecord};
use serde::Deserialize;

/// A user as a file gives it, before any check: the fields of the NDJSON and CSV forms.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUser {
    pub email: Option<String>,
    pub name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub role: Option<String>,
    pub state: Option<String>,
    pub job_position_name: Option<String>,
    pub job_position_description: Option<String>,
    pub created_at: Option<String>,
    pub external_id: Option<String>,
    pub password_hash: Option<String>,
}

/// The columns a CSV header may name (those of [`RawUser`]).
pub const COLUMNS: &[&str] = &[
    "email",
    "name",
    "given_name",
    "family_name",
    "role",
    "state",
    "job_position_name",
    "job_position_description",
    "created_at",
    "external_id",
    "password_hash",
];

/// A user of Auth0's bulk export: `user_id` is the external id, its other fields are
/// left aside.
#[derive(Debug, Deserialize)]
struct Auth0User {
    email: Option<String>,
    name: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
    created_at: Option<String>,
    user_id: Option<String>,
    #[serde(alias = "passwordHash")]
    password_hash: Option<String>,
    custom_password_hash: Option<Auth0CustomHash>,
}

#[derive(Debug, Deserialize)]
struct Auth0CustomHash {
    hash: Auth0HashValue,
}

#[derive(Debug, Deserialize)]
struct Auth0HashValue {
    value: String,
}

impl From<Auth0User> for RawUser {
    fn from(a: Auth0User) -> Self {
        RawUser {
            email: a.email,
            name: a.name,
            given_name: a.given_name,
            family_name: a.family_name,
            created_at: a.created_at,
            external_id: a.user_id,
            password_hash: a
                .password_hash
                .or(a.custom_password_hash.map(|c| c.hash.value)),
            ..RawUser::default()
        }
    }
}

impl RawRecord for RawUser {
    const COLUMNS: &'static [&'static str] = COLUMNS;
    const REQUIRED: Option<&'static str> = Some("email");
    const NOUN: &'static str = "user";

    fn from_json(buf: &[u8], format: Format) -> Result<Self, serde_json::Error> {
        match format {
            Format::Auth0 => serde_json::from_slice::<Auth0User>(buf).map(RawUser::from),
            _ => serde_json::from_slice(buf),
        }
    }

    fn set(&mut self, column: usize, value: String) -> Result<(), String> {
        let slot = match column {
            0 => &mut self.email,
            1 => &mut self.name,
            2 => &mut self.given_name,
            3 => &mut self.family_name,
            4 => &mut self.role,
            5 => &mut self.state,
            6 => &mut self.job_position_name,
            7 => &mut self.job_position_description,
            8 => &mut self.created_at,
            9 => &mut self.external_id,
            _ => &mut self.password_hash,
        };
        *slot = Some(value);
        Ok(())
    }
}
