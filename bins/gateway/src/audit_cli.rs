//! The CLI's `audit-events`: the operator's view of the audit log, on the database
//! directly like `bootstrap`. Without `--org` it prints the events of no org (an account
//! that is a user of none: its sign-up, sessions and settings), which no org's
//! `GET /api/v1/app/audit-events` shows.

use std::io::Write;

use anyhow::Context;
use clap::Args;
use roster_core::events::audit::{self, AuditFilter};
use roster_core::feed::FeedRequest;
use roster_identity::orgs;

use crate::cli::DatabaseArgs;

/// The most events read at once (the audit log's largest page).
const BATCH: i64 = 100;

#[derive(Debug, Args)]
pub struct AuditEventsArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The org's slug (or id); absent: the events of no org.
    #[arg(long)]
    pub org: Option<String>,
    /// A type or `prefix.*`; repeat it for several.
    #[arg(long = "type")]
    pub types: Vec<String>,
    #[arg(long)]
    pub actor_id: Option<String>,
    #[arg(long)]
    pub target_id: Option<String>,
    /// RFC 3339, inclusive.
    #[arg(long)]
    pub since: Option<String>,
    /// RFC 3339, exclusive.
    #[arg(long)]
    pub until: Option<String>,
}

/// Prints the events the arguments select to stdout, one JSON object a line (NDJSON),
/// newest first, in the audit log's shape.
pub async fn audit_events(args: AuditEventsArgs) -> anyhow::Result<()> {
    let types: Vec<&str> = args.types.iter().map(String::as_str).collect();
    let filter = AuditFilter::parse(
        &types,
        args.actor_id.as_deref(),
        args.target_id.as_deref(),
        args.since.as_deref(),
        args.until.as_deref(),
    )?;
    let pool = roster_core::db::pool(&args.db.database_url, 1)?;
    let mut conn = pool.get().await.context("cannot connect to the database")?;
    let org_id = match &args.org {
        Some(org) => Some(orgs::find(&mut conn, org).await?.id.to_string()),
        None => None,
    };
    let mut stdout = std::io::stdout().lock();
    let mut after: Option<String> = None;
    loop {
        let request = FeedRequest::parse(Some(BATCH), after.as_deref())?;
        let page = audit::list(&mut conn, org_id.as_deref(), &filter, &request).await?;
        for event in &page.data {
            let mut line = serde_json::to_vec(event)?;
            line.push(b'\n');
            match stdout.write_all(&line) {
                // The reader has seen enough (`| head`): not a failure.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
                written => written?,
            }
        }
        match page.next_cursor {
            Some(cursor) => after = Some(cursor),
            None => break,
        }
    }
    match stdout.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        flushed => Ok(flushed?),
    }
}
