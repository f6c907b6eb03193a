//! The statements and fragments that differ between SQLite and PostgreSQL, each with the reason.
//! Everything else is SQL both engines accept (`$1` placeholders, ISO text dates, BIGINT money,
//! `CAST(SUM(…) AS BIGINT)`). What differs is of three kinds: functions the dialects spell
//! differently (JSON unpacking, string splitting, arrays), row locks (PostgreSQL's writers run side by
//! side and lock rows; SQLite's take turns, see `Store::begin`), and a few reads whose best shape
//! differs because the planners do.
//!
//! Four reads choose a different strategy per engine and keep the choice beside the code it
//! concerns, with its reason: a project's reports packed into one value on SQLite (`reports.rs`,
//! `Store::reports`), which pairs have a report (`reports.rs`, `reported_pg` and `reported_afresh`), the stall
//! window read once for many projects on PostgreSQL (`projects.rs`, [`stall_window`]), and the
//! library's search, an FTS5 table on SQLite and `tsvector`s walked by date on PostgreSQL
//! (`library.rs`). Connection
//! settings (SQLite's pragmas, pool sizes) and the migrations' directory are chosen in `lib.rs`.

use crate::Engine;

/// The engine behind a connection.
pub(crate) fn engine_of(conn: &sqlx::AnyConnection) -> Engine {
    if conn.backend_name() == "SQLite" {
        Engine::Sqlite
    } else {
        Engine::Postgres
    }
}

/// A statement answering one row when a table named `$1` exists in the database (in the current
/// schema on PostgreSQL, where each test has its own), none otherwise.
pub(crate) fn table_exists(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name = $1",
        Engine::Postgres => {
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = $1"
        }
    }
}

/// The body of an `IN (…)` that selects the values of the JSON array bound as `$n` — one parameter
/// for any number of ids or codes: sqlx-sqlite looks every numbered parameter up by name (a linear
/// search), so a list of hundreds of `$k` cost more to bind than the statement took to run.
/// `ints` says whether the values are integers (PostgreSQL needs the cast).
pub(crate) fn json_set(engine: Engine, n: usize, ints: bool) -> String {
    match (engine, ints) {
        (Engine::Sqlite, _) => format!("SELECT value FROM json_each(${n})"),
        (Engine::Postgres, true) => {
            format!("SELECT CAST(jsonb_array_elements_text(${n}::jsonb) AS BIGINT)")
        }
        (Engine::Postgres, false) => format!("SELECT jsonb_array_elements_text(${n}::jsonb)"),
    }
}

/// The projects `p` named by the codes of the JSON array of texts bound as `$n` (a `FROM` body). The
/// codes travel as JSON, distinct (callers dedupe them), and are joined rather than tested with `IN`,
/// whose semi-join makes PostgreSQL dedupe thousands of codes again — and never as `code = ANY` of a
/// cast array: PostgreSQL cannot fold the cast at planning time, so once statistics made it prefer a
/// sequential scan it searched the whole array linearly for every project. `CROSS JOIN` keeps
/// SQLite's join order, the codes first: after `ANALYZE` it chose to probe the codes for each project
/// instead, several times slower.
pub(crate) fn projects_of_codes(engine: Engine, n: usize) -> String {
    match engine {
        Engine::Postgres => format!(
            "jsonb_array_elements_text(${n}::jsonb) AS c(code) JOIN projects p ON p.code = c.code"
        ),
        Engine::Sqlite => format!(
            "(SELECT value AS code FROM json_each(${n})) AS c CROSS JOIN projects p ON p.code = c.code"
        ),
    }
}

/// What a record is about: its id up to the first '/' (a project's code for its reports' and site
/// visits' records), written exactly as the indexes of each engine have it (the baselines' audit indexes),
/// for the columns of `table` (an alias, or `audit`).
pub(crate) fn audit_subject(engine: Engine, table: &str) -> String {
    match engine {
        Engine::Postgres => format!("split_part({table}.entity_id, '/', 1)"),
        Engine::Sqlite => format!(
            "CASE WHEN instr({table}.entity_id, '/') > 0 THEN substr({table}.entity_id, 1, \
             instr({table}.entity_id, '/') - 1) ELSE {table}.entity_id END"
        ),
    }
}

/// A report record's period: its id after the first '/' ("GP000123/2026-W48" → "2026-W48"), as the
/// `audit_report_period` index of each engine has it.
pub(crate) fn audit_period(engine: Engine, table: &str) -> String {
    match engine {
        Engine::Postgres => {
            format!("substr({table}.entity_id, strpos({table}.entity_id, '/') + 1)")
        }
        Engine::Sqlite => {
            format!("substr({table}.entity_id, instr({table}.entity_id, '/') + 1)")
        }
    }
}

