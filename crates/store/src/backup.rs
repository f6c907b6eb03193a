//! Backup and restore (备份与恢复), the same archive for both engines.
//!
//! A backup is one zip archive: `manifest.json` (format, version of the program and of the schema,
//! the engine it came from, every table with its columns, row count and SHA-256, every attachment
//! with its size and SHA-256), `tables/<table>.jsonl` (a line of column names, then one JSON array
//! per row) and `files/<name>` (the attachments directory). The tables are read in one read-only
//! transaction — a snapshot of one instant while the server goes on serving (PostgreSQL's
//! repeatable read; SQLite's read transaction under WAL) — and the attachments after it: a file is
//! written before the row naming it commits, so every file the snapshot names is there.
//!
//! The rows are engine-neutral (integers, floating-point numbers, texts, nulls), so an archive
//! restores into an empty database of either engine: that is how a city moves from SQLite up to
//! PostgreSQL, with the same ids, audit log, attachments and figures. What an engine derives for
//! itself is rebuilt rather than carried: the library's search index (SQLite's FTS table,
//! PostgreSQL's term vectors) and PostgreSQL's id sequences. Sessions are not carried: users sign
//! in again after a restore.
//!
//! A restore first reads the whole archive and checks every entry against the manifest (a damaged
//! or truncated archive is refused before anything is written), refuses a target that holds data,
//! then writes every table in one transaction, in the order of their references.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{Arguments, Row};

use crate::{Engine, Result, Store, StoreError};

/// The archive format's name and version, checked on restore.
const FORMAT: &str = "diaodu-backup";
const FORMAT_VERSION: u32 = 1;

/// Tables never carried: the schema's own bookkeeping (the target is migrated by this program),
/// the data's version and its log of changes (each database counts its own commits), when
/// background rounds last ran,
/// sign-in sessions, and SQLite's search index (rebuilt).
fn skipped(table: &str) -> bool {
    table == "_sqlx_migrations"
        || table == "data_version"
        || table == "data_changes"
        || table == "job_runs"
        || table == "sessions"
        || table.starts_with("documents_fts")
        || table.starts_with("sqlite_")
}

/// Columns an engine derives for itself (PostgreSQL's search terms of the library).
fn derived_column(table: &str, column: &str) -> bool {
    table == "documents" && matches!(column, "terms" | "title_terms" | "tags")
}

/// A column's kind of value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A 64-bit integer.
    Int,
    /// A floating-point number.
    Float,
    /// A text.
    Text,
}

/// A table in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableEntry {
    /// Its name.
    pub name: String,
    /// Its columns, in the order of each row.
    pub columns: Vec<(String, Kind)>,
    /// Rows written.
    pub rows: u64,
    /// SHA-256 of its entry, hex.
    pub sha256: String,
}

/// An attachment in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    /// Its path under the attachments directory, `/`-separated.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// SHA-256, hex.
    pub sha256: String,
}

/// The archive's manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `diaodu-backup`.
    pub format: String,
    /// The archive format's version.
    pub format_version: u32,
    /// The program that wrote it.
    pub program_version: String,
    /// The newest schema migration of the database it came from.
    pub schema_version: i64,
    /// `sqlite` or `postgres`.
    pub engine: String,
    /// When it was taken (UTC, RFC 3339).
    pub created_at: String,
    /// The tables.
    pub tables: Vec<TableEntry>,
    /// The attachments.
    pub files: Vec<FileEntry>,
}

/// What a backup or a restore carried.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Carried {
    /// Tables.
    pub tables: usize,
    /// Rows, every table together.
    pub rows: u64,
    /// Attachments.
    pub files: usize,
    /// Bytes of the attachments.
    pub file_bytes: u64,
}

fn damaged(what: impl std::fmt::Display) -> StoreError {
    StoreError::invalid(
        "备份文件",
        format!("备份文件已损坏或不完整：{what}，未写入任何数据"),
    )
}

fn io(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::invalid("备份文件", format!("{what}：{e}"))
}

