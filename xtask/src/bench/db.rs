//! The benchmark database: created on the server the bench uses, migrated by the release
//! gateway, bootstrapped, and seeded server-side (`INSERT ... SELECT generate_series`) in
//! batches with progress. A database already seeded with the same N is reused: only the
//! rows an earlier run's create scenario added are removed.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use base64::Engine;
use roster_devkit::with_database;

use crate::gateway_cli;
use crate::psql::{lit, Psql};

use super::scenarios::{
    channel_id, Dataset, Fixture, CHANNELS, FAMILY_FIRST, FAMILY_LAST, FAMILY_MIDDLE, GIVEN_NAMES,
    PAGE_SIZE, SLACK_LINK_EVERY, SLACK_TEAM,
};

pub const DATABASE: &str = "roster_bench";
/// Bumped when the seeded data changes shape: an older seed is dropped, not reused.
const SEED_VERSION: u32 = 4;
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
        let url = with_database(admin_url, DATABASE);
        let psql = Psql::new(&url)?;
        let exists = admin.database_exists(DATABASE)?;
        let state = if exists { seeded_state(&psql) } else { None };
        let reusable = state
            .as_ref()
            .is_some_and(|(n, sets)| *n == rows && sets.iter().all(|(_, done)| *done));
        if exists && !reusable {
            eprintln!("bench: dropping the old {DATABASE} (seeded for another size or version, or not to the end)");
            admin.drop_database(DATABASE)?;
        }
        admin.ensure_database(DATABASE)?;
        eprintln!("bench: migrating {DATABASE}");
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
                "admin@bench.test",
                "--name",
                "Bench Admin",
            ],
        )?;
        let field = |name: &str| boot.field(name);
        let org_id = field("org_id")?;
        let workspace_id = field("workspace_id")?;
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
            },
            url,
            seeding,
        })
    }
}

/// Slack links seeded for `rows` App users: one in `SLACK_LINK_EVERY`.
pub fn slack_links_for(rows: u64) -> u64 {
    rows / SLACK_LINK_EVERY
}

/// SQL of the seeded names of row `g`: (given name, family name).
fn seeded_names() -> (String, String) {
    let array = |items: &[&str]| {
        let quoted: Vec<String> = items.iter().map(|s| lit(s)).collect();
        format!("ARRAY[{}]", quoted.join(","))
    };
    let given = format!("({})[1 + (g / 4000) % 20]", array(&GIVEN_NAMES));
    let family = format!(
        "initcap(({})[1 + g % 20] || ({})[1 + (g / 20) % 20] || ({})[1 + (g / 400) % 10])",
        array(&FAMILY_FIRST),
        array(&FAMILY_MIDDLE),
        array(&FAMILY_LAST)
    );
    (given, family)
}

/// Runs `insert(from, to)` for g in 1..=rows in batches, with progress.
fn in_batches(rows: u64, what: &str, insert: impl Fn(u64, u64) -> Result<()>) -> Result<()> {
    let batch = (rows / 10).clamp(10_000, 100_000);
    let started = Instant::now();
    let mut done = 0u64;
    eprintln!("bench: seeding {rows} {what} in batches of {batch}");
    while done < rows {
        let (from, to) = (done + 1, (done + batch).min(rows));
        insert(from, to)?;
        done = to;
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "  seeded {done:>9}/{rows} {what}  ({:.0}/s)",
            done as f64 / secs.max(1e-9)
        );
    }
    Ok(())
}

