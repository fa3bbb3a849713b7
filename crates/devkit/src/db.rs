//! Databases for tests (the `db` feature): a migrated template per schema version on the
//! server of `DATABASE_URL`, and a fresh clone of it for each test, dropped at the end.

// A test harness should fail loudly and at once: panicking is its way of reporting.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use tokio::sync::OnceCell;

use crate::with_database;

/// 16 random hex digits, for names no other test takes.
fn unique() -> String {
    crate::random_hex(8).expect("random bytes")
}

/// The server URL the tests administer (from `DATABASE_URL`, set by `cargo xtask test`).
pub fn admin_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        panic!("DATABASE_URL is not set: run the tests with `cargo xtask test` (it starts a private PostgreSQL)")
    })
}

/// `admin_url` with another database name.
pub fn database_url(name: &str) -> String {
    with_database(&admin_url(), name)
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// The migrated template database, created once per schema version (across processes,
/// serialised by an advisory lock) and renamed into place only when complete.
pub async fn template() -> String {
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("roster_tpl_{}", roster_core::migrations::fingerprint());
            let mut admin = connect(&admin_url()).await;
            run(&mut admin, "SELECT pg_advisory_lock(7263001)").await;
            if !database_exists(&mut admin, &name).await {
                let building = format!("{name}_building");
                run(
                    &mut admin,
                    &format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"),
                )
                .await;
                run(&mut admin, &format!("CREATE DATABASE {building}")).await;
                migrate(&database_url(&building)).await;
                run(
                    &mut admin,
                    &format!("ALTER DATABASE {building} RENAME TO {name}"),
                )
                .await;
            }
            run(&mut admin, "SELECT pg_advisory_unlock(7263001)").await;
            name
        })
        .await
        .clone()
}

async fn connect(url: &str) -> AsyncPgConnection {
    AsyncPgConnection::establish(url)
        .await
        .unwrap_or_else(|e| panic!("connect to {url}: {e}"))
}

/// Runs one statement that returns nothing the caller needs.
async fn run(conn: &mut AsyncPgConnection, sql: &str) {
    diesel::sql_query(sql)
        .execute(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Applies every migration to the database at `url`.
async fn migrate(url: &str) {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || roster_core::migrations::run_pending(&url))
        .await
        .expect("migration task")
        .unwrap_or_else(|e| panic!("migrate: {e}"));
}

async fn database_exists(conn: &mut AsyncPgConnection, name: &str) -> bool {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let row: Count = diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
        .bind::<diesel::sql_types::Text, _>(name)
        .get_result(conn)
        .await
        .expect("query pg_database");
    row.n > 0
}

/// A fresh database cloned from the template; dropped (with its connections) on drop.
pub struct TestDb {
    pub name: String,
    pub url: String,
    /// The server's admin URL, to drop the database from.
    admin: String,
}

impl TestDb {
    pub async fn new() -> Self {
        let template = template().await;
        let name = format!("roster_t_{}", unique());
        Self::create(&admin_url(), &name, &format!(" TEMPLATE {template}")).await
    }

    /// An empty database (no migrations), for migration tests.
    pub async fn empty() -> Self {
        Self::create(&admin_url(), &format!("roster_e_{}", unique()), "").await
    }

    /// A new, migrated database `name` on the server at `admin` (not `DATABASE_URL`'s).
    pub async fn migrated_on(admin: &str, name: &str) -> Self {
        let db = Self::create(admin, name, "").await;
        migrate(&db.url).await;
        db
    }

    /// `CREATE DATABASE name<options>` on the server at `admin`.
    async fn create(admin: &str, name: &str, options: &str) -> Self {
        run(
            &mut connect(admin).await,
            &format!("CREATE DATABASE {name}{options}"),
        )
        .await;
        Self {
            name: name.to_owned(),
            url: with_database(admin, name),
            admin: admin.to_owned(),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        let admin = self.admin.clone();
        // Drop cannot await: do it on a thread with its own small runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                if let Ok(mut admin) = AsyncPgConnection::establish(&admin).await {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut admin)
                            .await;
                }
            });
        })
        .join();
    }
}