/// Hashes what is written through it.
struct Hashing<W: Write> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl Store {
    /// The tables of this database a backup carries, with their columns (derived ones left out), in
    /// the order of their references (a table after those it refers to).
    async fn backup_tables(&self, conn: &mut sqlx::AnyConnection) -> Result<Vec<TableInfo>> {
        let names: Vec<String> = sqlx::query_scalar(match self.engine {
            Engine::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
            }
            Engine::Postgres => {
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
                 ORDER BY table_name"
            }
        })
        .fetch_all(&mut *conn)
        .await?;
        let mut tables = Vec::new();
        for name in names.into_iter().filter(|n| !skipped(n)) {
            let cols: Vec<(String, String)> = match self.engine {
                Engine::Sqlite => {
                    sqlx::query_as("SELECT name, type FROM pragma_table_info($1) ORDER BY cid")
                        .bind(&name)
                        .fetch_all(&mut *conn)
                        .await?
                }
                Engine::Postgres => sqlx::query_as(
                    "SELECT column_name::text, data_type::text FROM information_schema.columns \
                         WHERE table_schema = current_schema() AND table_name = $1 \
                         ORDER BY ordinal_position",
                )
                .bind(&name)
                .fetch_all(&mut *conn)
                .await?,
            };
            let mut columns = Vec::new();
            for (c, ty) in cols {
                if derived_column(&name, &c) {
                    continue;
                }
                let ty = ty.to_ascii_lowercase();
                let kind = if ty.contains("int") {
                    Kind::Int
                } else if ty.contains("double") || ty.contains("real") || ty.contains("float") {
                    Kind::Float
                } else if ty.contains("text") || ty.contains("char") {
                    Kind::Text
                } else {
                    return Err(StoreError::invalid(
                        "备份",
                        format!("表 {name} 的列 {c} 类型 {ty} 不在备份支持的类型之内"),
                    ));
                };
                columns.push((c, kind));
            }
            let refs: Vec<(String, String)> = match self.engine {
                Engine::Sqlite => {
                    sqlx::query_as("SELECT \"table\", \"from\" FROM pragma_foreign_key_list($1)")
                        .bind(&name)
                        .fetch_all(&mut *conn)
                        .await?
                }
                Engine::Postgres => {
                    sqlx::query_as(
                        "SELECT ccu.table_name::text, kcu.column_name::text \
                         FROM information_schema.table_constraints tc \
                         JOIN information_schema.key_column_usage kcu \
                           ON kcu.constraint_name = tc.constraint_name \
                          AND kcu.constraint_schema = tc.constraint_schema \
                         JOIN information_schema.constraint_column_usage ccu \
                           ON ccu.constraint_name = tc.constraint_name \
                          AND ccu.constraint_schema = tc.constraint_schema \
                         WHERE tc.constraint_type = 'FOREIGN KEY' \
                           AND tc.table_schema = current_schema() AND tc.table_name = $1",
                    )
                    .bind(&name)
                    .fetch_all(&mut *conn)
                    .await?
                }
            };
            tables.push(TableInfo {
                name,
                columns,
                refs,
            });
        }
        order_by_references(&mut tables)?;
        Ok(tables)
    }

    /// Writes a backup of the database and of the attachments in `files_dir` to `out` (see the
    /// module's documentation). The server may go on serving meanwhile.
    pub async fn backup(&self, files_dir: &Path, out: &Path) -> Result<Carried> {
        // A backup never migrates: the binary that takes it must be the database's own version.
        let state = self.migration_state().await?;
        if let Some(msg) = state.newer_message() {
            return Err(StoreError::invalid("数据库", msg));
        }
        if !state.pending.is_empty() {
            return Err(StoreError::invalid(
                "数据库",
                format!(
                    "数据库尚未升级到本程序的版本（{} 个迁移未执行）：请用数据库正在使用的版本备份，备份不会改动数据库",
                    state.pending.len()
                ),
            ));
        }
        let tmp = out.with_extension("partial");
        let file = std::fs::File::create(&tmp)
            .map_err(|e| io(&format!("无法写入 {}", tmp.display()), e))?;
        let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(3))
            .large_file(true);
        let mut carried = Carried::default();
        let mut tables_out = Vec::new();
        // One snapshot for every table, on a connection of its own whose reads of whole tables are
        // not logged as slow statements (they are meant to be long).
        let mut conn = {
            use sqlx::ConnectOptions;
            use std::str::FromStr;
            sqlx::any::AnyConnectOptions::from_str(&self.url)?
                .log_statements(tracing::log::LevelFilter::Trace)
                .log_slow_statements(tracing::log::LevelFilter::Off, std::time::Duration::ZERO)
                .connect()
                .await?
        };
        let mut tx = sqlx::Connection::begin(&mut conn).await?;
        if self.engine == Engine::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let tables = self.backup_tables(&mut tx).await?;
        for t in &tables {
            zip.start_file(format!("tables/{}.jsonl", t.name), opts)
                .map_err(|e| io("无法写入备份", e))?;
            let mut w = Hashing {
                inner: &mut zip,
                hash: Sha256::new(),
            };
            let names: Vec<&str> = t.columns.iter().map(|c| c.0.as_str()).collect();
            serde_json::to_writer(&mut w, &names).map_err(|e| io("无法写入备份", e))?;
            w.write_all(b"\n").map_err(|e| io("无法写入备份", e))?;
            let sql = format!(
                "SELECT {} FROM {} ORDER BY {}",
                t.columns
                    .iter()
                    .map(|c| format!("\"{}\"", c.0))
                    .collect::<Vec<_>>()
                    .join(", "),
                t.name,
                (1..=t.columns.len().min(3))
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let mut rows = 0u64;
            let mut stream = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *tx);
            let mut line: Vec<serde_json::Value> = Vec::with_capacity(t.columns.len());
            use futures_util::TryStreamExt;
            while let Some(row) = stream.try_next().await? {
                line.clear();
                for (i, (c, kind)) in t.columns.iter().enumerate() {
                    line.push(read_value(&row, i, *kind).map_err(|e| {
                        StoreError::invalid(
                            "备份",
                            format!("表 {} 第 {} 行的列 {c} 无法读取：{e}", t.name, rows + 1),
                        )
                    })?);
                }
                serde_json::to_writer(&mut w, &line).map_err(|e| io("无法写入备份", e))?;
                w.write_all(b"\n").map_err(|e| io("无法写入备份", e))?;
                rows += 1;
            }
            drop(stream);
            let sha = hex::encode(w.hash.finalize());
            carried.tables += 1;
            carried.rows += rows;
            tables_out.push(TableEntry {
                name: t.name.clone(),
                columns: t.columns.clone(),
                rows,
                sha256: sha,
            });
        }
        tx.commit().await?;
        drop(conn);
        // The attachments, after the snapshot (see the module's documentation).
        let mut files = Vec::new();
        for (rel, path) in list_files(files_dir)? {
            let mut f = match std::fs::File::open(&path) {
                Ok(f) => f,
                // Removed since it was listed: an upload that failed and took its file back.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io(&format!("无法读取附件 {}", path.display()), e)),
            };
            zip.start_file(format!("files/{rel}"), opts)
                .map_err(|e| io("无法写入备份", e))?;
            let mut w = Hashing {
                inner: &mut zip,
                hash: Sha256::new(),
            };
            let bytes = std::io::copy(&mut f, &mut w)
                .map_err(|e| io(&format!("无法读取附件 {}", path.display()), e))?;
            carried.files += 1;
            carried.file_bytes += bytes;
            files.push(FileEntry {
                path: rel,
                bytes,
                sha256: hex::encode(w.hash.finalize()),
            });
        }
        let manifest = Manifest {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            program_version: env!("CARGO_PKG_VERSION").into(),
            schema_version: state.applied.iter().copied().max().unwrap_or(0),
            engine: match self.engine {
                Engine::Sqlite => "sqlite".into(),
                Engine::Postgres => "postgres".into(),
            },
            created_at: time::OffsetDateTime::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            tables: tables_out,
            files,
        };
        zip.start_file("manifest.json", opts)
            .map_err(|e| io("无法写入备份", e))?;
        serde_json::to_writer_pretty(&mut zip, &manifest).map_err(|e| io("无法写入备份", e))?;
        let mut inner = zip.finish().map_err(|e| io("无法写入备份", e))?;
        inner.flush().map_err(|e| io("无法写入备份", e))?;
        inner
            .get_ref()
            .sync_all()
            .map_err(|e| io("无法写入备份", e))?;
        drop(inner);
        std::fs::rename(&tmp, out).map_err(|e| io("无法写入备份", e))?;
        Ok(carried)
    }

    /// Restores the archive `archive` into this database, which must be empty (freshly migrated),
    /// and its attachments into `files_dir` (see the module's documentation).
    pub async fn restore(&self, archive: &Path, files_dir: &Path) -> Result<Carried> {
        let manifest = verify(archive)?;
        // A target that holds data is refused before this program migrates anything in it.
        let mut conn = self.pool.acquire().await?;
        self.refuse_unless_empty(&mut conn).await?;
        drop(conn);
        self.migrate().await?;
        let state = self.migration_state().await?;
        let ours = state.applied.iter().copied().max().unwrap_or(0);
        if manifest.schema_version != ours {
            return Err(StoreError::invalid(
                "备份文件",
                format!(
                    "备份来自数据库结构 {:04}（diaodu {}），本程序的数据库结构是 {ours:04}（diaodu {}）：\
                     请用备份时的版本恢复，再启动新版本完成升级",
                    manifest.schema_version,
                    manifest.program_version,
                    env!("CARGO_PKG_VERSION")
                ),
            ));
        }
        let mut tx = self.begin().await?;
        if self.engine == Engine::Postgres {
            // Nothing else writes while the tables fill.
            sqlx::query("SELECT pg_advisory_xact_lock(7234011)")
                .execute(&mut *tx)
                .await?;
        }
        // Again within the transaction: nothing may have come in since.
        self.refuse_unless_empty(&mut tx).await?;
        let ours = self.backup_tables(&mut tx).await?;
        let by_name: HashMap<&str, &TableEntry> = manifest
            .tables
            .iter()
            .map(|t| (t.name.as_str(), t))
            .collect();
        for t in &ours {
            if !by_name.contains_key(t.name.as_str()) {
                return Err(damaged(format!("缺少表 {}", t.name)));
            }
        }
        for t in &manifest.tables {
            if !ours.iter().any(|o| o.name == t.name) {
                return Err(damaged(format!("表 {} 不属于本版本的数据库结构", t.name)));
            }
        }
        // Empty every table, those referring first.
        for t in ours.iter().rev() {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {}", t.name)))
                .execute(&mut *tx)
                .await?;
        }
        let mut zip = open_zip(archive)?;
        let mut carried = Carried::default();
        for t in &ours {
            let entry = by_name[t.name.as_str()];
            let kinds: HashMap<&str, Kind> =
                t.columns.iter().map(|(c, k)| (c.as_str(), *k)).collect();
            for (c, k) in &entry.columns {
                if kinds.get(c.as_str()) != Some(k) {
                    return Err(damaged(format!("表 {} 的列 {c} 与本版本不符", t.name)));
                }
            }
            // A table referring to itself (units, tasks): a row after the row it names, so the
            // table is read whole and ordered; any other goes in as it is read.
            let self_refs: Vec<usize> = t
                .refs
                .iter()
                .filter(|(to, _)| *to == t.name)
                .filter_map(|(_, col)| entry.columns.iter().position(|(c, _)| c == col))
                .collect();
            let per = rows_per_statement(entry.columns.len());
            let started = std::time::Instant::now();
            let mut reader = TableReader::open(&mut zip, entry)?;
            let mut done = 0u64;
            if self_refs.is_empty() {
                loop {
                    let batch = reader.next_rows(per)?;
                    if batch.is_empty() {
                        break;
                    }
                    insert_rows(&mut tx, self.engine, &t.name, &entry.columns, &batch, done)
                        .await?;
                    done += batch.len() as u64;
                }
            } else {
                let all = parents_first(reader.next_rows(usize::MAX)?, &self_refs);
                for batch in all.chunks(per) {
                    insert_rows(&mut tx, self.engine, &t.name, &entry.columns, batch, done).await?;
                    done += batch.len() as u64;
                }
            }
            if done != entry.rows {
                return Err(damaged(format!("表 {} 的行数不符", t.name)));
            }
            tracing::info!(table = %t.name, rows = done, ms = started.elapsed().as_millis() as u64, "restored");
            carried.tables += 1;
            carried.rows += done;
        }
        if self.engine == Engine::Postgres {
            let ids: Vec<(String, String)> = sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND is_identity = 'YES'",
            )
            .fetch_all(&mut *tx)
            .await?;
            for (table, col) in ids {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', '{col}'), \
                     COALESCE((SELECT MAX({col}) FROM {table}), 1), \
                     (SELECT MAX({col}) FROM {table}) IS NOT NULL)"
                )))
                .execute(&mut *tx)
                .await?;
            }
        }
        crate::library::reindex_all(&mut tx, self.engine).await?;
        // The attachments (checked already) before the commit, each written whole under a
        // temporary name and renamed: a disk that fills leaves the database as it was, and files
        // a later attempt writes again.
        std::fs::create_dir_all(files_dir)
            .map_err(|e| io(&format!("无法创建附件目录 {}", files_dir.display()), e))?;
        for f in &manifest.files {
            let mut entry = zip
                .by_name(&format!("files/{}", f.path))
                .map_err(|e| damaged(format!("附件 {}：{e}", f.path)))?;
            let dest = files_dir.join(&f.path);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| io(&format!("无法创建目录 {}", parent.display()), e))?;
            }
            let tmp = dest.with_extension("restoring");
            let written = (|| -> std::io::Result<()> {
                let mut out = std::fs::File::create(&tmp)?;
                std::io::copy(&mut entry, &mut out)?;
                out.sync_all()?;
                std::fs::rename(&tmp, &dest)
            })();
            if let Err(e) = written {
                let _ = std::fs::remove_file(&tmp);
                return Err(io(&format!("无法写入附件 {}", dest.display()), e));
            }
            carried.files += 1;
            carried.file_bytes += f.bytes;
        }
        tx.commit().await?;
        self.analyze().await?;
        Ok(carried)
    }
}

