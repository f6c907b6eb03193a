//! Bulk INSERTs for imports and data generation, inside the caller's transaction: the rows travel as
//! one JSON document bound to one parameter, and the engine unpacks them itself (`json_each` on
//! SQLite, `jsonb_array_elements` on PostgreSQL, where the binary form is read once instead of
//! once a column).
//!
//! Why one document and not multi-row `VALUES`: through sqlx every bound parameter is converted and
//! copied one by one, and sqlx-sqlite looks each numbered parameter up by name (a linear search in
//! SQLite), so a statement of a hundred rows of ten columns spent more time binding than inserting.
//! One text parameter per batch costs a string copy; the engine's JSON reader is C and fast. The
//! statement text depends only on the table and columns, so it is prepared once per connection.

use crate::Result;

/// A value in a bulk row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    /// BIGINT.
    I(i64),
    /// Nullable BIGINT.
    OI(Option<i64>),
    /// TEXT.
    T(String),
    /// Nullable TEXT.
    OT(Option<String>),
}

/// Appends `vals` to a statement's arguments, in order.
pub(crate) fn add_all<'v>(
    args: &mut sqlx::any::AnyArguments,
    vals: impl IntoIterator<Item = &'v Val>,
) -> Result<()> {
    use sqlx::Arguments;
    for v in vals {
        match v {
            Val::I(x) => args.add(*x),
            Val::OI(x) => args.add(*x),
            Val::T(x) => args.add(x.clone()),
            Val::OT(x) => args.add(x.clone()),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(())
}

impl Val {
    /// Whether the column holds integers (the cast PostgreSQL needs when unpacking the document).
    fn is_int(&self) -> bool {
        matches!(self, Val::I(_) | Val::OI(_))
    }

    /// Appends the value as a JSON scalar.
    fn write_json(&self, out: &mut String) {
        use std::fmt::Write;
        match self {
            Val::I(x) | Val::OI(Some(x)) => {
                let _ = write!(out, "{x}");
            }
            Val::T(s) | Val::OT(Some(s)) => json_string(s, out),
            Val::OI(None) | Val::OT(None) => out.push_str("null"),
        }
    }
}

/// Appends `s` as a JSON string literal (RFC 8259 escapes; everything else, including CJK, as is).
/// Copies the runs between escapes whole: only ASCII bytes need escaping, and a byte below 0x80 is
/// never part of a multi-byte UTF-8 sequence, so scanning bytes is exact.
pub(crate) fn json_string(s: &str, out: &mut String) {
    use std::fmt::Write;
    out.push('"');
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        if esc.is_empty() {
            let _ = write!(out, "\\u{:04x}", b);
        } else {
            out.push_str(esc);
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// Rows per statement: bounds the document (a few MB) while keeping statements few.
const PER_STATEMENT: usize = 5_000;

/// Inserts `rows` into `table(columns)` in as few statements as possible. Rows are inserted in the
/// order given (ids follow it).
///
/// A column whose value is the same in every row of a batch (the importing user, the time stamp, the
/// audit action…) is bound once as a parameter instead of travelling in every row: unpacking a field
/// from the document costs the engine more than inserting it (≈ 0.2 µs a field on SQLite).
pub(crate) async fn insert(
    tx: &mut sqlx::AnyConnection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Val>>,
) -> Result<()> {
    upsert(tx, table, columns, rows, "").await
}

/// As [`insert`], each statement ending with `on_conflict` (an `ON CONFLICT …` clause, as in
/// [`prepare`]).
pub(crate) async fn upsert(
    tx: &mut sqlx::AnyConnection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Val>>,
    on_conflict: &str,
) -> Result<()> {
    let engine = crate::dialect::engine_of(tx);
    for p in prepare(engine, table, columns, &rows, on_conflict) {
        p.execute(tx).await?;
    }
    Ok(())
}

/// One statement of a bulk write, built and ready to run.
pub(crate) struct Prepared {
    sql: String,
    doc: String,
    constants: Vec<Val>,
}

impl Prepared {
    async fn execute(self, conn: &mut sqlx::AnyConnection) -> Result<()> {
        let mut args = sqlx::any::AnyArguments::default();
        sqlx::Arguments::add(&mut args, self.doc).map_err(sqlx::Error::Encode)?;
        add_all(&mut args, &self.constants)?;
        sqlx::query_with(sqlx::AssertSqlSafe(self.sql.as_str()), args)
            .execute(conn)
            .await?;
        Ok(())
    }
}

/// The statements writing `rows` (the client's part of [`insert`]: the text of each statement, its
/// document and its constant columns), each followed by `on_conflict` (an `ON CONFLICT …` clause, or
/// empty). With a conflict clause a row's key must appear once among `rows`: PostgreSQL refuses to
/// update one row twice in a statement.
fn prepare(
    engine: crate::Engine,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Val>],
    on_conflict: &str,
) -> Vec<Prepared> {
    let mut out = Vec::new();
    for batch in rows.chunks(PER_STATEMENT) {
        let first = &batch[0];
        debug_assert!(batch.iter().all(|r| r.len() == columns.len()));
        let constant: Vec<bool> = (0..columns.len())
            .map(|c| batch.iter().all(|r| r[c] == first[c]))
            .collect();
        let mut sql = statement(
            table,
            columns,
            first,
            &constant,
            engine,
            !on_conflict.is_empty(),
        );
        if !on_conflict.is_empty() {
            sql.push(' ');
            sql.push_str(on_conflict);
        }
        let mut doc = String::with_capacity(batch.len() * 64);
        doc.push('[');
        for (i, row) in batch.iter().enumerate() {
            if i > 0 {
                doc.push(',');
            }
            doc.push('[');
            let varying = row.iter().zip(&constant).filter(|(_, k)| !**k);
            for (c, (v, _)) in varying.enumerate() {
                if c > 0 {
                    doc.push(',');
                }
                v.write_json(&mut doc);
            }
            doc.push(']');
        }
        doc.push(']');
        let constants = first
            .iter()
            .zip(&constant)
            .filter(|(_, k)| **k)
            .map(|(v, _)| v.clone())
            .collect();
        out.push(Prepared {
            sql,
            doc,
            constants,
        });
    }
    out
}

/// A step of a pipelined write, in the order queued.
enum Step {
    /// A statement carrying its rows as a JSON document.
    Run(Prepared),
    /// Rows being copied into a staging table (PostgreSQL, `copy.rs`), then the statement that uses
    /// them: `sql` names the staging table `{stage}` and reads `constants` as `$1`, `$2`, ….
    Staged {
        stage: tokio::task::JoinHandle<Result<String>>,
        sql: String,
        constants: Vec<Val>,
        /// How many rows `sql` must write: one per staged row.
        rows: u64,
    },
}

/// Rows per staging table: each costs a table created and dropped (a few milliseconds), so staged
/// batches are larger than the JSON ones, whose document is one bound value.
pub(crate) const PER_STAGE: usize = 20_000;

/// Fewer rows than this travel as JSON even where staging is possible: creating the staging table
/// costs more than unpacking them.
pub(crate) const STAGE_MIN: usize = 1_000;

/// Where a pipelined producer hands its rows ([`pipelined`]).
pub(crate) struct Emitter {
    engine: crate::Engine,
    to_run: tokio::sync::mpsc::Sender<Step>,
    closed: bool,
    /// PostgreSQL's staging (`copy.rs`), with the runtime its copies run on.
    stager: Option<(crate::copy::Stager, tokio::runtime::Handle)>,
}

impl Emitter {
    fn send(&mut self, step: Step) {
        if self.closed || self.to_run.blocking_send(step).is_err() {
            self.closed = true;
        }
    }

    /// Queues the statements writing `rows` into `table(columns)` (with `on_conflict`, as in
    /// [`prepare`]), after those queued before. Does nothing once the writer has stopped on an error.
    /// On PostgreSQL, a plain insert of many rows is staged through `COPY` (`copy.rs`).
    pub(crate) fn rows(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &[Vec<Val>],
        on_conflict: &str,
    ) {
        if self.closed || rows.is_empty() {
            return;
        }
        // Staged where it can be; a batch whose every column is the same in every row has nothing
        // to copy, and goes as JSON.
        let first = &rows[0];
        let constant: Vec<bool> =
            if on_conflict.is_empty() && rows.len() >= STAGE_MIN && self.stages() {
                (0..columns.len())
                    .map(|c| rows.iter().all(|r| r[c] == first[c]))
                    .collect()
            } else {
                Vec::new()
            };
        if constant.iter().any(|k| !k) {
            let mut param = 0;
            let exprs: Vec<String> = columns
                .iter()
                .zip(&constant)
                .map(|(c, k)| {
                    if *k {
                        param += 1;
                        format!("${param}")
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            let sql = format!(
                "INSERT INTO {table} ({}) SELECT {} FROM {{stage}}",
                columns.join(", "),
                exprs.join(", ")
            );
            let constants = first
                .iter()
                .zip(&constant)
                .filter(|(_, k)| **k)
                .map(|(v, _)| v.clone())
                .collect();
            let keep: Vec<bool> = constant.iter().map(|k| !k).collect();
            self.staged(table, columns, rows, &keep, sql, constants);
            return;
        }
        for p in prepare(self.engine, table, columns, rows, on_conflict) {
            self.send(Step::Run(p));
            if self.closed {
                return;
            }
        }
    }

    /// Whether this emitter stages rows through `COPY` (PostgreSQL).
    pub(crate) fn stages(&self) -> bool {
        self.stager.is_some()
    }

    /// Queues `rows` — values of `columns` of `shape`, those marked in `keep` copied — to be staged
    /// (`copy.rs`), then `sql`, which reads them from the table it names `{stage}` and `constants`
    /// as `$1`, `$2`, …. Only where [`Emitter::stages`].
    pub(crate) fn staged(
        &mut self,
        shape: &str,
        columns: &[&str],
        rows: &[Vec<Val>],
        keep: &[bool],
        sql: String,
        constants: Vec<Val>,
    ) {
        let Some((stager, runtime)) = &self.stager else {
            debug_assert!(false, "staged rows without a stager");
            return;
        };
        if self.closed {
            return;
        }
        let stage = stager.stage(runtime, shape, columns, rows, keep);
        self.send(Step::Staged {
            stage,
            sql,
            constants,
            rows: rows.len() as u64,
        });
    }

    /// As [`Emitter::rows`], taking the rows as they are built: each statement's worth is queued as
    /// soon as it is complete, so the engine starts on the first while the rest are built (built
    /// whole first, the engine would wait for all of them).
    pub(crate) fn rows_from(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: impl IntoIterator<Item = Vec<Val>>,
        on_conflict: &str,
    ) {
        let per = if self.stages() && on_conflict.is_empty() {
            PER_STAGE
        } else {
            PER_STATEMENT
        };
        let mut batch = Vec::with_capacity(PER_STATEMENT);
        for row in rows {
            batch.push(row);
            if batch.len() == per {
                self.rows(table, columns, &batch, on_conflict);
                batch.clear();
            }
        }
        if !batch.is_empty() {
            self.rows(table, columns, &batch, on_conflict);
        }
    }

    /// Queues one statement of the bulk form — `sql` reading the JSON document `doc` as `$1` and
    /// `constants` as `$2`, `$3`, … — after those queued before (an import's edits, whose `UPDATE … FROM`
    /// unpacks its document as an `INSERT` does). Does nothing once the writer has stopped.
    pub(crate) fn statement(&mut self, sql: &str, doc: String, constants: Vec<Val>) {
        self.send(Step::Run(Prepared {
            sql: sql.to_string(),
            doc,
            constants,
        }));
    }

    /// The engine the statements go to (for callers writing engine-specific SQL).
    pub(crate) fn engine(&self) -> crate::Engine {
        self.engine
    }
}

impl Step {
    async fn execute(self, conn: &mut sqlx::AnyConnection) -> Result<()> {
        match self {
            Step::Run(p) => p.execute(conn).await,
            Step::Staged {
                stage,
                sql,
                constants,
                rows,
            } => {
                let name = match stage.await {
                    Ok(r) => r?,
                    Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                    // Cancelled: only when the runtime shuts down.
                    Err(_) => return Err(sqlx::Error::WorkerCrashed.into()),
                };
                let sql = sql.replace("{stage}", &name);
                let mut args = sqlx::any::AnyArguments::default();
                add_all(&mut args, &constants)?;
                let written = sqlx::query_with(sqlx::AssertSqlSafe(sql), args)
                    .execute(&mut *conn)
                    .await?
                    .rows_affected();
                // The import's transaction reads the staged rows as committed before each of its
                // statements (PostgreSQL's default READ COMMITTED). Under a stricter isolation
                // level set on the server its snapshot would predate them and the statement write
                // nothing: refuse rather than report an import that wrote less than it said.
                if written != rows {
                    return Err(crate::StoreError::Conflict(format!(
                        "批量写入不完整（应写 {rows} 行，实写 {written} 行），已全部撤销；请检查数据库的事务隔离级别是否为 READ COMMITTED"
                    )));
                }
                sqlx::query(sqlx::AssertSqlSafe(format!("DROP TABLE {name}")))
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            }
        }
    }
}

/// Runs on `conn`, in order, the bulk statements that `produce` queues, while `produce` goes on
/// building the next ones on a blocking thread. An import's rows, audit records and running totals
/// cost the client about a tenth of the import to build and encode; built one statement ahead, that
/// work overlaps the engine's (a second core, or SQLite's own worker thread). With a `stager`
/// (PostgreSQL), large inserts are staged through `COPY` (`copy.rs`) while the statement before
/// runs. The first error stops the writing and is returned once the producer has finished.
pub(crate) async fn pipelined<F>(
    conn: &mut sqlx::AnyConnection,
    stager: Option<&crate::copy::Stager>,
    produce: F,
) -> Result<()>
where
    F: FnOnce(&mut Emitter) + Send + 'static,
{
    let engine = crate::dialect::engine_of(conn);
    let runtime = tokio::runtime::Handle::current();
    if let Some(s) = stager {
        let s = s.clone();
        runtime.spawn(async move {
            if let Err(e) = s.sweep().await {
                tracing::warn!(error = %e, "sweeping staging tables failed");
            }
        });
    }
    let stager = stager.map(|s| (s.clone(), runtime));
    // Two statements ahead: enough to keep the engine busy, few enough to bound the memory held.
    let (to_run, mut queued) = tokio::sync::mpsc::channel(2);
    let producer = tokio::task::spawn_blocking(move || {
        let mut e = Emitter {
            engine,
            to_run,
            closed: false,
            stager,
        };
        produce(&mut e);
    });
    let mut result = Ok(());
    while let Some(step) = queued.recv().await {
        if let Err(e) = step.execute(conn).await {
            result = Err(e);
            break;
        }
    }
    // Dropping the receiver makes the producer's next send fail, so it stops early after an error.
    drop(queued);
    if let Err(e) = producer.await {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
    }
    result
}

/// `INSERT … SELECT` unpacking a JSON array of row arrays bound as `$1`, each row holding the
/// columns not marked `constant`; the constant ones are bound as `$2`, `$3`, … in column order.
fn statement(
    table: &str,
    columns: &[&str],
    first: &[Val],
    constant: &[bool],
    engine: crate::Engine,
    upsert: bool,
) -> String {
    let mut field = 0;
    let mut param = 1;
    let exprs: Vec<String> = first
        .iter()
        .zip(constant)
        .map(|(v, k)| {
            if *k {
                param += 1;
                return format!("${param}");
            }
            field += 1;
            let i = field - 1;
            crate::dialect::json_row_field(engine, i, v.is_int())
        })
        .collect();
    let cols = columns.join(", ");
    let exprs = exprs.join(", ");
    let rows = crate::dialect::json_rows(engine, 1, upsert);
    format!("INSERT INTO {table} ({cols}) SELECT {exprs} FROM {rows}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_escape_what_json_requires() {
        let mut s = String::new();
        json_string("项目\"A\"\\b\n\u{1}", &mut s);
        assert_eq!(s, r#""项目\"A\"\\b\n\u0001""#);
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v, "项目\"A\"\\b\n\u{1}");
        for t in ["", "\t开头", "纯中文", "a\u{1f}b\r\"", "末尾\\"] {
            let mut s = String::new();
            json_string(t, &mut s);
            let v: serde_json::Value = serde_json::from_str(&s).unwrap();
            assert_eq!(v, t, "{s}");
        }
    }

    #[test]
    fn statements_cast_integers_on_postgres_only() {
        let first = [Val::I(1), Val::OT(None), Val::T("x".into())];
        let cols = ["a", "b", "c"];
        assert_eq!(
            statement("t", &cols, &first, &[false, false, false], crate::Engine::Sqlite, false),
            "INSERT INTO t (a, b, c) SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each($1) ORDER BY key"
        );
        assert!(statement(
            "t",
            &cols,
            &first,
            &[false, false, false],
            crate::Engine::Postgres,
            false
        )
        .contains(
            "SELECT (e ->> 0)::bigint, e ->> 1, e ->> 2 FROM jsonb_array_elements($1::jsonb)"
        ));
        // Constant columns become parameters; the document's fields close up.
        assert!(statement(
            "t",
            &cols,
            &first,
            &[true, false, true],
            crate::Engine::Postgres,
            false
        )
        .contains("SELECT $2, e ->> 0, $3 FROM"));
    }
    /// Statements run in the order queued; the first error stops the writing, is returned, and the
    /// producer's later rows are dropped instead of queued.
    #[tokio::test]
    async fn a_pipeline_runs_in_order_and_stops_at_the_first_error() {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::raw_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            .execute(&mut conn)
            .await
            .unwrap();
        let rows = |from: i64, n: i64| -> Vec<Vec<Val>> {
            (from..from + n)
                .map(|i| vec![Val::I(i), Val::T(format!("行{i}"))])
                .collect()
        };
        pipelined(&mut conn, None, move |out| {
            out.rows("t", &["id", "v"], &rows(1, 12_000), "");
            out.rows("t", &["id", "v"], &rows(12_001, 3), "");
            // Rows handed over as they are built: whole statements, then the remainder.
            out.rows_from("t", &["id", "v"], rows(12_004, 10_001), "");
            out.statement(
                "INSERT INTO t (id, v) SELECT value ->> 0, $2 FROM json_each($1)",
                "[[22005],[22006]]".into(),
                vec![Val::T("末行".into())],
            );
        })
        .await
        .unwrap();
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM t ORDER BY rowid")
            .fetch_all(&mut conn)
            .await
            .unwrap();
        assert_eq!(ids, (1..=22_006).collect::<Vec<_>>());
        let last: String = sqlx::query_scalar("SELECT v FROM t WHERE id = 22006")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(last, "末行");
        let (tx, rx) = std::sync::mpsc::channel();
        let e = pipelined(&mut conn, None, move |out| {
            out.rows("t", &["id", "v"], &rows(20_000, 2), "");
            // A duplicate key: the engine refuses this statement.
            out.rows("t", &["id", "v"], &rows(1, 1), "");
            for k in 0..50 {
                out.rows("t", &["id", "v"], &rows(30_000 + k * 10, 10), "");
            }
            tx.send(out.closed).unwrap();
        })
        .await;
        assert!(e.is_err());
        assert!(rx.recv().unwrap(), "the producer saw the writer stop");
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t WHERE id >= 30000")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(n, 0);
    }
}
