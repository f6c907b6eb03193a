//! The project library (项目库): projects, the admission check on entry, and the per-project facts
//! the status rules need, aggregated in one SQL pass.

use crate::Projects;
use std::collections::{BTreeSet, HashMap, HashSet};

use diaodu_domain::access::Scope;
use diaodu_domain::import::{ImportError, ProjectRow};
use diaodu_domain::project::{check_fields_on, Category, EnvApproval, ProjectFields, Stage};
use diaodu_domain::status::{project_status, Light, ProjectFacts, ProjectStatus, StatusSettings};
use diaodu_domain::totals::{
    combine, combine_tail, LastInvestment, MonthTotal, RecentSums, TailSums,
};
use diaodu_domain::Yuan;
use serde::Serialize;
use sqlx::{FromRow, Row};
use time::{Date, Duration, Month};

use crate::audit::AUDIT_COLUMNS;
use crate::bulk::{self, Val};
use crate::{audit, d2s, like_escape, now_ts, s2d, Actor, Result, Store, StoreError, UnitTree};

/// A stored project.
#[derive(Debug, Clone, Serialize)]
pub struct Project {
    /// Id.
    pub id: i64,
    /// 责任单位.
    pub unit_id: i64,
    /// The editable fields.
    #[serde(flatten)]
    pub fields: ProjectFields,
    /// Version for optimistic concurrency.
    pub version: i64,
    /// Created (UTC).
    pub created_at: String,
    /// Last changed (UTC).
    pub updated_at: String,
}

/// Filters of the project list.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    /// Only this unit and those below it.
    pub unit_id: Option<i64>,
    /// Stage.
    pub stage: Option<Stage>,
    /// Category.
    pub category: Option<Category>,
    /// Concentrated-start batch.
    pub batch: Option<String>,
    /// Light.
    pub light: Option<Light>,
    /// Words in code or name.
    pub q: Option<String>,
    /// Exactly this project.
    pub project_id: Option<i64>,
    /// Only these projects (a page of a list, see [`Projects::status_page`]).
    pub project_ids: Option<Vec<i64>>,
    /// Only the projects with this flag of their status (the cockpit's drill-downs).
    pub flag: Option<StatusFlag>,
}

/// A flag of a project's status a list can be narrowed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFlag {
    /// 开而未建: started, without investment for the stall window.
    Stalled,
    /// 逾期未开工: not started though the planned start has passed.
    LateStart,
}

impl StatusFlag {
    /// Parses `stalled` or `late_start`.
    pub fn parse(s: &str) -> Option<StatusFlag> {
        match s.trim() {
            "stalled" => Some(StatusFlag::Stalled),
            "late_start" => Some(StatusFlag::LateStart),
            _ => None,
        }
    }

    /// Its Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            StatusFlag::Stalled => "开而未建",
            StatusFlag::LateStart => "逾期未开工",
        }
    }

    /// Whether a status has it.
    pub fn of(self, s: &ProjectStatus) -> bool {
        match self {
            StatusFlag::Stalled => s.started && s.stalled,
            StatusFlag::LateStart => s.not_started_past_plan,
        }
    }
}

impl ProjectFilter {
    /// Whether the filter narrows the projects by something the database selects: not the light,
    /// which needs the status, nor the words, which [`words_match`] checks on the rows read.
    fn narrows(&self) -> bool {
        self.unit_id.is_some()
            || self.stage.is_some()
            || self.category.is_some()
            || self.batch.as_deref().is_some_and(|b| !b.is_empty())
            || self.project_id.is_some()
            || self.project_ids.is_some()
    }
}

/// Whether a project's code or name holds the filter's words `q` (trimmed; any case, by Rust's
/// full Unicode lowercasing): one test for every path that lists projects, so that a list read from
/// the cache, a page and a narrowed list agree.
fn words_match(q: Option<&str>, code: &str, name: &str) -> bool {
    let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else {
        return true;
    };
    let q = q.to_lowercase();
    code.to_lowercase().contains(&q) || name.to_lowercase().contains(&q)
}

/// A statement with its leading parameters, then the filter values.
fn bind_all<'q>(
    sql: &str,
    lead: &'q [String],
    fargs: &'q [String],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for a in lead.iter().chain(fargs) {
        q = q.bind(a.as_str());
    }
    q
}

use crate::pack::{int, packed, unpack, FS, RS};

fn opt_i64(s: &str) -> Option<i64> {
    if s.is_empty() {
        None
    } else {
        s.parse().ok()
    }
}

fn opt_date(s: &str) -> Option<Date> {
    if s.is_empty() {
        None
    } else {
        diaodu_domain::period::parse_date(s).ok()
    }
}

/// One condition of the project filter, on the projects `p` and their units `u` of a statement,
/// testing parameter `$n`.
enum Cond {
    /// The unit's subtree (a `LIKE` prefix of its path).
    UnitPath,
    /// One project.
    ProjectId,
    /// A construction stage.
    Stage,
    /// A category.
    Category,
    /// A concentrated-start batch.
    Batch,
    /// Some projects: a JSON array of their ids.
    ProjectIds(crate::Engine),
}

impl Cond {
    fn sql(&self, p: &str, u: &str, n: usize) -> String {
        match self {
            Cond::UnitPath => format!("{u}.path LIKE ${n} ESCAPE '\\'"),
            Cond::ProjectId => format!("{p}.id = CAST(${n} AS BIGINT)"),
            Cond::Stage => format!("{p}.stage = ${n}"),
            Cond::Category => format!("{p}.category = ${n}"),
            Cond::Batch => format!("{p}.batch = ${n}"),
            Cond::ProjectIds(engine) => {
                format!("{p}.id IN ({})", crate::dialect::json_set(*engine, n, true))
            }
        }
    }
}

/// The conditions selecting `filter`'s projects within `scope`, with their parameters (the light
/// is not among them: it needs the status).
fn conditions(
    engine: crate::Engine,
    tree: &UnitTree,
    scope: Scope,
    filter: &ProjectFilter,
) -> Vec<(Cond, String)> {
    let mut conds: Vec<(Cond, String)> = Vec::new();
    if let Some(prefix) = tree.scope_prefix(scope) {
        conds.push((Cond::UnitPath, format!("{}%", like_escape(&prefix))));
    }
    if let Some(uid) = filter.unit_id {
        let prefix = tree
            .get(uid)
            .map(|u| u.path.clone())
            .unwrap_or_else(|| "/none/".into());
        conds.push((Cond::UnitPath, format!("{}%", like_escape(&prefix))));
    }
    if let Some(id) = filter.project_id {
        conds.push((Cond::ProjectId, id.to_string()));
    }
    if let Some(st) = filter.stage {
        conds.push((Cond::Stage, st.code().into()));
    }
    if let Some(c) = filter.category {
        conds.push((Cond::Category, c.code().into()));
    }
    if let Some(b) = filter.batch.as_ref().filter(|b| !b.is_empty()) {
        conds.push((Cond::Batch, b.clone()));
    }
    if let Some(ids) = &filter.project_ids {
        conds.push((Cond::ProjectIds(engine), crate::pack::json_ints(ids)));
    }
    conds
}

