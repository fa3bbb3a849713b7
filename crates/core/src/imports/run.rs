//! Running an import: the file read a batch at a time, each batch checked, then written
//! in a transaction of its own (two batches at once on two connections when a spare one
//! is given), the progress told after each, and `import.completed` at the end.

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use futures_util::future::join;
use serde::Serialize;
use tokio::io::AsyncBufRead;

use super::seen::SeenKeys;
use super::{unsupported, Counts, ImportOptions, Kind, LineError, Progress, ReadError, Records};
use crate::error::DomainResult;
use crate::events::{self, EventType, NewEvent};
use crate::DomainError;

/// Imports the records of `input`; `import_id` names the import in its
/// `import.completed` event (not emitted by a dry run). A whole-file problem (a CSV
/// header naming an unknown column, a read error) fails the import after the batches
/// already written.
///
/// With a `spare` connection, batches are read two at a time and written at once, one on
/// each connection (the database's work per record is what bounds an import, and two
/// backends use two cores); keys are distinct across the whole file, so the two
/// transactions never write the same record. Progress is told batch by batch, in order.
pub async fn run<K: Kind, R: AsyncBufRead + Unpin>(
    conn: &mut AsyncPgConnection,
    mut spare: Option<&mut AsyncPgConnection>,
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
    let mut ended = false;
    while !ended {
        let first = read(&mut records, conn, kind, &mut seen, &mut ended).await?;
        let second = match (spare.is_some(), ended) {
            (true, false) => Some(read(&mut records, conn, kind, &mut seen, &mut ended).await?),
            _ => None,
        };
        let kind = &*kind;
        let (written, more) = match (second, spare.as_deref_mut()) {
            (Some(second), Some(spare)) => {
                let (a, b) = join(
                    write_batch(conn, kind, first.rows, options),
                    write_batch(spare, kind, second.rows, options),
                )
                .await;
                (a, Some((second.read, second.errors, b)))
            }
            _ => (write_batch(conn, kind, first.rows, options).await, None),
        };
        for (read, mut errors, written) in
            std::iter::once((first.read, first.errors, written)).chain(more)
        {
            let (written, delta) = written?;
            counts.read += read;
            counts.failed += errors.len() as u64 + delta.failed;
            counts.created += delta.created;
            counts.updated += delta.updated;
            counts.skipped += delta.skipped;
            errors.extend(written);
            errors.sort_by_key(|e| e.line);
            progress.batch(conn, &counts, errors).await?;
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

/// A batch read: its checked rows, the lines refused already, how many records.
struct Batch<Row> {
    rows: Vec<Row>,
    errors: Vec<LineError>,
    read: u64,
}

/// Reads and checks the next batch; sets `ended` at the end of the input.
async fn read<K: Kind, R: AsyncBufRead + Unpin>(
    records: &mut Records<R, K::Raw>,
    conn: &mut AsyncPgConnection,
    kind: &mut K,
    seen: &mut SeenKeys,
    ended: &mut bool,
) -> DomainResult<Batch<K::Row>> {
    let mut batch = Batch {
        rows: Vec::with_capacity(K::BATCH),
        errors: Vec::new(),
        read: 0,
    };
    while batch.rows.len() < K::BATCH && batch.errors.len() < K::BATCH {
        let Some(record) = records.next().await.map_err(|e| match e {
            ReadError::Header(why) => DomainError::bad_request("invalid_header", why),
            ReadError::Io(e) => DomainError::bad_request("unreadable_input", e.to_string()),
        })?
        else {
            *ended = true;
            break;
        };
        batch.read += 1;
        let checked = match record.record {
            Ok(raw) => kind.check(conn, record.line, raw).await?,
            Err(e) => Err(e),
        };
        match checked {
            Ok(row) if !seen.insert(&K::keys(&row)) => batch.errors.push(K::duplicate(&row)),
            Ok(row) => batch.rows.push(row),
            Err(e) => batch.errors.push(e),
        }
    }
    Ok(batch)
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

/// Writes one batch in its own transaction (rolled back by a dry run); its errors and
/// what it adds to the counts.
async fn write_batch<K: Kind>(
    conn: &mut AsyncPgConnection,
    kind: &K,
    rows: Vec<K::Row>,
    options: ImportOptions,
) -> DomainResult<(Vec<LineError>, Counts)> {
    if rows.is_empty() {
        return Ok((Vec::new(), Counts::default()));
    }
    let done = conn
        .transaction::<_, Abort, _>(async |conn| {
            // A batch's statements cross `jit_above_cost` at ten thousand rows or so; the
            // compiling then costs more than it saves (0.26 s a statement of 20,000 users).
            conn.batch_execute("SET LOCAL jit = off").await?;
            let mut counts = Counts::default();
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
