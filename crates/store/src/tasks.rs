//! Key tasks (重点工作任务): creation, milestones, progress reports, the claim of completion and its
//! verification (销号), and the light of every task as of a date.

use std::collections::HashMap;

use diaodu_domain::access::Scope;
use diaodu_domain::indicator::{parse_number, Direction};
use diaodu_domain::period::fmt_date;
use diaodu_domain::task::{
    rolled_up_percent, task_status, Cadence, Milestone, QuantTarget, TaskFacts, TaskSettings,
    TaskState, TaskStatus,
};
use diaodu_domain::Period;
use serde::Serialize;
use time::Date;

use crate::{audit, now_ts, s2d, Actor, Result, StoreError, Tasks, UnitTree};

/// A task to create.
#[derive(Debug, Clone)]
pub struct NewTask {
    /// Code; empty for an automatic one (RW2026-001).
    pub code: String,
    /// 标题.
    pub title: String,
    /// 内容.
    pub content: String,
    /// 牵头单位.
    pub lead_unit_id: i64,
    /// 配合单位.
    pub cooperating: Vec<i64>,
    /// 责任领导.
    pub leader: String,
    /// 开始日期.
    pub start: Date,
    /// 截止日期.
    pub deadline: Date,
    /// 填报频次.
    pub cadence: Cadence,
    /// 量化目标.
    pub target: Option<QuantTarget>,
    /// Parent task (a sub-task per unit).
    pub parent_id: Option<i64>,
    /// Milestones (due, what).
    pub milestones: Vec<(Date, String)>,
}

/// A stored task.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Task {
    /// Id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Title.
    pub title: String,
    /// Content.
    pub content: String,
    /// Lead unit.
    pub lead_unit_id: i64,
    /// Leader in charge.
    pub leader: String,
    /// Start.
    pub start: Date,
    /// Deadline.
    pub deadline: Date,
    /// Cadence.
    pub cadence: Cadence,
    /// Quantitative target.
    pub target: Option<QuantTarget>,
    /// Parent task.
    pub parent_id: Option<i64>,
    /// Life state.
    pub state: TaskState,
    /// When the lead unit claimed completion.
    pub claimed_at: Option<String>,
    /// When the office closed it.
    pub closed_at: Option<String>,
    /// The office's verification note.
    pub close_note: Option<String>,
}

/// A task with its status as of a date, for lists.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskRow {
    /// The task.
    #[serde(flatten)]
    pub task: Task,
    /// Lead unit name.
    pub lead_unit: String,
    /// Cooperating unit ids.
    pub cooperating: Vec<i64>,
    /// Status.
    pub status: TaskStatus,
    /// Latest actual value reported against the target.
    pub latest_actual: Option<f64>,
    /// The periods reported (by it or, when split, by any of its sub-tasks).
    #[serde(skip)]
    pub reported: Vec<Period>,
}

/// A progress report of a task.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskReport {
    /// Id.
    pub id: i64,
    /// Period.
    pub period: String,
    /// Text.
    pub body: String,
    /// Percent done.
    pub percent: u8,
    /// Actual value against the target.
    pub actual_value: Option<String>,
    /// Who (login).
    pub user_login: String,
    /// First submitted (UTC).
    pub created_at: String,
    /// Last edited (UTC).
    pub updated_at: String,
}

/// A progress report to file.
#[derive(Debug, Clone)]
pub struct TaskReportInput {
    /// Period, of the task's cadence.
    pub period: Period,
    /// What was done.
    pub body: String,
    /// Percent done, 0–100; 100 claims completion.
    pub percent: u8,
    /// Actual value against the quantitative target.
    pub actual_value: Option<String>,
    /// Milestones reported met in this report (ids), met on the report date.
    pub milestones_met: Vec<i64>,
}

/// A task with everything its page shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskDetail {
    /// The task and its status.
    #[serde(flatten)]
    pub row: TaskRow,
    /// Milestones with ids.
    pub milestones: Vec<(i64, Milestone)>,
    /// Reports, newest first.
    pub reports: Vec<TaskReport>,
    /// Sub-tasks with their status.
    pub children: Vec<TaskRow>,
}