/// A project's report sums as of the status date, from the running totals (or, the reference way,
/// from its reports), before they become its `ProjectFacts`.
#[derive(Debug, Clone, Default)]
struct ReportSums {
    /// Investment of this year's periods ending by the date, in yuan.
    ytd: i64,
    /// The same, of periods ending by 30 June.
    by_june_30: i64,
    /// The latest end date of a period with investment within the stall window (ISO text).
    last_investment_end: Option<String>,
    /// Weekly reports of this year filed on time, from the actual start.
    on_time_weekly: i64,
}

/// A project's report sums as the direct query returns them.
#[derive(sqlx::FromRow)]
struct SumsRecord {
    project_id: i64,
    ytd: i64,
    h1: i64,
    last_inv: Option<String>,
    on_time: i64,
}

/// Where the report sums behind a status come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SumsVia {
    /// The running totals of the month before D plus the reports of D's month (the normal way).
    Totals,
    /// Every report of the year up to D (the reference).
    Reports,
}

/// A project with its computed status as of a date.
#[derive(Debug, Clone)]
pub struct ProjectStatusRow {
    /// The project.
    pub project: Project,
    /// Owner unit name.
    pub unit_name: String,
    /// Facts aggregated from its reports.
    pub facts: ProjectFacts,
    /// Status.
    pub status: ProjectStatus,
}

const PROJECT_COLUMNS: &str = "p.id, p.unit_id, p.code, p.name, p.leader, p.category, p.stage, p.total_investment, \
     p.plan_year, p.annual_plan, p.planned_start, p.planned_finish, p.actual_start, p.batch, p.industry, \
     p.env_approval, p.planning_year, p.entered_on, p.version, p.created_at, p.updated_at";

/// A project from a packed record (the order of `packed_statuses`' columns).
fn project_from_fields(f: &[&str]) -> Result<Project> {
    Ok(Project {
        id: int(f[0])?,
        unit_id: int(f[1])?,
        fields: ProjectFields {
            code: f[2].to_string(),
            name: f[3].to_string(),
            leader: f[4].to_string(),
            category: Category::parse(f[5]).unwrap_or(Category::Other),
            stage: Stage::parse(f[6]).unwrap_or(Stage::Reserve),
            total_investment: Yuan(int(f[7])?),
            plan_year: int(f[8])? as i32,
            annual_plan: Yuan(int(f[9])?),
            planned_start: opt_date(f[10]),
            planned_finish: opt_date(f[11]),
            actual_start: opt_date(f[12]),
            batch: f[13].to_string(),
            industry: f[14].to_string(),
            env_approval: EnvApproval::parse(f[15]).unwrap_or(EnvApproval::Pending),
            planning_year: opt_i64(f[16]).map(|y| y as i32),
            entered_on: opt_date(f[17]),
        },
        version: int(f[18])?,
        created_at: f[19].to_string(),
        updated_at: f[20].to_string(),
    })
}

/// A project as the database holds it (the columns of [`PROJECT_COLUMNS`]).
#[derive(sqlx::FromRow)]
struct ProjectRecord {
    id: i64,
    unit_id: i64,
    code: String,
    name: String,
    leader: String,
    category: String,
    stage: String,
    total_investment: i64,
    plan_year: i64,
    annual_plan: i64,
    planned_start: Option<String>,
    planned_finish: Option<String>,
    actual_start: Option<String>,
    batch: String,
    industry: String,
    env_approval: String,
    planning_year: Option<i64>,
    entered_on: String,
    version: i64,
    created_at: String,
    updated_at: String,
}

impl From<ProjectRecord> for Project {
    fn from(r: ProjectRecord) -> Project {
        Project {
            id: r.id,
            unit_id: r.unit_id,
            fields: ProjectFields {
                code: r.code,
                name: r.name,
                leader: r.leader,
                category: Category::parse(&r.category).unwrap_or(Category::Other),
                stage: Stage::parse(&r.stage).unwrap_or(Stage::Reserve),
                total_investment: Yuan(r.total_investment),
                plan_year: r.plan_year as i32,
                annual_plan: Yuan(r.annual_plan),
                planned_start: s2d(r.planned_start),
                planned_finish: s2d(r.planned_finish),
                actual_start: s2d(r.actual_start),
                batch: r.batch,
                industry: r.industry,
                env_approval: EnvApproval::parse(&r.env_approval).unwrap_or(EnvApproval::Pending),
                planning_year: r.planning_year.map(|y| y as i32),
                entered_on: diaodu_domain::period::parse_date(&r.entered_on).ok(),
            },
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A project with its unit's name, as the status list reads it.
#[derive(sqlx::FromRow)]
struct ProjectWithUnit {
    #[sqlx(flatten)]
    project: ProjectRecord,
    unit_name: String,
}

fn field_errors(f: &ProjectFields) -> Result<()> {
    let errs = check_fields_on(f, crate::today_local());
    if errs.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(
            errs.into_iter()
                .map(|e| (e.field.to_string(), e.message))
                .collect(),
        ))
    }
}

pub(crate) fn project_json(unit_id: i64, f: &ProjectFields) -> serde_json::Value {
    let mut v = serde_json::to_value(f).expect("json");
    v["unit_id"] = serde_json::json!(unit_id);
    v
}

fn project_vals(unit_id: i64, f: &ProjectFields, now: &str) -> Vec<Val> {
    vec![
        Val::T(f.code.trim().to_string()),
        Val::T(f.name.trim().to_string()),
        Val::I(unit_id),
        Val::T(f.leader.trim().to_string()),
        Val::T(f.category.code().into()),
        Val::T(f.stage.code().into()),
        Val::I(f.total_investment.0),
        Val::I(i64::from(f.plan_year)),
        Val::I(f.annual_plan.0),
        Val::OT(d2s(f.planned_start)),
        Val::OT(d2s(f.planned_finish)),
        Val::OT(d2s(f.actual_start)),
        Val::T(f.batch.trim().to_string()),
        Val::T(f.industry.trim().to_string()),
        Val::T(f.env_approval.code().into()),
        Val::OI(f.planning_year.map(i64::from)),
        Val::T(diaodu_domain::period::fmt_date(
            f.entered_on.unwrap_or_else(crate::today_local),
        )),
        Val::T(now.to_string()),
        Val::T(now.to_string()),
    ]
}

const INSERT_COLUMNS: &[&str] = &[
    "code",
    "name",
    "unit_id",
    "leader",
    "category",
    "stage",
    "total_investment",
    "plan_year",
    "annual_plan",
    "planned_start",
    "planned_finish",
    "actual_start",
    "batch",
    "industry",
    "env_approval",
    "planning_year",
    "entered_on",
    "created_at",
    "updated_at",
];

/// From how many projects whose latest investment the totals cannot tell PostgreSQL reads the stall
/// window of every project at once instead of asking project by project: about 0.3 ms a project (its
/// reports lie on as many pages as it has weeks) against 50–60 ms for the window at province scale.
const UNKNOWN_SCAN_MIN: usize = 200;

impl Store {
    /// The scope's statuses cached under `key` at an older version, brought up to `version` by
    /// computing again only the projects whose reports changed since (see `cache.rs`); `None` when
    /// nothing is cached or the changes since are not all known — the caller computes afresh — and
    /// when a changed project has entered or left the scope. Returns the rows and when the part not
    /// recomputed was computed.
    async fn patched_statuses(
        &self,
        key: &str,
        version: crate::cache::Version,
        tree: &UnitTree,
        scope: Scope,
        d: Date,
        settings: &StatusSettings,
    ) -> Result<Option<(std::sync::Arc<Vec<ProjectStatusRow>>, std::time::Instant)>> {
        let Some((from, rows, at)) = self.status_cache.statuses.stale(key) else {
            return Ok(None);
        };
        let Some(changes) = self.known_changes(from, version).await? else {
            return Ok(None);
        };
        let changed: BTreeSet<i64> = changes
            .iter()
            .flat_map(|c| c.reports.iter().map(|(pid, _)| *pid))
            .collect();
        let mut rows = (*rows).clone();
        for pid in changed {
            let filter = ProjectFilter {
                project_id: Some(pid),
                ..ProjectFilter::default()
            };
            let fresh = self
                .projects()
                .statuses_via(tree, scope, &filter, d, settings, SumsVia::Totals)
                .await?;
            match (
                rows.iter().position(|r| r.project.id == pid),
                fresh.into_iter().next(),
            ) {
                (Some(i), Some(row)) => rows[i] = row,
                (None, None) => {}
                _ => return Ok(None),
            }
        }
        Ok(Some((std::sync::Arc::new(rows), at)))
    }

