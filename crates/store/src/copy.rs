//! PostgreSQL's own bulk path: an import's rows travel by `COPY` into a staging table and are moved
//! into their table by one set-based statement inside the import's transaction.
//!
//! `COPY` is PostgreSQL's fastest way in — no statement to parse per row and no JSON to unpack (the
//! other bulk path, `bulk.rs`, binds a JSON document that `jsonb_array_elements` unpacks field by
//! field). sqlx offers `COPY` on a PostgreSQL connection only, and the store's engine-neutral pool
//! hands out `AnyConnection`s that cannot be turned back into one, so the staging happens on a
//! small PostgreSQL pool beside it:
//!
//! 1. a staging connection creates an unlogged table shaped like the target's columns (no
//!    constraint, no index, no WAL) and copies the rows into it, in one short transaction of its own;
//! 2. the import's transaction moves them with `INSERT … SELECT` (or uses them in an `UPDATE`), so
//!    every declared reference, unique index and check runs there as for any insert, and drops the
//!    staging table;
//! 3. a staging table left behind by a transaction that rolled back (a dry run, a file with errors, a
//!    crash) is dropped by [`Stager::sweep`] once it is an hour old — a staging table is used within
//!    seconds of its creation, so an hour never touches one still in use.
//!
//! The staging runs while the import's connection is busy with the statement before, so the two
//! backends work side by side.
//!
//! Row order: a sequential scan of a table written by one `COPY` returns the rows as written (the heap
//! appends; a synchronised scan starts mid-table only when another scan of the same table is running,
//! and nothing else reads a staging table), so ids follow the order given as on the other path.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use sqlx::postgres::{PgPool, PgPoolOptions};

use crate::bulk::Val;
use crate::Result;

/// The name every staging table starts with; [`Stager::sweep`] looks for it.
const PREFIX: &str = "diaodu_stage_";

/// Age in seconds beyond which a staging table is left over (see the module's doc).
const LEFT_OVER_AFTER: u64 = 3_600;

/// Stages rows for one store's PostgreSQL database.
#[derive(Clone)]
pub(crate) struct Stager {
    pool: PgPool,
    /// Makes this process's staging table names unique among the instances sharing the database.
    tag: u32,
    counter: Arc<AtomicU64>,
    /// When this process last swept (seconds since the epoch).
    swept: Arc<AtomicU64>,
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Stager {
    /// A stager for the database at `url` (connections opened when first needed, at most four: a
    /// staging step is one `COPY`, and the imports it serves are few at a time).
    pub(crate) fn new(url: &str) -> Result<Stager> {
        let opts: sqlx::postgres::PgConnectOptions = url.parse()?;
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(std::time::Duration::from_secs(30))
            .connect_lazy_with(opts);
        Ok(Stager {
            pool,
            tag: rand::random(),
            counter: Default::default(),
            swept: Default::default(),
        })
    }

    /// Starts copying `rows` — the values of `columns` of `table`, each row in order — into a new
    /// staging table, on a task of its own; the task answers the staging table's name once the
    /// rows are committed there.
    pub(crate) fn stage(
        &self,
        runtime: &tokio::runtime::Handle,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Val>],
        keep: &[bool],
    ) -> tokio::task::JoinHandle<Result<String>> {
        let name = format!(
            "{PREFIX}{}_{:08x}_{}",
            now_secs(),
            self.tag,
            self.counter.fetch_add(1, Ordering::Relaxed)
        );
        let cols: Vec<&str> = columns
            .iter()
            .zip(keep)
            .filter(|(_, k)| **k)
            .map(|(c, _)| *c)
            .collect();
        let cols = cols.join(", ");
        let mut data = Vec::with_capacity(rows.len() * 96);
        for row in rows {
            let mut first = true;
            for (v, _) in row.iter().zip(keep).filter(|(_, k)| **k) {
                if !first {
                    data.push(b'\t');
                }
                first = false;
                copy_text(v, &mut data);
            }
            data.push(b'\n');
        }
        let create =
            format!("CREATE UNLOGGED TABLE {name} AS SELECT {cols} FROM {table} WITH NO DATA");
        let copy = format!("COPY {name} ({cols}) FROM STDIN");
        let pool = self.pool.clone();
        runtime.spawn(async move {
            let mut tx = pool.begin().await?;
            sqlx::query(sqlx::AssertSqlSafe(create))
                .execute(&mut *tx)
                .await?;
            let mut c = tx.copy_in_raw(&copy).await?;
            c.send(data).await?;
            c.finish().await?;
            tx.commit().await?;
            Ok(name)
        })
    }

