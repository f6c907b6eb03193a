//! Keeping the running totals of reports (`report_year_totals`, see `diaodu_domain::totals`) in step
//! with the reports: every write path that adds, edits or removes reports, or moves a project's actual
//! start, updates them inside its own transaction, so a reader never sees one without the other.
//!
//! The totals hold the closed days only: reports ending before the first open day (setting
//! `totals.open_from`, see [`Reports::open_from`]: the Monday of last week) are in them, later ones are
//! not, and a status as of an open day adds the open days' reports to its month's total. This week's and
//! last week's reports — the bulk of every import and submission — then write no totals at all; each
//! Monday the week before last is added in ([`Reports::move_open_from`]).
//!
//! One row per project and year holds the twelve months' running totals side by side (`inv_1` …
//! `inv_12`, `h1_…`, `ot_…`, `last_…`): a report of any month changes one row, where a row per month
//! made a report of January rewrite twelve. A year has a row when the project reported in it; its months
//! before the first report hold zeros, which readers take as "nothing reported yet", as before.

use crate::Reports;
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use diaodu_domain::status::ReportPoint;
use diaodu_domain::totals::{month_totals, month_totals_from, MonthTotal};
use diaodu_domain::Yuan;
use time::Date;

use crate::bulk::{self, Val};
use crate::pack::int;
use crate::{s2d, Result, Store};

/// The setting holding the first open day (`YYYY-MM-DD`); absent, every day is closed (a database from
/// before the open days, whose totals hold every report).
const OPEN_FROM_KEY: &str = "totals.open_from";

/// The PostgreSQL advisory lock guarding the first open day: every writer of the totals holds it shared
/// from its first statement, so it reads the day once and writes by it until it commits; moving the
/// day holds it exclusively. Taken before any project's row, by both, so that the two
/// cannot wait for each other.
const OPEN_FROM_LOCK: i64 = 0x6464_6f70_656e_6d6f;

/// Whether a report ending on `end` is in the totals: it ends before the first open day `open`.
pub(crate) fn closed(open: Option<Date>, end: Date) -> bool {
    open.is_none_or(|o| end < o)
}

/// The last day whose reports the totals hold: the day before the first open day, or the last day
/// there is.
fn closed_until(open: Option<Date>) -> Date {
    open.and_then(|o| o.previous_day()).unwrap_or(Date::MAX)
}

/// The four running totals of month `m` as columns of `report_year_totals`, in [`MonthTotal`]'s order:
/// investment, investment by 30 June, on-time weekly reports, latest investment end.
pub(crate) fn month_columns(m: u8) -> [String; 4] {
    [
        format!("inv_{m}"),
        format!("h1_{m}"),
        format!("ot_{m}"),
        format!("last_{m}"),
    ]
}

/// The columns of `report_year_totals`, in the order rows are written: the project, the year, then
/// each month's four totals.
pub(crate) fn totals_columns() -> Vec<&'static str> {
    totals_columns_from(1)
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

/// Packed report records ([`REPORT_FIELDS`]) as the totals see them, by project and year.
fn points_by_year(recs: &[Vec<String>]) -> Result<BTreeMap<(i64, i32), Vec<ReportPoint>>> {
    let mut points: BTreeMap<(i64, i32), Vec<ReportPoint>> = BTreeMap::new();
    for r in recs {
        if let Some((pid, pt)) = report_point(r)? {
            points
                .entry((pid, pt.period_end.year()))
                .or_default()
                .push(pt);
        }
    }
    Ok(points)
}

/// A year's twelve months from the months a computation produced (from its first reported month, or
/// from a given month, to December): the months before are zeros.
fn twelve(months: &[MonthTotal]) -> [MonthTotal; 12] {
    let mut out: [MonthTotal; 12] = std::array::from_fn(|k| MonthTotal {
        month: k as u8 + 1,
        ..MonthTotal::default()
    });
    for t in months {
        out[usize::from(t.month) - 1] = *t;
    }
    out
}

/// A year row as written ([`totals_columns`]).
fn year_vals(project_id: i64, year: i32, months: &[MonthTotal; 12]) -> Vec<Val> {
    let mut v = Vec::with_capacity(50);
    v.push(Val::I(project_id));
    v.push(Val::I(i64::from(year)));
    for t in months {
        v.push(Val::I(t.investment));
        v.push(Val::I(t.by_june_30));
        v.push(Val::I(t.on_time));
        v.push(Val::OT(
            t.last_investment_end.map(diaodu_domain::period::fmt_date),
        ));
    }
    v
}