    /// The projects matching the filters with their report sums from the running totals (see
    /// `diaodu_domain::totals`), each statement returning its rows packed into one text value: drivers
    /// pay per row returned, and a province has 50,000 projects. `None` when a record does not unpack
    /// (a text field held a separator).
    #[allow(clippy::too_many_arguments)]
    async fn packed_statuses(
        &self,
        fargs: &[String],
        filter_for: &(dyn Fn(&str, &str, usize) -> String + Sync),
        d: Date,
        due_hi: Date,
        settings: &StatusSettings,
        open: Option<Date>,
        sums: &mut HashMap<i64, ReportSums>,
    ) -> Result<Option<Vec<(Project, String)>>> {
        let ds = diaodu_domain::period::fmt_date;
        let y = d.year();
        let jan1 = Date::from_calendar_date(y, Month::January, 1).expect("valid");
        let june30 = Date::from_calendar_date(y, Month::June, 30).expect("valid");
        let stall_from = d - Duration::days(settings.stall_days);
        // A unit's projects are found from the unit (its index); the whole library is read in id order,
        // which is also the running totals' order, so their pages are read one after another.
        let by_unit = !fargs.is_empty();
        let from = |p: &str, u: &str| {
            if by_unit {
                format!("units {u} CROSS JOIN projects {p}")
            } else {
                format!("projects {p} CROSS JOIN units {u}")
            }
        };
        // Which month's total of D's year, and which reports beside it (the fewest days the totals
        // allow; see `status_window`).
        let w = diaodu_domain::totals::status_window(d, open, due_hi);
        let tail = w.tail;
        let seps = [FS.to_string(), RS.to_string()];
        let base_cols: [String; 4] = match w.base_month {
            None => ["BIGINT", "BIGINT", "BIGINT", "TEXT"].map(|t| format!("CAST(NULL AS {t})")),
            Some(m) => crate::totals::month_columns(m).map(|c| format!("t.{c}")),
        };
        // December's latest investment date of the year before matters only when the stall window
        // (D − stall days, D] reaches into that year (January, early February): otherwise any date
        // of that year falls before the window, and its row is not read at all — on PostgreSQL a
        // second pass over the running totals.
        let prev_dec =
            stall_from < Date::from_calendar_date(y - 1, Month::December, 31).expect("valid");
        let mut lead: Vec<String> = seps.to_vec();
        lead.push(y.to_string());
        if prev_dec {
            lead.push((y - 1).to_string());
        }
        let cols = [
            "p.id",
            "p.unit_id",
            "p.code",
            "p.name",
            "p.leader",
            "p.category",
            "p.stage",
            "p.total_investment",
            "p.plan_year",
            "p.annual_plan",
            "p.planned_start",
            "p.planned_finish",
            "p.actual_start",
            "p.batch",
            "p.industry",
            "p.env_approval",
            "p.planning_year",
            "p.entered_on",
            "p.version",
            "p.created_at",
            "p.updated_at",
            "u.name",
            base_cols[0].as_str(),
            base_cols[1].as_str(),
            base_cols[2].as_str(),
            base_cols[3].as_str(),
            if prev_dec {
                "t0.last_12"
            } else {
                "CAST(NULL AS TEXT)"
            },
        ];
        let sql = format!(
            "SELECT {agg} AS packed FROM {from} \
             LEFT JOIN report_year_totals t ON t.project_id = p.id AND t.year = CAST($3 AS BIGINT) \
             {prev} WHERE p.unit_id = u.id {outer}",
            // In no order: sorted by code below. An ordered aggregate sorts a province's packed
            // records inside the engine, beyond PostgreSQL's default work memory (on disk); the
            // client sorts the parsed rows in memory.
            agg = packed(&cols, 1, 2),
            from = from("p", "u"),
            prev = if prev_dec {
                "LEFT JOIN report_year_totals t0 ON t0.project_id = p.id AND t0.year = CAST($4 AS BIGINT)"
            } else {
                ""
            },
            outer = filter_for("p", "u", lead.len()),
        );
        // $3 … $8: the window's bounds and the dates the sums compare with (see the two arms).
        let on_time = "r.period_kind = 'W' AND r.on_time = 1 AND r.period_end >= p2.actual_start";
        let (window, sums_lead) = if tail {
            (
                format!(
                    "CAST(SUM(CASE WHEN r.period_end > $3 THEN r.investment ELSE 0 END) AS BIGINT) AS inv, \
                     CAST(SUM(CASE WHEN r.period_end > $3 AND r.period_end <= $5 THEN r.investment ELSE 0 END) AS BIGINT) AS h1, \
                     MAX(CASE WHEN r.investment > 0 AND r.period_end <= $3 THEN r.period_end END) AS last_inv, \
                     0 AS on_add, \
                     CAST(SUM(CASE WHEN {on_time} AND r.period_end > $6 AND r.period_end >= $8 THEN 1 ELSE 0 END) AS BIGINT) AS on_sub"
                ),
                [d, w.scan_to, june30, due_hi, w.scan_from, jan1],
            )
        } else {
            (
                format!(
                    "CAST(SUM(CASE WHEN r.period_end >= $3 THEN r.investment ELSE 0 END) AS BIGINT) AS inv, \
                     CAST(SUM(CASE WHEN r.period_end >= $3 AND r.period_end <= $5 THEN r.investment ELSE 0 END) AS BIGINT) AS h1, \
                     MAX(CASE WHEN r.investment > 0 THEN r.period_end END) AS last_inv, \
                     CAST(SUM(CASE WHEN {on_time} AND r.period_end >= $3 AND r.period_end <= $6 THEN 1 ELSE 0 END) AS BIGINT) AS on_add, \
                     CAST(SUM(CASE WHEN {on_time} AND r.period_end < $3 AND r.period_end > $6 AND r.period_end >= $8 THEN 1 ELSE 0 END) AS BIGINT) AS on_sub"
                ),
                [w.from, d, june30, due_hi, w.scan_from, jan1],
            )
        };
        let sums_sql = format!(
            "SELECT {agg} AS packed FROM (SELECT r.project_id AS pid, {window} \
             FROM {from} CROSS JOIN reports r \
             WHERE p2.unit_id = u2.id AND r.project_id = p2.id AND r.period_end >= $7 AND r.period_end <= $4{inner} \
             GROUP BY r.project_id) x",
            from = from("p2", "u2"),
            agg = packed(&["x.pid", "x.inv", "x.h1", "x.last_inv", "x.on_add", "x.on_sub"], 1, 2),
            inner = filter_for("p2", "u2", 8),
        );
        let sums_lead: Vec<String> = seps
            .iter()
            .cloned()
            .chain(sums_lead.into_iter().map(ds))
            .collect();
        let packed_sums: Option<String> = bind_all(&sums_sql, &sums_lead, fargs)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        let mut window_sums: HashMap<i64, [Option<i64>; 5]> = HashMap::new();
        let mut window_last: HashMap<i64, Option<Date>> = HashMap::new();
        if let Some(text) = packed_sums.as_deref().filter(|t| !t.is_empty()) {
            let Some(recs) = unpack(text, 6) else {
                return Ok(None);
            };
            for f in recs {
                let id = int(f[0])?;
                window_sums.insert(
                    id,
                    [
                        opt_i64(f[1]),
                        opt_i64(f[2]),
                        None,
                        opt_i64(f[4]),
                        opt_i64(f[5]),
                    ],
                );
                window_last.insert(id, opt_date(f[3]));
            }
        }
        let packed_rows: Option<String> = bind_all(&sql, &lead, fargs)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        let Some(text) = packed_rows.filter(|t| !t.is_empty()) else {
            return Ok(Some(Vec::new()));
        };
        let Some(recs) = unpack(&text, cols.len()) else {
            return Ok(None);
        };
        let mut out = Vec::with_capacity(recs.len());
        let mut unknown = Vec::new();
        for f in recs {
            let project = project_from_fields(&f)?;
            let id = project.id;
            let total = opt_i64(f[22]).map(|investment| MonthTotal {
                month: w.base_month.unwrap_or(0),
                investment,
                by_june_30: opt_i64(f[23]).unwrap_or(0),
                on_time: opt_i64(f[24]).unwrap_or(0),
                last_investment_end: opt_date(f[25]),
            });
            let dec = MonthTotal {
                last_investment_end: opt_date(f[26]),
                ..MonthTotal::default()
            };
            let w = window_sums.get(&id).copied().unwrap_or_default();
            let w_last = window_last.get(&id).copied().flatten();
            let (ytd, h1, on, last) = if tail {
                let (ytd, h1, on, last) = combine_tail(
                    total.as_ref(),
                    Some(&dec),
                    d,
                    &TailSums {
                        investment: w[0].unwrap_or(0),
                        by_june_30: w[1].unwrap_or(0),
                        on_time_not_yet_due: w[4].unwrap_or(0),
                        last_investment_end_to_d: w_last,
                    },
                );
                let last = match last {
                    LastInvestment::Known(l) => l,
                    LastInvestment::Unknown => {
                        unknown.push(id);
                        None
                    }
                };
                (ytd, h1, on, last)
            } else {
                combine(
                    total.as_ref(),
                    Some(&dec),
                    &RecentSums {
                        investment: w[0].unwrap_or(0),
                        by_june_30: w[1].unwrap_or(0),
                        on_time_added: w[3].unwrap_or(0),
                        on_time_not_yet_due: w[4].unwrap_or(0),
                        last_investment_end: w_last,
                    },
                )
            };
            // Only the stall window (D − stall days, D] matters (see `ProjectFacts`).
            let last = last.filter(|l| *l > stall_from);
            sums.insert(
                id,
                ReportSums {
                    ytd,
                    by_june_30: h1,
                    last_investment_end: last.map(ds),
                    on_time_weekly: on,
                },
            );
            out.push((project, f[21].to_string()));
        }
        // By code, in byte order (as both engines compare codes).
        out.sort_unstable_by(|a, b| a.0.fields.code.cmp(&b.0.fields.code));
        // The month's latest investment ends after D and none in (D − 2, D]: ask the reports, over
        // the window the stall rule reads.
        if !unknown.is_empty() {
            // PostgreSQL reads the window once for many projects (`dialect::stall_window`).
            let scan = self.engine == crate::Engine::Postgres && unknown.len() >= UNKNOWN_SCAN_MIN;
            let q = crate::dialect::stall_window(self.engine, scan);
            let mut q = sqlx::query_as::<_, (i64, Option<String>)>(sqlx::AssertSqlSafe(q.as_str()))
                .bind(ds(stall_from))
                .bind(ds(d));
            if !scan {
                q = q.bind(crate::pack::json_ints(&unknown));
            }
            let unknown: HashSet<i64> = unknown.into_iter().collect();
            for (id, l) in q.fetch_all(&self.pool).await? {
                // The scan answers for every project; the others' latest dates are known already.
                if !unknown.contains(&id) {
                    continue;
                }
                if let Some(e) = sums.get_mut(&id) {
                    e.last_investment_end = l;
                }
            }
        }
        Ok(Some(out))
    }

