//! An IT department backs up a city's SQLite database with its attachments, restores it into an
//! empty database of the test engine (PostgreSQL when `DIAODU_TEST_DB` names one: the move up), and
//! finds every figure, id, audit record and attachment the same. A damaged archive and a target that
//! holds data are refused with a clear message, and nothing is written. Through the binary.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::diaodu;

fn ok(db: &str, args: &[&str]) -> String {
    let (good, out, err) = diaodu(db, args);
    assert!(good, "diaodu {args:?} failed:\n{out}\n{err}");
    out
}

/// A new empty database on the test engine: a schema of its own on PostgreSQL, a file otherwise.
fn empty_target(dir: &Path, name: &str) -> String {
    match std::env::var("DIAODU_TEST_DB")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(url) => {
            let schema = format!(
                "bk_{}_{}_{name}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .subsec_nanos()
            );
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async {
                use sqlx::Connection;
                sqlx::any::install_default_drivers();
                let mut c = sqlx::AnyConnection::connect(&url).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                    .execute(&mut c)
                    .await
                    .unwrap();
            });
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}options=-c%20search_path%3D{schema}")
        }
        None => dir
            .join(format!("{name}.db"))
            .to_string_lossy()
            .into_owned(),
    }
}

/// What an office reads: every project's status, the units' table, a scorecard, the ledger.
fn figures(db: &str) -> Vec<String> {
    vec![
        ok(db, &["status", "--as-of", "2026-11-30", "--format", "json"]),
        ok(
            db,
            &[
                "status",
                "--as-of",
                "2026-11-30",
                "--format",
                "json",
                "--units",
            ],
        ),
        ok(
            db,
            &[
                "scorecard",
                "--region",
                "云川市",
                "--period",
                "2026-Q3",
                "--format",
                "json",
            ],
        ),
        ok(
            db,
            &[
                "export",
                "projects",
                "--format",
                "json",
                "--as-of",
                "2026-11-30",
            ],
        ),
    ]
}

fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_city_moves_its_database_by_backup_and_restore() {
    let dir: PathBuf = std::env::temp_dir().join(format!("diaodu-backup-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join("city.db").to_string_lossy().into_owned();
    let files = dir.join("files");
    let files_arg = files.to_string_lossy().into_owned();
    let (good, _, err) = {
        let out = Command::new(env!("CARGO_BIN_EXE_diaodu"))
            .args(["--db", &source, "demo", "--as-of", "2026-11-30"])
            .env("DIAODU_FILES", &files)
            .output()
            .unwrap();
        (
            out.status.success(),
            (),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert!(good, "{err}");
    let before = figures(&source);
    let archive = dir.join("city-backup.zip");
    let archive_arg = archive.to_string_lossy().into_owned();
    let out = ok(
        &source,
        &["backup", "--out", &archive_arg, "--files-dir", &files_arg],
    );
    assert!(out.contains("备份完成"), "{out}");

    // Into an empty database of the test engine.
    let target = empty_target(&dir, "moved");
    let files2 = dir.join("files-restored");
    let files2_arg = files2.to_string_lossy().into_owned();
    let out = ok(
        &target,
        &["restore", &archive_arg, "--files-dir", &files2_arg],
    );
    assert!(out.contains("恢复完成"), "{out}");
    let after = figures(&target);
    for (a, b) in before.iter().zip(&after) {
        assert!(a == b, "a figure differs after the move");
    }
    assert!(before[0].len() > 10_000, "the demo has statuses to compare");
    assert_eq!(files_of(&files), files_of(&files2), "the attachments");
    // The audit log and the ids, read back through a backup of the restored database: every table
    // entry but the manifest's date and engine is the same.
    let again = dir.join("again.zip");
    ok(
        &target,
        &[
            "backup",
            "--out",
            &again.to_string_lossy(),
            "--files-dir",
            &files2_arg,
        ],
    );
    let m1 = diaodu_store::backup::verify(&archive).unwrap();
    let m2 = diaodu_store::backup::verify(&again).unwrap();
    for (t1, t2) in m1.tables.iter().zip(&m2.tables) {
        assert_eq!((&t1.name, t1.rows), (&t2.name, t2.rows));
        assert_eq!(t1.sha256, t2.sha256, "table {} identical", t1.name);
    }
    assert!(m1
        .tables
        .iter()
        .any(|t| t.name == "audit" && t.rows > 1_000));
    // New ids follow the restored ones (PostgreSQL's sequences are moved past them).
    let mut child = Command::new(env!("CARGO_BIN_EXE_diaodu"))
        .args([
            "--db", &target, "user", "add", "--unit", "YC", "--role", "admin",
        ])
        .args(["--login", "backup-check"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"Diaodu@2026-check\n").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "a new user after the restore: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let users = ok(&target, &["user", "list"]);
    assert!(users.contains("backup-check"), "{users}");

    // A target that holds data is refused, naming what it holds.
    let (good, _, err) = diaodu(
        &target,
        &["restore", &archive_arg, "--files-dir", &files2_arg],
    );
    assert!(!good);
    assert!(err.contains("不是空库") && err.contains("个单位"), "{err}");

    // A damaged archive: refused before anything is written.
    let mut bytes = std::fs::read(&archive).unwrap();
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 64] {
        *b ^= 0x5a;
    }
    let bad = dir.join("damaged.zip");
    std::fs::write(&bad, &bytes).unwrap();
    let fresh = empty_target(&dir, "fresh");
    let (good, _, err) = diaodu(
        &fresh,
        &[
            "restore",
            &bad.to_string_lossy(),
            "--files-dir",
            &files2_arg,
        ],
    );
    assert!(!good);
    assert!(
        err.contains("损坏") && err.contains("未写入任何数据"),
        "{err}"
    );
    let truncated = dir.join("truncated.zip");
    std::fs::write(&truncated, &std::fs::read(&archive).unwrap()[..mid]).unwrap();
    let (good, _, err) = diaodu(
        &fresh,
        &[
            "restore",
            &truncated.to_string_lossy(),
            "--files-dir",
            &files2_arg,
        ],
    );
    assert!(!good);
    assert!(err.contains("损坏"), "{err}");
    let (_, out, _) = diaodu(
        &fresh,
        &["status", "--as-of", "2026-11-30", "--format", "json"],
    );
    assert_eq!(out.trim(), "[]", "nothing was written");
    let _ = std::fs::remove_dir_all(&dir);
}
