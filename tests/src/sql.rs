//! SQL straight at a test's database, for what the API does not show.

use diesel_async::RunQueryDsl;

use crate::TestApp;

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

impl TestApp {
    /// Runs a query whose one row has one bigint column `n`; returns it.
    pub async fn sql_count(&self, sql: &str) -> i64 {
        let mut conn = self.pool.get().await.expect("conn");
        diesel::sql_query(sql)
            .get_result::<Count>(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .n
    }

    /// Runs a statement.
    pub async fn sql(&self, sql: &str) {
        let mut conn = self.pool.get().await.expect("conn");
        diesel::sql_query(sql)
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}