    /// The id and unit of each of `codes` that names a project (imports: only the file's projects are
    /// read, not the library's).
    pub(crate) async fn project_keys(
        &self,
        codes: &[String],
    ) -> Result<HashMap<String, (i64, i64)>> {
        let mut out = HashMap::new();
        let mut codes: Vec<&String> = codes.iter().collect();
        codes.sort();
        codes.dedup();
        if codes.is_empty() {
            return Ok(out);
        }
        let rest = format!("FROM {}", crate::dialect::projects_of_codes(self.engine, 3));
        let binds = [Val::T(crate::pack::json_texts(&codes))];
        let fields = ["p.code", "p.id", "p.unit_id"];
        for rec in crate::pack::fetch(&self.pool, &fields, &rest, &binds).await? {
            if let (Ok(id), Ok(unit)) = (rec[1].parse(), rec[2].parse()) {
                out.insert(rec[0].clone(), (id, unit));
            }
        }
        Ok(out)
    }
}

impl Projects<'_> {
    /// Creates a project after the field rules and the admission check. A refusal is recorded (in its
    /// own transaction, so it stays on record) and returned as [`StoreError::Refused`].
    pub async fn create(self, actor: &Actor, unit_id: i64, f: ProjectFields) -> Result<Project> {
        let mut f = f;
        f.entered_on.get_or_insert_with(crate::today_local);
        field_errors(&f)?;
        let rules = self.projects().admission_rules().await?;
        if let Some(rule) = diaodu_domain::project::admission_check(&rules, &f) {
            self.record_refusal(actor, Some(unit_id), &f, rule).await?;
            return Err(StoreError::Refused {
                rule_code: rule.code.clone(),
                rule_name: rule.name.clone(),
            });
        }
        let mut tx = self.begin().await?;
        let dup: Option<i64> = sqlx::query_scalar("SELECT id FROM projects WHERE code = $1")
            .bind(f.code.trim())
            .fetch_optional(&mut *tx)
            .await?;
        if dup.is_some() {
            return Err(StoreError::Conflict(format!(
                "项目编码“{}”已存在",
                f.code.trim()
            )));
        }
        let now = now_ts();
        let placeholders: Vec<String> = (1..=INSERT_COLUMNS.len())
            .map(|i| format!("${i}"))
            .collect();
        let sql = format!(
            "INSERT INTO projects ({}) VALUES ({}) RETURNING id",
            INSERT_COLUMNS.join(", "),
            placeholders.join(", ")
        );
        let mut args = sqlx::any::AnyArguments::default();
        crate::bulk::add_all(&mut args, &project_vals(unit_id, &f, &now))?;
        let id = sqlx::query_scalar_with::<_, i64, _>(sqlx::AssertSqlSafe(sql.as_str()), args)
            .fetch_one(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "create",
            "project",
            f.code.trim(),
            None,
            Some(project_json(unit_id, &f)),
        )
        .await?;
        tx.commit().await?;
        self.projects()
            .get(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("项目".into()))
    }

