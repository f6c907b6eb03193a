//! A request cancelled while its transaction begins (a client that disconnects) must not leave its
//! pooled connection inside that transaction: the next borrower's writes would run in it and never
//! be committed (sqlx before 0.9.1 on PostgreSQL, upstream issue 4393).

use sqlx::any::AnyPoolOptions;
use sqlx::Connection;

#[tokio::test]
async fn a_cancelled_begin_leaves_the_pooled_connection_clean() {
    sqlx::any::install_default_drivers();
    let url = match diaodu_store::testing::test_engine_url() {
        Some(u) => u,
        None => {
            let dir = std::env::temp_dir().join("diaodu-tests");
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("cancel-{}.db", std::process::id()));
            let _ = std::fs::remove_file(&path);
            format!("sqlite://{}?mode=rwc", path.display())
        }
    };
    let table = format!("cancel_probe_{}", std::process::id());
    // One connection, so that every borrower gets the one a cancelled begin touched.
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (x BIGINT)"
    )))
    .execute(&pool)
    .await
    .unwrap();
    for i in 0..200 {
        // Poll `begin` once — far enough to send BEGIN, not to read its answer — and drop it; half
        // the time on a connection already taken from the pool, so that the first poll reaches
        // BEGIN rather than waiting for the pool.
        if i % 2 == 0 {
            tokio::select! {
                biased;
                _ = pool.begin() => {}
                _ = std::future::ready(()) => {}
            }
        } else {
            let mut c = pool.acquire().await.unwrap();
            tokio::select! {
                biased;
                _ = c.begin() => {}
                _ = std::future::ready(()) => {}
            }
        }
    }
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO {table} (x) VALUES (1)"
    )))
    .execute(&pool)
    .await
    .unwrap();
    // Another connection sees the write: it was committed, not swallowed by a leaked transaction.
    let mut other = sqlx::AnyConnection::connect(&url).await.unwrap();
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(&mut other)
        .await
        .unwrap();
    assert_eq!(n, 1, "the write after cancelled begins landed");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP TABLE {table}")))
        .execute(&mut other)
        .await
        .unwrap();
}
