//! The CLI's `import users` / `import external-users` and `export users` / `export
//! external-users`: a file streamed into an org (or a workspace), with its progress (a bar
//! with rate and ETA on a terminal, a plain line every few seconds otherwise) and its bad
//! lines in an NDJSON errors file; an org's users (a workspace's external users) streamed
//! to stdout. They work on the database directly, like `bootstrap`.

use std::io::{IsTerminal, Write};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Args, Subcommand};
use diesel_async::AsyncPgConnection;
use roster_core::imports::{self, Counts, Format, ImportOptions, Kind, LineError, OnConflict};
use roster_external_users::imports::{export as external_export, ExternalUsers};
use roster_external_users::WorkspaceId;
use roster_identity::imports::{export, Users};
use roster_identity::{orgs, ImportId};
use serde::Serialize;
use tokio::io::{AsyncRead, AsyncWriteExt, ReadBuf};

use crate::cli::DatabaseArgs;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import an org's users from an NDJSON, CSV or Auth0 export file.
    Users(ImportUsersArgs),
    /// Import a workspace's external users from an NDJSON or CSV file.
    ExternalUsers(ImportExternalUsersArgs),
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write an org's users to stdout (NDJSON or CSV), in the form `import users` reads.
    Users(ExportUsersArgs),
    /// Write a workspace's external users to stdout (NDJSON or CSV), in the form
    /// `import external-users` reads.
    ExternalUsers(ExportExternalUsersArgs),
}

#[derive(Debug, Args)]
pub struct ImportUsersArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The org's slug (or id).
    #[arg(long)]
    pub org: String,
    #[command(flatten)]
    pub file: ImportFileArgs,
}

#[derive(Debug, Args)]
pub struct ImportExternalUsersArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The workspace's id.
    #[arg(long, value_parser = workspace_id)]
    pub workspace: WorkspaceId,
    #[command(flatten)]
    pub file: ImportFileArgs,
}

/// What every import takes.
#[derive(Debug, Args)]
pub struct ImportFileArgs {
    /// The file to import.
    pub file: String,
    /// The file's form; by default from its extension (`.csv`: csv, else ndjson).
    #[arg(long)]
    pub format: Option<Format>,
    /// A record the org (workspace) has already: report the line (fail), leave it
    /// (skip), or change it (update).
    #[arg(long, default_value = "fail")]
    pub on_conflict: OnConflict,
    /// Check everything, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Where the bad lines go, as NDJSON; by default FILE.errors.ndjson.
    #[arg(long)]
    pub errors: Option<String>,
    /// Database connections writing batches at once (1 or 2): the database's work per
    /// record bounds an import, and two backends use two of its cores.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub writers: u8,
}

#[derive(Debug, Args)]
pub struct ExportUsersArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The org's slug (or id).
    #[arg(long)]
    pub org: String,
    #[arg(long, default_value = "ndjson")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ExportExternalUsersArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The workspace's id.
    #[arg(long, value_parser = workspace_id)]
    pub workspace: WorkspaceId,
    #[arg(long, default_value = "ndjson")]
    pub format: Format,
}

/// The last line `import users` prints.
#[derive(Debug, Serialize)]
pub struct Summary {
    #[serde(flatten)]
    pub counts: Counts,
    pub seconds: f64,
}

async fn connect(db: &DatabaseArgs) -> anyhow::Result<AsyncPgConnection> {
    use diesel_async::AsyncConnection;
    AsyncPgConnection::establish(&db.database_url)
        .await
        .context("cannot connect to the database")
}

pub async fn import(command: ImportCommand) -> anyhow::Result<()> {
    match command {
        ImportCommand::Users(args) => {
            let mut conn = connect(&args.db).await?;
            let org = orgs::find(&mut conn, &args.org).await?;
            let mut users = Users { org_id: &org.id };
            import_file(&args.db, conn, &mut users, &args.file).await
        }
        ImportCommand::ExternalUsers(args) => {
            let mut conn = connect(&args.db).await?;
            workspace_exists(&mut conn, args.workspace).await?;
            let mut users = ExternalUsers::of(&mut conn, args.workspace).await?;
            import_file(&args.db, conn, &mut users, &args.file).await
        }
    }
}

fn workspace_id(raw: &str) -> Result<WorkspaceId, String> {
    WorkspaceId::parse(raw).ok_or_else(|| format!("`{raw}` is not a workspace id (a UUID)"))
}

async fn workspace_exists(
    conn: &mut AsyncPgConnection,
    workspace: WorkspaceId,
) -> anyhow::Result<()> {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use roster_external_users::schema::external_workspaces as w;
    let found: i64 = w::table
        .filter(w::id.eq(workspace))
        .count()
        .get_result(conn)
        .await?;
    anyhow::ensure!(found == 1, "no workspace {workspace}");
    Ok(())
}