/// The rows of a JSON array of row arrays bound as `$n`, in the array's order, as a `FROM` body whose
/// fields [`json_row_field`] names. PostgreSQL reads the document as `jsonb`, whose binary form is
/// parsed once for all its fields (as `json`, once a field).
/// `upsert`: the statement ends with `ON CONFLICT`, which SQLite would read after a bare `FROM` as a
/// join's `ON`: the rows then carry a `WHERE true`.
pub(crate) fn json_rows(engine: Engine, n: usize, upsert: bool) -> String {
    match engine {
        Engine::Sqlite if upsert => format!("json_each(${n}) WHERE true ORDER BY key"),
        Engine::Sqlite => format!("json_each(${n}) ORDER BY key"),
        Engine::Postgres => {
            format!("jsonb_array_elements(${n}::jsonb) WITH ORDINALITY AS r(e, n) ORDER BY n")
        }
    }
}

/// Field `i` of a row of [`json_rows`]; PostgreSQL's `->>` gives text, cast back for an integer column.
pub(crate) fn json_row_field(engine: Engine, i: usize, int: bool) -> String {
    match (engine, int) {
        (Engine::Sqlite, _) => format!("value ->> {i}"),
        (Engine::Postgres, true) => format!("(e ->> {i})::bigint"),
        (Engine::Postgres, false) => format!("e ->> {i}"),
    }
}

/// The statement writing an import's edited reports: the document `$1` of `[id, investment,
/// progress, problems]` rows, `$2` the time, `$3` the user, joined to `reports` by id.
///
/// PostgreSQL replaces each edited report — deleted and inserted again with its id, period,
/// on-time flag and creation time (the id is kept: a report's photos refer to it) — rather than
/// updating it: an update that changes no key of an index still adds the new version to it, and
/// where the leaf is full first tries to delete older versions of the same key, visiting their
/// table pages, which never succeeds here (the old version is this transaction's own).
pub(crate) fn report_edits(engine: Engine) -> String {
    if engine == Engine::Sqlite {
        "UPDATE reports SET investment = v.investment, progress = v.progress, problems = v.problems, \
         updated_at = $2, submitted_by = $3 \
         FROM (SELECT value ->> 0 AS id, value ->> 1 AS investment, value ->> 2 AS progress, \
         value ->> 3 AS problems FROM json_each($1)) AS v WHERE reports.id = v.id"
            .to_string()
    } else {
        format!(
            "WITH v AS (SELECT (e ->> 0)::bigint AS id, (e ->> 1)::bigint AS investment, \
             e ->> 2 AS progress, e ->> 3 AS problems FROM jsonb_array_elements($1::jsonb) AS e), {}",
            replace_reports("v", "$2", "$3")
        )
    }
}

/// PostgreSQL's [`report_edits`] reading the edits from a staging table (`copy.rs`) named
/// `{stage}`, with columns `id, investment, progress, problems`; `$1` the time, `$2` the user.
pub(crate) fn report_edits_staged() -> String {
    format!("WITH {}", replace_reports("{stage} v", "$1", "$2"))
}

/// The replace of PostgreSQL's report edits (see [`report_edits`]), after a `WITH`: the reports
/// whose id is in `edits` (a relation named `v` with `id, investment, progress, problems`) deleted
/// and inserted again with the new values, the time `at` and the user `user`.
fn replace_reports(edits: &str, at: &str, user: &str) -> String {
    format!(
        "old AS (DELETE FROM reports r USING {edits} WHERE r.id = v.id \
         RETURNING r.id, r.project_id, r.period, r.period_kind, r.period_end, r.on_time, \
         r.created_at, v.investment, v.progress, v.problems) \
         INSERT INTO reports (id, project_id, period, period_kind, period_end, investment, \
         progress, problems, on_time, submitted_by, created_at, updated_at) \
         SELECT id, project_id, period, period_kind, period_end, investment, progress, problems, \
         on_time, {user}, created_at, {at} FROM old"
    )
}

impl Engine {
    /// Whether writers run side by side and must lock the rows they build on (PostgreSQL), rather
    /// than take turns for the whole transaction (SQLite, `Store::begin`).
    pub(crate) fn row_locks(self) -> bool {
        self == Engine::Postgres
    }
}

