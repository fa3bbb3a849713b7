//! Seeding the benchmark datasets server-side (`INSERT ... SELECT generate_series`) in
//! batches with progress, then vacuuming what was seeded so index-only scans stay index-only.

use std::time::Instant;

use anyhow::{Context, Result};

use crate::psql::{lit, Psql};

use super::scenarios::{
    Dataset, CHANNELS, FAMILY_FIRST, FAMILY_LAST, FAMILY_MIDDLE, GIVEN_NAMES, PLANS, PLAN_EVERY,
    SLACK_LINK_EVERY, SLACK_TEAM,
};

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
/// `created_at`; 5% inactive, 1% AppAdmin; names from `scenarios`' lists, emails carry `g`;
/// one in `PLAN_EVERY` with a plan in its metadata (`scenarios::PLAN_EVERY`).
pub fn seed_app_users(psql: &Psql, org_id: &str, rows: u64) -> Result<u64> {
    let (given, family) = seeded_names();
    let org = lit(org_id);
    in_batches(rows, "App users (and their accounts)", |from, to| {
        let email =
            format!("lower({given}) || '.' || lower({family}) || '.' || g || '@example.test'");
        let created = "timestamptz '2025-01-01 00:00:00+00' + g * interval '1 second'";
        // Lower-case ASCII: each email is its own identity key (`roster_core::keys`).
        psql.query(&format!(
            "BEGIN;
             INSERT INTO accounts (id, email, email_key, name, created_at)
               SELECT 'acct_' || lpad(to_hex(g), 16, '0'), {email}, {email}, {given} || ' ' || {family}, {created}
               FROM generate_series({from}::bigint, {to}) g;
             INSERT INTO users (org_id, id, account_id, name, given_name, family_name, email,
                                email_key, job_position_name, state, role, created_at, updated_at,
                                metadata)
               SELECT {org}, 'user_' || lpad(to_hex(g), 16, '0'), 'acct_' || lpad(to_hex(g), 16, '0'),
                      {given} || ' ' || {family}, {given}, {family}, {email}, {email},
                      CASE WHEN g % 7 = 0 THEN 'Engineer' END,
                      CASE WHEN g % 20 = 0 THEN 'Inactive' ELSE 'Active' END,
                      CASE WHEN g % 100 = 0 THEN 'AppAdmin' ELSE 'AppMember' END,
                      {created}, {created},
                      CASE WHEN g % {PLAN_EVERY} = 0
                           THEN jsonb_build_object('plan', 'plan-' || (g / {PLAN_EVERY}) % {PLANS})
                           ELSE '{{}}' END
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
pub fn seed_external_users(psql: &Psql, workspace_id: &str, rows: u64) -> Result<u64> {
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
        // Lower-case ASCII: each identifier is its own identity key (`roster_core::keys`).
        let identifier =
            format!("lower({given}) || '.' || lower({family}) || '.' || g || '@example.test'");
        psql.query(&format!(
            "BEGIN;
             INSERT INTO external_super_identities (workspace_id, id, created_at)
               SELECT {ws}, {super_identity}, {created} FROM generate_series({from}::bigint, {to}) g;
             INSERT INTO external_users (workspace_id, id, channel_id, super_identity_id,
                                         external_id, identifier, identifier_key, name,
                                         created_at, updated_at)
               SELECT {ws}, ('e0000000-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid,
                      ('c0000000-0000-4000-8000-' || lpad(to_hex(1 + (g / 4000 + g) % {CHANNELS}), 12, '0'))::uuid,
                      {super_identity}, 'ext-' || g, {identifier}, {identifier},
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
pub fn seed_slack_links(psql: &Psql, org_id: &str, rows: u64) -> Result<u64> {
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
    "user_metadata_pairs",
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
pub fn vacuumed_tables(dataset: Dataset) -> Option<&'static [&'static str]> {
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
pub fn vacuum(psql: &Psql, tables: &[&str]) -> Result<()> {
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