async fn import_file<K: Kind>(
    db: &DatabaseArgs,
    mut conn: AsyncPgConnection,
    kind: &mut K,
    args: &ImportFileArgs,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let format = args.format.unwrap_or_else(|| Format::of_path(&args.file));
    let file = tokio::fs::File::open(&args.file)
        .await
        .with_context(|| format!("cannot open {}", args.file))?;
    let size = file.metadata().await?.len();
    let errors_path = args
        .errors
        .clone()
        .unwrap_or_else(|| format!("{}.errors.ndjson", args.file));
    let errors = std::fs::File::create(&errors_path)
        .with_context(|| format!("cannot write {errors_path}"))?;
    let bytes = Arc::new(AtomicU64::new(0));
    let input = tokio::io::BufReader::with_capacity(
        256 * 1024,
        Counted {
            inner: file,
            bytes: bytes.clone(),
        },
    );
    let mut progress = Progress::new(size, bytes, errors);
    let options = ImportOptions {
        format,
        on_conflict: args.on_conflict,
        dry_run: args.dry_run,
    };
    let id = ImportId::generate();
    let mut spare = match args.writers {
        2 => Some(connect(db).await?),
        _ => None,
    };
    let counts = imports::run(
        &mut conn,
        spare.as_mut(),
        kind,
        id.as_str(),
        input,
        options,
        &mut progress,
    )
    .await;
    progress.finish()?;
    let counts = counts?;
    let summary = Summary {
        counts,
        seconds: (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
    };
    println!("{}", serde_json::to_string(&summary)?);
    Ok(())
}

pub async fn export(command: ExportCommand) -> anyhow::Result<()> {
    match command {
        ExportCommand::Users(args) => {
            let mut conn = connect(&args.db).await?;
            let org = orgs::find(&mut conn, &args.org).await?;
            let header = (args.format == Format::Csv).then(export::csv_header);
            write_pages(header, async |after| {
                export::page(&mut conn, &org.id, after, args.format).await
            })
            .await
        }
        ExportCommand::ExternalUsers(args) => {
            let mut conn = connect(&args.db).await?;
            workspace_exists(&mut conn, args.workspace).await?;
            let header = (args.format == Format::Csv).then(external_export::csv_header);
            write_pages(header, async |after| {
                external_export::page(&mut conn, args.workspace, after, args.format).await
            })
            .await
        }
    }
}

/// Writes an export to stdout: the header, then page after page from where the last
/// one left off, until one says it was the last.
async fn write_pages<A>(
    header: Option<Vec<u8>>,
    mut page: impl AsyncFnMut(Option<A>) -> roster_core::error::DomainResult<(Vec<u8>, Option<A>)>,
) -> anyhow::Result<()> {
    let mut out = tokio::io::stdout();
    if let Some(header) = header {
        out.write_all(&header).await?;
    }
    let mut after = None;
    loop {
        let (bytes, next) = page(after).await?;
        out.write_all(&bytes).await?;
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    out.flush().await?;
    Ok(())
}

/// Counts the bytes read from a file, for the progress bar.
struct Counted<R> {
    inner: R,
    bytes: Arc<AtomicU64>,
}

impl<R: AsyncRead + Unpin> AsyncRead for Counted<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        let read = (buf.filled().len() - before) as u64;
        self.bytes.fetch_add(read, Ordering::Relaxed);
        polled
    }
}

/// Shows the progress and writes the errors, batch by batch.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    bytes: Arc<AtomicU64>,
    size: u64,
    errors: std::io::BufWriter<std::fs::File>,
    last_line: Instant,
}

/// How often a plain progress line is printed when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

impl Progress {
    fn new(size: u64, bytes: Arc<AtomicU64>, errors: std::fs::File) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(size);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Self {
            bar,
            bytes,
            size,
            errors: std::io::BufWriter::new(errors),
            last_line: Instant::now(),
        }
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        self.errors.flush()?;
        Ok(())
    }
}

impl imports::Progress for Progress {
    async fn batch(
        &mut self,
        _: &mut AsyncPgConnection,
        counts: &Counts,
        errors: Vec<LineError>,
    ) -> roster_core::error::DomainResult<()> {
        for error in errors {
            serde_json::to_writer(&mut self.errors, &error)
                .and_then(|()| self.errors.write_all(b"\n").map_err(serde_json::Error::io))
                .map_err(roster_core::DomainError::internal)?;
        }
        let message = format!(
            "read {} created {} updated {} skipped {} failed {}",
            counts.read, counts.created, counts.updated, counts.skipped, counts.failed
        );
        let bytes = self.bytes.load(Ordering::Relaxed);
        match &self.bar {
            Some(bar) => {
                bar.set_position(bytes);
                bar.set_message(message);
            }
            None if self.last_line.elapsed() >= PLAIN_EVERY => {
                self.last_line = Instant::now();
                let percent = (bytes * 100).checked_div(self.size).unwrap_or(100);
                eprintln!("import: {percent}% {message}");
            }
            None => {}
        }
        Ok(())
    }
}
