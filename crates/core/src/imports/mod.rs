//! Bulk import of records (an org's users, a workspace's external users) from a file as it
//! streams in (NDJSON, CSV with a header, or another JSON form a [`RawRecord`] reads), by
//! the rules the API enforces, in batches a [`Kind`] writes set-based: each batch commits
//! with its records' events, and one `import.completed` event carries the counts at the
//! end. A bad line never stops the others: it is reported as a [`LineError`]. A dry run
//! writes each batch and rolls it back, so that its counts are the ones a real run would
//! give. One reader, one progress, one error report for every kind of record.

pub mod export;
pub mod read;

use std::collections::HashSet;
use std::future::Future;
use std::hash::{BuildHasher, Hasher as _};

use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncBufRead;
use utoipa::ToSchema;

pub use read::{RawRecord, ReadError, Record, Records};

use crate::error::DomainResult;
use crate::events::{self, EventType, NewEvent};
use crate::DomainError;

/// Records written per transaction.
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
pub trait Kind: Send {
    /// A record as the file gives it.
    type Raw: RawRecord;
    /// A record checked, ready to write.
    type Row: Send;
    /// The `type` of the `import.completed` event (`users`, `external_users`).
    const NAME: &'static str;

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
    /// error. Called inside a transaction.
    fn write(
        &mut self,
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

/// Imports the records of `input`; `import_id` names the import in its
/// `import.completed` event (not emitted by a dry run). A whole-file problem (a CSV
/// header naming an unknown column, a read error) fails the import after the batches
/// already written.
pub async fn run<K: Kind, R: AsyncBufRead + Unpin>(
    conn: &mut AsyncPgConnection,
    kind: &mut K,
    import_id: &str,
    input: R,
    options: ImportOptions,
    progress: &mut impl Progress,
) -> DomainResult<Counts> {
    if !K::accepts(options.format) {
        return Err(unsupported(options.format));
    }
    let mut records = Records::<R, K::Raw>::new(input, options.format);
    let mut counts = Counts::default();
    let mut seen = SeenKeys::default();
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
            let checked = match record.record {
                Ok(raw) => kind.check(conn, record.line, raw).await?,
                Err(e) => Err(e),
            };
            match checked {
                Ok(row) if !seen.insert(&K::keys(&row)) => errors.push(K::duplicate(&row)),
                Ok(row) => rows.push(row),
                Err(e) => errors.push(e),
            }
        }
        counts.failed += errors.len() as u64;
        let (written, batch_counts) = write_batch(conn, kind, rows, options, counts).await?;
        counts = batch_counts;
        errors.extend(written);
        errors.sort_by_key(|e| e.line);
        progress.batch(conn, &counts, errors).await?;
        if ended {
            break;
        }
    }
    if !options.dry_run {
        let scope = kind.scope();
        let data = Completed {
            id: import_id,
            kind: K::NAME,
            scope: scope.as_ref().map(|(k, v)| (*k, v.as_str())),
            counts,
        };
        let event = NewEvent::new(kind.org_id(), EventType::ImportCompleted, import_id, &data)?;
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
    #[serde(flatten, serialize_with = "scope")]
    scope: Option<(&'a str, &'a str)>,
    #[serde(flatten)]
    counts: Counts,
}

fn scope<S: serde::Serializer>(scope: &Option<(&str, &str)>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(None)?;
    if let Some((key, value)) = scope {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// Writes one batch in its own transaction (rolled back by a dry run); the errors and
/// the counts after it.
async fn write_batch<K: Kind>(
    conn: &mut AsyncPgConnection,
    kind: &mut K,
    rows: Vec<K::Row>,
    options: ImportOptions,
    counts: Counts,
) -> DomainResult<(Vec<LineError>, Counts)> {
    if rows.is_empty() {
        return Ok((Vec::new(), counts));
    }
    let done = conn
        .transaction::<_, Abort, _>(async |conn| {
            let mut counts = counts;
            let errors = kind
                .write(conn, rows, options.on_conflict, &mut counts)
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

/// The keys of the file's rows so far, as 128-bit keyed hashes (16 bytes a key, whatever
/// its length: a million users in 16 MB and a little more).
#[derive(Default)]
struct SeenKeys {
    keys: (
        std::collections::hash_map::RandomState,
        std::collections::hash_map::RandomState,
    ),
    seen: HashSet<u128>,
}

impl SeenKeys {
    /// False when one of the keys was seen already (then none is kept).
    fn insert(&mut self, keys: &[String]) -> bool {
        let hashed: Vec<u128> = keys.iter().map(|k| self.hash(k)).collect();
        if hashed.iter().any(|h| self.seen.contains(h)) {
            return false;
        }
        self.seen.extend(hashed);
        true
    }

    fn hash(&self, key: &str) -> u128 {
        let half = |state: &std::collections::hash_map::RandomState| {
            let mut h = state.build_hasher();
            h.write(key.as_bytes());
            h.finish() as u128
        };
        half(&self.keys.0) << 64 | half(&self.keys.1)
    }
}