/// A task as the database holds it (the columns of [`TASK_COLUMNS`]).
#[derive(sqlx::FromRow)]
struct TaskRecord {
    id: i64,
    code: String,
    title: String,
    content: String,
    lead_unit_id: i64,
    leader: String,
    start_date: String,
    deadline: String,
    cadence: String,
    target_value: Option<String>,
    target_unit: Option<String>,
    target_direction: Option<String>,
    parent_id: Option<i64>,
    state: String,
    claimed_at: Option<String>,
    closed_at: Option<String>,
    close_note: Option<String>,
}

impl From<TaskRecord> for Task {
    fn from(r: TaskRecord) -> Task {
        let (tu, td) = (r.target_unit, r.target_direction);
        Task {
            id: r.id,
            code: r.code,
            title: r.title,
            content: r.content,
            lead_unit_id: r.lead_unit_id,
            leader: r.leader,
            start: s2d(Some(r.start_date)).unwrap_or(Date::MIN),
            deadline: s2d(Some(r.deadline)).unwrap_or(Date::MIN),
            cadence: Cadence::parse(&r.cadence).unwrap_or(Cadence::Monthly),
            target: r
                .target_value
                .and_then(|v| parse_number(&v))
                .map(|value| QuantTarget {
                    value,
                    unit: tu.unwrap_or_default(),
                    direction: td
                        .as_deref()
                        .and_then(Direction::parse)
                        .unwrap_or(Direction::Higher),
                }),
            parent_id: r.parent_id,
            state: TaskState::parse(&r.state).unwrap_or(TaskState::Open),
            claimed_at: r.claimed_at,
            closed_at: r.closed_at,
            close_note: r.close_note,
        }
    }
}

/// A milestone as the database holds it.
#[derive(sqlx::FromRow)]
struct MilestoneRecord {
    id: i64,
    task_id: i64,
    due: String,
    what: String,
    met_on: Option<String>,
}

impl MilestoneRecord {
    fn milestone(self) -> Milestone {
        Milestone {
            due: s2d(Some(self.due)).unwrap_or(Date::MIN),
            what: self.what,
            met_on: s2d(self.met_on),
        }
    }
}

/// A task report as the database holds it, with its author's login.
#[derive(sqlx::FromRow)]
struct TaskReportRecord {
    id: i64,
    period: String,
    body: String,
    percent: i64,
    actual_value: Option<String>,
    user_login: String,
    created_at: String,
    updated_at: String,
}