/// Seeds `rows` accounts and App users (`user_<16 hex of g>`) in batches, in order of
/// `created_at`; 5% inactive, 1% AppAdmin; names from `scenarios`' lists, emails carry `g`.
fn seed_app_users(psql: &Psql, org_id: &str, rows: u64) -> Result<u64> {
    let (given, family) = seeded_names();
    let org = lit(org_id);
    in_batches(rows, "App users (and their accounts)", |from, to| {
        let email =
            format!("lower({given}) || '.' || lower({family}) || '.' || g || '@example.test'");
        let created = "timestamptz '2025-01-01 00:00:00+00' + g * interval '1 second'";
        psql.query(&format!(
            "BEGIN;
             INSERT INTO accounts (id, email, name, created_at)
               SELECT 'acct_' || lpad(to_hex(g), 16, '0'), {email}, {given} || ' ' || {family}, {created}
               FROM generate_series({from}::bigint, {to}) g;
             INSERT INTO users (org_id, id, account_id, name, given_name, family_name, email,
                                job_position_name, state, role, created_at, updated_at)
               SELECT {org}, 'user_' || lpad(to_hex(g), 16, '0'), 'acct_' || lpad(to_hex(g), 16, '0'),
                      {given} || ' ' || {family}, {given}, {family}, {email},
                      CASE WHEN g % 7 = 0 THEN 'Engineer' END,
                      CASE WHEN g % 20 = 0 THEN 'Inactive' ELSE 'Active' END,
                      CASE WHEN g % 100 = 0 THEN 'AppAdmin' ELSE 'AppMember' END,
                      {created}, {created}
               FROM generate_series({from}::bigint, {to}) g;
             COMMIT;"
        ))?;
        Ok(())
    })?;
    vacuum(psql, APP_USER_TABLES)?;
    Ok(rows)
}

/// Seeds `CHANNELS` channels in the workspace and `rows` external users over them (user
/// g: id `e0000000-0000-4000-8000-<12 hex of g>`, channel `1 + (g / 4000 + g) % CHANNELS`,
/// externalId `ext-<g>`, the App users' names, an email-like identifier), each with its
/// own super identity, in order of `created_at`.
fn seed_external_users(psql: &Psql, workspace_id: &str, rows: u64) -> Result<u64> {
    let (given, family) = seeded_names();
    let ws = format!("{}::uuid", lit(workspace_id));
    psql.query(&format!(
        "INSERT INTO external_channels (workspace_id, id, name)
           SELECT {ws}, ('c0000000-0000-4000-8000-' || lpad(to_hex(c), 12, '0'))::uuid,
                  'Bench channel ' || c
           FROM generate_series(1, {CHANNELS}) c"
    ))?;
    in_batches(rows, "external users", |from, to| {
        let created = "timestamptz '2025-01-01 00:00:00+00' + g * interval '1 second'";
        let super_identity = "('5e000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid";
        psql.query(&format!(
            "BEGIN;
             INSERT INTO external_super_identities (workspace_id, id, created_at)
               SELECT {ws}, {super_identity}, {created} FROM generate_series({from}::bigint, {to}) g;
             INSERT INTO external_users (workspace_id, id, channel_id, super_identity_id,
                                         external_id, identifier, name, created_at, updated_at)
               SELECT {ws}, ('e0000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid,
                      ('c0000000-0000-4000-8000-' || lpad(to_hex(1 + (g / 4000 + g) % {CHANNELS}), 12, '0'))::uuid,
                      {super_identity}, 'ext-' || g,
                      lower({given}) || '.' || lower({family}) || '.' || g || '@example.test',
                      {given} || ' ' || {family}, {created}, {created}
               FROM generate_series({from}::bigint, {to}) g;
             COMMIT;"
        ))?;
        Ok(())
    })?;
    vacuum(psql, EXTERNAL_USER_TABLES)?;
    Ok(rows)
}

/// Seeds the Slack workspace `SLACK_TEAM` of the org and links Slack user
/// `U<10 hex digits of k>` to App user `SLACK_LINK_EVERY * k`, for k in 1..=rows/10.
fn seed_slack_links(psql: &Psql, org_id: &str, rows: u64) -> Result<u64> {
    let org = lit(org_id);
    let team = lit(SLACK_TEAM);
    let links = slack_links_for(rows);
    psql.query(&format!(
        "INSERT INTO slack_teams (team_id, org_id) VALUES ({team}, {org});
         INSERT INTO slack_workspaces (org_id, team_id, team_name) VALUES ({org}, {team}, 'Bench')"
    ))?;
    in_batches(links, "Slack links", |from, to| {
        psql.query(&format!(
            "INSERT INTO slack_user_links (org_id, id, team_id, slack_user_id, user_id,
                                           slack_username, linked_at)
               SELECT {org}, 'slink_' || lpad(to_hex(k), 16, '0'), {team},
                      'U' || upper(lpad(to_hex(k), 10, '0')),
                      'user_' || lpad(to_hex(k * {SLACK_LINK_EVERY}), 16, '0'),
                      'slack-user-' || k,
                      timestamptz '2025-06-01 00:00:00+00' + k * interval '1 second'
               FROM generate_series({from}::bigint, {to}) k"
        ))?;
        Ok(())
    })?;
    psql.query("VACUUM (ANALYZE) slack_user_links")?;
    Ok(links)
}

