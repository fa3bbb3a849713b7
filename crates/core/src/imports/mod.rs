//! Bulk import of records (an org's users, a workspace's external users) from a file as it
//! streams in (NDJSON, CSV with a header, or another JSON form a [`RawRecord`] reads), by
//! the rules the API enforces, in batches a [`Kind`] writes set-based: each batch commits
//! with its records' events, and one `import.completed` event carries the counts at the
//! end. A bad line never stops the others: it is reported as a [`LineError`]. A dry run
//! writes each batch and rolls it back, so that its counts are the ones a real run would
//! give. One reader, one progress, one error report for every kind of record.

pub mod export;
pub mod read;
mod run;
mod seen;

use std::future::Future;

use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use read::{RawRecord, ReadError, Record, Records};
pub use run::run;

use crate::error::DomainResult;
use crate::DomainError;

/// Records written per transaction, unless a [`Kind`] says otherwise.
pub const BATCH: usize = 2000;

/// The form of an import (or export) file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Ndjson,
    Csv,
    /// Auth0's bulk user export (NDJSON, Auth0's field names); import of users only.
    Auth0,
}

impl Format {
    /// The form a file name suggests: `.csv` is CSV, anything else NDJSON.
    pub fn of_path(path: &str) -> Self {
        if path.to_ascii_lowercase().ends_with(".csv") {
            Self::Csv
        } else {
            Self::Ndjson
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "ndjson" => Ok(Self::Ndjson),
            "csv" => Ok(Self::Csv),
            "auth0" => Ok(Self::Auth0),
            _ => Err(format!("unknown format `{s}` (ndjson, csv, auth0)")),
        }
    }
}

/// What to do with a record the tenant has already: report the line (`fail`, the
/// default), leave it as it is (`skip`) or change it to the file's (`update`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OnConflict {
    #[default]
    Fail,
    Skip,
    Update,
}

impl std::str::FromStr for OnConflict {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "fail" => Ok(Self::Fail),
            "skip" => Ok(Self::Skip),
            "update" => Ok(Self::Update),
            _ => Err(format!(
                "unknown conflict policy `{s}` (fail, skip, update)"
            )),
        }
    }
}

/// How to import.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    pub format: Format,
    pub on_conflict: OnConflict,
    pub dry_run: bool,
}

/// The counts of an import, so far or in the end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Counts {
    /// Records read (blank lines and the CSV header aside).
    pub read: u64,
    pub created: u64,
    pub updated: u64,
    /// Records left as they were (`skip`, or `update` with nothing to change).
    pub skipped: u64,
    pub failed: u64,
}

/// A line that was not imported, and why: `{"line", "email", "code", "message"}` for a
/// user, `{"line", "externalId", "identifier", "code", "message"}` for an external user
/// (each key only when the line had it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineError {
    pub line: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(flatten, default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<Box<ExternalKeys>>,
    pub code: String,
    pub message: String,
}

/// The keys of an external user's line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalKeys {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
}

impl ExternalKeys {
    /// The keys a line has, if it has any.
    pub fn of(external_id: Option<String>, identifier: Option<String>) -> Option<Box<Self>> {
        (external_id.is_some() || identifier.is_some()).then(|| {
            Box::new(Self {
                external_id,
                identifier,
            })
        })
    }
}

impl LineError {
    pub fn new(line: u64, email: Option<String>, code: &str, message: impl Into<String>) -> Self {
        Self {
            line,
            email,
            code: code.to_owned(),
            message: message.into(),
            ..Self::default()
        }
    }

    /// The code and message a domain error gives a line.
    pub fn of(line: u64, e: DomainError) -> Self {
        let code = match &e {
            DomainError::BadRequest { code, .. }
            | DomainError::Conflict { code, .. }
            | DomainError::Forbidden { code, .. }
            | DomainError::NotFound { code, .. } => code.to_string(),
            _ => "internal".to_owned(),
        };
        Self::new(line, None, &code, e.to_string())
    }
}

/// Told of the progress after each batch: the counts so far and the batch's errors (in
/// line order within the batch).
pub trait Progress {
    fn batch(
        &mut self,
        conn: &mut AsyncPgConnection,
        counts: &Counts,
        errors: Vec<LineError>,
    ) -> impl Future<Output = DomainResult<()>>;
}

/// No progress to tell.
impl Progress for () {
    async fn batch(
        &mut self,
        _: &mut AsyncPgConnection,
        _: &Counts,
        _: Vec<LineError>,
    ) -> DomainResult<()> {
        Ok(())
    }
}

/// A kind of record an import writes, into one tenant (an org, a workspace).
pub trait Kind: Send + Sync {
    /// A record as the file gives it.
    type Raw: RawRecord;
    /// A record checked, ready to write.
    type Row: Send;
    /// The `type` of the `import.completed` event (`users`, `external_users`).
    const NAME: &'static str;
    /// Records written per transaction (and held at once).
    const BATCH: usize = BATCH;

    /// Whether files of this form hold records of this kind.
    fn accepts(format: Format) -> bool;
    /// The org whose audit log gets the import's events.
    fn org_id(&self) -> &str;
    /// More of `import.completed`'s data (the workspace of an external-users import).
    fn scope(&self) -> Option<(&'static str, String)>;
    /// Checks a record of line `line` by the API's rules (resolving what it refers to).
    fn check(
        &mut self,
        conn: &mut AsyncPgConnection,
        line: u64,
        raw: Self::Raw,
    ) -> impl Future<Output = DomainResult<Result<Self::Row, LineError>>>;
    /// What a row is unique on in the tenant: a row sharing one with an earlier row of
    /// the file is refused (`duplicate_in_file`, [`Kind::duplicate`]).
    fn keys(row: &Self::Row) -> Vec<String>;
    fn duplicate(row: &Self::Row) -> LineError;
    /// Writes checked rows (keys distinct); adds to `counts` and returns the lines in
    /// error. Called inside a transaction, maybe while another batch is written on
    /// another connection (see [`run`]).
    fn write(
        &self,
        conn: &mut AsyncPgConnection,
        rows: Vec<Self::Row>,
        on_conflict: OnConflict,
        counts: &mut Counts,
    ) -> impl Future<Output = DomainResult<Vec<LineError>>> + Send;
}

/// The error of a form a kind of import does not read (Auth0's, for external users).
pub fn unsupported(format: Format) -> DomainError {
    let format = serde_json::to_value(format).unwrap_or_default();
    DomainError::bad_request(
        "unsupported_format",
        format!("this import does not read the {format} format"),
    )
}
