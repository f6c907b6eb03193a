//! Keeping the running totals of reports (`report_totals`, see `diaodu_domain::totals`) in step with
//! the reports: every write path that adds, edits or removes reports, or moves a project's actual start,
//! calls [`Store::refresh_totals`] inside its own transaction, so a reader never sees one without the
//! other.

use std::collections::{BTreeMap, HashMap};

use diaodu_domain::status::ReportPoint;
use diaodu_domain::totals::{month_totals, month_totals_from, MonthTotal};
use diaodu_domain::Yuan;
use sqlx::Row;
use time::Date;

use crate::bulk::{self, Val};
use crate::pack::int;
use crate::{s2d, Engine, Result, Store};

/// The columns of `report_totals`, in the order rows are written.
pub(crate) const TOTALS_COLUMNS: &[&str] = &[
    "project_id",
    "month",
    "investment",
    "by_june_30",
    "on_time",
    "last_investment_end",
];

/// A month key as stored: `YYYY-MM`.
pub(crate) fn month_key(year: i32, month: u8) -> String {
    format!("{year:04}-{month:02}")
}

/// The fields a report is read with for the totals, in the order [`report_point`] takes them.
const REPORT_FIELDS: [&str; 6] = [
    "r.project_id",
    "r.period_end",
    "r.investment",
    "r.period_kind",
    "r.on_time",
    "p.actual_start",
];

/// Whether a report counts towards the on-time share: the share counts weekly reports first submitted
/// on time that end on or after the project's actual start (docs/status.md).
pub(crate) fn on_time_weekly(weekly: bool, on_time: bool, start: Option<Date>, end: Date) -> bool {
    weekly && on_time && start.is_some_and(|s| end >= s)
}

/// A packed report record ([`REPORT_FIELDS`]) as the totals see it, with its project; `None` for a
/// report without a readable period end.
fn report_point(r: &[String]) -> Result<Option<(i64, ReportPoint)>> {
    let Some(end) = s2d(Some(r[1].clone())) else {
        return Ok(None);
    };
    let start = s2d(Some(r[5].clone()));
    Ok(Some((
        int(&r[0])?,
        ReportPoint {
            period_end: end,
            investment: Yuan(int(&r[2])?),
            on_time_weekly: on_time_weekly(r[3] == "W", r[4] == "1", start, end),
        },
    )))
}

/// A running-totals row as written ([`TOTALS_COLUMNS`]).
fn totals_vals(project_id: i64, year: i32, t: &MonthTotal) -> Vec<Val> {
    vec![
        Val::I(project_id),
        Val::T(month_key(year, t.month)),
        Val::I(t.investment),
        Val::I(t.by_june_30),
        Val::I(t.on_time),
        Val::OT(t.last_investment_end.map(diaodu_domain::period::fmt_date)),
    ]
}

/// The upsert clause that adds newly written reports — none of them replacing a stored one — to the
/// running totals, for rows from [`new_report_rows`]. Exact because the totals are sums: the rows of
/// each (project, year) run from its first reported month to December (`month_totals`), so a month at
/// or after the new reports' first month either has a row, which gains the new reports' running
/// totals, or has none, because nothing was reported that year up to it, and gets them as its row.
/// One upsert per 5,000 rows instead of rewriting the months from the reports. The projects must be
/// locked ([`Store::lock_projects_by_code`]). An edit of a stored report cannot be added this way (its
/// latest investment date may move back): those go through [`Store::refresh_totals`].
pub(crate) const ADD_TO_TOTALS: &str = "ON CONFLICT (project_id, month) DO UPDATE SET \
     investment = report_totals.investment + excluded.investment, \
     by_june_30 = report_totals.by_june_30 + excluded.by_june_30, \
     on_time = report_totals.on_time + excluded.on_time, \
     last_investment_end = CASE WHEN report_totals.last_investment_end IS NULL \
     OR report_totals.last_investment_end < excluded.last_investment_end \
     THEN excluded.last_investment_end ELSE report_totals.last_investment_end END";

/// The running totals of new reports alone, by project and year (`on_time_weekly` already decided),
/// as rows to add with [`ADD_TO_TOTALS`]: one row per month from each year's first new report on.
pub(crate) fn new_report_rows(points: &BTreeMap<(i64, i32), Vec<ReportPoint>>) -> Vec<Vec<Val>> {
    let mut rows = Vec::new();
    for ((pid, y), pts) in points {
        for t in month_totals(*y, pts) {
            rows.push(totals_vals(*pid, *y, &t));
        }
    }
    rows
}