impl Store {
    /// Refuses a target holding data of its own, naming what it holds. A table not there yet (a
    /// database never migrated) holds nothing; a freshly migrated one holds only the rows its
    /// migrations put in, which the archive's replace.
    async fn refuse_unless_empty(&self, conn: &mut sqlx::AnyConnection) -> Result<()> {
        let mut held = Vec::new();
        for (table, what) in [
            ("units", "个单位"),
            ("users", "个用户"),
            ("projects", "个项目"),
            ("reports", "条进度报告"),
            ("tasks", "项任务"),
            ("notices", "份督办单"),
            ("documents", "份材料"),
            ("audit", "条操作日志"),
        ] {
            let exists: Option<String> =
                sqlx::query_scalar(crate::dialect::table_exists(self.engine))
                    .bind(table)
                    .fetch_optional(&mut *conn)
                    .await?;
            if exists.is_none() {
                continue;
            }
            let n: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                    .fetch_one(&mut *conn)
                    .await?;
            if n > 0 {
                held.push(format!("{n} {what}"));
            }
        }
        if held.is_empty() {
            return Ok(());
        }
        Err(StoreError::invalid(
            "目标数据库",
            format!(
                "目标数据库不是空库（已有 {}），恢复会覆盖现有数据，已拒绝：请恢复到新建的空数据库",
                held.join("、")
            ),
        ))
    }
}