/// A packed year row ([`totals_columns`]): its project, year and twelve months.
fn year_record(r: &[String]) -> Result<(i64, i32, [MonthTotal; 12])> {
    let year = int(&r[1])? as i32;
    let months = std::array::from_fn(|k| {
        let f = &r[2 + 4 * k..6 + 4 * k];
        MonthTotal {
            month: k as u8 + 1,
            investment: f[0].parse().unwrap_or(0),
            by_june_30: f[1].parse().unwrap_or(0),
            on_time: f[2].parse().unwrap_or(0),
            last_investment_end: s2d(Some(f[3].clone())),
        }
    });
    Ok((int(&r[0])?, year, months))
}

/// The columns a year row carries from month `from` on: the project, the year, then the four totals of
/// each month from `from` to December (from 1: every column, as [`totals_columns`]).
static TOTALS_COLUMNS_FROM: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    (1..=12u8)
        .map(|from| {
            let mut c = vec!["project_id".to_string(), "year".to_string()];
            for m in from..=12 {
                c.extend(month_columns(m));
            }
            c
        })
        .collect()
});

/// [`TOTALS_COLUMNS_FROM`] of month `from` as `&str`s, for the bulk writer.
pub(crate) fn totals_columns_from(from: u8) -> Vec<&'static str> {
    TOTALS_COLUMNS_FROM[usize::from(from) - 1]
        .iter()
        .map(String::as_str)
        .collect()
}

/// The upsert clauses that add new reports, and the differences of edited ones, to the running totals,
/// by the first month the rows carry ([`new_report_rows`]). Exact because the totals are sums: the
/// rows' own running totals are added month by month to the year's row from that month on (a row
/// carries nothing for the months before, which its reports do not change), or become the row when the
/// year had none — its earlier months then take the table's defaults, zeros and no date, as a year's
/// months before its first report hold. One upsert per 5,000 rows instead of rewriting the months from
/// the reports; a week's import in November writes two months of each row, not twelve. The projects
/// must be locked ([`Store::lock_projects_by_code`]). An edit that takes a report's investment away
/// cannot be added this way (its latest investment date may move back): those go through
/// [`Store::refresh_totals`].
static ADD_TO_TOTALS_FROM: LazyLock<Vec<String>> = LazyLock::new(|| {
    (1..=12u8)
        .map(|from| {
            let mut sets = Vec::new();
            for m in from..=12 {
                let [inv, h1, ot, last] = month_columns(m);
                for c in [inv, h1, ot] {
                    sets.push(format!("{c} = report_year_totals.{c} + excluded.{c}"));
                }
                sets.push(format!(
                    "{last} = CASE WHEN excluded.{last} IS NOT NULL AND (report_year_totals.{last} IS NULL \
                     OR report_year_totals.{last} < excluded.{last}) THEN excluded.{last} \
                     ELSE report_year_totals.{last} END"
                ));
            }
            format!(
                "ON CONFLICT (project_id, year) DO UPDATE SET {}",
                sets.join(", ")
            )
        })
        .collect()
});

/// [`ADD_TO_TOTALS_FROM`] of month `from`.
pub(crate) fn add_to_totals_from(from: u8) -> &'static str {
    &ADD_TO_TOTALS_FROM[usize::from(from) - 1]
}

/// The running totals of new reports (`on_time_weekly` already decided) and of edits' differences, by
/// project and year, as rows to add with [`add_to_totals_from`], grouped by the first month they carry
/// (the earliest month of their points).
pub(crate) fn new_report_rows(
    points: &BTreeMap<(i64, i32), Vec<ReportPoint>>,
) -> BTreeMap<u8, Vec<Vec<Val>>> {
    let mut out: BTreeMap<u8, Vec<Vec<Val>>> = BTreeMap::new();
    for ((pid, y), pts) in points {
        let Some(from) = pts.iter().map(|p| u8::from(p.period_end.month())).min() else {
            continue;
        };
        let mut v = year_vals(*pid, *y, &twelve(&month_totals(*y, pts)));
        // The project and year, then the months from `from` on (four values each).
        v.drain(2..2 + 4 * usize::from(from - 1));
        out.entry(from).or_default().push(v);
    }
    out
}

