//! Reads the whole database as text: every column of every table that
//! `information_schema` lists, so that a table added later is read too.

use diesel::sql_types::Text;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

/// A column of a base table outside PostgreSQL's own schemas.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, QueryableByName)]
pub struct Column {
    #[diesel(sql_type = Text)]
    pub schema: String,
    #[diesel(sql_type = Text)]
    pub table: String,
    #[diesel(sql_type = Text)]
    pub column: String,
}

impl Column {
    pub fn name(&self) -> String {
        format!("{}.{}.{}", self.schema, self.table, self.column)
    }
}

#[derive(QueryableByName)]
struct TextValue {
    #[diesel(sql_type = Text)]
    v: String,
}

/// `"name"`, with inner quotes doubled.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Every column of every base table of the database, in a stable order.
pub async fn columns(conn: &mut AsyncPgConnection) -> Vec<Column> {
    diesel::sql_query(
        "SELECT c.table_schema::text AS schema, c.table_name::text AS \"table\", \
                c.column_name::text AS \"column\" \
         FROM information_schema.columns c \
         JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE t.table_type = 'BASE TABLE' \
           AND c.table_schema NOT IN ('pg_catalog', 'information_schema') \
           AND c.table_schema NOT LIKE 'pg_toast%' \
         ORDER BY 1, 2, c.ordinal_position",
    )
    .load(conn)
    .await
    .expect("read information_schema.columns")
}

/// The tables of `columns`, each once.
pub fn tables(columns: &[Column]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = columns
        .iter()
        .map(|c| (c.schema.clone(), c.table.clone()))
        .collect();
    out.dedup();
    out
}

/// Every non-null value of a column, cast to text (bytea shows as `\x` and hex).
pub async fn values(conn: &mut AsyncPgConnection, column: &Column) -> Vec<String> {
    let col = ident(&column.column);
    diesel::sql_query(format!(
        "SELECT {col}::text AS v FROM {}.{} WHERE {col} IS NOT NULL",
        ident(&column.schema),
        ident(&column.table)
    ))
    .load::<TextValue>(conn)
    .await
    .unwrap_or_else(|e| panic!("read {}: {e}", column.name()))
    .into_iter()
    .map(|r| r.v)
    .collect()
}

/// Every row of a table as one text value (PostgreSQL's row literal).
pub async fn rows(conn: &mut AsyncPgConnection, schema: &str, table: &str) -> Vec<String> {
    diesel::sql_query(format!(
        "SELECT t::text AS v FROM {}.{} t",
        ident(schema),
        ident(table)
    ))
    .load::<TextValue>(conn)
    .await
    .unwrap_or_else(|e| panic!("read {schema}.{table}: {e}"))
    .into_iter()
    .map(|r| r.v)
    .collect()
}

/// Every row, of every table, that contains one of `anchors`, sorted: a tenant's data
/// when the anchors are its org, workspace and account ids.
pub async fn rows_containing(conn: &mut AsyncPgConnection, anchors: &[String]) -> Vec<String> {
    let cols = columns(conn).await;
    let mut out = Vec::new();
    for (schema, table) in tables(&cols) {
        for row in rows(conn, &schema, &table).await {
            if anchors.iter().any(|a| row.contains(a.as_str())) {
                out.push(format!("{schema}.{table}: {row}"));
            }
        }
    }
    out.sort();
    out
}
