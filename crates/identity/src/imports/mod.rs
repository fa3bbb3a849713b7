//! Bulk import of an org's users from a file as it streams in (NDJSON, CSV with a header,
//! Auth0's bulk export), by the rules the API enforces: the users of the import pipeline
//! that `roster_core::imports` runs for every kind of record. Each batch is written
//! set-based ([`write`]) and commits with its users' `user.created` / `user.updated`
//! events; one `import.completed` event carries the counts at the end.

pub mod export;
pub mod jobs;
mod raw;
mod row;
mod write;

use diesel_async::AsyncPgConnection;
use roster_core::error::DomainResult;
pub use roster_core::imports::{
    Counts, Format, ImportOptions, LineError, OnConflict, Progress, RawRecord, ReadError, Record,
    Records, BATCH,
};

pub use raw::RawUser;
pub use row::ImportRow;

use crate::OrgId;

/// The users of an org, as an import writes them.
pub struct Users<'a> {
    pub org_id: &'a OrgId,
}

impl roster_core::imports::Kind for Users<'_> {
    type Raw = RawUser;
    type Row = ImportRow;
    const NAME: &'static str = "users";
    /// Set-based statements over 10,000 users cost 15% less a user than over 2,000, and
    /// over 50,000 no less (docs/performance.md, "Bulk import"); but the CLI's two
    /// writers at 10,000 each peaked at 125 MB of RSS, past the 100 MB the issue allows.
    const BATCH: usize = 4_000;

    fn accepts(_: Format) -> bool {
        true
    }

    fn org_id(&self) -> &str {
        self.org_id.as_str()
    }

    fn scope(&self) -> Option<(&'static str, String)> {
        None
    }

    async fn check(
        &mut self,
        _: &mut AsyncPgConnection,
        line: u64,
        raw: RawUser,
    ) -> DomainResult<Result<ImportRow, LineError>> {
        Ok(ImportRow::check(line, raw))
    }

    fn keys(row: &ImportRow) -> Vec<String> {
        vec![row.email_key.clone()]
    }

    fn duplicate(row: &ImportRow) -> LineError {
        LineError::new(
            row.line,
            Some(row.email.as_str().to_owned()),
            "duplicate_in_file",
            "an earlier line of the file has this email",
        )
    }

    async fn write(
        &self,
        conn: &mut AsyncPgConnection,
        rows: Vec<ImportRow>,
        on_conflict: OnConflict,
        counts: &mut Counts,
    ) -> DomainResult<Vec<LineError>> {
        write::batch(conn, self.org_id, rows, on_conflict, counts).await
    }
}

/// Imports the users of `input` into the org; `import_id` names the import in its
/// `import.completed` event (not emitted by a dry run). A whole-file problem (a CSV
/// header naming an unknown column, a read error) fails the import after the batches
/// already written. With a `spare` connection, two batches are written at once.
pub async fn run<R: tokio::io::AsyncBufRead + Unpin>(
    conn: &mut AsyncPgConnection,
    spare: Option<&mut AsyncPgConnection>,
    org_id: &OrgId,
    import_id: &str,
    input: R,
    options: ImportOptions,
    progress: &mut impl Progress,
) -> DomainResult<Counts> {
    let mut users = Users { org_id };
    roster_core::imports::run(conn, spare, &mut users, import_id, input, options, progress).await
}