    /// Updates a project. `expected_version` is the version the editor started from: if someone saved
    /// in between, the edit is refused rather than silently overwriting theirs. Stage changes must follow
    /// the allowed transitions.
    pub async fn update(
        self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        unit_id: i64,
        f: ProjectFields,
    ) -> Result<Project> {
        field_errors(&f)?;
        let old = self
            .projects()
            .get(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("项目".into()))?;
        // An edit that leaves the day of entry empty keeps the one the project has.
        let mut f = f;
        if f.entered_on.is_none() {
            f.entered_on = old.fields.entered_on;
        }
        if !old.fields.stage.can_move_to(f.stage) {
            return Err(StoreError::invalid(
                "建设阶段",
                format!(
                    "不能从“{}”变更为“{}”（允许：{}）",
                    old.fields.stage.zh(),
                    f.stage.zh(),
                    old.fields
                        .stage
                        .next_stages()
                        .iter()
                        .map(|s| s.zh())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            ));
        }
        let mut tx = self.begin().await?;
        // The first open day before the update locks the project's row (see `OPEN_FROM_LOCK`).
        let open = if f.actual_start != old.fields.actual_start {
            self.open_from_shared(&mut tx).await?
        } else {
            None
        };
        if f.code.trim() != old.fields.code {
            let dup: Option<i64> = sqlx::query_scalar("SELECT id FROM projects WHERE code = $1")
                .bind(f.code.trim())
                .fetch_optional(&mut *tx)
                .await?;
            if dup.is_some() {
                return Err(StoreError::Conflict(format!(
                    "项目编码“{}”已存在",
                    f.code.trim()
                )));
            }
        }
        let now = now_ts();
        let n = sqlx::query(
            "UPDATE projects SET code=$1, name=$2, unit_id=$3, leader=$4, category=$5, stage=$6, total_investment=$7, \
             plan_year=$8, annual_plan=$9, planned_start=$10, planned_finish=$11, actual_start=$12, batch=$13, \
             industry=$14, env_approval=$15, planning_year=$16, entered_on=$17, updated_at=$18, \
             version = version + 1 WHERE id=$19 AND version=$20",
        )
        .bind(f.code.trim())
        .bind(f.name.trim())
        .bind(unit_id)
        .bind(f.leader.trim())
        .bind(f.category.code())
        .bind(f.stage.code())
        .bind(f.total_investment.0)
        .bind(i64::from(f.plan_year))
        .bind(f.annual_plan.0)
        .bind(d2s(f.planned_start))
        .bind(d2s(f.planned_finish))
        .bind(d2s(f.actual_start))
        .bind(f.batch.trim())
        .bind(f.industry.trim())
        .bind(f.env_approval.code())
        .bind(f.planning_year.map(i64::from))
        .bind(diaodu_domain::period::fmt_date(
            f.entered_on.unwrap_or_else(crate::today_local),
        ))
        .bind(&now)
        .bind(id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict(
                "该项目已被他人修改，请刷新页面后在最新数据上重新编辑".into(),
            ));
        }
        if f.stage != old.fields.stage {
            // The stage history answers which stage the project was on at any past day.
            sqlx::query(
                "INSERT INTO project_stage_changes (project_id, from_stage, to_stage, changed_on, at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(old.fields.stage.code())
            .bind(f.stage.code())
            .bind(diaodu_domain::period::fmt_date(crate::today_local()))
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        if f.actual_start != old.fields.actual_start {
            // The on-time share counts weekly reports from the actual start on: every year's totals move.
            self.refresh_totals(&mut tx, &[id], None, open).await?;
        }
        audit::record(
            &mut tx,
            actor,
            "update",
            "project",
            f.code.trim(),
            Some(project_json(old.unit_id, &old.fields)),
            Some(project_json(unit_id, &f)),
        )
        .await?;
        tx.commit().await?;
        self.projects()
            .get(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("项目".into()))
    }

    /// A project by id.
    pub async fn get(self, id: i64) -> Result<Option<Project>> {
        let row: Option<ProjectRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {PROJECT_COLUMNS} FROM projects p WHERE p.id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Project::from))
    }