/// A row lock at the end of a `SELECT` (`FOR KEY SHARE`, `FOR NO KEY UPDATE OF p` …) on
/// PostgreSQL, where writers run side by side; nothing on SQLite, whose writers take turns for the
/// whole transaction (`Store::begin`), which no row lock could add to.
pub(crate) fn row_lock(engine: Engine, lock: &'static str) -> &'static str {
    if engine.row_locks() {
        lock
    } else {
        ""
    }
}

/// For each project of the JSON list `$3` (or every project, `scan`), the latest end date in
/// (`$1`, `$2`] of a report with investment: the stall rule's window.
///
/// PostgreSQL, many projects (reports filed before their week ends: by Friday, a province's current
/// week): the window's reports read once through the window index that leads with the end date
/// (index only, a few weeks of every project); the projects asked, bound as a list, were parsed
/// again for every row read. Few projects (a project page): project by project through the project
/// index — given a set of ids the planner now and then scanned the window of every project for one
/// page. SQLite visits the projects first through its project-first covering index.
pub(crate) fn stall_window(engine: Engine, scan: bool) -> String {
    match engine {
        Engine::Postgres if scan => "SELECT project_id, MAX(period_end) AS l FROM reports \
             WHERE period_end > $1 AND period_end <= $2 AND investment > 0 GROUP BY project_id"
            .to_string(),
        Engine::Postgres => format!(
            "SELECT k.id AS project_id, (SELECT MAX(r.period_end) FROM reports r \
             WHERE r.project_id = k.id AND r.period_end > $1 AND r.period_end <= $2 \
             AND r.investment > 0) AS l FROM ({}) AS k(id)",
            json_set(engine, 3, true)
        ),
        Engine::Sqlite => format!(
            "SELECT project_id, MAX(period_end) AS l FROM reports WHERE period_end > $1 AND period_end <= $2 \
             AND investment > 0 AND project_id IN ({}) GROUP BY project_id",
            json_set(engine, 3, true)
        ),
    }
}

/// The reports of the (project, period) `pairs` that exist, selecting `columns`, and the values to
/// bind: pair by pair through the unique (period, project) index (by project alone the engine would
/// read every report of every project, by period alone every report of the period). PostgreSQL takes
/// the pairs as two arrays; SQLite as one JSON document, `CROSS JOIN` keeping its join order: the
/// pairs first, then one probe each.
pub(crate) fn filed_pairs(
    engine: Engine,
    columns: &str,
    pairs: &[(i64, diaodu_domain::Period)],
) -> (String, Vec<crate::bulk::Val>) {
    use crate::bulk::Val;
    match engine {
        Engine::Postgres => (
            format!(
                "SELECT {columns} FROM unnest($1::bigint[], $2::text[]) AS k(pid, period) \
                 JOIN reports r ON r.project_id = k.pid AND r.period = k.period"
            ),
            vec![
                Val::T(crate::pack::int_array(pairs.iter().map(|(pid, _)| *pid))),
                Val::T(crate::pack::text_array(
                    pairs.iter().map(|(_, p)| p.to_string()),
                )),
            ],
        ),
        Engine::Sqlite => {
            let mut doc = String::from("[");
            for (i, (pid, p)) in pairs.iter().enumerate() {
                if i > 0 {
                    doc.push(',');
                }
                doc.push_str(&format!("[{pid},"));
                crate::bulk::json_string(&p.to_string(), &mut doc);
                doc.push(']');
            }
            doc.push(']');
            (
                format!(
                    "SELECT {columns} FROM json_each($1) AS k CROSS JOIN reports r \
                     ON r.project_id = k.value ->> 0 AND r.period = k.value ->> 1"
                ),
                vec![Val::T(doc)],
            )
        }
    }
}

/// `expr` with ASCII letters lower-cased and nothing else changed, as the library's search compares
/// text (see `diaodu_domain::fulltext::fold`): SQLite's `lower` changes only ASCII (no ICU), while
/// PostgreSQL's follows the database's locale, so there the letters are translated one by one.
pub(crate) fn fold(engine: Engine, expr: &str) -> String {
    match engine {
        Engine::Sqlite => format!("lower({expr})"),
        Engine::Postgres => {
            format!("translate({expr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')")
        }
    }
}

/// A library document's title and text as one string, a line apart (`d` the table's alias): SQLite
/// spells the character `char(10)`, PostgreSQL `chr(10)`.
pub(crate) fn title_and_body(engine: Engine, d: &str) -> String {
    match engine {
        Engine::Sqlite => format!("{d}.title || char(10) || {d}.body"),
        Engine::Postgres => format!("{d}.title || chr(10) || {d}.body"),
    }
}

/// Whether `hay` contains the text bound as `$n`: `instr` on SQLite, `strpos` on PostgreSQL.
pub(crate) fn contains(engine: Engine, hay: &str, n: usize) -> String {
    match engine {
        Engine::Sqlite => format!("instr({hay}, ${n}) > 0"),
        Engine::Postgres => format!("strpos({hay}, ${n}) > 0"),
    }
}

/// The id the next library document takes, known before its row is written because its place in
/// the library (`sort_key`) includes it: PostgreSQL takes it from the identity's sequence; SQLite
/// the next after the largest, its writers taking turns (see `Store::begin`).
pub(crate) async fn next_document_id(
    conn: &mut sqlx::AnyConnection,
    engine: Engine,
) -> Result<i64, sqlx::Error> {
    let sql = match engine {
        Engine::Sqlite => "SELECT COALESCE(MAX(id), 0) + 1 FROM documents",
        Engine::Postgres => "SELECT nextval(pg_get_serial_sequence('documents', 'id'))",
    };
    sqlx::query_scalar(sql).fetch_one(conn).await
}
