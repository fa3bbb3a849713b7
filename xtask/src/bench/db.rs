//! The benchmark database: created on the server the bench uses, migrated by the release
//! gateway, bootstrapped, and seeded server-side (`INSERT ... SELECT generate_series`) in
//! batches with progress. A database already seeded with the same N is reused: only the
//! rows an earlier run's create scenario added are removed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use base64::Engine;

use super::scenarios::{
    Dataset, Fixture, FAMILY_FIRST, FAMILY_LAST, FAMILY_MIDDLE, GIVEN_NAMES, PAGE_SIZE,
};

pub const DATABASE: &str = "roster_bench";
/// Bumped when the seeded data changes shape: an older seed is dropped, not reused.
const SEED_VERSION: u32 = 2;
/// Emails of the users the create scenario adds end with this.
pub const LOAD_EMAIL_DOMAIN: &str = "@load.test";

/// psql against one database: `-X` (no psqlrc), stop on the first error.
pub struct Psql {
    bin: PathBuf,
    url: String,
}

impl Psql {
    pub fn new(url: &str) -> Result<Self> {
        let bin = crate::pg::client_program("psql").context(
            "psql is not installed (`sudo apt-get install -y postgresql-client` on Debian/Ubuntu)",
        )?;
        Ok(Self {
            bin,
            url: url.to_owned(),
        })
    }