/// The first open day as of `today`: the Monday of the week before today's.
pub(crate) fn first_open_day(today: Date) -> Date {
    today - time::Duration::days(i64::from(today.weekday().number_days_from_monday()) + 7)
}

/// A year's months as they count: `None` when they hold nothing — no investment, no on-time report, no
/// date — which readers take as no row at all (moving the first open day back can leave such a row
/// where the year's only reports are now open).
fn counted(months: [MonthTotal; 12]) -> Option<[MonthTotal; 12]> {
    months
        .iter()
        .any(|t| {
            t.investment != 0
                || t.by_june_30 != 0
                || t.on_time != 0
                || t.last_investment_end.is_some()
        })
        .then_some(months)
}

/// A project an import has locked, with what its reports are checked against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LockedProject {
    pub id: i64,
    pub unit_id: i64,
    pub actual_start: Option<Date>,
    pub bounds: crate::reports::ReportBounds,
}

impl Store {
    /// The first open day as a writer of the totals reads it, inside its transaction and before it locks
    /// any project: on PostgreSQL under the shared [`OPEN_FROM_LOCK`], which keeps it from moving
    /// until the transaction ends (SQLite writers take turns with the move).
    pub(crate) async fn open_from_shared(
        &self,
        conn: &mut sqlx::AnyConnection,
    ) -> Result<Option<Date>> {
        // On PostgreSQL the lock and the read in one round trip (a submission's).
        let v: Option<String> = if self.engine.row_locks() {
            sqlx::query_scalar(
                "SELECT (SELECT value FROM settings WHERE key = $1) AS v \
                     FROM (SELECT pg_advisory_xact_lock_shared($2)) l",
            )
            .bind(OPEN_FROM_KEY)
            .bind(OPEN_FROM_LOCK)
            .fetch_one(&mut *conn)
            .await?
        } else {
            crate::setting_in(&mut *conn, OPEN_FROM_KEY).await?
        };
        Ok(s2d(v))
    }