/// A table as this database has it.
struct TableInfo {
    name: String,
    columns: Vec<(String, Kind)>,
    /// (table referred to, referring column).
    refs: Vec<(String, String)>,
}

/// Orders tables so that each comes after the tables it refers to (references to itself aside).
fn order_by_references(tables: &mut Vec<TableInfo>) -> Result<()> {
    let mut placed: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    let mut rest: Vec<TableInfo> = std::mem::take(tables);
    while !rest.is_empty() {
        let before = rest.len();
        let mut i = 0;
        while i < rest.len() {
            let ready = rest[i]
                .refs
                .iter()
                .all(|(to, _)| *to == rest[i].name || placed.contains(to) || skipped(to));
            if ready {
                let t = rest.remove(i);
                placed.insert(t.name.clone());
                out.push(t);
            } else {
                i += 1;
            }
        }
        if rest.len() == before {
            let names: Vec<&str> = rest.iter().map(|t| t.name.as_str()).collect();
            return Err(StoreError::invalid(
                "备份",
                format!("表之间的引用成环，无法排定顺序：{}", names.join("、")),
            ));
        }
    }
    *tables = out;
    Ok(())
}

/// Rows of a table referring to itself, each after the row it names (by the first column, the id).
fn parents_first(rows: Vec<Vec<serde_json::Value>>, refs: &[usize]) -> Vec<Vec<serde_json::Value>> {
    let ids: HashMap<i64, usize> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.first().and_then(|v| v.as_i64()).map(|id| (id, i)))
        .collect();
    let mut done = vec![false; rows.len()];
    let mut order = Vec::with_capacity(rows.len());
    for start in 0..rows.len() {
        // Walk up to the first ancestor not yet placed, then place the chain from the top.
        let mut chain = Vec::new();
        let mut cur = Some(start);
        while let Some(i) = cur {
            if done[i] || chain.contains(&i) {
                break;
            }
            chain.push(i);
            cur = refs
                .iter()
                .filter_map(|c| rows[i][*c].as_i64())
                .filter_map(|p| ids.get(&p).copied())
                .find(|p| !done[*p] && *p != i);
        }
        for i in chain.into_iter().rev() {
            if !done[i] {
                done[i] = true;
                order.push(i);
            }
        }
    }
    let mut slots: Vec<Option<Vec<serde_json::Value>>> = rows.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