    /// Runs SQL; returns what it printed, unaligned and tuples only. No statement may
    /// run longer than 10 minutes (the run bounds its own time).
    pub fn query(&self, sql: &str) -> Result<String> {
        let out = Command::new(&self.bin)
            .env("PGOPTIONS", "-c statement_timeout=600000")
            .args(["-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-d"])
            .arg(&self.url)
            .arg("-c")
            .arg(sql)
            .stdin(Stdio::null())
            .output()
            .context("running psql")?;
        if !out.status.success() {
            let short: String = sql.chars().take(200).collect();
            bail!(
                "psql failed on `{short}`: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let cut = base
        .rfind('/')
        .filter(|i| *i > "postgres://".len())
        .unwrap_or(base.len());
    format!("{}/{name}{query}", &base[..cut])
}

/// Quotes a SQL string literal.
pub fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The seeded benchmark database and what the scenarios need to know about it.
pub struct BenchDb {
    pub url: String,
    pub fixture: Fixture,
    /// Seeding figures, when this run seeded (not when it reused a seeded database).
    pub seeding: Option<Seeding>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Seeding {
    pub users: u64,
    pub seconds: f64,
    /// Users (each with its account) per second.
    pub users_per_s: f64,
}

/// Runs the release gateway's CLI against the bench database.
fn gateway_cli(gateway: &Path, url: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(gateway)
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running roster-gateway {}", args.join(" ")))?;
    if !out.status.success() {
        bail!(
            "roster-gateway {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

impl BenchDb {
    /// Creates (or reuses) the database, migrates it, bootstraps the org and seeds what
    /// the chosen scenarios need.
    pub fn prepare(admin_url: &str, gateway: &Path, rows: u64, needs: &[Dataset]) -> Result<Self> {
        let admin = Psql::new(admin_url)?;
        let url = with_database(admin_url, DATABASE);
        let psql = Psql::new(&url)?;
        let exists = admin.query(&format!(
            "SELECT count(*) FROM pg_database WHERE datname = {}",
            lit(DATABASE)
        ))? == "1";
        // An older seed (or none) fails this query or answers ''; either way it is not reused.
        let seeded_rows: Option<u64> = if exists {
            psql.query(&format!(
                "SELECT CASE WHEN to_regclass('bench_seed') IS NULL THEN '' \
                 ELSE (SELECT coalesce(max(users)::text, '') FROM bench_seed \
                       WHERE version = {SEED_VERSION}) END"
            ))
            .ok()
            .and_then(|s| s.parse().ok())
        } else {
            None
        };
        if exists && seeded_rows != Some(rows) {
            eprintln!("bench: dropping the old {DATABASE} (seeded with {seeded_rows:?} users)");
            admin.query(&format!("DROP DATABASE {DATABASE} WITH (FORCE)"))?;
        }
        if seeded_rows != Some(rows) {
            admin.query(&format!("CREATE DATABASE {DATABASE}"))?;
        }
        eprintln!("bench: migrating {DATABASE}");
        gateway_cli(gateway, &url, &["migrate"])?;
        let boot = gateway_cli(
            gateway,
            &url,
            &[
                "bootstrap",
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
        let boot: serde_json::Value = serde_json::from_str(boot.trim())
            .with_context(|| format!("bootstrap printed `{}`", boot.trim()))?;
        let field = |name: &str| -> Result<String> {
            boot[name]
                .as_str()
                .map(str::to_owned)
                .with_context(|| format!("bootstrap printed no {name}"))
        };
        let org_id = field("org_id")?;
        let mut seeding = None;
        if needs.contains(&Dataset::AppUsers) {
            if seeded_rows == Some(rows) {
                eprintln!("bench: reusing {DATABASE} with {rows} users; removing the users earlier runs created");
                remove_load_users(&psql, &org_id)?;
            } else {
                seeding = Some(seed_app_users(&psql, &org_id, rows)?);
            }
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
            },
            url,
            seeding,
        })
    }
}

/// Seeds `rows` accounts and App users (`user_<16 hex of g>`) in batches, in order of
/// `created_at`; 5% inactive, 1% AppAdmin; names from `scenarios`' lists, emails carry `g`.
fn seed_app_users(psql: &Psql, org_id: &str, rows: u64) -> Result<Seeding> {
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
    psql.query(
        "CREATE TABLE IF NOT EXISTS bench_seed (users bigint NOT NULL, version int NOT NULL, \
         seeded_at timestamptz NOT NULL DEFAULT now())",
    )?;
    let org = lit(org_id);
    let batch = (rows / 10).clamp(10_000, 100_000);
    let started = Instant::now();
    let mut done = 0u64;
    eprintln!("bench: seeding {rows} App users (and their accounts) in batches of {batch}");
    while done < rows {
        let (from, to) = (done + 1, (done + batch).min(rows));
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
        done = to;
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "  seeded {done:>9}/{rows} users  ({:.0} users/s)",
            done as f64 / secs.max(1e-9)
        );
    }
    eprintln!("bench: VACUUM ANALYZE");
    psql.query("VACUUM (ANALYZE) accounts")?;
    psql.query("VACUUM (ANALYZE) users")?;
    psql.query(&format!(
        "DELETE FROM bench_seed; INSERT INTO bench_seed (users, version) VALUES ({rows}, {SEED_VERSION})"
    ))?;
    let seconds = started.elapsed().as_secs_f64();
    let users_per_s = rows as f64 / seconds.max(1e-9);
    eprintln!("bench: seeded {rows} users in {seconds:.1} s ({users_per_s:.0} users/s, with accounts, indexes and VACUUM)");
    Ok(Seeding {
        users: rows,
        seconds,
        users_per_s,
    })
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
        eprintln!("bench: removed {removed} users; VACUUM ANALYZE");
        psql.query("VACUUM (ANALYZE) accounts")?;
        psql.query("VACUUM (ANALYZE) users")?;
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
    fn database_names_are_replaced_in_urls() {
        assert_eq!(
            with_database(
                "postgres://postgres@127.0.0.1:5432/postgres",
                "roster_bench"
            ),
            "postgres://postgres@127.0.0.1:5432/roster_bench"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }

    #[test]
    fn cursors_match_the_gateway_encoding() {
        // What roster_core::page::Cursor::encode gives for 2025-01-01T00:00:01Z and this id.
        assert_eq!(
            encode_cursor("1735689601000000.user_0000000000000001"),
            "MTczNTY4OTYwMTAwMDAwMC51c2VyXzAwMDAwMDAwMDAwMDAwMDE"
        );
        assert_eq!(lit("o'k"), "'o''k'");
    }
}