    async fn move_open_from_to(&self, to: Date, forward_only: bool) -> Result<bool> {
        let mut tx = self.begin().await?;
        if self.engine.row_locks() {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(OPEN_FROM_LOCK)
                .execute(&mut *tx)
                .await?;
        }
        let stored = crate::setting_in(&mut tx, OPEN_FROM_KEY).await?;
        let old = s2d(stored.clone());
        if old == Some(to) || (forward_only && old.is_some_and(|o| o > to)) {
            return Ok(false);
        }
        // The reports between the old and the new first open day change side.
        let lo = old.map_or(to, |o| o.min(to));
        let hi = closed_until(old.map(|o| o.max(to)));
        let ds = diaodu_domain::period::fmt_date;
        crate::put_setting(&mut tx, OPEN_FROM_KEY, &ds(to), stored.is_some()).await?;
        if let Some(o) = old.filter(|o| to > *o) {
            // Forward, the days closed only add reports: their own running totals are added to the
            // rows in place, as an import adds new reports (one upsert per 5,000 rows, in place on
            // PostgreSQL's roomy pages), instead of rewriting the rows from their months' reports —
            // a province's week: about 0.5 s instead of 3–4 s, while every writer waits. No project
            // need be locked: every writer of the totals waits for the exclusive lock held here.
            let rest = "FROM projects p CROSS JOIN reports r WHERE r.project_id = p.id \
                        AND r.period_end >= $3 AND r.period_end <= $4";
            let binds = [Val::T(ds(o)), Val::T(ds(hi))];
            let points =
                points_by_year(&crate::pack::fetch(&mut *tx, &REPORT_FIELDS, rest, &binds).await?)?;
            for (from, rows) in new_report_rows(&points) {
                bulk::upsert(
                    &mut tx,
                    "report_year_totals",
                    &totals_columns_from(from),
                    rows,
                    add_to_totals_from(from),
                )
                .await?;
            }
        } else {
            // Back (or from every day closed), the days reopened are taken out: the rows of the
            // projects that reported in them are rewritten from their reports before the new day.
            // Each project that reported in them, with its latest report among them.
            let reported: Vec<(i64, String)> = sqlx::query_as(
                "SELECT project_id, MAX(period_end) FROM reports \
                 WHERE period_end >= $1 AND period_end <= $2 GROUP BY project_id",
            )
            .bind(ds(lo))
            .bind(ds(hi))
            .fetch_all(&mut *tx)
            .await?;
            let ids: Vec<i64> = reported.iter().map(|(id, _)| *id).collect();
            let last = reported.into_iter().map(|(_, l)| l).max();
            for y in lo.year()..=s2d(last).map_or(lo.year() - 1, |l| l.year()) {
                let m = if y == lo.year() {
                    u8::from(lo.month())
                } else {
                    1
                };
                self.refresh_totals(&mut tx, &ids, Some((y, m)), Some(to))
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Locks the projects' rows until the transaction ends (PostgreSQL; SQLite writers already take
    /// turns), in id order. `NO KEY UPDATE` because a report's foreign key holds a `KEY SHARE` lock on
    /// its project, which `NO KEY UPDATE` does not wait for: `FOR UPDATE` here deadlocks two
    /// submissions to one project.
    pub(crate) async fn lock_projects(
        &self,
        conn: &mut sqlx::AnyConnection,
        project_ids: &[i64],
    ) -> Result<()> {
        if !self.engine.row_locks() {
            return Ok(());
        }
        let mut ids = project_ids.to_vec();
        ids.sort_unstable();
        let sql = format!(
            "SELECT id FROM projects WHERE id IN ({}) ORDER BY id FOR NO KEY UPDATE",
            crate::dialect::json_set(self.engine, 1, true)
        );
        sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
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
    ) -> Result<HashMap<String, LockedProject>> {
        let lock = crate::dialect::row_lock(self.engine, " ORDER BY p.id FOR NO KEY UPDATE OF p");
        let projects = crate::dialect::projects_of_codes(self.engine, 3);
        let list = crate::pack::json_texts(codes);
        let rest = format!(
            "FROM (SELECT p.code, p.id, p.unit_id, p.actual_start, p.total_investment, p.annual_plan, \
             p.plan_year FROM {projects}{lock}) x"
        );
        let binds = [Val::T(list)];
        let fields = [
            "x.code",
            "x.id",
            "x.unit_id",
            "x.actual_start",
            "x.total_investment",
            "x.annual_plan",
            "x.plan_year",
        ];
        let text = crate::pack::fetch_text(&mut *conn, &fields, &rest, &binds).await?;
        // Codes and dates are checked text (no separators): read in place, each code copied once.
        let recs = crate::pack::records(&text, fields.len())?;
        let mut out = HashMap::with_capacity(recs.len());
        for r in recs {
            out.insert(
                r[0].to_string(),
                LockedProject {
                    id: int(r[1])?,
                    unit_id: int(r[2])?,
                    actual_start: diaodu_domain::period::parse_date(r[3]).ok(),
                    bounds: crate::reports::ReportBounds {
                        total: diaodu_domain::Yuan(int(r[4])?),
                        plan: diaodu_domain::Yuan(int(r[5])?),
                        plan_year: int(r[6])? as i32,
                    },
                },
            );
        }
        Ok(out)
    }

    /// Adds one report's change to the running totals of its month and the months after it in its
    /// year, in one statement: `investment` more yuan, `on_time` more on-time weekly reports, and its
    /// period end as the latest investment date if it carries investment and is later. Returns `false`
    /// — having changed nothing — when the year has no row yet (the year's first report); the caller
    /// then writes it with [`Store::refresh_totals`]. The project must be locked.
    pub(crate) async fn add_to_totals(
        &self,
        conn: &mut sqlx::AnyConnection,
        project_id: i64,
        end: Date,
        investment: i64,
        on_time: i64,
        positive: bool,
    ) -> Result<bool> {
        let by_june = if end.month() <= time::Month::June {
            investment
        } else {
            0
        };
        let mut sets = Vec::new();
        for m in u8::from(end.month())..=12 {
            let [inv, h1, ot, last] = month_columns(m);
            sets.push(format!("{inv} = {inv} + $1"));
            sets.push(format!("{h1} = {h1} + $2"));
            sets.push(format!("{ot} = {ot} + $3"));
            sets.push(format!(
                "{last} = CASE WHEN $4 = 1 AND ({last} IS NULL OR {last} < $5) THEN $5 ELSE {last} END"
            ));
        }
        let sql = format!(
            "UPDATE report_year_totals SET {} WHERE project_id = $6 AND year = $7",
            sets.join(", ")
        );
        let n = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(investment)
            .bind(by_june)
            .bind(on_time)
            .bind(i64::from(positive))
            .bind(diaodu_domain::period::fmt_date(end))
            .bind(project_id)
            .bind(i64::from(end.year()))
            .execute(&mut *conn)
            .await?
            .rows_affected();
        Ok(n == 1)
    }

    /// Rewrites the running totals of `project_ids` inside the caller's transaction, from the reports
    /// before `open` (the first open day the caller read with [`Store::open_from_shared`]): with `from =
    /// Some((year, month))`, the months of that year from that month on, continuing the month before
    /// (a report of month M changes only M and later); with `None`, every year's from all reports. On
    /// PostgreSQL the projects' rows are locked first, so that two transactions adding reports to one
    /// project take turns and the second sums the first's report too (SQLite writers already take
    /// turns).
    pub(crate) async fn refresh_totals(
        &self,
        conn: &mut sqlx::AnyConnection,
        project_ids: &[i64],
        from: Option<(i32, u8)>,
        open: Option<Date>,
    ) -> Result<()> {
        let until = diaodu_domain::period::fmt_date(closed_until(open));
        let mut ids = project_ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        // Ids travel as one JSON parameter (`pack::json_set`), as `$1` in the deletes and `$3` in the
        // packed reads (see `pack.rs`: an import refreshes thousands of projects); chunks bound the
        // packed text read back.
        let list = crate::dialect::json_set(self.engine, 1, true);
        let in_ids = crate::dialect::json_set(self.engine, 3, true);
        let columns = totals_columns();
        for chunk in ids.chunks(2_000) {
            let json_ids = crate::pack::json_ints(chunk);
            self.lock_projects(&mut *conn, chunk).await?;
            let id_binds = vec![Val::T(json_ids.clone())];
            let mut rows = Vec::new();
            match from {
                Some((y, m)) => {
                    // Each project's stored year row (its months before M stay as they are).
                    let rest = format!(
                        "FROM report_year_totals WHERE project_id IN ({in_ids}) AND year = $4"
                    );
                    let mut binds = id_binds.clone();
                    binds.push(Val::I(i64::from(y)));
                    let mut stored: HashMap<i64, [MonthTotal; 12]> = HashMap::new();
                    for r in crate::pack::fetch(&mut *conn, &columns, &rest, &binds).await? {
                        let (pid, _, months) = year_record(&r)?;
                        stored.insert(pid, months);
                    }
                    let rest = format!(
                        "FROM projects p CROSS JOIN reports r WHERE r.project_id = p.id AND p.id IN ({in_ids}) \
                         AND r.period_end >= $4 AND r.period_end <= $5"
                    );
                    let mut binds = id_binds.clone();
                    binds.push(Val::T(format!("{y:04}-{m:02}-01")));
                    binds.push(Val::T(format!("{y:04}-12-31").min(until.clone())));
                    let mut points: BTreeMap<i64, Vec<ReportPoint>> = BTreeMap::new();
                    for r in &crate::pack::fetch(&mut *conn, &REPORT_FIELDS, &rest, &binds).await? {
                        if let Some((pid, pt)) = report_point(r)? {
                            points.entry(pid).or_default().push(pt);
                        }
                    }
                    for pid in chunk {
                        let old = stored.get(pid);
                        let pts = points.get(pid).map(Vec::as_slice).unwrap_or(&[]);
                        if pts.is_empty() && (old.is_none() || m == 1) {
                            continue; // no closed report in the year: no row
                        }
                        let base = if m > 1 {
                            old.map(|o| o[usize::from(m) - 2])
                        } else {
                            None
                        };
                        let mut months = old.copied().unwrap_or_else(|| twelve(&[]));
                        let since = twelve(&month_totals_from(y, m, base, pts));
                        months[usize::from(m) - 1..].copy_from_slice(&since[usize::from(m) - 1..]);
                        rows.push(year_vals(*pid, y, &months));
                    }
                    let del = format!(
                        "DELETE FROM report_year_totals WHERE project_id IN ({list}) AND year = $2"
                    );
                    sqlx::query(sqlx::AssertSqlSafe(del.as_str()))
                        .bind(json_ids.as_str())
                        .bind(i64::from(y))
                        .execute(&mut *conn)
                        .await?;
                }
                None => {
                    let del =
                        format!("DELETE FROM report_year_totals WHERE project_id IN ({list})");
                    sqlx::query(sqlx::AssertSqlSafe(del.as_str()))
                        .bind(json_ids.as_str())
                        .execute(&mut *conn)
                        .await?;
                    let rest = format!(
                        "FROM projects p CROSS JOIN reports r WHERE r.project_id = p.id AND p.id IN ({in_ids}) \
                         AND r.period_end <= $4"
                    );
                    let mut binds = id_binds.clone();
                    binds.push(Val::T(until.clone()));
                    let points = points_by_year(
                        &crate::pack::fetch(&mut *conn, &REPORT_FIELDS, &rest, &binds).await?,
                    )?;
                    // Written year by year: a year's rows then lie side by side, as they do when
                    // each project's first report of the year creates its row in January, and the
                    // weekly writes of the current year touch its pages only.
                    let mut years: Vec<(&(i64, i32), &Vec<ReportPoint>)> = points.iter().collect();
                    years.sort_by_key(|((pid, y), _)| (*y, *pid));
                    for ((pid, y), pts) in years {
                        rows.push(year_vals(*pid, *y, &twelve(&month_totals(*y, pts))));
                    }
                }
            }
            bulk::insert(conn, "report_year_totals", &columns, rows).await?;
        }
        Ok(())
    }
}

impl Reports<'_> {
    /// The year's investment of the projects in `scope` from 1 January to the end of each month that
    /// the running totals hold whole (ended before the first open day and by `d`), month by month: a
    /// chart's line of the year's actual investment, read from one row per project.
    pub async fn monthly_investment(
        self,
        tree: &crate::UnitTree,
        scope: diaodu_domain::access::Scope,
        year: i32,
        d: Date,
    ) -> Result<Vec<(Date, Yuan)>> {
        let open = self.reports().open_from().await?;
        let months: Vec<u8> = (1..=12u8)
            .filter(|m| {
                let mm = time::Month::try_from(*m).expect("month");
                let last = Date::from_calendar_date(year, mm, mm.length(year)).expect("valid");
                last <= d && closed(open, last)
            })
            .collect();
        if months.is_empty() {
            return Ok(Vec::new());
        }
        let sums: Vec<String> = months
            .iter()
            .map(|m| format!("CAST(COALESCE(SUM(t.inv_{m}), 0) AS BIGINT)"))
            .collect();
        let (filter, prefix) = match tree.scope_prefix(scope) {
            None => (String::new(), None),
            Some(p) => (" AND u.path LIKE $2".to_string(), Some(format!("{p}%"))),
        };
        let sql = format!(
            "SELECT {} FROM report_year_totals t JOIN projects p ON p.id = t.project_id \
             JOIN units u ON u.id = p.unit_id WHERE t.year = $1{filter}",
            sums.join(", ")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(i64::from(year));
        if let Some(p) = prefix {
            q = q.bind(p);
        }
        let row = q.fetch_one(&self.pool).await?;
        use sqlx::Row;
        months
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let mm = time::Month::try_from(*m).expect("month");
                let last = Date::from_calendar_date(year, mm, mm.length(year)).expect("valid");
                Ok((last, Yuan(row.try_get::<i64, _>(i)?)))
            })
            .collect()
    }

    /// The first open day: the totals hold the reports ending before it (see the module's
    /// documentation). `None`: every day is closed.
    pub async fn open_from(self) -> Result<Option<Date>> {
        Ok(s2d(self.setting(OPEN_FROM_KEY).await?))
    }

    /// Moves the first open day to `day`, in one transaction: forward, the days it closes are added
    /// to the totals of the projects that reported in them; back, the days it reopens are taken out.
    /// Every writer waits meanwhile (closing a week of a province's reports: 0.6–0.7 s, each Monday).
    /// Returns whether it moved.
    pub async fn move_open_from(self, day: Date) -> Result<bool> {
        self.move_open_from_to(day, false).await
    }

    /// Moves the first open day forward to the Monday of last week (Beijing time) when it is behind,
    /// or when every day is still closed (a database from before the open days): at every connection,
    /// and by the server each minute, so that a week closes within a minute of Monday 00:00. Last week
    /// stays open for the late reports and corrections of Monday and after; this week is being filed.
    /// Returns whether it moved.
    pub async fn keep_open_from_current(self) -> Result<bool> {
        let target = first_open_day(crate::today_local());
        match self.reports().open_from().await? {
            Some(o) if o >= target => Ok(false),
            _ => self.move_open_from_to(target, true).await,
        }
    }

    /// Rebuilds every project's running totals from the reports (after the table is created, and by
    /// `diaodu status --rebuild-totals`). Returns the number of projects with reports.
    pub async fn rebuild_totals(self) -> Result<usize> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT project_id FROM reports")
            .fetch_all(&self.pool)
            .await?;
        let mut tx = self.begin().await?;
        let open = self.open_from_shared(&mut tx).await?;
        sqlx::query("DELETE FROM report_year_totals")
            .execute(&mut *tx)
            .await?;
        self.refresh_totals(&mut tx, &ids, None, open).await?;
        tx.commit().await?;
        Ok(ids.len())
    }