impl From<TaskReportRecord> for TaskReport {
    fn from(r: TaskReportRecord) -> TaskReport {
        TaskReport {
            id: r.id,
            period: r.period,
            body: r.body,
            percent: r.percent.clamp(0, 100) as u8,
            actual_value: r.actual_value,
            user_login: r.user_login,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

const TASK_COLUMNS: &str =
    "id, code, title, content, lead_unit_id, leader, start_date, deadline, cadence, target_value, \
     target_unit, target_direction, parent_id, state, claimed_at, closed_at, close_note";

fn task_json(t: &NewTask) -> serde_json::Value {
    serde_json::json!({
        "title": t.title, "content": t.content, "lead_unit_id": t.lead_unit_id, "cooperating": t.cooperating,
        "leader": t.leader, "start": fmt_date(t.start), "deadline": fmt_date(t.deadline), "cadence": t.cadence.code(),
        "target": t.target, "parent_id": t.parent_id,
        "milestones": t.milestones.iter().map(|(d, w)| serde_json::json!({"due": fmt_date(*d), "what": w})).collect::<Vec<_>>(),
    })
}

impl Tasks<'_> {
    /// The task light thresholds in force.
    pub async fn task_settings(self) -> Result<TaskSettings> {
        let mut s = TaskSettings::default();
        if let Some(v) = self
            .setting("task.yellow_gap")
            .await?
            .and_then(|v| v.trim().parse().ok())
        {
            s.yellow_gap_pp = v;
        }
        if let Some(v) = self
            .setting("task.due_soon_days")
            .await?
            .and_then(|v| v.trim().parse().ok())
        {
            s.due_soon_days = v;
        }
        if let Some(v) = self
            .setting("task.missing_reports")
            .await?
            .and_then(|v| v.trim().parse().ok())
        {
            s.missing_reports = v;
        }
        Ok(s)
    }

    /// Creates a task with its milestones and cooperating units (audited).
    pub async fn create(self, actor: &Actor, t: NewTask) -> Result<Task> {
        let mut errs = Vec::new();
        if t.title.trim().is_empty() {
            errs.push(("标题".to_string(), "不能为空".to_string()));
        }
        if t.deadline < t.start {
            errs.push(("截止日期".to_string(), "不能早于开始日期".to_string()));
        }
        for (d, w) in &t.milestones {
            if w.trim().is_empty() {
                errs.push(("节点".to_string(), "内容不能为空".to_string()));
            }
            if *d < t.start || *d > t.deadline {
                errs.push((
                    "节点".to_string(),
                    format!("{} 不在任务起止日期之内", fmt_date(*d)),
                ));
            }
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin().await?;
        let code = if t.code.trim().is_empty() {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tasks")
                .fetch_one(&mut *tx)
                .await?;
            format!("RW{}-{:03}", t.start.year(), n + 1)
        } else {
            t.code.trim().to_string()
        };
        let dup: Option<i64> = sqlx::query_scalar("SELECT id FROM tasks WHERE code = $1")
            .bind(&code)
            .fetch_optional(&mut *tx)
            .await?;
        if dup.is_some() {
            return Err(StoreError::Conflict(format!("任务编号“{code}”已存在")));
        }
        let now = now_ts();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tasks (code, title, content, lead_unit_id, leader, start_date, deadline, cadence, target_value, target_unit, \
             target_direction, parent_id, state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'open', $13, $13) RETURNING id",
        )
        .bind(&code)
        .bind(t.title.trim())
        .bind(t.content.trim())
        .bind(t.lead_unit_id)
        .bind(t.leader.trim())
        .bind(fmt_date(t.start))
        .bind(fmt_date(t.deadline))
        .bind(t.cadence.code())
        .bind(t.target.as_ref().map(|x| x.value.to_string()))
        .bind(t.target.as_ref().map(|x| x.unit.clone()))
        .bind(t.target.as_ref().map(|x| x.direction.code().to_string()))
        .bind(t.parent_id)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        for u in &t.cooperating {
            if *u != t.lead_unit_id {
                sqlx::query("INSERT INTO task_units (task_id, unit_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(*u)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for (d, w) in &t.milestones {
            sqlx::query("INSERT INTO task_milestones (task_id, due, what) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(fmt_date(*d))
                .bind(w.trim())
                .execute(&mut *tx)
                .await?;
        }
        audit::record(
            &mut tx,
            actor,
            "create",
            "task",
            &code,
            None,
            Some(task_json(&t)),
        )
        .await?;
        tx.commit().await?;
        self.tasks()
            .get(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("任务".into()))
    }

    /// Writes many tasks at once (generated data; each task must carry its code; one audit record for
    /// the batch).
    pub async fn insert_bulk(self, actor: &Actor, tasks: &[NewTask]) -> Result<()> {
        use crate::bulk::{self, Val};
        let now = now_ts();
        let rows = tasks
            .iter()
            .map(|t| {
                vec![
                    Val::T(t.code.clone()),
                    Val::T(t.title.clone()),
                    Val::T(t.content.clone()),
                    Val::I(t.lead_unit_id),
                    Val::T(t.leader.clone()),
                    Val::T(fmt_date(t.start)),
                    Val::T(fmt_date(t.deadline)),
                    Val::T(t.cadence.code().into()),
                    Val::T("open".into()),
                    Val::T(now.clone()),
                    Val::T(now.clone()),
                ]
            })
            .collect();
        let mut tx = self.begin().await?;
        bulk::insert(
            &mut tx,
            "tasks",
            &[
                "code",
                "title",
                "content",
                "lead_unit_id",
                "leader",
                "start_date",
                "deadline",
                "cadence",
                "state",
                "created_at",
                "updated_at",
            ],
            rows,
        )
        .await?;
        audit::record(
            &mut tx,
            actor,
            "create",
            "task",
            "bulk",
            None,
            Some(serde_json::json!({"rows": tasks.len()})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A task by id.
    pub async fn get(self, id: i64) -> Result<Option<Task>> {
        let row: Option<TaskRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Task::from))
    }

    /// The units a task involves: its lead unit and the cooperating ones.
    pub async fn task_units(self, id: i64) -> Result<Vec<i64>> {
        let t = self
            .tasks()
            .get(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("任务".into()))?;
        let mut v: Vec<i64> =
            sqlx::query_scalar("SELECT unit_id FROM task_units WHERE task_id = $1")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        v.insert(0, t.lead_unit_id);
        Ok(v)
    }

    /// Every task whose lead or cooperating unit is within `scope`, with its status as of `d`.
    pub async fn rows(self, tree: &UnitTree, scope: Scope, d: Date) -> Result<Vec<TaskRow>> {
        let settings = self.tasks().task_settings().await?;
        let calendar = self.reports().calendar().await?;
        let tasks: Vec<Task> = sqlx::query_as::<_, TaskRecord>(sqlx::AssertSqlSafe(format!(
            "SELECT {TASK_COLUMNS} FROM tasks ORDER BY code"
        )))
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(Task::from)
        .collect();
        let mut coop: HashMap<i64, Vec<i64>> = HashMap::new();
        let pairs: Vec<(i64, i64)> = sqlx::query_as("SELECT task_id, unit_id FROM task_units")
            .fetch_all(&self.pool)
            .await?;
        for (task, unit) in pairs {
            coop.entry(task).or_default().push(unit);
        }
        let mut miles: HashMap<i64, Vec<Milestone>> = HashMap::new();
        let all: Vec<MilestoneRecord> =
            sqlx::query_as("SELECT id, task_id, due, what, met_on FROM task_milestones")
                .fetch_all(&self.pool)
                .await?;
        for m in all {
            miles.entry(m.task_id).or_default().push(m.milestone());
        }
        // Reports up to D: which periods were reported, and the latest percent and actual value.
        let mut reported: HashMap<i64, Vec<Period>> = HashMap::new();
        let mut latest: HashMap<i64, (String, u8, Option<String>)> = HashMap::new();
        let rows: Vec<(i64, String, String, i64, Option<String>)> = sqlx::query_as(
            "SELECT task_id, period, period_end, percent, actual_value FROM task_reports \
             WHERE period_end <= $1 OR created_at <= $2",
        )
        .bind(fmt_date(d))
        .bind(format!("{}T99", fmt_date(d)))
        .fetch_all(&self.pool)
        .await?;
        for (id, p, end, pct, actual) in rows {
            if let Ok(p) = Period::parse(&p) {
                reported.entry(id).or_default().push(p);
            }
            let pct = pct.clamp(0, 100) as u8;
            let e = latest.entry(id).or_insert_with(|| (String::new(), 0, None));
            if end >= e.0 {
                *e = (end, pct, actual);
            }
        }
        let children: HashMap<i64, Vec<i64>> = tasks
            .iter()
            .filter_map(|t| t.parent_id.map(|p| (p, t.id)))
            .fold(HashMap::new(), |mut m, (p, c)| {
                m.entry(p).or_default().push(c);
                m
            });
        let own_pct = |id: i64| latest.get(&id).map(|l| l.1).unwrap_or(0);
        let mut out = Vec::new();
        for t in &tasks {
            let co = coop.get(&t.id).cloned().unwrap_or_default();
            let visible = std::iter::once(t.lead_unit_id)
                .chain(co.iter().copied())
                .any(|u| tree.in_scope(u, scope));
            if !visible {
                continue;
            }
            // A task split into sub-tasks takes its progress from them (their mean).
            let pct = match children.get(&t.id) {
                Some(kids) => {
                    rolled_up_percent(&kids.iter().map(|k| own_pct(*k)).collect::<Vec<_>>())
                        .unwrap_or(0)
                }
                None => own_pct(t.id),
            };
            // A split task is reported through its sub-tasks: a period counts as reported when any
            // part reported it.
            let mut periods = reported.get(&t.id).cloned().unwrap_or_default();
            if let Some(kids) = children.get(&t.id) {
                for k in kids {
                    periods.extend(reported.get(k).cloned().unwrap_or_default());
                }
            }
            let facts = TaskFacts {
                state: t.state,
                start: t.start,
                deadline: t.deadline,
                cadence: t.cadence,
                percent_done: pct,
                milestones: miles.get(&t.id).cloned().unwrap_or_default(),
                reported: periods,
            };
            out.push(TaskRow {
                lead_unit: tree
                    .get(t.lead_unit_id)
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                status: task_status(&facts, d, &settings, &calendar),
                reported: facts.reported.clone(),
                latest_actual: latest
                    .get(&t.id)
                    .and_then(|l| l.2.as_deref().and_then(parse_number)),
                cooperating: co,
                task: t.clone(),
            });
        }
        Ok(out)
    }

    /// A task with milestones, reports and sub-tasks, as of `d`.
    pub async fn detail(self, tree: &UnitTree, id: i64, d: Date) -> Result<TaskDetail> {
        let rows = self.tasks().rows(tree, Scope::All, d).await?;
        let row = rows
            .iter()
            .find(|r| r.task.id == id)
            .cloned()
            .ok_or_else(|| StoreError::NotFound("任务".into()))?;
        let children = rows
            .iter()
            .filter(|r| r.task.parent_id == Some(id))
            .cloned()
            .collect();
        let milestones = sqlx::query_as::<_, MilestoneRecord>(
            "SELECT id, task_id, due, what, met_on FROM task_milestones WHERE task_id = $1 \
             ORDER BY due, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|m| (m.id, m.milestone()))
        .collect();
        let reports = sqlx::query_as::<_, TaskReportRecord>(
            "SELECT r.id, r.period, r.body, r.percent, r.actual_value, r.created_at, r.updated_at, COALESCE(u.login, 'cli') AS user_login \
             FROM task_reports r LEFT JOIN users u ON u.id = r.submitted_by WHERE r.task_id = $1 ORDER BY r.period_end DESC",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(TaskReport::from)
        .collect();
        Ok(TaskDetail {
            row,
            milestones,
            reports,
            children,
        })
    }

    /// Files (or, for the same period, edits) a progress report. 100 % is the lead unit's claim that
    /// the task is finished: the task waits for the supervision office to verify it.
    pub async fn submit_report(
        self,
        actor: &Actor,
        task_id: i64,
        r: &TaskReportInput,
        today: Date,
    ) -> Result<()> {
        let t = self
            .tasks()
            .get(task_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("任务".into()))?;
        if t.state == TaskState::Closed {
            return Err(StoreError::Conflict("任务已销号，不能再报送进度".into()));
        }
        let want = match t.cadence {
            Cadence::Weekly => diaodu_domain::period::PeriodKind::Week,
            Cadence::Monthly => diaodu_domain::period::PeriodKind::Month,
        };
        if r.period.kind() != want {
            return Err(StoreError::invalid(
                "填报期",
                format!(
                    "该任务{}报送，填报期应为{}",
                    t.cadence.zh(),
                    if want == diaodu_domain::period::PeriodKind::Week {
                        "周（如 2026-W07）"
                    } else {
                        "月（如 2026-03）"
                    }
                ),
            ));
        }
        if r.period.first_day() > today {
            return Err(StoreError::invalid(
                "填报期",
                format!("{} 尚未开始", r.period),
            ));
        }
        if r.percent > 100 {
            return Err(StoreError::invalid("完成进度", "应在 0 到 100 之间"));
        }
        if r.body.chars().count() > 5000 {
            return Err(StoreError::invalid("进展情况", "不能超过 5000 个字"));
        }
        if !r.milestones_met.is_empty() {
            let own: Vec<i64> =
                sqlx::query_scalar("SELECT id FROM task_milestones WHERE task_id = $1")
                    .bind(task_id)
                    .fetch_all(&self.pool)
                    .await?;
            if let Some(bad) = r.milestones_met.iter().find(|m| !own.contains(m)) {
                return Err(StoreError::invalid(
                    "已完成节点",
                    format!("编号 {bad} 不是本任务的节点"),
                ));
            }
        }
        if let Some(v) = &r.actual_value {
            if parse_number(v).is_none() {
                return Err(StoreError::invalid("实际值", format!("“{v}”不是数字")));
            }
        }
        let mut tx = self.begin().await?;
        let old: Option<(i64, String, i64, Option<String>)> = sqlx::query_as("SELECT id, body, percent, actual_value FROM task_reports WHERE task_id = $1 AND period = $2")
            .bind(task_id)
            .bind(r.period.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        let now = now_ts();
        let after = serde_json::json!({"period": r.period.to_string(), "body": r.body, "percent": r.percent, "actual_value": r.actual_value});
        let entity = format!("{}/{}", t.code, r.period);
        if let Some((id, body, percent, actual_value)) = old {
            let before = serde_json::json!({"period": r.period.to_string(), "body": body, "percent": percent, "actual_value": actual_value});
            sqlx::query("UPDATE task_reports SET body = $1, percent = $2, actual_value = $3, submitted_by = $4, updated_at = $5 WHERE id = $6")
                .bind(r.body.trim())
                .bind(i64::from(r.percent))
                .bind(r.actual_value.clone())
                .bind(actor.user_id)
                .bind(&now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            audit::record(
                &mut tx,
                actor,
                "update",
                "task_report",
                &entity,
                Some(before),
                Some(after),
            )
            .await?;
        } else {
            sqlx::query(
                "INSERT INTO task_reports (task_id, period, period_end, body, percent, actual_value, submitted_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            )
            .bind(task_id)
            .bind(r.period.to_string())
            .bind(fmt_date(r.period.last_day()))
            .bind(r.body.trim())
            .bind(i64::from(r.percent))
            .bind(r.actual_value.clone())
            .bind(actor.user_id)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                actor,
                "create",
                "task_report",
                &entity,
                None,
                Some(after),
            )
            .await?;
        }
        for m in &r.milestones_met {
            let n = sqlx::query("UPDATE task_milestones SET met_on = $1 WHERE id = $2 AND task_id = $3 AND met_on IS NULL")
                .bind(fmt_date(today))
                .bind(*m)
                .bind(task_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n > 0 {
                audit::record(
                    &mut tx,
                    actor,
                    "update",
                    "task_milestone",
                    &format!("{}/{m}", t.code),
                    None,
                    Some(serde_json::json!({"met_on": fmt_date(today)})),
                )
                .await?;
            }
        }
        let new_state = if r.percent == 100 {
            TaskState::Claimed
        } else {
            TaskState::Open
        };
        if new_state != t.state {
            sqlx::query(
                "UPDATE tasks SET state = $1, claimed_at = $2, updated_at = $3 WHERE id = $4",
            )
            .bind(new_state.code())
            .bind((new_state == TaskState::Claimed).then(|| now.clone()))
            .bind(&now)
            .bind(task_id)
            .execute(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                actor,
                "update",
                "task",
                &t.code,
                Some(serde_json::json!({"state": t.state.code()})),
                Some(serde_json::json!({"state": new_state.code()})),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The supervision office's verification of a claimed task: accept (销号, closed) or send back with
    /// a reason (the task is open again). Only a claimed task can be verified.
    pub async fn verify(
        self,
        actor: &Actor,
        task_id: i64,
        accept: bool,
        note: &str,
    ) -> Result<Task> {
        let t = self
            .tasks()
            .get(task_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("任务".into()))?;
        if t.state != TaskState::Claimed {
            return Err(StoreError::Conflict(format!(
                "任务状态为“{}”，只有申请销号的任务才能核验",
                t.state.zh()
            )));
        }
        if !accept && note.trim().is_empty() {
            return Err(StoreError::invalid("退回理由", "退回时必须说明理由"));
        }
        // Separation of duties: whoever filed the claiming report cannot verify it.
        let claimant: Option<Option<i64>> = sqlx::query_scalar(
            "SELECT submitted_by FROM task_reports WHERE task_id = $1 AND percent = 100 ORDER BY updated_at DESC LIMIT 1",
        )
        .bind(task_id)
        .fetch_optional(&self.pool)
        .await?;
        if actor.user_id.is_some() && claimant.flatten() == actor.user_id {
            return Err(StoreError::Conflict("不能核验本人报送的完成申请".into()));
        }
        let now = now_ts();
        let mut tx = self.begin().await?;
        if accept {
            sqlx::query("UPDATE tasks SET state = 'closed', closed_at = $1, closed_by = $2, close_note = $3, updated_at = $1 WHERE id = $4")
                .bind(&now)
                .bind(actor.user_id)
                .bind(note.trim())
                .bind(task_id)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("UPDATE tasks SET state = 'open', claimed_at = NULL, close_note = $1, updated_at = $2 WHERE id = $3")
                .bind(note.trim())
                .bind(&now)
                .bind(task_id)
                .execute(&mut *tx)
                .await?;
        }
        audit::record(
            &mut tx,
            actor,
            if accept { "close" } else { "send_back" },
            "task",
            &t.code,
            Some(serde_json::json!({"state": t.state.code()})),
            Some(serde_json::json!({"state": if accept { "closed" } else { "open" }, "note": note.trim()})),
        )
        .await?;
        tx.commit().await?;
        self.tasks()
            .get(task_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("任务".into()))
    }
}