    /// Drops the staging tables left over (see the module's doc), at most once every ten minutes
    /// per process; one that another transaction still holds is skipped until a later sweep.
    pub(crate) async fn sweep(&self) -> Result<()> {
        let now = now_secs();
        let last = self.swept.load(Ordering::Relaxed);
        if now.saturating_sub(last) < 600
            || self
                .swept
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return Ok(());
        }
        self.sweep_older(LEFT_OVER_AFTER).await
    }

    /// Drops the staging tables older than `age` seconds (see [`Stager::sweep`]).
    async fn sweep_older(&self, age: u64) -> Result<()> {
        let now = now_secs();
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT c.relname::text FROM pg_class c \
             WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' \
             AND starts_with(c.relname::text, $1)",
        )
        .bind(PREFIX)
        .fetch_all(&self.pool)
        .await?;
        for name in names {
            let Some(born) = name
                .strip_prefix(PREFIX)
                .and_then(|s| s.split('_').next())
                .and_then(|s| s.parse::<u64>().ok())
            else {
                continue;
            };
            if now.saturating_sub(born) < age {
                continue;
            }
            let mut tx = self.pool.begin().await?;
            sqlx::query("SET LOCAL lock_timeout = '1s'")
                .execute(&mut *tx)
                .await?;
            let dropped = sqlx::query(sqlx::AssertSqlSafe(format!("DROP TABLE IF EXISTS {name}")))
                .execute(&mut *tx)
                .await;
            match dropped {
                Ok(_) => tx.commit().await?,
                Err(e) => {
                    tracing::warn!(table = %name, error = %e, "staging table not dropped yet");
                    tx.rollback().await?;
                }
            }
        }
        Ok(())
    }
}

/// Appends `v` in `COPY`'s text format: `\N` for NULL; in text, a backslash, tab, newline and
/// carriage return escaped (the format's delimiters and its escape character); everything else as is.
fn copy_text(v: &Val, out: &mut Vec<u8>) {
    use std::io::Write;
    match v {
        Val::I(x) | Val::OI(Some(x)) => {
            let _ = write!(out, "{x}");
        }
        Val::OI(None) | Val::OT(None) => out.extend_from_slice(b"\\N"),
        Val::T(s) | Val::OT(Some(s)) => {
            let bytes = s.as_bytes();
            let mut run = 0;
            for (i, &b) in bytes.iter().enumerate() {
                let esc: &[u8] = match b {
                    b'\\' => b"\\\\",
                    b'\t' => b"\\t",
                    b'\n' => b"\\n",
                    b'\r' => b"\\r",
                    _ => continue,
                };
                out.extend_from_slice(&bytes[run..i]);
                out.extend_from_slice(esc);
                run = i + 1;
            }
            out.extend_from_slice(&bytes[run..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows staged through `COPY` reach their table in order and with their text as written, inside
    /// the writer's transaction: a rollback takes them back and leaves only a staging table, which the
    /// sweep drops once old enough. (PostgreSQL only; nothing to do on SQLite.)
    #[tokio::test]
    async fn staged_rows_arrive_in_order_and_a_rollback_leaves_a_table_to_sweep() {
        let store = crate::testing::fresh_store().await;
        let Some(stager) = store.stager.clone() else {
            assert_eq!(store.engine(), crate::Engine::Sqlite);
            return;
        };
        let count_stages = || async {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace \
                 AND starts_with(relname::text, 'diaodu_stage_')",
            )
            .fetch_one(store.pool())
            .await
            .unwrap();
            n
        };
        sqlx::raw_sql(
            "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, k BIGINT NOT NULL, v TEXT, c TEXT)",
        )
        .execute(store.pool())
        .await
        .unwrap();
        let rows = |from: i64, n: i64| -> Vec<Vec<Val>> {
            (from..from + n)
                .map(|i| {
                    vec![
                        Val::I(i),
                        Val::OT((i % 7 != 0).then(|| format!("行{i}\t“引号”\\\n"))),
                        Val::T("同一个".into()),
                    ]
                })
                .collect()
        };
        let mut tx = store.begin().await.unwrap();
        crate::bulk::pipelined(&mut tx, Some(&stager), move |out| {
            assert!(out.stages());
            out.rows_from("t", &["k", "v", "c"], rows(1, 25_000), "");
            out.rows("t", &["k", "v", "c"], &rows(25_001, 10), "");
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let got: Vec<(i64, i64, Option<String>, String)> =
            sqlx::query_as("SELECT id, k, v, c FROM t ORDER BY id")
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert_eq!(got.len(), 25_010);
        for (i, (id, k, v, c)) in got.iter().enumerate() {
            let i = i as i64 + 1;
            assert_eq!((*id, *k), (i, i), "ids follow the order given");
            assert_eq!(
                v.clone(),
                (i % 7 != 0).then(|| format!("行{i}\t“引号”\\\n"))
            );
            assert_eq!(c, "同一个");
        }
        assert_eq!(
            count_stages().await,
            0,
            "each staging table dropped with its commit"
        );
        let mut tx = store.begin().await.unwrap();
        crate::bulk::pipelined(&mut tx, Some(&stager), move |out| {
            out.rows_from("t", &["k", "v", "c"], rows(1, 2_000), "");
        })
        .await
        .unwrap();
        tx.rollback().await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(n, 25_010, "the rollback took the rows back");
        assert_eq!(count_stages().await, 1, "its staging table is left over");
        stager.sweep_older(LEFT_OVER_AFTER).await.unwrap();
        assert_eq!(count_stages().await, 1, "too young to sweep");
        stager.sweep_older(0).await.unwrap();
        assert_eq!(count_stages().await, 0);
    }

    #[test]
    fn copy_text_escapes_its_delimiters_only() {
        let mut out = Vec::new();
        for v in [
            Val::I(-12),
            Val::OI(None),
            Val::T("进度\t第\\1层\n完成\r".into()),
            Val::OT(Some("“引号”".into())),
        ] {
            copy_text(&v, &mut out);
            out.push(b'|');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "-12|\\N|进度\\t第\\\\1层\\n完成\\r|“引号”|"
        );
    }
}