    /// The running totals of one project (tests and checks): every month of every year with a row,
    /// ordered by month (`YYYY-MM`).
    pub async fn totals(self, project_id: i64) -> Result<Vec<(String, MonthTotal)>> {
        let rest = "FROM report_year_totals WHERE project_id = $3";
        let binds = [Val::I(project_id)];
        let mut years = Vec::new();
        for r in crate::pack::fetch(&self.pool, &totals_columns(), rest, &binds).await? {
            years.push(year_record(&r)?);
        }
        years.sort_by_key(|(_, y, _)| *y);
        Ok(years
            .into_iter()
            .flat_map(|(_, y, months)| {
                months
                    .into_iter()
                    .map(move |t| (format!("{y:04}-{:02}", t.month), t))
            })
            .collect())
    }

    /// Compares the stored running totals with totals recomputed from the reports of the closed months
    /// and returns the projects whose rows differ (empty when all agree; a year holding nothing counts
    /// as no row). Used by the tests after every kind of write
    /// and by `diaodu status --check-totals`; reads 2,000 projects a statement.
    pub async fn check_totals(self) -> Result<Vec<i64>> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM projects ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        let until =
            diaodu_domain::period::fmt_date(closed_until(self.reports().open_from().await?));
        let in_ids = crate::dialect::json_set(self.engine, 3, true);
        let reports_rest = format!(
            "FROM projects p CROSS JOIN reports r WHERE r.project_id = p.id AND p.id IN ({in_ids}) \
             AND r.period_end <= $4"
        );
        let totals_rest = format!("FROM report_year_totals WHERE project_id IN ({in_ids})");
        let columns = totals_columns();
        let mut bad = Vec::new();
        for chunk in ids.chunks(2_000) {
            let binds = [Val::T(crate::pack::json_ints(chunk))];
            let report_binds = [binds[0].clone(), Val::T(until.clone())];
            let points = points_by_year(
                &crate::pack::fetch(&self.pool, &REPORT_FIELDS, &reports_rest, &report_binds)
                    .await?,
            )?;
            let mut expected: HashMap<i64, BTreeMap<i32, [MonthTotal; 12]>> = HashMap::new();
            for ((pid, y), pts) in &points {
                if let Some(months) = counted(twelve(&month_totals(*y, pts))) {
                    expected.entry(*pid).or_default().insert(*y, months);
                }
            }
            let mut stored: HashMap<i64, BTreeMap<i32, [MonthTotal; 12]>> = HashMap::new();
            for r in &crate::pack::fetch(&self.pool, &columns, &totals_rest, &binds).await? {
                let (pid, y, months) = year_record(r)?;
                if let Some(months) = counted(months) {
                    stored.entry(pid).or_default().insert(y, months);
                }
            }
            bad.extend(chunk.iter().filter(|id| expected.get(id) != stored.get(id)));
        }
        Ok(bad)
    }
}
