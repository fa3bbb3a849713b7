//! The benchmark database: created on the server the bench uses, migrated by the release
//! gateway, bootstrapped, and seeded server-side (`INSERT ... SELECT generate_series`) in
//! batches with progress. A database already seeded with the same N is reused: only the
//! rows an earlier run's create scenario added are removed.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Result};
use base64::Engine;
use roster_devkit::with_database;

use crate::gateway_cli;
use crate::psql::{lit, Psql};

use super::scenarios::{
    channel_id, seeded_email, Dataset, Fixture, ADMIN_EMAIL, ADMIN_PASSWORD, CHANNELS, PAGE_SIZE,
};
use super::seed::{
    seed_app_users, seed_external_users, seed_slack_links, slack_links_for, vacuum, vacuumed_tables,
};

/// The database's name: `roster_bench`, or `ROSTER_BENCH_DATABASE` (so that two working
/// copies can bench side by side on one server, each on its own seed).
fn database() -> String {
    std::env::var("ROSTER_BENCH_DATABASE").unwrap_or_else(|_| "roster_bench".to_owned())
}
/// Bumped when the seeded data changes shape: an older seed is dropped, not reused.
const SEED_VERSION: u32 = 5;
/// Emails of the users the create scenario adds end with this.
pub const LOAD_EMAIL_DOMAIN: &str = "@load.test";

