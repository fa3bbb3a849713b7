//! Bulk import of an org's users from a file as it streams in (NDJSON, CSV with a header,
//! Auth0's bulk export), by the rules the API enforces, in batches written set-based
//! ([`write`]): each batch commits with its users' `user.created` / `user.updated` events,
//! and one `import.completed` event carries the counts at the end. A bad line never stops
//! the others: it is reported as a [`LineError`]. A dry run writes each batch and rolls it
//! back, so that its counts are the ones a real run would give.

pub mod export;
pub mod jobs;
pub mod read;
mod row;
mod write;

use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher as _};

use diesel_async::{AsyncConnection, AsyncPgConnection};
use roster_core::error::DomainResult;
use roster_core::events::{self, EventType, NewEvent};
use roster_core::DomainError;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncBufRead;
use utoipa::ToSchema;

pub use read::{RawUser, ReadError, Record, Records};
pub use row::ImportRow;

use crate::OrgId;

/// Users written per transaction.
pub const BATCH: usize = 2000;

/// The form of an import (or export) file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Ndjson,
    Csv,
    /// Auth0's bulk user export (NDJSON, Auth0's field names); import only.
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

/// What to do with a user whose email the org has already: report the line (`fail`, the
/// default), leave the user as it is (`skip`) or change it to the file's (`update`).
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
    /// Users left as they were (`skip`, or `update` with nothing to change).
    pub skipped: u64,
    pub failed: u64,
}

/// A line that was not imported, and why: `{"line", "email", "code", "message"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LineError {
    pub line: u64,
    pub email: Option<String>,
    pub code: String,
    pub message: String,
}

impl LineError {
    pub fn new(line: u64, email: Option<String>, code: &str, message: impl Into<String>) -> Self {
        Self {
            line,
            email,
            code: code.to_owned(),
            message: message.into(),
        }
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
    ) -> impl std::future::Future<Output = DomainResult<()>>;
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

/// What a dry run's transaction ends with: its work done, rolled back.
enum Abort {
    DryRun(Vec<LineError>, Counts),
    Failed(DomainError),
}

impl From<diesel::result::Error> for Abort {
    fn from(e: diesel::result::Error) -> Self {
        Self::Failed(e.into())
    }
}

/// Imports the users of `input` into the org; `import_id` names the import in its
/// `import.completed` event (not emitted by a dry run). A whole-file problem (a CSV
/// header naming an unknown column, a read error) fails the import after the batches
/// already written.
pub async fn run<R: AsyncBufRead + Unpin>(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    import_id: &str,
    input: R,
    options: ImportOptions,
    progress: &mut impl Progress,
) -> DomainResult<Counts> {
    let mut records = Records::new(input, options.format);
    let mut counts = Counts::default();
    let mut seen = SeenEmails::default();
    loop {
        let mut rows = Vec::with_capacity(BATCH);
        let mut errors = Vec::new();
        let mut ended = false;
        while rows.len() < BATCH && errors.len() < BATCH {
            let Some(record) = records.next().await.map_err(|e| match e {
                ReadError::Header(why) => DomainError::bad_request("invalid_header", why),
                ReadError::Io(e) => DomainError::bad_request("unreadable_input", e.to_string()),
            })?
            else {
                ended = true;
                break;
            };
            counts.read += 1;
            match record
                .user
                .and_then(|raw| ImportRow::check(record.line, raw))
            {
                Ok(row) if !seen.insert(&row.email_key) => errors.push(LineError::new(
                    row.line,
                    Some(row.email.as_str().to_owned()),
                    "duplicate_in_file",
                    "an earlier line of the file has this email",
                )),
                Ok(row) => rows.push(row),
                Err(e) => errors.push(e),
            }
        }
        counts.failed += errors.len() as u64;
        let (written, batch_counts) = write_batch(conn, org_id, rows, options, counts).await?;
        counts = batch_counts;
        errors.extend(written);
        errors.sort_by_key(|e| e.line);
        progress.batch(conn, &counts, errors).await?;
        if ended {
            break;
        }
    }
    if !options.dry_run {
        let event = NewEvent::new(
            org_id.as_str(),
            EventType::ImportCompleted,
            import_id,
            &Completed {
                id: import_id,
                kind: "users",
                counts,
            },
        )?;
        events::emit(conn, event).await?;
    }
    Ok(counts)
}

/// The data of `import.completed`.
#[derive(Serialize)]
struct Completed<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(flatten)]
    counts: Counts,
}

/// Writes one batch in its own transaction (rolled back by a dry run); the errors and
/// the counts after it.
async fn write_batch(
    conn: &mut AsyncPgConnection,
    org_id: &OrgId,
    rows: Vec<ImportRow>,
    options: ImportOptions,
    counts: Counts,
) -> DomainResult<(Vec<LineError>, Counts)> {
    if rows.is_empty() {
        return Ok((Vec::new(), counts));
    }
    let done = conn
        .transaction::<_, Abort, _>(async |conn| {
            let mut counts = counts;
            let errors = write::batch(conn, org_id, rows, options.on_conflict, &mut counts)
                .await
                .map_err(Abort::Failed)?;
            if options.dry_run {
                Err(Abort::DryRun(errors, counts))
            } else {
                Ok((errors, counts))
            }
        })
        .await;
    match done {
        Ok(done) => Ok(done),
        Err(Abort::DryRun(errors, counts)) => Ok((errors, counts)),
        Err(Abort::Failed(e)) => Err(e),
    }
}

/// The emails of the file so far, as 128-bit keyed hashes (16 bytes a user, whatever the
/// length of the emails: a million users in 16 MB and a little more).
#[derive(Default)]
struct SeenEmails {
    keys: (
        std::collections::hash_map::RandomState,
        std::collections::hash_map::RandomState,
    ),
    seen: HashSet<u128>,
}

impl SeenEmails {
    /// False when the email was seen already.
    fn insert(&mut self, email_key: &str) -> bool {
        let half = |state: &std::collections::hash_map::RandomState| {
            let mut h = state.build_hasher();
            h.write(email_key.as_bytes());
            h.finish() as u128
        };
        self.seen
            .insert(half(&self.keys.0) << 64 | half(&self.keys.1))
    }
}