/// A packed running-totals record ([`TOTALS_COLUMNS`]): its project, month key and totals.
fn totals_record(r: &[String]) -> Result<(i64, String, MonthTotal)> {
    let month = r[1].get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0);
    Ok((
        int(&r[0])?,
        r[1].clone(),
        MonthTotal {
            month,
            investment: int(&r[2])?,
            by_june_30: int(&r[3])?,
            on_time: int(&r[4])?,
            last_investment_end: s2d(Some(r[5].clone())),
        },
    ))
}

impl Store {
    /// Locks the projects' rows until the transaction ends (PostgreSQL; SQLite writers already take
    /// turns), in id order. `NO KEY UPDATE` because a report's foreign key holds a `KEY SHARE` lock on
    /// its project, which `NO KEY UPDATE` does not wait for: `FOR UPDATE` here deadlocks two
    /// submissions to one project.
    pub(crate) async fn lock_projects(
        &self,
        conn: &mut sqlx::AnyConnection,
        project_ids: &[i64],
    ) -> Result<()> {
        if self.engine != Engine::Postgres {
            return Ok(());
        }
        let mut ids = project_ids.to_vec();
        ids.sort_unstable();
        let sql = format!(
            "SELECT id FROM projects WHERE id IN ({}) ORDER BY id FOR NO KEY UPDATE",
            crate::pack::json_set(self.engine, 1, true)
        );
        sqlx::query(&sql)
            .bind(crate::pack::json_ints(&ids))
            .fetch_all(&mut *conn)
            .await?;
        Ok(())
    }

    /// The projects named by `codes` — id, unit and actual start by code — with their rows locked as
    /// [`Store::lock_projects`] locks them (PostgreSQL, in id order), in one statement: an import
    /// finds its projects and locks them at once. The actual start decides whether a weekly report
    /// counts towards the on-time share; read under the lock, an edit of the start cannot slip between
    /// the read and the totals written from it. Codes not in the library are absent; `codes` should be
    /// distinct (a repeated one is looked up again).
    pub(crate) async fn lock_projects_by_code<S: AsRef<str>>(
        &self,
        conn: &mut sqlx::AnyConnection,
        codes: &[S],
    ) -> Result<HashMap<String, (i64, i64, Option<Date>)>> {
        let lock = match self.engine {
            Engine::Postgres => " ORDER BY p.id FOR NO KEY UPDATE OF p",
            Engine::Sqlite => "",
        };
        // The codes travel as JSON, distinct (the callers dedupe them), and are joined to the projects
        // — not `IN`, whose semi-join makes the engine dedupe 20,000 codes again — and never as
        // `code = ANY` of a cast array: PostgreSQL cannot fold the cast at planning time, so once
        // statistics made it prefer a sequential scan it searched the 20,000-element array linearly
        // for every project (110 s where the index takes 50 ms).
        let codes_src = match self.engine {
            Engine::Postgres => "jsonb_array_elements_text($3::jsonb) AS c(code)",
            Engine::Sqlite => "(SELECT value AS code FROM json_each($3)) AS c",
        };
        let list = crate::pack::json_texts(codes);
        let rest = format!(
            "FROM (SELECT p.code, p.id, p.unit_id, p.actual_start FROM {codes_src} \
             JOIN projects p ON p.code = c.code{lock}) x"
        );
        let binds = [Val::T(list)];
        let fields = ["x.code", "x.id", "x.unit_id", "x.actual_start"];
        let mut out = HashMap::with_capacity(codes.len());
        for r in crate::pack::fetch(&mut *conn, &fields, &rest, &binds).await? {
            let start = s2d(Some(r[3].clone()));
            out.insert(r[0].clone(), (int(&r[1])?, int(&r[2])?, start));
        }
        Ok(out)
    }