/// The seeded benchmark database and what the scenarios need to know about it.
pub struct BenchDb {
    pub url: String,
    pub fixture: Fixture,
    /// Seeding figures of the datasets this run seeded (not of those it reused).
    pub seeding: Vec<Seeding>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Seeding {
    /// `app-users`, `external-users` or `slack-links`.
    pub dataset: String,
    /// What a row is (`users with their accounts`, ...), for the report.
    pub what: String,
    pub rows: u64,
    pub seconds: f64,
    pub rows_per_s: f64,
}

/// What the bench database says it holds: seeded for `rows` (at this `SEED_VERSION`), and
/// the datasets seeded there, `None` for a dataset whose seeding did not finish.
fn seeded_state(psql: &Psql) -> Option<(u64, Vec<(String, bool)>)> {
    let rows = psql
        .query(&format!(
            "SELECT CASE WHEN to_regclass('bench_seed') IS NULL \
                      OR to_regclass('bench_datasets') IS NULL THEN '' \
             ELSE (SELECT coalesce(max(users)::text, '') FROM bench_seed \
                   WHERE version = {SEED_VERSION}) END"
        ))
        .ok()?
        .parse()
        .ok()?;
    let datasets = psql
        .query(
            "SELECT name || CASE WHEN done THEN ' done' ELSE ' partial' END \
             FROM bench_datasets ORDER BY name",
        )
        .ok()?
        .lines()
        .filter_map(parse_dataset_line)
        .collect();
    Some((rows, datasets))
}

/// A line of `seeded_state`'s query: the dataset and whether its seeding finished.
fn parse_dataset_line(line: &str) -> Option<(String, bool)> {
    let (name, state) = line.split_once(' ')?;
    Some((name.to_owned(), state == "done"))
}

impl BenchDb {
    /// Creates (or reuses) the database, migrates it, bootstraps the org and seeds what
    /// the chosen scenarios need. A database seeded for another N, at another seed
    /// version, or with a seeding that did not finish is dropped; datasets it lacks are
    /// seeded into it.
    pub fn prepare(admin_url: &str, gateway: &Path, rows: u64, needs: &[Dataset]) -> Result<Self> {
        let admin = Psql::new(admin_url)?;
        let database = database();
        let url = with_database(admin_url, &database);
        let psql = Psql::new(&url)?;
        let exists = admin.database_exists(&database)?;
        let state = if exists { seeded_state(&psql) } else { None };
        let reusable = state
            .as_ref()
            .is_some_and(|(n, sets)| *n == rows && sets.iter().all(|(_, done)| *done));
        if exists && !reusable {
            eprintln!("bench: dropping the old {database} (seeded for another size or version, or not to the end)");
            admin.drop_database(&database)?;
        }
        admin.ensure_database(&database)?;
        eprintln!("bench: migrating {database}");
        gateway_cli::run(gateway, &url, &["migrate"])?;
        if !reusable {
            psql.query(&format!(
                "CREATE TABLE bench_seed (users bigint NOT NULL, version int NOT NULL, \
                   seeded_at timestamptz NOT NULL DEFAULT now());
                 CREATE TABLE bench_datasets (name text PRIMARY KEY, done boolean NOT NULL);
                 INSERT INTO bench_seed (users, version) VALUES ({rows}, {SEED_VERSION})"
            ))?;
        }
        let seeded: Vec<String> = if reusable {
            state
                .map(|(_, sets)| sets.into_iter().map(|(name, _)| name).collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let boot = gateway_cli::bootstrap(
            gateway,
            &url,
            &[
                "--org-slug",
                "bench",
                "--org-name",
                "Bench",
                "--email",
                ADMIN_EMAIL,
                "--name",
                "Bench Admin",
                "--password",
                ADMIN_PASSWORD,
            ],
        )?;
        let field = |name: &str| boot.field(name);
        let org_id = field("org_id")?;
        let workspace_id = field("workspace_id")?;
        let app_users = needs.contains(&Dataset::AppUsers);
        let mut needs = needs.to_vec();
        needs.sort_unstable();
        needs.dedup();
        let mut seeding = Vec::new();
        for dataset in needs {
            if seeded.iter().any(|s| s == dataset.name()) {
                eprintln!("bench: reusing the seeded {}", dataset.name());
                if dataset == Dataset::AppUsers {
                    remove_load_users(&psql, &org_id)?;
                }
                // Quick when an earlier run left them vacuumed; not when it was stopped
                // mid-way, or when autovacuum held the seeding's VACUUM back.
                if let Some(tables) = vacuumed_tables(dataset) {
                    vacuum(&psql, tables)?;
                }
                continue;
            }
            psql.query(&format!(
                "INSERT INTO bench_datasets (name, done) VALUES ({}, false)",
                lit(dataset.name())
            ))?;
            let started = Instant::now();
            let (count, what) = match dataset {
                Dataset::AppUsers => (
                    seed_app_users(&psql, &org_id, rows)?,
                    "users with their accounts",
                ),
                Dataset::ExternalUsers => (
                    seed_external_users(&psql, &workspace_id, rows)?,
                    "external users with their super identities",
                ),
                Dataset::SlackLinks => (seed_slack_links(&psql, &org_id, rows)?, "Slack links"),
            };
            psql.query(&format!(
                "UPDATE bench_datasets SET done = true WHERE name = {}",
                lit(dataset.name())
            ))?;
            let seconds = started.elapsed().as_secs_f64();
            let rows_per_s = count as f64 / seconds.max(1e-9);
            eprintln!(
                "bench: seeded {count} {what} in {seconds:.1} s ({rows_per_s:.0}/s, with indexes and VACUUM)"
            );
            seeding.push(Seeding {
                dataset: dataset.name().to_owned(),
                what: what.to_owned(),
                rows: count,
                seconds,
                rows_per_s,
            });
        }
        if app_users {
            check_seeded_email(&psql, &org_id)?;
        }
        let deep_page = Fixture::deep_page_for(rows);
        let deep_cursor = cursor_before_row(&psql, &org_id, (deep_page - 1) * PAGE_SIZE)?;
        Ok(Self {
            fixture: Fixture {
                rows,
                org_id,
                org_slug: field("org_slug")?,
                token: field("token")?,
                deep_page,
                deep_cursor,
                api_key: field("api_key")?,
                workspace_id,
                channel_ids: (1..=CHANNELS).map(channel_id).collect(),
                slack_links: slack_links_for(rows),
                session: String::new(),
                scim_token: String::new(),
            },
            url,
            seeding,
        })
    }
}

/// The SCIM scenario looks users up by the email the seeding rule gives
/// (`scenarios::seeded_email`): that the seeded rows follow it.
fn check_seeded_email(psql: &Psql, org_id: &str) -> Result<()> {
    let stored = psql.query(&format!(
        "SELECT email FROM users WHERE org_id = {} AND id = 'user_0000000000000001'",
        lit(org_id)
    ))?;
    let rule = seeded_email(1);
    if stored != rule {
        bail!("user 1 was seeded with the email `{stored}`, the bench's rule gives `{rule}`");
    }
    Ok(())
}

/// Removes the users (and accounts) earlier runs' create scenario added.
fn remove_load_users(psql: &Psql, org_id: &str) -> Result<()> {
    let like = lit(&format!("%{LOAD_EMAIL_DOMAIN}"));
    let removed = psql.query(&format!(
        "WITH gone AS (DELETE FROM users WHERE org_id = {} AND email LIKE {like} RETURNING account_id)
         SELECT count(*) FROM gone",
        lit(org_id)
    ))?;
    psql.query(&format!("DELETE FROM accounts WHERE email LIKE {like}"))?;
    if removed != "0" {
        eprintln!("bench: removed {removed} users");
    }
    Ok(())
}

/// The list cursor (as `users::list` encodes it) of the row just before position `offset`
/// in the org's list, so that `after=` it starts the same page as the offset does.
fn cursor_before_row(psql: &Psql, org_id: &str, offset: u64) -> Result<String> {
    if offset == 0 {
        return Ok(String::new());
    }
    let row = psql.query(&format!(
        "SELECT (extract(epoch FROM created_at) * 1000000)::bigint || '.' || id FROM users
         WHERE org_id = {} ORDER BY created_at, id OFFSET {} LIMIT 1",
        lit(org_id),
        offset - 1
    ))?;
    if row.is_empty() {
        bail!("the org has fewer than {offset} users");
    }
    Ok(encode_cursor(&row))
}

/// `roster_core::page::Cursor::encode`: unpadded base64url of `<micros>.<id>`.
pub fn encode_cursor(micros_dot_id: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(micros_dot_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dataset_lines_say_whether_the_seeding_finished() {
        assert_eq!(
            parse_dataset_line("app-users done"),
            Some(("app-users".into(), true))
        );
        assert_eq!(
            parse_dataset_line("slack-links partial"),
            Some(("slack-links".into(), false))
        );
        assert_eq!(parse_dataset_line("garbage"), None);
    }

    #[test]
    fn cursors_match_the_gateway_encoding() {
        // What roster_core::page::Cursor::encode gives for 2025-01-01T00:00:01Z and this id.
        assert_eq!(
            encode_cursor("1735689601000000.user_0000000000000001"),
            "MTczNTY4OTYwMTAwMDAwMC51c2VyXzAwMDAwMDAwMDAwMDAwMDE"
        );
    }
}