/// Reads column `i` of `row` as a JSON value of its kind.
fn read_value(
    row: &sqlx::any::AnyRow,
    i: usize,
    kind: Kind,
) -> std::result::Result<serde_json::Value, String> {
    use serde_json::Value;
    Ok(match kind {
        Kind::Int => match row.try_get::<Option<i64>, _>(i) {
            Ok(v) => v.map_or(Value::Null, Value::from),
            Err(_) => row
                .try_get::<Option<i32>, _>(i)
                .map_err(|e| e.to_string())?
                .map_or(Value::Null, |v| Value::from(i64::from(v))),
        },
        Kind::Float => row
            .try_get::<Option<f64>, _>(i)
            .map_err(|e| e.to_string())?
            .map_or(Value::Null, Value::from),
        Kind::Text => row
            .try_get::<Option<String>, _>(i)
            .map_err(|e| e.to_string())?
            .map_or(Value::Null, Value::from),
    })
}

/// The attachments under `dir` (none when it does not exist), as (`/`-separated relative path,
/// full path), sorted.
fn list_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d)
            .map_err(|e| io(&format!("无法读取附件目录 {}", d.display()), e))?;
        for e in entries {
            let e = e.map_err(|e| io("无法读取附件目录", e))?;
            let p = e.path();
            let ty = e.file_type().map_err(|e| io("无法读取附件目录", e))?;
            if ty.is_dir() {
                stack.push(p);
            } else if ty.is_file()
                && !p
                    .extension()
                    .is_some_and(|x| x == "part" || x == "restoring")
            {
                // (`.part`: an upload being written; `.restoring`: a restore's.)
                let rel = p
                    .strip_prefix(dir)
                    .map_err(|e| io("无法读取附件目录", e))?
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((rel, p));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn open_zip(archive: &Path) -> Result<zip::ZipArchive<std::fs::File>> {
    let f = std::fs::File::open(archive)
        .map_err(|e| io(&format!("无法打开备份文件 {}", archive.display()), e))?;
    zip::ZipArchive::new(f).map_err(|e| damaged(format!("不是完整的备份压缩包（{e}）")))
}

/// Reads the manifest and checks every entry of the archive against it: the checksums, the row
/// counts, and that attachment paths stay inside the attachments directory.
pub fn verify(archive: &Path) -> Result<Manifest> {
    let mut zip = open_zip(archive)?;
    let manifest: Manifest = {
        let entry = zip
            .by_name("manifest.json")
            .map_err(|_| damaged("没有 manifest.json"))?;
        serde_json::from_reader(entry)
            .map_err(|e| damaged(format!("manifest.json 无法读取（{e}）")))?
    };
    if manifest.format != FORMAT || manifest.format_version != FORMAT_VERSION {
        return Err(StoreError::invalid(
            "备份文件",
            format!(
                "不是本程序认识的备份格式（{} 第 {} 版）",
                manifest.format, manifest.format_version
            ),
        ));
    }
    for t in &manifest.tables {
        let entry = zip
            .by_name(&format!("tables/{}.jsonl", t.name))
            .map_err(|_| damaged(format!("缺少表 {} 的数据", t.name)))?;
        let mut hash = Sha256::new();
        let mut lines = 0u64;
        let mut r = BufReader::new(entry);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = r
                .read_until(b'\n', &mut buf)
                .map_err(|e| damaged(format!("表 {} 的数据（{e}）", t.name)))?;
            if n == 0 {
                break;
            }
            hash.update(&buf);
            lines += 1;
        }
        if hex::encode(hash.finalize()) != t.sha256 || lines != t.rows + 1 {
            return Err(damaged(format!("表 {} 的数据校验不符", t.name)));
        }
    }
    for f in &manifest.files {
        if f.path
            .split('/')
            .any(|p| p.is_empty() || p == "." || p == "..")
            || f.path.contains('\\')
        {
            return Err(damaged(format!("附件路径 {} 不合法", f.path)));
        }
        let mut entry = zip
            .by_name(&format!("files/{}", f.path))
            .map_err(|_| damaged(format!("缺少附件 {}", f.path)))?;
        let mut hash = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        let mut bytes = 0u64;
        loop {
            let n = entry
                .read(&mut buf)
                .map_err(|e| damaged(format!("附件 {}（{e}）", f.path)))?;
            if n == 0 {
                break;
            }
            hash.update(&buf[..n]);
            bytes += n as u64;
        }
        if bytes != f.bytes || hex::encode(hash.finalize()) != f.sha256 {
            return Err(damaged(format!("附件 {} 校验不符", f.path)));
        }
    }
    Ok(manifest)
}

/// Reads one table's entry, some rows at a time.
struct TableReader<'a> {
    lines: std::io::Lines<BufReader<zip::read::ZipFile<'a, std::fs::File>>>,
    table: &'a TableEntry,
    read: u64,
}