    /// Adds one report's change to the running totals of its month and the months after it in its
    /// year, in one statement: `investment` more yuan, `on_time` more on-time weekly reports, and its
    /// period end as the latest investment date if it carries investment and is later. Returns `false`
    /// — having changed nothing that a rewrite from that month would not redo — when those months do
    /// not all have rows yet (the year's first report, or one earlier than the first); the caller
    /// then rewrites them with [`Store::refresh_totals`]. The project must be locked.
    pub(crate) async fn add_to_totals(
        &self,
        conn: &mut sqlx::AnyConnection,
        project_id: i64,
        end: Date,
        investment: i64,
        on_time: i64,
        positive: bool,
    ) -> Result<bool> {
        let m = u8::from(end.month());
        let by_june = if end.month() <= time::Month::June {
            investment
        } else {
            0
        };
        let n = sqlx::query(
            "UPDATE report_totals SET investment = investment + $1, by_june_30 = by_june_30 + $2, \
             on_time = on_time + $3, last_investment_end = CASE WHEN $4 = 1 AND \
             (last_investment_end IS NULL OR last_investment_end < $5) THEN $5 ELSE last_investment_end END \
             WHERE project_id = $6 AND month >= $7 AND month <= $8",
        )
        .bind(investment)
        .bind(by_june)
        .bind(on_time)
        .bind(i64::from(positive))
        .bind(diaodu_domain::period::fmt_date(end))
        .bind(project_id)
        .bind(month_key(end.year(), m))
        .bind(month_key(end.year(), 12))
        .execute(&mut *conn)
        .await?
        .rows_affected();
        Ok(n == u64::from(13 - m))
    }

    /// Rewrites the running totals of `project_ids` inside the caller's transaction: with `from =
    /// Some((year, month))`, those of that year from that month on, continuing the month before's row
    /// (a report of month M changes only M and later); with `None`, every year's from all reports. On
    /// PostgreSQL the projects' rows are locked first, so that two transactions adding reports to one
    /// project take turns and the second sums the first's report too (SQLite writers already take
    /// turns). `NO KEY UPDATE` because the report's foreign key already holds a `KEY SHARE` lock on the
    /// project, which `NO KEY UPDATE` does not wait for: a plain `FOR UPDATE` here deadlocks two
    /// submissions to one project.
    pub(crate) async fn refresh_totals(
        &self,
        conn: &mut sqlx::AnyConnection,
        project_ids: &[i64],
        from: Option<(i32, u8)>,
    ) -> Result<()> {
        let mut ids = project_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        // Ids travel as one JSON parameter (`pack::json_set`), as `$1` in the deletes and `$3` in the
        // packed reads (see `pack.rs`: an import refreshes thousands of projects); chunks bound the
        // packed text read back.
        let list = crate::pack::json_set(self.engine, 1, true);
        let in_ids = crate::pack::json_set(self.engine, 3, true);
        for chunk in ids.chunks(2_000) {
            let json_ids = crate::pack::json_ints(chunk);
            self.lock_projects(&mut *conn, chunk).await?;
            let mut base: HashMap<i64, MonthTotal> = HashMap::new();
            let id_binds = vec![Val::T(json_ids.clone())];
            let recs = match from {
                Some((y, m)) => {
                    if m > 1 {
                        let rest = format!(
                            "FROM report_totals WHERE project_id IN ({in_ids}) AND month = $4"
                        );
                        let mut binds = id_binds.clone();
                        binds.push(Val::T(month_key(y, m - 1)));
                        for r in
                            crate::pack::fetch(&mut *conn, TOTALS_COLUMNS, &rest, &binds).await?
                        {
                            let (pid, _, t) = totals_record(&r)?;
                            base.insert(pid, t);
                        }
                    }
                    let del = format!(
                        "DELETE FROM report_totals WHERE project_id IN ({list}) AND month >= $2 AND month <= $3"
                    );
                    sqlx::query(&del)
                        .bind(json_ids.as_str())
                        .bind(month_key(y, m))
                        .bind(month_key(y, 12))
                        .execute(&mut *conn)
                        .await?;
                    let rest = format!(
                        "FROM projects p CROSS JOIN reports r WHERE r.project_id = p.id AND p.id IN ({in_ids}) \
                         AND r.period_end >= $4 AND r.period_end <= $5"
                    );
                    let mut binds = id_binds.clone();
                    binds.push(Val::T(format!("{}-01", month_key(y, m))));
                    binds.push(Val::T(format!("{y:04}-12-31")));
                    crate::pack::fetch(&mut *conn, &REPORT_FIELDS, &rest, &binds).await?
                }
                None => {
                    let del = format!("DELETE FROM report_totals WHERE project_id IN ({list})");
                    sqlx::query(&del)
                        .bind(json_ids.as_str())
                        .execute(&mut *conn)
                        .await?;
                    let rest = format!(
                        "FROM projects p CROSS JOIN reports r WHERE r.project_id = p.id AND p.id IN ({in_ids})"
                    );
                    crate::pack::fetch(&mut *conn, &REPORT_FIELDS, &rest, &id_binds).await?
                }
            };
            let mut points: BTreeMap<(i64, i32), Vec<ReportPoint>> = BTreeMap::new();
            for r in &recs {
                if let Some((pid, pt)) = report_point(r)? {
                    points
                        .entry((pid, pt.period_end.year()))
                        .or_default()
                        .push(pt);
                }
            }
            // A project whose month before has a row keeps rows even without reports since.
            if let Some((y, _)) = from {
                for id in base.keys() {
                    points.entry((*id, y)).or_default();
                }
            }
            let mut out = Vec::with_capacity(points.len() * 12);
            for ((pid, y), pts) in &points {
                let totals = match from {
                    Some((_, m)) => month_totals_from(*y, m, base.get(pid).copied(), pts),
                    None => month_totals(*y, pts),
                };
                for t in totals {
                    out.push(totals_vals(*pid, *y, &t));
                }
            }
            bulk::insert(conn, "report_totals", TOTALS_COLUMNS, out).await?;
        }
        Ok(())
    }

