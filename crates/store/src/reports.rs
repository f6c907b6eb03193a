//! Progress reports (进度填报) and site visits (现场督导).

use crate::Reports;
use std::collections::{BTreeMap, HashMap, HashSet};

use diaodu_domain::access::Scope;
use diaodu_domain::import::{ImportError, ReportRow as ImportRow, RowRef};
use diaodu_domain::period::PeriodKind;
use diaodu_domain::status::ReportPoint;
use diaodu_domain::{Period, Yuan};
use serde::Serialize;
use sqlx::FromRow;
use time::Date;

use crate::audit::AUDIT_COLUMNS;
use crate::bulk::{self, Val};
use crate::{
    audit, local_date, now_ts, s2d, today_local, Actor, Result, Store, StoreError, UnitTree,
};

/// What a reporter enters for one project and period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportInput {
    /// 填报期.
    pub period: Period,
    /// 本期完成投资.
    pub investment: Yuan,
    /// 形象进度.
    pub progress: String,
    /// 存在问题 (problems needing coordination).
    pub problems: String,
}

/// A stored report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRow {
    /// Id.
    pub id: i64,
    /// Project.
    pub project_id: i64,
    /// 填报期.
    pub period: String,
    /// Last day of the period.
    pub period_end: Date,
    /// Investment in the period.
    pub investment: Yuan,
    /// 形象进度.
    pub progress: String,
    /// 存在问题.
    pub problems: String,
    /// First submitted by the deadline.
    pub on_time: bool,
    /// First submitted (UTC).
    pub created_at: String,
    /// Last edited (UTC).
    pub updated_at: String,
}

/// A site visit by an on-site commissioner.
#[derive(Debug, Clone, Serialize)]
pub struct SiteVisit {
    /// Id.
    pub id: i64,
    /// Project.
    pub project_id: i64,
    /// Date of the visit.
    pub visit_date: Date,
    /// What was found.
    pub findings: String,
    /// Request for coordination (协调事项).
    pub coordination: String,
    /// Who.
    pub user_login: String,
    /// When recorded (UTC).
    pub created_at: String,
}

fn report_json(r: &ReportInput) -> serde_json::Value {
    serde_json::json!({
        "period": r.period.to_string(),
        "investment_wan": r.investment.wan_text(),
        "progress": r.progress,
        "problems": r.problems,
    })
}

/// Whether `r` repeats a filed report — its investment, progress and problems as stored (trimmed): a
/// submission or import row that does changes nothing, and is neither written nor recorded.
fn repeats(r: &ReportInput, investment: i64, progress: &str, problems: &str) -> bool {
    r.investment.0 == investment && r.progress.trim() == progress && r.problems.trim() == problems
}

/// One row of the reports table for a bulk insert: report `r` of project `project_id`, filed at `at`.
fn report_vals(
    project_id: i64,
    r: &ReportInput,
    on_time: bool,
    user_id: Option<i64>,
    at: &str,
) -> Vec<Val> {
    let period = r.period;
    vec![
        Val::I(project_id),
        Val::T(period.to_string()),
        Val::T(period.kind().code().into()),
        Val::T(diaodu_domain::period::fmt_date(period.last_day())),
        Val::I(r.investment.0),
        Val::T(r.progress.trim().to_string()),
        Val::T(r.problems.trim().to_string()),
        Val::I(i64::from(on_time)),
        Val::OI(user_id),
        Val::T(at.to_string()),
        Val::T(at.to_string()),
    ]
}

/// A report as the database holds it (the columns of [`REPORT_COLUMNS`]).
#[derive(sqlx::FromRow)]
struct ReportRecord {
    id: i64,
    project_id: i64,
    period: String,
    period_end: String,
    investment: i64,
    progress: String,
    problems: String,
    on_time: i64,
    created_at: String,
    updated_at: String,
}

