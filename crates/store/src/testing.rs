//! Fresh databases for tests. `DIAODU_TEST_DB` unset: a new SQLite file in a temp directory.
//! `DIAODU_TEST_DB=postgres://…`: a new schema on that server for each test, so tests run in parallel
//! without seeing each other. A PostgreSQL URL that cannot be reached fails the test — it never falls
//! back to SQLite silently.

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::Connection;

use crate::{PasswordCost, Store};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Which engine the test suite runs on, from `DIAODU_TEST_DB`.
pub fn test_engine_url() -> Option<String> {
    std::env::var("DIAODU_TEST_DB")
        .ok()
        .filter(|s| !s.trim().is_empty())
}

/// A unique name for a test database or schema.
fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000,
        n
    )
}

/// A migrated, empty store on the test engine, with cheap password hashing.
pub async fn fresh_store() -> Store {
    sqlx::any::install_default_drivers();
    match test_engine_url() {
        Some(url) if url.starts_with("postgres") => {
            let schema = unique("t");
            let mut conn = sqlx::AnyConnection::connect(&url)
                .await
                .unwrap_or_else(|e| {
                    panic!("DIAODU_TEST_DB={url}: cannot connect to PostgreSQL: {e}")
                });
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(&mut conn)
                .await
                .expect("create test schema");
            let sep = if url.contains('?') { '&' } else { '?' };
            let url = format!("{url}{sep}options=-c%20search_path%3D{schema}");
            Store::connect(&url)
                .await
                .expect("connect test store")
                .with_password_cost(PasswordCost::Fast)
        }
        Some(other) => panic!("DIAODU_TEST_DB must be a postgres:// URL, got {other}"),
        None => {
            let dir = std::env::temp_dir().join("diaodu-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            let path = dir.join(format!("{}.db", unique("t")));
            Store::connect(path.to_str().expect("utf-8 path"))
                .await
                .expect("connect test store")
                .with_password_cost(PasswordCost::Fast)
        }
    }
}