/// What seeding App users writes: the users, their accounts, and what the triggers keep
/// beside them (their words, the vocabulary, the counters). Vacuumed after seeding and
/// before every run that reuses them, so that index-only scans of the words need no heap visits
/// and autovacuum does not start on them during the load. The counters' table (the last)
/// is rewritten (`VACUUM FULL`, instant at ~40 rows): each create writes a new version of
/// a counter row, and after a run of creates the ~40 live rows are spread over a hundred
/// pages or more, which every unsearched list then reads (0.1 ms instead of 0.01 ms).
const APP_USER_TABLES: &[&str] = &[
    "accounts",
    "users",
    "user_search_words",
    "search_words",
    "user_counts",
];

/// The same for external users.
const EXTERNAL_USER_TABLES: &[&str] = &[
    "external_super_identities",
    "external_users",
    "external_user_search_words",
    "search_words",
    "external_user_counts",
];

/// The tables seeding `dataset` writes and vacuums, if it has a list of them.
fn vacuumed_tables(dataset: Dataset) -> Option<&'static [&'static str]> {
    match dataset {
        Dataset::AppUsers => Some(APP_USER_TABLES),
        Dataset::ExternalUsers => Some(EXTERNAL_USER_TABLES),
        Dataset::SlackLinks => None,
    }
}

/// Vacuums `tables`, the last of them (a counters' table) with `FULL`, until every page of
/// the others is all-visible.
///
/// Autovacuum starts on a table while it is being seeded, and its ANALYZE holds a snapshot
/// taken then: as long as it runs, VACUUM cannot mark the pages written after that snapshot
/// all-visible (seen here: a third of the external users' words pages, which cost every
/// index-only scan of them a heap visit per row, 1.6 times PostgreSQL's time per external
/// search). So the autovacuum workers of the database are cancelled first (a superuser's
/// right; without it they are left alone), and a table VACUUM still left short of its
/// pages is vacuumed again: the snapshots that held it back are gone by then.
fn vacuum(psql: &Psql, tables: &[&str]) -> Result<()> {
    let (counters, rest) = tables.split_last().context("no tables to vacuum")?;
    eprintln!(
        "bench: VACUUM ANALYZE {}; VACUUM FULL {counters}",
        rest.join(", ")
    );
    if let Err(e) = psql.query(
        "SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity \
         WHERE backend_type = 'autovacuum worker' AND datname = current_database()",
    ) {
        eprintln!("bench: autovacuum workers left running ({e:#})");
    }
    psql.query(&format!("VACUUM (ANALYZE) {}", rest.join(", ")))?;
    psql.query(&format!("VACUUM (FULL, ANALYZE) {counters}"))?;
    for _ in 0..3 {
        let short = psql.query(&format!(
            "SELECT string_agg(relname, ', ' ORDER BY relname) FROM pg_class \
             WHERE relkind = 'r' AND relname IN ({}) AND relallvisible < relpages",
            rest.iter().map(|t| lit(t)).collect::<Vec<_>>().join(", ")
        ))?;
        if short.is_empty() {
            return Ok(());
        }
        eprintln!("bench: {short}: not all pages all-visible after VACUUM; again");
        psql.query(&format!("VACUUM {short}"))?;
    }
    eprintln!("bench: some pages are still not all-visible; index-only scans will visit them");
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