    /// A project by code.
    pub async fn by_code(self, code: &str) -> Result<Option<Project>> {
        let row: Option<ProjectRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {PROJECT_COLUMNS} FROM projects p WHERE p.code = $1"
        )))
        .bind(code.trim())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Project::from))
    }

    /// The distinct concentrated-start batches, for filters.
    pub async fn batches(self) -> Result<Vec<String>> {
        // Every list page shows them; reused until the data changes.
        let version = self.data_version().await?;
        if let Some(b) = self.status_cache.batches.get(version) {
            return Ok(b);
        }
        let mut b: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT batch FROM projects WHERE batch <> ''")
                .fetch_all(&self.pool)
                .await?;
        b.sort_by(|x, y| diaodu_domain::project::batch_order(x, y));
        self.status_cache.batches.put(version, b.clone());
        Ok(b)
    }

    /// Every project in `scope` matching `filter`, with its status as of `d`, ordered by code. The
    /// report sums are computed by the database in one grouped pass over the reports, not per project.
    pub async fn statuses(
        self,
        tree: &UnitTree,
        scope: Scope,
        filter: &ProjectFilter,
        d: Date,
    ) -> Result<Vec<ProjectStatusRow>> {
        let settings = self.status_settings().await?;
        self.projects()
            .statuses_with(tree, scope, filter, d, &settings)
            .await
    }

    /// One page of [`Projects::statuses`] in code order, and how many projects the whole
    /// list has: `offset` and `limit` count projects. A list filtered by its light, or whose scope's
    /// statuses are at hand (or were computed before, and are brought up to date cheaply), is taken
    /// from the whole list; otherwise the filter's projects are counted and ordered by code in the
    /// database and only the page's statuses are computed — a page of 50 of a city's 2,000 projects
    /// as of another day reads 50 projects' reports, not 2,000.
    #[allow(clippy::too_many_arguments)]
    pub async fn status_page(
        self,
        tree: &UnitTree,
        scope: Scope,
        filter: &ProjectFilter,
        d: Date,
        offset: usize,
        limit: usize,
    ) -> Result<(usize, Vec<ProjectStatusRow>)> {
        let settings = self.status_settings().await?;
        let key = format!("{:?}|{}|{:?}", tree.scope_prefix(scope), d, settings);
        let version = self.data_version().await?;
        let known = self.status_cache.statuses.get(&key, version).is_some()
            || self.status_cache.statuses.stale(&key).is_some();
        if filter.light.is_some() || filter.flag.is_some() || known {
            let rows = self
                .projects()
                .statuses_with(tree, scope, filter, d, &settings)
                .await?;
            let total = rows.len();
            return Ok((total, rows.into_iter().skip(offset).take(limit).collect()));
        }
        let conds = conditions(self.engine, tree, scope, filter);
        let fargs: Vec<String> = conds.iter().map(|(_, v)| v.clone()).collect();
        let wh: String = conds
            .iter()
            .enumerate()
            .map(|(k, (c, _))| format!(" AND {}", c.sql("p", "u", 1 + k)))
            .collect();
        let sql = format!(
            "SELECT p.id, p.code, p.name FROM units u CROSS JOIN projects p WHERE p.unit_id = u.id{wh}"
        );
        let mut q = sqlx::query_as::<_, (i64, String, String)>(sqlx::AssertSqlSafe(sql.as_str()));
        for a in &fargs {
            q = q.bind(a.as_str());
        }
        let mut ids = q.fetch_all(&self.pool).await?;
        ids.retain(|(_, code, name)| words_match(filter.q.as_deref(), code, name));
        // The order the whole list has (`statuses_via` orders by code).
        ids.sort_by(|a, b| a.1.cmp(&b.1));
        let total = ids.len();
        let page: Vec<i64> = ids
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|r| r.0)
            .collect();
        if page.is_empty() {
            return Ok((total, Vec::new()));
        }
        let filter = ProjectFilter {
            project_ids: Some(page),
            ..filter.clone()
        };
        let rows = self
            .projects()
            .statuses_via(tree, scope, &filter, d, &settings, SumsVia::Totals)
            .await?;
        Ok((total, rows))
    }

    /// As [`Projects::statuses`], with given settings.
    pub async fn statuses_with(
        self,
        tree: &UnitTree,
        scope: Scope,
        filter: &ProjectFilter,
        d: Date,
        settings: &StatusSettings,
    ) -> Result<Vec<ProjectStatusRow>> {
        // The whole scope's statuses, computed once per data version (see `cache.rs`), filtered
        // here. One project (a project page) is taken from them when they are at hand, and otherwise
        // computed directly rather than the whole scope for it.
        let key = format!("{:?}|{}|{:?}", tree.scope_prefix(scope), d, settings);
        let version = self.data_version().await?;
        let mut cached = self.status_cache.statuses.get(&key, version);
        // A miss for a narrower list than the scope — one project, a page, a unit, a stage, words —
        // of a date whose statuses were never computed (a list as of another day) computes only
        // those projects: nothing at hand would be patched, and the whole scope may never be asked
        // for. A key computed before is brought up to date whole (`patched_statuses`), which costs
        // only the projects changed since.
        if cached.is_none()
            && (filter.project_id.is_some()
                || filter.project_ids.is_some()
                || (filter.narrows() && self.status_cache.statuses.stale(&key).is_none()))
        {
            return self
                .projects()
                .statuses_via(tree, scope, filter, d, settings, SumsVia::Totals)
                .await;
        }
        let _turn = if cached.is_none() {
            let turn = self.status_cache.computing.turn(&key).await;
            // Another request may have computed it while this one waited.
            let version = self.data_version().await?;
            cached = self.status_cache.statuses.get(&key, version);
            Some((turn, version))
        } else {
            None
        };
        let version = _turn.as_ref().map(|t| t.1).unwrap_or(version);
        let all = match cached {
            Some(rows) => rows,
            None => match self
                .patched_statuses(&key, version, tree, scope, d, settings)
                .await?
            {
                Some((rows, at)) => {
                    self.status_cache
                        .statuses
                        .put_computed_at(key, version, rows.clone(), at);
                    rows
                }
                None => {
                    let rows = std::sync::Arc::new(
                        self.projects()
                            .statuses_via(
                                tree,
                                scope,
                                &ProjectFilter::default(),
                                d,
                                settings,
                                SumsVia::Totals,
                            )
                            .await?,
                    );
                    self.status_cache.statuses.put(key, version, rows.clone());
                    rows
                }
            },
        };
        let unit_prefix = filter.unit_id.map(|uid| {
            tree.get(uid)
                .map(|u| u.path.clone())
                .unwrap_or_else(|| "/none/".into())
        });
        Ok(all
            .iter()
            .filter(|r| {
                let f = &r.project.fields;
                filter.project_id.is_none_or(|id| r.project.id == id)
                    && filter
                        .project_ids
                        .as_ref()
                        .is_none_or(|ids| ids.contains(&r.project.id))
                    && unit_prefix.as_ref().is_none_or(|p| {
                        tree.get(r.project.unit_id)
                            .is_some_and(|u| u.path.starts_with(p.as_str()))
                    })
                    && filter.stage.is_none_or(|s| f.stage == s)
                    && filter.category.is_none_or(|c| f.category == c)
                    && filter
                        .batch
                        .as_deref()
                        .filter(|b| !b.is_empty())
                        .is_none_or(|b| f.batch == b)
                    && filter.light.is_none_or(|l| r.status.light == l)
                    && filter.flag.is_none_or(|fl| fl.of(&r.status))
                    && words_match(filter.q.as_deref(), &f.code, &f.name)
            })
            .cloned()
            .collect())
    }

    /// As [`Projects::statuses_with`], with the report sums taken the way `via` says. Both ways
    /// give the same statuses (the tests check every day of two years); [`SumsVia::Reports`] is the
    /// reference and the benchmark's comparison.
    pub async fn statuses_via(
        self,
        tree: &UnitTree,
        scope: Scope,
        filter: &ProjectFilter,
        d: Date,
        settings: &StatusSettings,
        via: SumsVia,
    ) -> Result<Vec<ProjectStatusRow>> {
        let y = d.year();
        let jan1 = Date::from_calendar_date(y, Month::January, 1).expect("valid");
        let june30 = Date::from_calendar_date(y, Month::June, 30).expect("valid");
        // The last Sunday whose weekly report is due by D, under the reporting calendar.
        let due_hi = self.reports().calendar().await?.weekly_due_through(d);
        let ds = diaodu_domain::period::fmt_date;
        // The stall rule asks whether investment fell in (D − stall days, D]; the reports are read from
        // the earlier of that window's start and 1 January.
        let scan_from = jan1.min(d - Duration::days(settings.stall_days));
        // The totals answer the stall question from December of the year before at the earliest.
        let via = if scan_from.year() < y - 1 {
            SumsVia::Reports
        } else {
            via
        };
        let conds = conditions(self.engine, tree, scope, filter);
        let fargs: Vec<String> = conds.iter().map(|(_, v)| v.clone()).collect();
        // The filters, written for the aliases of one statement, their parameters numbered after its
        // `lead` date parameters.
        let filter_for = |p: &str, u: &str, lead: usize| -> String {
            conds
                .iter()
                .enumerate()
                .map(|(k, (c, _))| format!(" AND {}", c.sql(p, u, lead + 1 + k)))
                .collect()
        };
        // Two statements rather than a join to a grouped subquery, and the sums walk units → projects →
        // reports in that order (CROSS JOIN fixes the order in SQLite and is a plain join elsewhere), so
        // the database reads only the chosen projects' reports of the window, from the covering
        // (project_id, period_end, …) index, instead of grouping every report first.
        let mut sums: HashMap<i64, ReportSums> = HashMap::new();
        let mut projects: Vec<(Project, String)> = Vec::new();
        let mut packed_done = false;
        if via == SumsVia::Totals {
            loop {
                let open = self.reports().open_from().await?;
                // The totals hold the closed days: a day more than a month after the first open
                // day (a day to come, or a first open day not moved for long) would read as many
                // reports as the reference, which then sums them.
                if open.is_some_and(|o| d - o > Duration::days(31)) {
                    break;
                }
                // Packed rows; `None` only if some text held a separator, then the reference way
                // below.
                sums.clear();
                let packed = self
                    .packed_statuses(&fargs, &filter_for, d, due_hi, settings, open, &mut sums)
                    .await?;
                // The first open day moved meanwhile (each Monday): the two statements may have
                // read the totals on either side of the move. Again.
                if self.reports().open_from().await? != open {
                    continue;
                }
                if let Some(p) = packed {
                    projects = p;
                    packed_done = true;
                }
                break;
            }
        }
        if !packed_done {
            sums.clear();
            let lead = vec![
                ds(jan1),
                ds(d),
                ds(june30.min(d)),
                ds(due_hi),
                ds(scan_from),
                ds(d - Duration::days(settings.stall_days)),
            ];
            let sql = format!(
                "SELECT {PROJECT_COLUMNS}, u.name AS unit_name FROM units u CROSS JOIN projects p \
                     WHERE p.unit_id = u.id {outer} ORDER BY p.code",
                outer = filter_for("p", "u", 0),
            );
            let sums_sql = format!(
                    "SELECT r.project_id, \
                         CAST(SUM(CASE WHEN r.period_end >= $1 THEN r.investment ELSE 0 END) AS BIGINT) AS ytd, \
                         CAST(SUM(CASE WHEN r.period_end >= $1 AND r.period_end <= $3 THEN r.investment ELSE 0 END) AS BIGINT) AS h1, \
                         MAX(CASE WHEN r.investment > 0 AND r.period_end > $6 THEN r.period_end END) AS last_inv, \
                         CAST(SUM(CASE WHEN r.period_kind = 'W' AND r.on_time = 1 AND r.period_end >= $1 AND r.period_end <= $4 \
                             AND r.period_end >= p2.actual_start THEN 1 ELSE 0 END) AS BIGINT) AS on_time \
                     FROM units u2 CROSS JOIN projects p2 CROSS JOIN reports r \
                     WHERE p2.unit_id = u2.id AND r.project_id = p2.id AND r.period_end >= $5 AND r.period_end <= $2{inner} \
                     GROUP BY r.project_id",
                    inner = filter_for("p2", "u2", 6),
                );
            let rows = bind_all(&sql, &[], &fargs).fetch_all(&self.pool).await?;
            for r in &rows {
                let r = ProjectWithUnit::from_row(r)?;
                projects.push((r.project.into(), r.unit_name));
            }
            for r in bind_all(&sums_sql, &lead, &fargs)
                .fetch_all(&self.pool)
                .await?
            {
                let r = SumsRecord::from_row(&r)?;
                sums.insert(
                    r.project_id,
                    ReportSums {
                        ytd: r.ytd,
                        by_june_30: r.h1,
                        last_investment_end: r.last_inv,
                        on_time_weekly: r.on_time,
                    },
                );
            }
        }
        let mut out = Vec::with_capacity(projects.len());
        for (project, unit_name) in projects {
            let f = &project.fields;
            let sum = sums.remove(&project.id).unwrap_or_default();
            let facts = ProjectFacts {
                stage: f.stage,
                plan_year: f.plan_year,
                annual_plan: f.annual_plan,
                planned_start: f.planned_start,
                actual_start: f.actual_start,
                ytd: Yuan(sum.ytd),
                by_june_30: Yuan(sum.by_june_30),
                last_investment_end: s2d(sum.last_investment_end),
                on_time_reports: sum.on_time_weekly as u32,
            };
            let status = project_status(&facts, d, due_hi, settings);
            if filter.light.is_some_and(|l| l != status.light)
                || filter.flag.is_some_and(|fl| !fl.of(&status))
                || !words_match(filter.q.as_deref(), &f.code, &f.name)
            {
                continue;
            }
            out.push(ProjectStatusRow {
                unit_name,
                project,
                facts,
                status,
            });
        }
        Ok(out)
    }

    /// Imports projects all or nothing: every row is checked (fields, unit, duplicate codes in the file
    /// and in the library, admission rules) before anything is written; then one transaction writes them
    /// in batches. Rows refused by an admission rule are kept on record even though the import fails.
    pub async fn import(
        self,
        actor: &Actor,
        rows: &[ProjectRow],
        mut errors: Vec<ImportError>,
    ) -> Result<std::result::Result<usize, Vec<ImportError>>> {
        let tree = self.units().await?;
        let codes: Vec<String> = rows
            .iter()
            .map(|r| r.fields.code.trim().to_string())
            .collect();
        let existing: HashSet<String> = self.project_keys(&codes).await?.into_keys().collect();
        let rules = self.projects().admission_rules().await?;
        let mut seen: HashMap<String, usize> = HashMap::new();
        let today = crate::today_local();
        let mut ok_rows = Vec::with_capacity(rows.len());
        let mut refused = Vec::new();
        for r in rows {
            let mut row_ok = true;
            let unit = match tree.resolve(&r.unit) {
                Ok(u) => Some(u),
                Err(m) => {
                    errors.push(ImportError::new(r.row, "责任单位", m));
                    row_ok = false;
                    None
                }
            };
            for e in check_fields_on(&r.fields, today) {
                errors.push(ImportError::new(r.row, e.field, e.message));
                row_ok = false;
            }
            let code = r.fields.code.trim().to_string();
            if existing.contains(&code) {
                errors.push(ImportError::new(
                    r.row,
                    "项目编码",
                    format!("“{code}”已在项目库中"),
                ));
                row_ok = false;
            }
            if let Some(first) = seen.insert(code.clone(), r.row) {
                errors.push(ImportError::new(
                    r.row,
                    "项目编码",
                    format!("“{code}”与第{first}行重复"),
                ));
                row_ok = false;
            }
            if let Some(rule) = diaodu_domain::project::admission_check(&rules, &r.fields) {
                errors.push(ImportError::new(
                    r.row,
                    "",
                    format!(
                        "项目“{}”未通过准入审查：{}",
                        r.fields.name.trim(),
                        rule.name
                    ),
                ));
                refused.push((unit.map(|u| u.id), &r.fields, rule));
                row_ok = false;
            }
            if row_ok {
                ok_rows.push((unit.expect("checked").id, &r.fields));
            }
        }
        for (unit_id, f, rule) in refused {
            self.record_refusal(actor, unit_id, f, rule).await?;
        }
        if !errors.is_empty() {
            diaodu_domain::import::sort_errors(&mut errors);
            return Ok(Err(errors));
        }
        let now = now_ts();
        let n = ok_rows.len();
        let today = crate::today_local();
        let owned: Vec<(i64, ProjectFields)> = ok_rows
            .into_iter()
            .map(|(u, f)| {
                let mut f = f.clone();
                f.entered_on.get_or_insert(today);
                (u, f)
            })
            .collect();
        let actor = actor.clone();
        let mut tx = self.begin().await?;
        // The units were checked against the tree, which may be a moment old: they are locked
        // against deletion and found again here, all at once, so that a unit removed meanwhile fails
        // the import with a clear message before anything is written, rather than at the declared
        // reference.
        let mut units: Vec<i64> = owned.iter().map(|(u, _)| *u).collect();
        units.sort_unstable();
        units.dedup();
        let lock = crate::dialect::row_lock(self.engine, " FOR KEY SHARE");
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT id FROM units WHERE id IN ({}){lock}) u",
            crate::dialect::json_set(self.engine, 1, true)
        );
        let found: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(crate::pack::json_ints(&units))
            .fetch_one(&mut *tx)
            .await?;
        if found != units.len() as i64 {
            return Err(StoreError::NotFound("责任单位".into()));
        }
        // The rows and their audit records are built on a blocking thread, one statement ahead of
        // the engine writing them.
        bulk::pipelined(&mut tx, self.stager.as_ref(), move |out| {
            let vals = owned.iter().map(|(u, f)| project_vals(*u, f, &now));
            out.rows_from("projects", INSERT_COLUMNS, vals, "");
            let audits = owned.iter().map(|(u, f)| {
                crate::audit::row(
                    &now,
                    &actor,
                    "create",
                    "project",
                    f.code.trim().to_string(),
                    None,
                    Some(project_json(*u, f).to_string()),
                )
            });
            out.rows_from("audit", AUDIT_COLUMNS, audits, "");
        })
        .await?;
        tx.commit().await?;
        Ok(Ok(n))
    }

    /// Removes the projects of one unit with their reports (benchmark clean-up only: the audit log keeps
    /// the record that they were created).
    pub async fn delete_of_unit(self, unit_id: i64) -> Result<u64> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "DELETE FROM report_year_totals WHERE project_id IN (SELECT id FROM projects WHERE unit_id = $1)",
        )
        .bind(unit_id)
        .execute(&mut *tx)
        .await?;
        // Attachments name their owner without a reference: a report's photos go with it, so that
        // a later report given the same id does not show them.
        sqlx::query(
            "DELETE FROM attachments WHERE owner_kind = 'report' AND owner_id IN \
             (SELECT r.id FROM reports r JOIN projects p ON p.id = r.project_id WHERE p.unit_id = $1)",
        )
        .bind(unit_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM reports WHERE project_id IN (SELECT id FROM projects WHERE unit_id = $1)",
        )
        .bind(unit_id)
        .execute(&mut *tx)
        .await?;
        for table in ["project_stage_changes", "investment_plan_projects"] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE project_id IN (SELECT id FROM projects WHERE unit_id = $1)"
            )))
            .bind(unit_id)
            .execute(&mut *tx)
            .await?;
        }
        let n = sqlx::query("DELETE FROM projects WHERE unit_id = $1")
            .bind(unit_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        audit::record(
            &mut tx,
            &Actor::cli(),
            "delete",
            "project",
            &format!("unit:{unit_id}"),
            Some(serde_json::json!({"projects": n})),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Every project's id by code (bulk paths and data generation).
    pub async fn ids(self) -> Result<HashMap<String, i64>> {
        let rows: Vec<(String, i64)> = sqlx::query_as("SELECT code, id FROM projects")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().collect())
    }

    /// How many projects each unit owns (its own, not those of units below it).
    pub async fn counts_by_unit(self) -> Result<Vec<(i64, usize)>> {
        let rows: Vec<(i64, i64)> =
            sqlx::query_as("SELECT unit_id, COUNT(*) FROM projects GROUP BY unit_id")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(u, n)| (u, n as usize)).collect())
    }

    /// Number of projects.
    pub async fn count(self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM projects")
            .fetch_one(&self.pool)
            .await?)
    }
}