impl<'a> TableReader<'a> {
    fn open(zip: &'a mut zip::ZipArchive<std::fs::File>, t: &'a TableEntry) -> Result<Self> {
        let entry = zip
            .by_name(&format!("tables/{}.jsonl", t.name))
            .map_err(|_| damaged(format!("缺少表 {} 的数据", t.name)))?;
        let mut lines = BufReader::new(entry).lines();
        let header = lines
            .next()
            .ok_or_else(|| damaged(format!("表 {} 没有列名", t.name)))?
            .map_err(|e| damaged(format!("表 {}（{e}）", t.name)))?;
        let names: Vec<String> = serde_json::from_str(&header)
            .map_err(|e| damaged(format!("表 {} 的列名（{e}）", t.name)))?;
        if names.len() != t.columns.len() || names.iter().zip(&t.columns).any(|(a, b)| *a != b.0) {
            return Err(damaged(format!("表 {} 的列名与清单不符", t.name)));
        }
        Ok(TableReader {
            lines,
            table: t,
            read: 0,
        })
    }

    /// Up to `n` more rows (none at the end).
    fn next_rows(&mut self, n: usize) -> Result<Vec<Vec<serde_json::Value>>> {
        let t = self.table;
        let mut rows = Vec::new();
        while rows.len() < n {
            let Some(line) = self.lines.next() else {
                break;
            };
            self.read += 1;
            let line = line.map_err(|e| damaged(format!("表 {}（{e}）", t.name)))?;
            let row: Vec<serde_json::Value> = serde_json::from_str(&line)
                .map_err(|e| damaged(format!("表 {} 第 {} 行（{e}）", t.name, self.read)))?;
            if row.len() != t.columns.len() {
                return Err(damaged(format!(
                    "表 {} 第 {} 行的列数不符",
                    t.name, self.read
                )));
            }
            rows.push(row);
        }
        Ok(rows)
    }
}

