//! Recomputing stored identity keys in Rust after migrating: a migration cannot run Rust,
//! so the migration that added the key columns (`2026-12-10-000022_identity_keys`) filled
//! them with an SQL approximation (NFKC, then `lower()`), and this puts the true key in
//! every row whose key differs. Batched (one short statement per batch, by primary key),
//! idempotent, and skipped once `identity_key_folding` records the current
//! [`KEY_VERSION`](super::KEY_VERSION).
//!
//! Two existing rows whose true keys collide (accounts `STRASSE@x` and `straße@x`) stop it
//! with an error naming the table: the operator merges or renames one and migrates again
//! (docs/security.md).

use diesel::connection::LoadConnection;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Array, Integer, Nullable, Text};

use super::{identity_key, KEY_VERSION};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Rows read per batch.
const BATCH: i64 = 1000;

/// A table with a text and its key, and its two-column primary key (`id` twice for a
/// one-column key) with the SQL type of those columns.
struct Keyed {
    table: &'static str,
    pk: (&'static str, &'static str),
    pk_type: &'static str,
    text: &'static str,
    key: &'static str,
}

const KEYED: [Keyed; 3] = [
    Keyed {
        table: "accounts",
        pk: ("id", "id"),
        pk_type: "text",
        text: "email",
        key: "email_key",
    },
    Keyed {
        table: "users",
        pk: ("org_id", "id"),
        pk_type: "text",
        text: "email",
        key: "email_key",
    },
    Keyed {
        table: "external_users",
        pk: ("workspace_id", "id"),
        pk_type: "uuid",
        text: "identifier",
        key: "identifier_key",
    },
];

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Integer)]
    version: i32,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    a: String,
    #[diesel(sql_type = Text)]
    b: String,
    #[diesel(sql_type = Text)]
    text: String,
    #[diesel(sql_type = Nullable<Text>)]
    key: Option<String>,
}

/// Recomputes every stored key unless this folding's version is recorded; returns the
/// rows changed.
pub fn refold<C>(conn: &mut C) -> Result<u64, BoxError>
where
    C: Connection<Backend = Pg> + LoadConnection,
{
    let recorded: Vec<Version> =
        diesel::sql_query("SELECT version FROM identity_key_folding").load(conn)?;
    if recorded.iter().any(|v| v.version >= KEY_VERSION) {
        return Ok(0);
    }
    let mut changed = 0;
    for keyed in &KEYED {
        changed += refold_table(conn, keyed)?;
    }
    diesel::sql_query("UPDATE identity_key_folding SET version = $1")
        .bind::<Integer, _>(KEY_VERSION)
        .execute(conn)?;
    Ok(changed)
}

fn refold_table<C>(conn: &mut C, k: &Keyed) -> Result<u64, BoxError>
where
    C: Connection<Backend = Pg> + LoadConnection,
{
    let Keyed {
        table,
        pk: (a, b),
        pk_type: ty,
        text,
        key,
    } = k;
    let select = format!(
        "SELECT {a}::text AS a, {b}::text AS b, {text} AS text, {key} AS key FROM {table} \
         WHERE {text} IS NOT NULL AND ($1::text IS NULL OR ({a}, {b}) > ($1::{ty}, $2::{ty})) \
         ORDER BY {a}, {b} LIMIT {BATCH}"
    );
    let update = format!(
        "UPDATE {table} SET {key} = v.k \
         FROM unnest($1::text[], $2::text[], $3::text[]) AS v(a, b, k) \
         WHERE {table}.{a} = v.a::{ty} AND {table}.{b} = v.b::{ty}"
    );
    let mut after: Option<(String, String)> = None;
    let mut changed = 0;
    loop {
        let rows: Vec<Row> = diesel::sql_query(&select)
            .bind::<Nullable<Text>, _>(after.as_ref().map(|(a, _)| a.as_str()))
            .bind::<Nullable<Text>, _>(after.as_ref().map(|(_, b)| b.as_str()))
            .load(conn)?;
        let Some(last) = rows.last() else { break };
        after = Some((last.a.clone(), last.b.clone()));
        let (mut ids_a, mut ids_b, mut keys) = (Vec::new(), Vec::new(), Vec::new());
        for row in &rows {
            let true_key = identity_key(&row.text);
            if row.key.as_deref() != Some(true_key.as_str()) {
                ids_a.push(row.a.as_str());
                ids_b.push(row.b.as_str());
                keys.push(true_key);
            }
        }
        if !keys.is_empty() {
            changed += diesel::sql_query(&update)
                .bind::<Array<Text>, _>(&ids_a)
                .bind::<Array<Text>, _>(&ids_b)
                .bind::<Array<Text>, _>(&keys)
                .execute(conn)
                .map_err(|e| {
                    format!(
                        "recomputing {table}.{key}: {e} (two rows are one identity under \
                         the new folding; merge or rename one and migrate again, see \
                         docs/security.md)"
                    )
                })? as u64;
        }
        if (rows.len() as i64) < BATCH {
            break;
        }
    }
    Ok(changed)
}
