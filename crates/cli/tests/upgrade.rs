//! An IT department upgrading: `diaodu migrate --dry-run` lists what the new binary would do to the
//! database and changes nothing; starting applies it; a database a newer version migrated is
//! refused, naming what this binary does not know. Through the binary, on an SQLite file.

mod common;

/// The command's success and everything it printed.
fn diaodu(db: &str, args: &[&str]) -> (bool, String) {
    let (ok, out, err) = common::diaodu(db, args);
    (ok, format!("{out}{err}"))
}

fn sql(db: &str, statement: &str) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut c = sqlx::AnyConnection::connect(&format!("sqlite://{db}"))
            .await
            .unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_string()))
            .execute(&mut c)
            .await
            .unwrap();
    });
}

#[test]
fn an_upgrade_is_listed_before_it_is_made_and_a_newer_database_is_refused() {
    let dir = std::env::temp_dir().join(format!("diaodu-upgrade-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("city.db").to_string_lossy().into_owned();
    let (ok, out) = diaodu(&db, &["migrate"]);
    assert!(ok && out.contains("已是最新"), "{out}");
    let (ok, out) = diaodu(&db, &["migrate", "--dry-run"]);
    assert!(ok && out.contains("将执行 0 个"), "{out}");

    // As if the database were from the build before the background rounds' table.
    sql(
        &db,
        "DROP TABLE job_runs; DELETE FROM _sqlx_migrations WHERE version = 17;",
    );
    let (ok, out) = diaodu(&db, &["migrate", "--dry-run"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("将执行 1 个")
            && out.contains("0017 job runs")
            && out.contains("once an hour")
            && out.contains("CREATE TABLE job_runs"),
        "{out}"
    );
    let (_, again) = diaodu(&db, &["migrate", "--dry-run"]);
    assert!(again.contains("将执行 1 个"), "a dry run changes nothing");
    // A backup is taken by the database's own version: this newer binary refuses, and migrates
    // nothing.
    let archive = dir.join("b.zip").to_string_lossy().into_owned();
    let (ok, out) = diaodu(
        &db,
        &["backup", "--out", &archive, "--files-dir", "/nonexistent"],
    );
    assert!(!ok && out.contains("尚未升级"), "{out}");
    let (_, again) = diaodu(&db, &["migrate", "--dry-run"]);
    assert!(
        again.contains("将执行 1 个"),
        "the refused backup changed nothing"
    );
    let (ok, out) = diaodu(&db, &["migrate"]);
    assert!(ok && out.contains("已是最新"), "{out}");

    // A newer version migrated it: refused, by every command, naming the migration.
    sql(
        &db,
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9001, 'meeting rooms', TRUE, X'00', 1)",
    );
    for args in [&["status"][..], &["migrate", "--dry-run"][..]] {
        let (ok, out) = diaodu(&db, args);
        assert!(!ok, "{args:?}");
        assert!(
            out.contains("更新版本") && out.contains("9001 meeting rooms"),
            "{out}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
