//! Plan shapes: the statements behind the lists, as PostgreSQL itself reports running
//! them (`pg_prepared_statements`, `pg_stat_xact_user_tables`), so that a page stays on
//! its index and on a generic plan as the tables grow.

use diesel_async::{AsyncPgConnection, RunQueryDsl};

mod app_users;
mod external_users;

/// Asserts that at least `at_least` statements prepared on `conn` match `condition` (SQL
/// over `pg_prepared_statements`' columns, e.g. `statement LIKE '%users%'`) and that
/// PostgreSQL ran each on a generic plan at least once, instead of planning every call.
async fn assert_generic_plans(conn: &mut AsyncPgConnection, condition: &str, at_least: usize) {
    #[derive(diesel::QueryableByName)]
    struct Statement {
        #[diesel(sql_type = diesel::sql_types::Text)]
        statement: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        generic_plans: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        custom_plans: i64,
    }
    let statements: Vec<Statement> = diesel::sql_query(format!(
        "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements
         WHERE {condition}"
    ))
    .load(conn)
    .await
    .expect("pg_prepared_statements");
    assert!(
        statements.len() >= at_least,
        "{} statements where {condition}",
        statements.len()
    );
    for s in &statements {
        assert!(
            s.generic_plans > 0,
            "planned for every call ({} custom plans), never generically: {}",
            s.custom_plans,
            s.statement
        );
    }
}
