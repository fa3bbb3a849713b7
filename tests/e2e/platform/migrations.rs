//! Every migration runs up, down and up again, leaving the same schema.

use diesel::QueryableByName;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use roster_e2e::TestDb;

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = diesel::sql_types::Text)]
    line: String,
}

/// Tables, columns, constraints and indexes of the public schema, as text.
async fn schema(url: &str) -> Vec<String> {
    let mut conn = AsyncPgConnection::establish(url).await.unwrap();
    let sql = "
        SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
               || ' ' || coalesce(column_default, '') AS line
          FROM information_schema.columns WHERE table_schema = 'public'
        UNION ALL
        SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
          FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        UNION ALL
        SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL
        SELECT 'extension ' || extname FROM pg_extension
        ORDER BY 1";
    diesel::sql_query(sql)
        .load::<Line>(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.line)
        .collect()
}

fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(f).join().unwrap()
}

#[tokio::test]
async fn migrations_run_up_down_and_up_to_the_same_schema() {
    let db = TestDb::empty().await;
    let url = db.url.clone();
    let applied =
        blocking(move || roster_core::migrations::run_pending(&url).map_err(|e| e.to_string()))
            .unwrap();
    assert!(!applied.is_empty());
    let first = schema(&db.url).await;
    assert!(
        first.iter().any(|l| l.starts_with("column users.email")),
        "{first:?}"
    );
    // The trigram indexes every create writes keep a small pending list (000019).
    for index in [
        "users_search_trgm_idx",
        "external_users_search_trgm_idx",
        "search_words_trgm_idx",
    ] {
        let def = first
            .iter()
            .find(|l| l.starts_with(&format!("index CREATE INDEX {index} ")))
            .unwrap_or_else(|| panic!("no {index}: {first:?}"));
        assert!(def.ends_with("WITH (gin_pending_list_limit='64')"), "{def}");
    }

    let url = db.url.clone();
    let reverted =
        blocking(move || roster_core::migrations::revert_all(&url).map_err(|e| e.to_string()))
            .unwrap();
    assert_eq!(reverted.len(), applied.len());
    let empty = schema(&db.url).await;
    assert!(
        empty.iter().all(|l| !l.starts_with("column users.")),
        "down left tables behind: {empty:?}"
    );

    let url = db.url.clone();
    blocking(move || roster_core::migrations::run_pending(&url).map_err(|e| e.to_string()))
        .unwrap();
    assert_eq!(schema(&db.url).await, first);
}