    /// Rebuilds every project's running totals from the reports (after the table is created, and by
    /// `diaodu status --rebuild-totals`). Returns the number of projects with reports.
    pub async fn rebuild_report_totals(&self) -> Result<usize> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT project_id FROM reports")
            .fetch_all(&self.pool)
            .await?;
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM report_totals")
            .execute(&mut *tx)
            .await?;
        self.refresh_totals(&mut tx, &ids, None).await?;
        tx.commit().await?;
        Ok(ids.len())
    }

    /// The running totals of one project (tests and checks), ordered by month.
    pub async fn report_totals(&self, project_id: i64) -> Result<Vec<(String, MonthTotal)>> {
        let rows = sqlx::query(
            "SELECT month, investment, by_june_30, on_time, last_investment_end FROM report_totals \
             WHERE project_id = $1 ORDER BY month",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let month: String = r.try_get("month")?;
                let m: u8 = month.get(5..7).and_then(|s| s.parse().ok()).unwrap_or(0);
                Ok((
                    month,
                    MonthTotal {
                        month: m,
                        investment: r.try_get("investment")?,
                        by_june_30: r.try_get("by_june_30")?,
                        on_time: r.try_get("on_time")?,
                        last_investment_end: s2d(r.try_get("last_investment_end")?),
                    },
                ))
            })
            .collect()
    }

    /// Compares the stored running totals with totals recomputed from the reports and returns the
    /// projects whose rows differ (empty when all agree). Used by the tests after every kind of write
    /// and by `diaodu status --check-totals`; reads 2,000 projects a statement.
    pub async fn check_report_totals(&self) -> Result<Vec<i64>> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM projects ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        let in_ids = crate::pack::json_set(self.engine, 3, true);
        let reports_rest = format!(
            "FROM projects p CROSS JOIN reports r WHERE r.project_id = p.id AND p.id IN ({in_ids})"
        );
        let totals_rest = format!("FROM report_totals WHERE project_id IN ({in_ids})");
        let mut bad = Vec::new();
        for chunk in ids.chunks(2_000) {
            let binds = [Val::T(crate::pack::json_ints(chunk))];
            let mut points: BTreeMap<(i64, i32), Vec<ReportPoint>> = BTreeMap::new();
            for r in &crate::pack::fetch(&self.pool, &REPORT_FIELDS, &reports_rest, &binds).await? {
                if let Some((pid, pt)) = report_point(r)? {
                    points
                        .entry((pid, pt.period_end.year()))
                        .or_default()
                        .push(pt);
                }
            }
            let mut expected: HashMap<i64, BTreeMap<String, MonthTotal>> = HashMap::new();
            for ((pid, y), pts) in &points {
                let rows = expected.entry(*pid).or_default();
                for t in month_totals(*y, pts) {
                    rows.insert(month_key(*y, t.month), t);
                }
            }
            let mut stored: HashMap<i64, BTreeMap<String, MonthTotal>> = HashMap::new();
            for r in &crate::pack::fetch(&self.pool, TOTALS_COLUMNS, &totals_rest, &binds).await? {
                let (pid, month, t) = totals_record(r)?;
                stored.entry(pid).or_default().insert(month, t);
            }
            bad.extend(
                chunk
                    .iter()
                    .filter(|id| expected.get(id).filter(|m| !m.is_empty()) != stored.get(id)),
            );
        }
        Ok(bad)
    }
}