/// Rows a statement, within both engines' limits on parameters (SQLite 32,766; PostgreSQL
/// 65,535).
fn rows_per_statement(columns: usize) -> usize {
    (30_000 / columns.max(1)).clamp(1, 2_000)
}

/// Inserts `rows` into `table` in one statement; `before` rows of the table came before them (for
/// the row numbers of messages).
async fn insert_rows(
    conn: &mut sqlx::AnyConnection,
    engine: Engine,
    table: &str,
    columns: &[(String, Kind)],
    rows: &[Vec<serde_json::Value>],
    before: u64,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    // The columns this engine derives start empty (the index is built again after).
    let derived: &[&str] = if engine == Engine::Postgres && table == "documents" {
        &["terms", "title_terms", "tags"]
    } else {
        &[]
    };
    let cols = columns
        .iter()
        .map(|c| format!("\"{}\"", c.0))
        .chain(derived.iter().map(|c| c.to_string()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut sql = format!("INSERT INTO {table} ({cols}) VALUES ");
    let mut p = 0;
    for r in 0..rows.len() {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..columns.len() {
            if c > 0 {
                sql.push(',');
            }
            // SQLite's `?` binds by position; its `$n` would be looked up by name, which costs
            // as much as the parameters before it (the statement's quadratic).
            p += 1;
            if engine == Engine::Sqlite {
                sql.push('?');
            } else {
                sql.push_str(&format!("${p}"));
            }
        }
        for _ in derived {
            sql.push_str(", CAST('' AS tsvector)");
        }
        sql.push(')');
    }
    let mut args = sqlx::any::AnyArguments::default();
    for (r, row) in rows.iter().enumerate() {
        for ((c, kind), v) in columns.iter().zip(row) {
            let bad = || {
                damaged(format!(
                    "表 {table} 第 {} 行的列 {c} 值 {v} 不是{}",
                    before + r as u64 + 1,
                    match kind {
                        Kind::Int => "整数",
                        Kind::Float => "数值",
                        Kind::Text => "文本",
                    }
                ))
            };
            let added = match (kind, v) {
                (Kind::Int, serde_json::Value::Null) => args.add(None::<i64>),
                (Kind::Int, v) => args.add(Some(v.as_i64().ok_or_else(bad)?)),
                (Kind::Float, serde_json::Value::Null) => args.add(None::<f64>),
                (Kind::Float, v) => args.add(Some(v.as_f64().ok_or_else(bad)?)),
                (Kind::Text, serde_json::Value::Null) => args.add(None::<String>),
                (Kind::Text, v) => args.add(Some(v.as_str().ok_or_else(bad)?.to_string())),
            };
            added.map_err(sqlx::Error::Encode)?;
        }
    }
    sqlx::query_with(sqlx::AssertSqlSafe(sql), args)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_unit_comes_after_its_parent_whatever_the_ids() {
        // 3 was created first and later moved under 5.
        let rows = vec![
            vec![json!(1), json!(null)],
            vec![json!(3), json!(5)],
            vec![json!(4), json!(3)],
            vec![json!(5), json!(1)],
        ];
        let ids: Vec<i64> = parents_first(rows, &[1])
            .iter()
            .map(|r| r[0].as_i64().unwrap())
            .collect();
        assert_eq!(ids, vec![1, 5, 3, 4]);
    }
}