impl From<ReportRecord> for ReportRow {
    fn from(r: ReportRecord) -> ReportRow {
        ReportRow {
            id: r.id,
            project_id: r.project_id,
            period: r.period,
            period_end: s2d(Some(r.period_end)).unwrap_or(Date::MIN),
            investment: Yuan(r.investment),
            progress: r.progress,
            problems: r.problems,
            on_time: r.on_time == 1,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A site visit as the database holds it, with its author's login.
#[derive(sqlx::FromRow)]
struct SiteVisitRecord {
    id: i64,
    project_id: i64,
    visit_date: String,
    findings: String,
    coordination: String,
    user_login: String,
    created_at: String,
}

impl From<SiteVisitRecord> for SiteVisit {
    fn from(r: SiteVisitRecord) -> SiteVisit {
        SiteVisit {
            id: r.id,
            project_id: r.project_id,
            visit_date: s2d(Some(r.visit_date)).unwrap_or(Date::MIN),
            findings: r.findings,
            coordination: r.coordination,
            user_login: r.user_login,
            created_at: r.created_at,
        }
    }
}

/// The figures a submission checks and the running totals need, of one project.
#[derive(sqlx::FromRow)]
struct ProjectBounds {
    code: String,
    actual_start: Option<String>,
    total_investment: i64,
    annual_plan: i64,
    plan_year: i64,
}

/// A filed report's values, as an edit compares them.
#[derive(sqlx::FromRow)]
struct FiledRecord {
    id: i64,
    project_id: i64,
    period: String,
    investment: i64,
    progress: String,
    problems: String,
}

/// A report written as given — its submission time and on-time flag included rather than decided —
/// by [`Reports::insert_raw`] and [`Reports::insert_history`] (demo and generated data only).
#[derive(Debug, Clone)]
pub struct RawReport {
    /// The project.
    pub project_id: i64,
    /// The period reported.
    pub period: Period,
    /// Investment completed in the period.
    pub investment: Yuan,
    /// 形象进度.
    pub progress: String,
    /// 存在问题.
    pub problems: String,
    /// Whether it counts as filed on time.
    pub on_time: bool,
    /// When it was filed (the stored time stamp, UTC).
    pub submitted_at: String,
}

/// Edits a report in place; whether it was on time stays as first recorded.
async fn update_report(
    tx: &mut sqlx::AnyConnection,
    id: i64,
    r: &ReportInput,
    at: &str,
    user_id: Option<i64>,
) -> Result<()> {
    sqlx::query(
        "UPDATE reports SET investment = $1, progress = $2, problems = $3, updated_at = $4, submitted_by = $5 WHERE id = $6",
    )
    .bind(r.investment.0)
    .bind(r.progress.trim())
    .bind(r.problems.trim())
    .bind(at)
    .bind(user_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Edits the filed report `old` with `r` (a second submission for its period) and audits it with
/// before and after; what the edit changes in the running totals. `None`
/// when `r` repeats what was filed: nothing to write.
async fn edit_filed(
    tx: &mut sqlx::AnyConnection,
    actor: &Actor,
    r: &ReportInput,
    old: FiledRecord,
    entity_id: &str,
    now: time::OffsetDateTime,
) -> Result<Option<TotalsChange>> {
    let before = ReportInput {
        period: r.period,
        investment: Yuan(old.investment),
        progress: old.progress,
        problems: old.problems,
    };
    if repeats(r, before.investment.0, &before.progress, &before.problems) {
        return Ok(None);
    }
    // Whether it was on time stays as first recorded.
    let change = TotalsChange {
        investment: r.investment.0 - before.investment.0,
        on_time_weekly: 0,
        loses_last_investment: before.investment.0 > 0 && r.investment.0 <= 0,
    };
    update_report(tx, old.id, r, &crate::ts(now), actor.user_id).await?;
    audit::record(
        tx,
        actor,
        "update",
        "report",
        entity_id,
        Some(report_json(&before)),
        Some(report_json(r)),
    )
    .await?;
    Ok(Some(change))
}

/// Files a project's first report for `r`'s period, on time or not by the reporting calendar as of
/// `now`, and audits it; what it adds to the running totals. A report
/// for the same period filed meanwhile by someone else is a conflict.
async fn file_new(
    tx: &mut sqlx::AnyConnection,
    actor: &Actor,
    project_id: i64,
    actual_start: Option<Date>,
    r: &ReportInput,
    entity_id: &str,
    now: time::OffsetDateTime,
) -> Result<TotalsChange> {
    let cal = crate::calendar::calendar_in(tx).await?;
    let on_time = cal.on_time(r.period, crate::local_datetime(now));
    let counts = crate::totals::on_time_weekly(
        r.period.kind() == PeriodKind::Week,
        on_time,
        actual_start,
        r.period.last_day(),
    );
    let change = TotalsChange {
        investment: r.investment.0,
        on_time_weekly: i64::from(counts),
        loses_last_investment: false,
    };
    let row = report_vals(project_id, r, on_time, actor.user_id, &crate::ts(now));
    bulk::insert(tx, "reports", REPORT_COLUMNS, vec![row])
        .await
        .map_err(|e| match e {
            StoreError::Db(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                StoreError::Conflict("该期报告刚被他人提交，请刷新后再修改".into())
            }
            e => e,
        })?;
    audit::record(
        tx,
        actor,
        "create",
        "report",
        entity_id,
        None,
        Some(report_json(r)),
    )
    .await?;
    Ok(change)
}

/// Queues the edits of reports already filed (an import's rows for them), many at once: one statement
/// per few thousand, the new values travelling as one JSON document as in `bulk.rs`, on the import's
/// pipeline so that the next document is built while the engine runs one. One `UPDATE` per report made
/// a corrected week of 20,000 projects take 4.9 s on PostgreSQL.
fn emit_updates<'a>(
    out: &mut bulk::Emitter,
    edits: impl Iterator<Item = (i64, &'a ReportInput)>,
    at: &str,
    user_id: Option<i64>,
) {
    let edits: Vec<(i64, &ReportInput)> = edits.collect();
    if out.stages() && edits.len() >= bulk::STAGE_MIN {
        // PostgreSQL: staged through `COPY` (`copy.rs`), a staging table's worth at a time.
        const COLS: [&str; 4] = ["id", "investment", "progress", "problems"];
        for chunk in edits.chunks(bulk::PER_STAGE) {
            let rows: Vec<Vec<Val>> = chunk
                .iter()
                .map(|(id, r)| {
                    vec![
                        Val::I(*id),
                        Val::I(r.investment.0),
                        Val::T(r.progress.trim().to_string()),
                        Val::T(r.problems.trim().to_string()),
                    ]
                })
                .collect();
            out.staged(
                "reports",
                &COLS,
                &rows,
                &[true; 4],
                crate::dialect::report_edits_staged(),
                vec![Val::T(at.to_string()), Val::OI(user_id)],
            );
        }
        return;
    }
    let sql = crate::dialect::report_edits(out.engine());
    let mut edits = edits.into_iter().peekable();
    while edits.peek().is_some() {
        let mut doc = String::from("[");
        for (i, (id, r)) in edits.by_ref().take(5_000).enumerate() {
            if i > 0 {
                doc.push(',');
            }
            doc.push_str(&format!("[{id},{},", r.investment.0));
            bulk::json_string(r.progress.trim(), &mut doc);
            doc.push(',');
            bulk::json_string(r.problems.trim(), &mut doc);
            doc.push(']');
        }
        doc.push(']');
        out.statement(&sql, doc, vec![Val::T(at.to_string()), Val::OI(user_id)]);
    }
}

/// What one period's report of a project may hold: at most the project's total investment, and — unless
/// confirmed — at most the year's plan for a period in the plan year.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReportBounds {
    pub total: Yuan,
    pub plan: Yuan,
    pub plan_year: i32,
}

/// A report beyond its bounds: above the total investment (refused), or above the year's plan (to be
/// confirmed). Each carries its Chinese reason.
#[derive(Debug, Clone)]
pub(crate) enum Beyond {
    Total(String),
    Plan(String),
}

impl Beyond {
    /// The error of a single submission.
    pub(crate) fn into_error(self) -> StoreError {
        match self {
            Beyond::Total(m) => StoreError::invalid("本期完成投资", m),
            Beyond::Plan(m) => StoreError::Unusual(
                "本期完成投资".into(),
                format!("{m}；确认无误请勾选“确认数值无误”后再提交"),
            ),
        }
    }
}

impl ReportBounds {
    /// Whether `investment` in `period` is beyond the bounds (a figure above the plan counts only
    /// when not `confirmed`).
    pub(crate) fn check(self, period: Period, investment: Yuan, confirmed: bool) -> Option<Beyond> {
        if investment > self.total {
            return Some(Beyond::Total(format!(
                "{} 万元超过项目总投资 {} 万元，一期完成投资不能超过总投资",
                investment.wan_text(),
                self.total.wan_text()
            )));
        }
        if !confirmed && period.last_day().year() == self.plan_year && investment > self.plan {
            return Some(Beyond::Plan(format!(
                "本期完成投资 {} 万元超过年度计划投资 {} 万元，请核实",
                investment.wan_text(),
                self.plan.wan_text()
            )));
        }
        None
    }
}

/// What one submission adds to its project's running totals. An edit that takes a period's
/// investment to nothing may change the latest period with investment, which an addition cannot
/// express: the month's totals are then computed again from the reports.
struct TotalsChange {
    /// Investment added (negative when an edit lowers it), in yuan.
    investment: i64,
    /// Weekly reports on time added.
    on_time_weekly: i64,
    /// The period had investment and now has none.
    loses_last_investment: bool,
}

fn check_input(r: &ReportInput, today: Date) -> Result<()> {
    if r.period.first_day() > today {
        return Err(StoreError::invalid(
            "填报期",
            format!("{} 尚未开始，不能填报", r.period),
        ));
    }
    let max = diaodu_domain::project::REPORT_TEXT;
    for (field, text) in [("形象进度", &r.progress), ("存在问题", &r.problems)] {
        if text.chars().count() > max {
            return Err(StoreError::invalid(field, format!("不能超过 {max} 字")));
        }
    }
    Ok(())
}

impl Store {
    /// One project's report for one period (after a submission: only the report just written, not
    /// the project's whole history).
    async fn report_of(&self, project_id: i64, period: Period) -> Result<ReportRow> {
        let row: ReportRecord = sqlx::query_as(
            "SELECT id, project_id, period, period_end, investment, progress, problems, on_time, created_at, updated_at \
             FROM reports WHERE project_id = $1 AND period = $2",
        )
        .bind(project_id)
        .bind(period.to_string())
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound("填报".into()))?;
        Ok(row.into())
    }

    /// [`Store::reports`] as one packed value; `None` when a record does not unpack (a text field held
    /// a separator).
    async fn reports_packed(&self, project_id: i64) -> Result<Option<Vec<ReportRow>>> {
        const COLS: [&str; 11] = [
            "id",
            "project_id",
            "period",
            "period_end",
            "investment",
            "progress",
            "problems",
            "on_time",
            "created_at",
            "updated_at",
            "period_kind",
        ];
        let text = crate::pack::fetch_text(
            &self.pool,
            &COLS,
            "FROM reports WHERE project_id = $3",
            &[Val::I(project_id)],
        )
        .await?;
        let Some(recs) = crate::pack::unpack(&text, COLS.len()) else {
            return Ok(None);
        };
        let mut out = recs
            .into_iter()
            .map(|f| {
                let row = ReportRow {
                    id: crate::pack::int(f[0])?,
                    project_id: crate::pack::int(f[1])?,
                    period: f[2].to_string(),
                    period_end: s2d(Some(f[3].to_string())).unwrap_or(Date::MIN),
                    investment: Yuan(crate::pack::int(f[4])?),
                    progress: f[5].to_string(),
                    problems: f[6].to_string(),
                    on_time: f[7] == "1",
                    created_at: f[8].to_string(),
                    updated_at: f[9].to_string(),
                };
                Ok((row, f[10]))
            })
            .collect::<Result<Vec<_>>>()?;
        // As the row-wise read orders them: by end date, then kind code (`M` before `W`, for a month
        // and a week ending on the same Sunday).
        out.sort_by(|(a, ka), (b, kb)| (a.period_end, ka).cmp(&(b.period_end, kb)));
        Ok(Some(out.into_iter().map(|(r, _)| r).collect()))
    }

    /// Which (project id, period) pairs among `periods` already have a report (PostgreSQL: the
    /// statement uses `LATERAL`).
    async fn reported_pg(
        &self,
        project_ids: &[i64],
        periods: &[String],
    ) -> Result<std::collections::HashSet<(i64, String)>> {
        let mut out = std::collections::HashSet::new();
        // Only the given projects' reports, found by the unique (project, period) index: a district's
        // page must not read the whole province's week. One packed row; ids and periods as JSON lists.
        // Each (project, period) pair is one look-up in that index: the `LIMIT 1` keeps PostgreSQL
        // from flattening the look-up into a join, which it plans as a scan of the projects' every
        // report or of the whole week (≈ 4× slower for a district).
        let rest = format!(
            "FROM ({}) i(project_id) CROSS JOIN ({}) q(period) CROSS JOIN LATERAL \
             (SELECT 1 FROM reports r WHERE r.project_id = i.project_id AND r.period = q.period LIMIT 1) r",
            crate::dialect::json_set(self.engine, 4, true),
            crate::dialect::json_set(self.engine, 3, false)
        );
        let binds = [
            Val::T(crate::pack::json_texts(periods)),
            Val::T(crate::pack::json_ints(project_ids)),
        ];
        for rec in crate::pack::fetch(&self.pool, &["project_id", "period"], &rest, &binds).await? {
            if let Ok(id) = rec[0].parse() {
                out.insert((id, rec[1].clone()));
            }
        }
        Ok(out)
    }

    /// [`Reports::reported_in_scope`] read from the database.
    async fn reported_afresh(
        &self,
        tree: &UnitTree,
        scope: Scope,
        project_ids: &[i64],
        periods: &[String],
    ) -> Result<std::collections::HashSet<(i64, String)>> {
        if self.engine == crate::Engine::Postgres {
            return self.reported_pg(project_ids, periods).await;
        }
        let mut binds = vec![Val::T(crate::pack::json_texts(periods))];
        let path = match tree.scope_prefix(scope) {
            Some(prefix) => {
                binds.push(Val::T(format!("{}%", crate::like_escape(&prefix))));
                " AND u.path LIKE $4 ESCAPE '\\'"
            }
            None => "",
        };
        let rest = format!(
            "FROM units u CROSS JOIN projects p CROSS JOIN reports r \
             WHERE p.unit_id = u.id AND r.project_id = p.id AND r.period IN ({}){path}",
            crate::dialect::json_set(self.engine, 3, false)
        );
        let mut out = std::collections::HashSet::new();
        for rec in
            crate::pack::fetch(&self.pool, &["r.project_id", "r.period"], &rest, &binds).await?
        {
            if let Ok(id) = rec[0].parse() {
                out.insert((id, rec[1].clone()));
            }
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    async fn import_then(
        &self,
        actor: &Actor,
        tree: &UnitTree,
        scope: Scope,
        rows: &[ImportRow],
        errors: Vec<ImportError>,
        confirm_unusual: bool,
        commit: bool,
    ) -> Result<std::result::Result<usize, Vec<ImportError>>> {
        let mut import = self
            .reports()
            .report_import(actor, tree, scope, confirm_unusual)
            .await?;
        import.add(rows, errors).await?;
        import.finish(commit).await
    }

    async fn insert_raw_then(
        &self,
        actor: &Actor,
        rows: Vec<RawReport>,
        totals: bool,
        audits: Option<Vec<Vec<Val>>>,
    ) -> Result<()> {
        let n = rows.len();
        let touched: Vec<i64> = rows.iter().map(|r| r.project_id).collect();
        let mut tx = self.begin().await?;
        let open = self.open_from_shared(&mut tx).await?;
        let vals = rows
            .into_iter()
            .map(|r| {
                let input = ReportInput {
                    period: r.period,
                    investment: r.investment,
                    progress: r.progress,
                    problems: r.problems,
                };
                report_vals(
                    r.project_id,
                    &input,
                    r.on_time,
                    actor.user_id,
                    &r.submitted_at,
                )
            })
            .collect();
        bulk::insert(&mut tx, "reports", REPORT_COLUMNS, vals).await?;
        if totals {
            self.refresh_totals(&mut tx, &touched, None, open).await?;
        }
        match audits {
            Some(audits) => bulk::insert(&mut tx, "audit", AUDIT_COLUMNS, audits).await?,
            None => {
                audit::record(
                    &mut tx,
                    actor,
                    "create",
                    "report",
                    "bulk",
                    None,
                    Some(serde_json::json!({"rows": n})),
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

impl Reports<'_> {
    /// Files or edits the report of a project for a period: one report per project and period, so a
    /// second submission is an edit (audited with before and after). Whether it was on time is fixed at
    /// the first submission.
    ///
    /// A report above the project's total investment is refused; one above the year's plan (for a
    /// period in the plan year) is [`StoreError::Unusual`] unless `confirm_unusual` says the user
    /// has checked it.
    pub async fn submit(
        self,
        actor: &Actor,
        project_id: i64,
        r: &ReportInput,
        confirm_unusual: bool,
    ) -> Result<(ReportRow, bool)> {
        let now = time::OffsetDateTime::now_utc();
        check_input(r, local_date(now))?;
        let mut tx = self.begin().await?;
        // The first open day, then the project's row (PostgreSQL): its running totals change below.
        let open = self.open_from_shared(&mut tx).await?;
        self.lock_projects(&mut tx, &[project_id]).await?;
        let project: ProjectBounds = sqlx::query_as(
            "SELECT code, actual_start, total_investment, annual_plan, plan_year FROM projects WHERE id = $1",
        )
        .bind(project_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound("项目".into()))?;
        let bounds = ReportBounds {
            total: Yuan(project.total_investment),
            plan: Yuan(project.annual_plan),
            plan_year: project.plan_year as i32,
        };
        if let Some(b) = bounds.check(r.period, r.investment, confirm_unusual) {
            return Err(b.into_error());
        }
        let entity_id = format!("{}/{}", project.code, r.period);
        let old: Option<FiledRecord> = sqlx::query_as(
            "SELECT id, project_id, period, investment, progress, problems FROM reports \
             WHERE project_id = $1 AND period = $2",
        )
        .bind(project_id)
        .bind(r.period.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let created = old.is_none();
        let change = match old {
            Some(old) => match edit_filed(&mut tx, actor, r, old, &entity_id, now).await? {
                Some(done) => done,
                None => {
                    // A submission that repeats what was filed changes nothing and is not
                    // recorded (as an import's repeated rows are not).
                    tx.rollback().await?;
                    return Ok((self.report_of(project_id, r.period).await?, false));
                }
            },
            None => {
                let start = s2d(project.actual_start);
                file_new(&mut tx, actor, project_id, start, r, &entity_id, now).await?
            }
        };
        // A report ending on an open day is not in the totals (they hold the closed days only).
        let end = r.period.last_day();
        let added = !crate::totals::closed(open, end)
            || (!change.loses_last_investment
                && self
                    .add_to_totals(
                        &mut tx,
                        project_id,
                        end,
                        change.investment,
                        change.on_time_weekly,
                        r.investment.0 > 0,
                    )
                    .await?);
        if !added {
            self.refresh_totals(
                &mut tx,
                &[project_id],
                Some((end.year(), u8::from(end.month()))),
                open,
            )
            .await?;
        }
        // One report: statuses cached before are patched in this project alone.
        tx.changes_only(crate::cache::Change {
            reports: vec![(project_id, r.period.to_string())],
        });
        tx.commit().await?;
        Ok((self.report_of(project_id, r.period).await?, created))
    }

    /// A project's reports, oldest period first.
    pub async fn list(self, project_id: i64) -> Result<Vec<ReportRow>> {
        // SQLite hands rows over from its worker thread one at a time (≈ 25 µs each): a project with
        // three years of weekly reports spent 4 ms of its page on that. Packed into one value there
        // (see `pack.rs`), unless a text holds a separator; PostgreSQL's rows are cheap.
        if self.engine == crate::Engine::Sqlite {
            if let Some(rows) = self.reports_packed(project_id).await? {
                return Ok(rows);
            }
        }
        let rows: Vec<ReportRecord> = sqlx::query_as(
            "SELECT id, project_id, period, period_end, investment, progress, problems, on_time, created_at, updated_at \
             FROM reports WHERE project_id = $1 ORDER BY period_end, period_kind",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(ReportRow::from).collect())
    }

    /// Which (project id, period) pairs among `periods` have a report, for `project_ids`, the projects
    /// of `scope`. On SQLite they are found from the scope's units through their projects (the unit
    /// index, then the unique (project, period) index), with no list of ids. PostgreSQL plans that
    /// join as a scan of the periods' reports, so there the ids are listed and each pair looked up.
    ///
    /// The answer is reused until the data changes (see `cache.rs`): every district's home page asks it
    /// for this week and last week, and only a report, an import or a project change alters it.
    pub async fn reported_in_scope(
        self,
        tree: &UnitTree,
        scope: Scope,
        project_ids: &[i64],
        periods: &[String],
    ) -> Result<std::sync::Arc<std::collections::HashSet<(i64, String)>>> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        project_ids.hash(&mut h);
        let key = format!(
            "{:?}|{}|{:x}|{}",
            tree.scope_prefix(scope),
            periods.join(","),
            h.finish(),
            project_ids.len()
        );
        let version = self.data_version().await?;
        if let Some(hit) = self.status_cache.reported.get(&key, version) {
            return Ok(hit);
        }
        // Patched when the changes since the cached answer are known report submissions: each adds
        // its pair, if it is one of those asked.
        if let Some((from, old, at)) = self.status_cache.reported.stale(&key) {
            if let Some(changes) = self.known_changes(from, version).await? {
                let mut found = (*old).clone();
                for (pid, period) in changes.iter().flat_map(|c| c.reports.iter()) {
                    if project_ids.contains(pid) && periods.contains(period) {
                        found.insert((*pid, period.clone()));
                    }
                }
                let found = std::sync::Arc::new(found);
                self.status_cache
                    .reported
                    .put_computed_at(key, version, found.clone(), at);
                return Ok(found);
            }
        }
        let found = std::sync::Arc::new(
            self.reported_afresh(tree, scope, project_ids, periods)
                .await?,
        );
        self.status_cache.reported.put(key, version, found.clone());
        Ok(found)
    }

    /// Number of reports.
    pub async fn count(self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM reports")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Imports reports all or nothing. Rows naming a project outside `scope` are errors. A row for a
    /// project and period that already has a report edits it (audited), as a second form submission
    /// would; two rows for the same project and period are an error. A row above its project's
    /// total investment is an error, and so is one above the year's plan unless `confirm_unusual`
    /// says the importer has checked such figures.
    pub async fn import(
        self,
        actor: &Actor,
        tree: &UnitTree,
        scope: Scope,
        rows: &[ImportRow],
        errors: Vec<ImportError>,
        confirm_unusual: bool,
    ) -> Result<std::result::Result<usize, Vec<ImportError>>> {
        self.import_then(actor, tree, scope, rows, errors, confirm_unusual, true)
            .await
    }

    /// As [`Reports::import`], but the transaction is rolled back at the end: every check runs
    /// and every row is written and then taken back, so the result says what the import would do
    /// and what it costs, and nothing changes. (`diaodu bench` times a week of existing projects with
    /// it; a "check the file first" action could use it too.)
    pub async fn import_dry_run(
        self,
        actor: &Actor,
        tree: &UnitTree,
        scope: Scope,
        rows: &[ImportRow],
        errors: Vec<ImportError>,
        confirm_unusual: bool,
    ) -> Result<std::result::Result<usize, Vec<ImportError>>> {
        self.import_then(actor, tree, scope, rows, errors, confirm_unusual, false)
            .await
    }

    /// Writes reports directly with given submission times and on-time flags (demo and benchmark data
    /// generation only; audited as one bulk record per call).
    pub async fn insert_raw(self, actor: &Actor, rows: Vec<RawReport>) -> Result<()> {
        self.insert_raw_then(actor, rows, true, None).await
    }

    /// Writes generated history (`diaodu gen`): reports as [`Reports::insert_raw`] writes them,
    /// but with the audit record each would have left when it was filed — one per report, at its
    /// submission time, named by its project's code (`codes`, by id) and period — as a live system's
    /// log holds them, and with the running totals left as they are: `gen` writes years of reports
    /// week by week in many calls, each touching every project, and then rebuilds the totals once
    /// ([`Reports::rebuild_totals`]).
    pub async fn insert_history(
        self,
        actor: &Actor,
        rows: Vec<RawReport>,
        codes: &HashMap<i64, String>,
    ) -> Result<()> {
        let audits: Vec<Vec<Val>> = rows
            .iter()
            .map(|r| {
                let (pid, p) = (&r.project_id, r.period);
                let after = report_json(&ReportInput {
                    period: r.period,
                    investment: r.investment,
                    progress: r.progress.clone(),
                    problems: r.problems.clone(),
                });
                crate::audit::row(
                    &r.submitted_at,
                    actor,
                    "create",
                    "report",
                    format!("{}/{p}", codes.get(pid).map(String::as_str).unwrap_or("")),
                    None,
                    Some(after.to_string()),
                )
            })
            .collect();
        self.insert_raw_then(actor, rows, false, Some(audits)).await
    }

    /// Logs a site visit (audited).
    pub async fn add_site_visit(
        self,
        actor: &Actor,
        project_id: i64,
        date: Date,
        findings: &str,
        coordination: &str,
    ) -> Result<i64> {
        if findings.trim().is_empty() {
            return Err(StoreError::invalid("督导发现", "不能为空"));
        }
        if date > today_local() {
            return Err(StoreError::invalid("督导日期", "不能晚于今天"));
        }
        let mut tx = self.begin().await?;
        let code: Option<String> = sqlx::query_scalar("SELECT code FROM projects WHERE id = $1")
            .bind(project_id)
            .fetch_optional(&mut *tx)
            .await?;
        let code = code.ok_or_else(|| StoreError::NotFound("项目".into()))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO site_visits (project_id, visit_date, findings, coordination, user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(project_id)
        .bind(diaodu_domain::period::fmt_date(date))
        .bind(findings.trim())
        .bind(coordination.trim())
        .bind(actor.user_id)
        .bind(now_ts())
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "create",
            "site_visit",
            &format!("{code}/{id}"),
            None,
            Some(serde_json::json!({"date": diaodu_domain::period::fmt_date(date), "findings": findings.trim(), "coordination": coordination.trim()})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A project's site visits, newest first.
    pub async fn site_visits(self, project_id: i64) -> Result<Vec<SiteVisit>> {
        let rows: Vec<SiteVisitRecord> = sqlx::query_as(
            "SELECT v.id, v.project_id, v.visit_date, v.findings, v.coordination, v.created_at, COALESCE(u.login, 'cli') AS user_login \
             FROM site_visits v LEFT JOIN users u ON u.id = v.user_id WHERE v.project_id = $1 ORDER BY v.visit_date DESC, v.id DESC",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(SiteVisit::from).collect())
    }
}

impl<'s> Reports<'s> {
    /// Starts an import of reports that is fed its rows a chunk at a time ([`ReportImport::add`])
    /// and written all or nothing ([`ReportImport::finish`]): a file of millions of rows is held a
    /// chunk at a time, in one transaction. [`Reports::import`] is one chunk.
    pub async fn report_import<'a>(
        self,
        actor: &Actor,
        tree: &'a UnitTree,
        scope: Scope,
        confirm_unusual: bool,
    ) -> Result<ReportImport<'a>>
    where
        's: 'a,
    {
        // The file's projects are found and locked, chunk by chunk, before their reports are
        // written, and the totals are written under that lock. A file with errors rolls back,
        // releasing them.
        let mut tx = self.begin().await?;
        let open = self.open_from_shared(&mut tx).await?;
        let calendar = crate::calendar::calendar_in(&mut tx).await?;
        let now = time::OffsetDateTime::now_utc();
        Ok(ReportImport {
            store: self.0,
            tx,
            open,
            actor: actor.clone(),
            tree,
            scope,
            confirm_unusual,
            today: today_local(),
            stamp: crate::ts(now),
            local: crate::local_datetime(now),
            calendar: std::sync::Arc::new(calendar),
            seen: HashSet::new(),
            errors: Vec::new(),
            more_errors: 0,
            written: 0,
        })
    }
}

const REPORT_COLUMNS: &[&str] = &[
    "project_id",
    "period",
    "period_kind",
    "period_end",
    "investment",
    "progress",
    "problems",
    "on_time",
    "submitted_by",
    "created_at",
    "updated_at",
];

/// A period with at least this many of an import's rows is read whole, not pair by pair: a week's
/// import names most of the province's projects, and one range of the period's reports is cheaper than
/// that many probes.
const PERIOD_SCAN_MIN: usize = 1_000;

/// An existing report an import row would edit: its id and the values before the edit.
struct Filed {
    id: i64,
    investment: i64,
    progress: String,
    problems: String,
}

/// The columns of a filed report as [`filed_row`] reads them (`r` the reports).
const FILED_COLUMNS: &str = "r.id, r.project_id, r.period, r.investment, r.progress, r.problems";

/// A filed report read with [`FILED_COLUMNS`], by (project, period).
fn filed_row(r: &sqlx::any::AnyRow) -> Result<((i64, Period), Filed)> {
    let r = FiledRecord::from_row(r)?;
    let period = Period::parse(&r.period)
        .map_err(|e| StoreError::invalid("填报期", format!("“{}”：{e}", r.period)))?;
    Ok((
        (r.project_id, period),
        Filed {
            id: r.id,
            investment: r.investment,
            progress: r.progress,
            problems: r.problems,
        },
    ))
}

impl Store {
    /// The reports already filed for the given (project, period) pairs, by pair.
    ///
    /// A period named by many pairs — the weekly import, of a period nobody has filed yet, or a
    /// corrected week — is read whole, with the values, through the period-first unique index, and
    /// the file's projects kept: a new week's read finds nothing at once, and a corrected week's
    /// reports lie together, so one range read costs less than a probe per edited report. The pairs
    /// of thinly named periods are read one by one through the unique index. (Pair by pair for all
    /// of them, a week of a province's projects would probe a project-first index larger than
    /// PostgreSQL's default buffer pool once per project.)
    async fn filed_reports(
        &self,
        tx: &mut sqlx::AnyConnection,
        pairs: &[(i64, Period)],
    ) -> Result<HashMap<(i64, Period), Filed>> {
        let mut by_period: BTreeMap<Period, Vec<i64>> = BTreeMap::new();
        for (pid, p) in pairs {
            by_period.entry(*p).or_default().push(*pid);
        }
        let mut probe: Vec<(i64, Period)> = Vec::new();
        let mut existing = HashMap::new();
        for (period, pids) in by_period {
            if pids.len() < PERIOD_SCAN_MIN {
                probe.extend(pids.into_iter().map(|pid| (pid, period)));
                continue;
            }
            // Both engines keep a unique index that leads with the period: the period's reports are
            // one range of it, and a week's lie together in the table (filed together), so they are
            // read whole with their values, and those of the file's projects kept.
            // Returned packed (`pack.rs`): a corrected week's 42,000 rows one by one cost the driver
            // more than the engine's read.
            let wanted: HashSet<i64> = pids.into_iter().collect();
            const COLS: [&str; 5] = ["id", "project_id", "investment", "progress", "problems"];
            let text = crate::pack::fetch_text(
                &mut *tx,
                &COLS,
                "FROM reports WHERE period = $3",
                &[Val::T(period.to_string())],
            )
            .await?;
            let Some(recs) = crate::pack::unpack(&text, COLS.len()) else {
                // A stored text held a separator (written before `check_fields` refused control
                // characters): read row by row.
                let sql = format!("SELECT {FILED_COLUMNS} FROM reports r WHERE r.period = $1");
                let query = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(period.to_string());
                for r in query.fetch_all(&mut *tx).await? {
                    let (key, filed) = filed_row(&r)?;
                    if wanted.contains(&key.0) {
                        existing.insert(key, filed);
                    }
                }
                continue;
            };
            for f in recs {
                let pid = crate::pack::int(f[1])?;
                if wanted.contains(&pid) {
                    let filed = Filed {
                        id: crate::pack::int(f[0])?,
                        investment: crate::pack::int(f[2])?,
                        progress: f[3].to_string(),
                        problems: f[4].to_string(),
                    };
                    existing.insert((pid, period), filed);
                }
            }
        }
        if probe.is_empty() {
            return Ok(existing);
        }
        let (sql, binds) = crate::dialect::filed_pairs(self.engine, FILED_COLUMNS, &probe);
        let mut args = sqlx::any::AnyArguments::default();
        crate::bulk::add_all(&mut args, &binds)?;
        let query = sqlx::query_with(sqlx::AssertSqlSafe(sql.as_str()), args);
        for r in query.fetch_all(&mut *tx).await? {
            let (key, filed) = filed_row(&r)?;
            existing.insert(key, filed);
        }
        Ok(existing)
    }
}

/// The most errors an import lists; beyond them it counts.
pub const MAX_LISTED_ERRORS: usize = 1000;

/// An import of reports in progress (see [`Reports::report_import`]).
pub struct ReportImport<'a> {
    store: &'a Store,
    tx: crate::WriteTx,
    /// The first open day (the running totals hold the days before it), if any.
    open: Option<Date>,
    actor: Actor,
    tree: &'a UnitTree,
    scope: Scope,
    confirm_unusual: bool,
    today: Date,
    stamp: String,
    /// When the import began, Beijing time: its reports' on-time flags are decided by it.
    local: time::PrimitiveDateTime,
    calendar: std::sync::Arc<diaodu_domain::calendar::ReportCalendar>,
    /// Every (project, period) of the file so far, packed (`pair_key`): a file names each once.
    seen: HashSet<u64>,
    errors: Vec<ImportError>,
    /// Errors beyond [`MAX_LISTED_ERRORS`], counted only.
    more_errors: usize,
    written: usize,
}

/// A (project, period) pair in one word: the project id above, the period's kind, year and number
/// below. Eight bytes a row is what lets the pairs of millions of rows be remembered.
fn pair_key(pid: i64, p: Period) -> u64 {
    let low = match p {
        Period::Week { year, week } => (1u64 << 20) | ((year as u64) << 6) | week as u64,
        Period::Month { year, month } => ((year as u64) << 6) | month as u64,
    };
    ((pid as u64) << 21) | low
}

impl ReportImport<'_> {
    fn error(&mut self, e: ImportError) {
        if self.errors.len() < MAX_LISTED_ERRORS {
            self.errors.push(e);
        } else {
            self.more_errors += 1;
        }
    }

    /// Whether an error has been found: nothing more is written, the rest is only checked.
    pub fn failed(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Checks the project codes of rows that did not parse — unknown, or outside the importer's
    /// scope — so their errors come with the unreadable cells' ones.
    pub async fn check_refs(&mut self, refs: &[RowRef]) -> Result<()> {
        if refs.is_empty() {
            return Ok(());
        }
        let codes: Vec<String> = refs.iter().map(|r| r.text.trim().to_string()).collect();
        let known = self.store.project_keys(&codes).await?;
        for r in refs {
            match known.get(r.text.trim()) {
                None => self.error(unknown_project(r.row, &r.text)),
                Some(&(_, unit)) if !self.tree.in_scope(unit, self.scope) => {
                    self.error(outside_scope(r.row, &r.text))
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// Checks a chunk of the file's rows and, while the file has no error, writes them. `errors`
    /// are the chunk's errors found before (unreadable cells).
    pub async fn add(&mut self, rows: &[ImportRow], errors: Vec<ImportError>) -> Result<()> {
        for e in errors {
            self.error(e);
        }
        let mut codes: Vec<&str> = rows.iter().map(|r| r.project_code.trim()).collect();
        codes.sort_unstable();
        codes.dedup();
        let projects = self
            .store
            .lock_projects_by_code(&mut self.tx, &codes)
            .await?;
        // The rows of this chunk by pair, for the row number of a repeat within the chunk.
        let mut here: HashMap<u64, usize> = HashMap::with_capacity(rows.len());
        let mut ok = Vec::new();
        for r in rows {
            // Every check of the row that does not need its project runs, so a row with several
            // errors reports them all.
            let before = self.errors.len() + self.more_errors;
            let project = projects.get(r.project_code.trim());
            match project {
                None => self.error(unknown_project(r.row, &r.project_code)),
                Some(p) if !self.tree.in_scope(p.unit_id, self.scope) => {
                    self.error(outside_scope(r.row, &r.project_code))
                }
                Some(_) => {}
            }
            if r.period.first_day() > self.today {
                self.error(ImportError::new(
                    r.row,
                    "填报期",
                    format!("{} 尚未开始，不能填报", r.period),
                ));
            }
            let max = diaodu_domain::project::REPORT_TEXT;
            for (column, text) in [("形象进度", &r.progress), ("存在问题", &r.problems)] {
                if text.chars().count() > max {
                    self.error(ImportError::new(
                        r.row,
                        column,
                        format!("不能超过 {max} 字"),
                    ));
                }
            }
            let Some(project) = project.filter(|_| self.errors.len() + self.more_errors == before)
            else {
                continue;
            };
            let pid = project.id;
            let key = pair_key(pid, r.period);
            if !self.seen.insert(key) {
                let msg = match here.get(&key) {
                    Some(first) => format!("与第{first}行是同一项目同一期"),
                    None => "与本文件前面的一行是同一项目同一期".to_string(),
                };
                self.error(ImportError::new(r.row, "填报期", msg));
                continue;
            }
            here.insert(key, r.row);
            if let Some(b) = project
                .bounds
                .check(r.period, r.investment, self.confirm_unusual)
            {
                let message = match b {
                    Beyond::Total(m) => m,
                    Beyond::Plan(m) => {
                        format!("{m}；如已核实，请在导入时勾选“确认超计划数值”")
                    }
                };
                self.error(ImportError::new(r.row, "本期完成投资(万元)", message));
                continue;
            }
            ok.push((pid, r));
        }
        if self.failed() {
            return Ok(());
        }
        self.written += ok.len();
        let (open, local) = (self.open, self.local);
        let calendar = self.calendar.clone();
        let tx = &mut self.tx;
        let store = self.store;
        // Reports already filed for the chunk's (project, period) pairs: those rows are edits.
        let pairs: Vec<(i64, Period)> = ok.iter().map(|(pid, r)| (*pid, r.period)).collect();
        let mut existing = store.filed_reports(tx, &pairs).await?;
        // Each project's code (for the audit) and actual start (for the on-time share), by id.
        let by_id: HashMap<i64, (&str, Option<Date>)> = projects
            .iter()
            .map(|(c, p)| (p.id, (c.as_str(), p.actual_start)))
            .collect();
        // Rows for a project and period already reported edit the report in place (in bulk, below).
        // An edit changes the running totals by the difference in investment (whether it was on time
        // stays as first recorded) — unless it takes away the report's investment: the latest
        // investment date may then move back, and that project's months are rewritten from its
        // reports (`rewrite`), as a submission does.
        let mut rewrite: HashSet<i64> = HashSet::new();
        let mut jobs = Vec::with_capacity(ok.len());
        for (pid, r) in &ok {
            let input = ReportInput {
                period: r.period,
                investment: r.investment,
                progress: r.progress.clone(),
                problems: r.problems.clone(),
            };
            // A file names a (project, period) once (checked above): its filed report is taken.
            let before = existing.remove(&(*pid, r.period));
            if let Some(f) = &before {
                // A row that repeats what was filed changes nothing and is not recorded: a corrected
                // file re-sends the whole week, and the audit log should show the rows it corrects.
                if repeats(&input, f.investment, &f.progress, &f.problems) {
                    continue;
                }
                if f.investment > 0 && r.investment.0 <= 0 {
                    rewrite.insert(*pid);
                }
            }
            let (code, start) = by_id[pid];
            jobs.push((*pid, code.to_string(), start, input, before));
        }
        drop(existing);
        let actor = self.actor.clone();
        let rewrite_too = rewrite.clone();
        let stamp = self.stamp.clone();
        // The edits, the new reports, every row's audit record and the running totals of the new
        // reports and the edits are built on a blocking thread, one statement ahead of the engine
        // writing them.
        bulk::pipelined(tx, store.stager.as_ref(), move |out| {
            let edits = jobs
                .iter()
                .filter_map(|(_, _, _, r, before)| before.as_ref().map(|f| (f.id, r)));
            emit_updates(out, edits, &stamp, actor.user_id);
            let mut added: BTreeMap<(i64, i32), Vec<ReportPoint>> = BTreeMap::new();
            let inserts = jobs.iter().filter_map(|(pid, _, start, r, before)| {
                let end = r.period.last_day();
                let on_time = calendar.on_time(r.period, local);
                // What the row adds to its year's totals, unless its project is rewritten.
                let point = match before {
                    None => Some(ReportPoint {
                        period_end: end,
                        investment: r.investment,
                        on_time_weekly: crate::totals::on_time_weekly(
                            r.period.kind() == PeriodKind::Week,
                            on_time,
                            *start,
                            end,
                        ),
                    }),
                    Some(f) => (r.investment.0 != f.investment).then_some(ReportPoint {
                        period_end: end,
                        investment: Yuan(r.investment.0 - f.investment),
                        on_time_weekly: false,
                    }),
                };
                // Only the closed days are in the totals.
                let closed = crate::totals::closed(open, end);
                if let Some(point) = point.filter(|_| closed && !rewrite_too.contains(pid)) {
                    added.entry((*pid, end.year())).or_default().push(point);
                }
                before
                    .is_none()
                    .then(|| report_vals(*pid, r, on_time, actor.user_id, &stamp))
            });
            out.rows_from("reports", REPORT_COLUMNS, inserts, "");
            let audits = jobs.into_iter().map(|(_, code, _, r, before)| {
                let before = before.map(|f| {
                    report_json(&ReportInput {
                        period: r.period,
                        investment: Yuan(f.investment),
                        progress: f.progress,
                        problems: f.problems,
                    })
                    .to_string()
                });
                crate::audit::row(
                    &stamp,
                    &actor,
                    if before.is_some() { "update" } else { "create" },
                    "report",
                    format!("{code}/{}", r.period),
                    before,
                    Some(report_json(&r).to_string()),
                )
            });
            out.rows_from("audit", AUDIT_COLUMNS, audits, "");
            for (from, totals) in crate::totals::new_report_rows(&added) {
                out.rows(
                    "report_year_totals",
                    &crate::totals::totals_columns_from(from),
                    &totals,
                    crate::totals::add_to_totals_from(from),
                );
            }
        })
        .await?;
        // The projects rewritten have the months of each year the file touches rewritten, from its
        // earliest month in that year on.
        let mut by_year: BTreeMap<i32, (u8, Vec<i64>)> = Default::default();
        for (pid, r) in ok.iter().filter(|(pid, _)| rewrite.contains(pid)) {
            let end = r.period.last_day();
            if !crate::totals::closed(open, end) {
                continue; // open: not in the totals
            }
            let e = by_year.entry(end.year()).or_insert((12, Vec::new()));
            e.0 = e.0.min(u8::from(end.month()));
            e.1.push(*pid);
        }
        for (y, (m, ids)) in by_year {
            store.refresh_totals(tx, &ids, Some((y, m)), open).await?;
        }
        Ok(())
    }

    /// Ends the import: with no error, commits (or, for a dry run, rolls back) and returns the number
    /// of rows; otherwise rolls back and returns the errors, in row order (the first
    /// [`MAX_LISTED_ERRORS`], and a last line counting the rest).
    pub async fn finish(
        self,
        commit: bool,
    ) -> Result<std::result::Result<usize, Vec<ImportError>>> {
        if self.failed() {
            self.tx.rollback().await?;
            let mut errors = self.errors;
            diaodu_domain::import::sort_errors(&mut errors);
            if self.more_errors > 0 {
                errors.push(ImportError::new(
                    0,
                    "",
                    format!("另有 {} 处错误未列出", self.more_errors),
                ));
            }
            return Ok(Err(errors));
        }
        if commit {
            self.tx.commit().await?;
        } else {
            self.tx.rollback().await?;
        }
        Ok(Ok(self.written))
    }
}

fn unknown_project(row: usize, code: &str) -> ImportError {
    ImportError::new(row, "项目编码", format!("项目库中没有“{}”", code.trim()))
}

fn outside_scope(row: usize, code: &str) -> ImportError {
    ImportError::new(
        row,
        "项目编码",
        format!("无权填报项目“{}”（不属于本单位）", code.trim()),
    )
}
