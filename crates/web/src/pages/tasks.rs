//! Key tasks (重点工作任务): list with lights, creation, detail with milestones, sub-tasks and reports,
//! the lead unit's progress report, and the supervision office's verification (销号 or 退回).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use diaodu_domain::access::Action;
use diaodu_domain::indicator::Direction;
use diaodu_domain::period::fmt_date;
use diaodu_domain::task::{Cadence, TaskLight, TaskState};
use diaodu_domain::Period;
use diaodu_store::{TaskReportInput, TaskRow, UnitTree};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{csrf, flash, page};
use super::projects::unit_options;
use super::sort::{self, Key, Sorting};
use super::{as_of, nonempty, Ctx};
use crate::auth::Current;
pub use crate::forms::TaskForm;
use crate::service::scope::load_task;
use crate::{AppError, AppState};

/// A task light with its colour dot (task lights share the project light styles).
pub fn task_light(l: TaskLight) -> Markup {
    let class = match l {
        TaskLight::Done => "done",
        other => other.code(),
    };
    html! { span class={"light " (class)} { (l.zh()) } }
}

/// Query of the task list.
#[derive(Debug, Default, Deserialize)]
pub struct TaskQuery {
    /// Light code.
    pub light: Option<String>,
    /// Status date.
    pub as_of: Option<String>,
    /// Confirmation banner.
    pub saved: Option<String>,
    /// `xlsx`: the list as an Excel download, with the same filters.
    pub format: Option<String>,
    /// Column to sort by (see [`TASK_COLUMNS`]), `-` before it for descending.
    pub sort: Option<String>,
}

/// The columns the task list sorts by.
pub const TASK_COLUMNS: &[&str] = &[
    "light", "code", "title", "unit", "leader", "deadline", "done", "time", "state",
];

fn task_key(r: &&TaskRow, col: &str) -> Key {
    match col {
        // Worst first: the lights are ordered red, yellow, green, done.
        "light" => Key::Num(r.status.light as u8 as f64),
        "code" => Key::text(&r.task.code),
        "title" => Key::text(&r.task.title),
        "unit" => Key::text(&r.lead_unit),
        "leader" => Key::text(&r.task.leader),
        "deadline" => Key::text(fmt_date(r.task.deadline)),
        "done" => Key::Num(f64::from(r.status.percent_done)),
        "time" => Key::Num(r.status.time_elapsed_pct),
        _ => Key::text(r.task.state.zh()),
    }
}

/// The table of tasks; its headers sort the list when `sorting` is given.
pub fn task_table(rows: &[&TaskRow], sorting: Option<&Sorting>) -> Markup {
    let th = |col, label, numeric| sort::th(sorting, col, label, numeric);
    html! {
        div.tablewrap { table.tasks {
            thead { tr { th { (th("light", "亮灯", false)) } th { (th("code", "编号", false)) } th { (th("title", "任务", false)) } th { (th("unit", "牵头单位", false)) } th { (th("leader", "责任领导", false)) } th { (th("deadline", "截止日期", false)) } th.n { (th("done", "进度", true)) } th.n { (th("time", "时间进度", true)) } th { (th("state", "状态", false)) } } }
            tbody {
                @for r in rows { tr {
                    td { (task_light(r.status.light)) }
                    td.nw { (r.task.code) }
                    td { a href={"/tasks/" (r.task.id)} { (r.task.title) }
                        @for why in &r.status.reasons { " " span class=(if r.status.light == TaskLight::Red { "tag red small" } else { "tag warn small" }) { (why) } } }
                    td { (r.lead_unit) } td { (r.task.leader) } td.nw { (fmt_date(r.task.deadline)) }
                    td.n { (r.status.percent_done) "%" } td.n { (format!("{:.0}%", r.status.time_elapsed_pct)) }
                    td.nw { (r.task.state.zh()) }
                } }
                @if rows.is_empty() { tr { td colspan="9" { span.muted { "没有符合条件的任务。" } } } }
            }
        } }
    }
}

/// GET /tasks
pub async fn list(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<TaskQuery>,
) -> Result<Response, AppError> {
    let ctx = Ctx::load(&state, &c).await?;
    let d = as_of(&state, q.as_of.as_deref())?;
    let light = match nonempty(&q.light) {
        Some(l) => Some(
            TaskLight::parse(l)
                .ok_or_else(|| AppError::invalid("亮灯", format!("“{l}”不是有效值")))?,
        ),
        None => None,
    };
    let all = state.store.tasks().rows(&ctx.tree, c.scope, d).await?;
    let ts = state.store.tasks().task_settings().await?;
    let top: Vec<&TaskRow> = all.iter().filter(|r| r.task.parent_id.is_none()).collect();
    let mut shown: Vec<&TaskRow> = all
        .iter()
        .filter(|r| light.is_none_or(|l| r.status.light == l))
        .collect();
    let sorting = Sorting::new(
        "/tasks",
        nonempty(&q.sort),
        TASK_COLUMNS,
        &[
            ("light", nonempty(&q.light).unwrap_or("")),
            ("as_of", nonempty(&q.as_of).unwrap_or("")),
        ],
    );
    sorting.apply(&mut shown, task_key);
    if nonempty(&q.format) == Some("xlsx") {
        use diaodu_office::xlsx::Cell::{Int, Num, Text};
        let rows: Vec<_> = shown
            .iter()
            .map(|r| {
                vec![
                    Text(r.task.code.clone()),
                    Text(r.task.title.clone()),
                    Text(r.lead_unit.clone()),
                    Text(r.task.leader.clone()),
                    Text(fmt_date(r.task.start)),
                    Text(fmt_date(r.task.deadline)),
                    Int(i64::from(r.status.percent_done)),
                    Num(r.status.time_elapsed_pct),
                    Text(r.status.light.zh().to_string()),
                    Int(r.status.days_overdue),
                    Text(r.status.reasons.join("；")),
                ]
            })
            .collect();
        let heads = [
            "编号",
            "任务",
            "牵头单位",
            "责任领导",
            "开始日期",
            "完成时限",
            "完成进度(%)",
            "时间进度(%)",
            "亮灯",
            "逾期天数",
            "原因",
        ];
        return super::list_xlsx("重点工作任务", d, &heads, &rows);
    }
    let count = |l: TaskLight| all.iter().filter(|r| r.status.light == l).count();
    let export = serde_urlencoded::to_string([
        ("light", nonempty(&q.light).unwrap_or("")),
        ("as_of", &fmt_date(d)),
        ("sort", sorting.value()),
        ("format", "xlsx"),
    ])
    .unwrap_or_default();
    let body = html! {
        (flash(nonempty(&q.saved), None))
        h1 { "重点工作任务" span.muted.small { "　共 " (top.len()) " 项（含分解任务 " (all.len()) " 项），统计日期 " (fmt_date(d)) } }
        div.cards {
            @for l in TaskLight::ALL { a.card href={"/tasks?light=" (l.code())} style="text-decoration:none;color:inherit" {
                div.k { (task_light(l)) } div.v { (count(l)) small { "项" } } } }
        }
        form.filters method="get" action="/tasks" style="margin-top:12px" {
            label { "亮灯" select name="light" { option value="" { "全部" } @for l in TaskLight::ALL { option value=(l.code()) selected[light == Some(l)] { (l.zh()) } } } }
            label { "统计日期" input type="date" name="as_of" value=(fmt_date(d)); }
            button type="submit" { "查询" }
            a.btn.light-btn href={"/tasks?" (export)} { "导出 Excel" }
            @if c.can(Action::ManageTasks) { a.btn.light-btn href="/tasks/new" { "下达任务" } }
        }
        (task_table(&shown, Some(&sorting)))
        p.small.muted { "亮灯规则：已销号为完成；超过截止日期、节点逾期未完成或连续 " (ts.missing_reports) " 期未报送为红灯；时间进度超过完成进度 " (ts.yellow_gap_pp) " 个百分点以上或距截止不足 " (ts.due_soon_days) " 天为黄灯。阈值由系统管理员在系统设置中设定。" }
    };
    Ok(page(&c, &ctx.unit_name, "/tasks", "重点工作任务", body).into_response())
}

fn task_form(c: &Current, tree: &UnitTree, f: &TaskForm, errs: &[(String, String)]) -> Markup {
    html! {
        @if !errs.is_empty() { div.flash.err { "请修改以下内容：" ul { @for (a, b) in errs { li { b { (a) } "：" (b) } } } } }
        form.panel method="post" action="/tasks/new" {
            (csrf(c))
            @if let Some(p) = f.parent_id { input type="hidden" name="parent_id" value=(p); }
            div.form-grid {
                label.wide { span.req { "任务标题" } input name="title" value=(f.title) required maxlength="200"; }
                label.wide { "任务内容" textarea name="content" { (f.content) } }
                label { span.req { "牵头单位" } select name="lead_unit_id" { option value="" { "请选择" }
                    @for (v, l) in unit_options(tree, c) { option value=(v) selected[f.lead_unit_id == v] { (l) } } } }
                label { "配合单位（编码或名称，顿号分隔）" input name="cooperating" value=(f.cooperating); }
                label { "责任领导" input name="leader" value=(f.leader); }
                label { span.req { "开始日期" } input type="date" name="start" value=(f.start) required; }
                label { span.req { "截止日期" } input type="date" name="deadline" value=(f.deadline) required; }
                label { "填报频次" select name="cadence" { @for k in Cadence::ALL { option value=(k.code()) selected[f.cadence == k.code()] { (k.zh()) } } } }
                label { "量化目标值（可选）" input name="target_value" value=(f.target_value) inputmode="decimal" placeholder="如 300"; }
                label { "目标单位" input name="target_unit" value=(f.target_unit) placeholder="如 天、%"; }
                label { "目标方向" select name="target_direction" {
                    option value="higher" selected[f.target_direction != "lower"] { "不低于（越高越好）" }
                    option value="lower" selected[f.target_direction == "lower"] { "不高于（越低越好）" } } }
                label.wide { "节点（每行一个：日期 内容）" textarea name="milestones" placeholder="2026-06-30 完成主体工程" { (f.milestones) } }
            }
            p { button type="submit" { "下达任务" } " " a href="/tasks" { "取消" } }
        }
    }
}

/// Query of the new-task form.
#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    /// Parent task (split into a sub-task).
    pub parent: Option<i64>,
}

/// GET /tasks/new
pub async fn new_form(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<NewQuery>,
) -> Result<Markup, AppError> {
    c.require(Action::ManageTasks)?;
    let ctx = Ctx::load(&state, &c).await?;
    let today = state.today();
    let mut f = TaskForm {
        start: fmt_date(today),
        cadence: "monthly".into(),
        ..Default::default()
    };
    if let Some(p) = q.parent {
        let t = state
            .store
            .tasks()
            .get(p)
            .await?
            .ok_or_else(|| AppError::NotFound("任务".into()))?;
        f.parent_id = Some(p);
        f.title = format!("{}（分解）", t.title);
        f.deadline = fmt_date(t.deadline);
        f.leader = t.leader.clone();
        f.cadence = t.cadence.code().into();
    }
    let body = html! { h1 { @if q.parent.is_some() { "分解任务" } @else { "下达重点工作任务" } } (task_form(&c, &ctx.tree, &f, &[])) };
    Ok(page(&c, &ctx.unit_name, "/tasks", "下达任务", body))
}

/// POST /tasks/new
pub async fn create(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<TaskForm>,
) -> Result<Response, AppError> {
    c.require(Action::ManageTasks)?;
    let ctx = Ctx::load(&state, &c).await?;
    let res = match f.parse(&ctx.tree) {
        Ok(t) => crate::service::create_task(&state, &c, t)
            .await
            .map_err(|e| match e {
                crate::service::Error::Invalid(v) => Ok(v),
                e => Err(AppError::from(e)),
            }),
        Err(v) => Err(Ok(v)),
    };
    match res {
        Ok(t) => Ok(Redirect::to(&format!("/tasks/{}", t.id)).into_response()),
        Err(Ok(errs)) => {
            let body = html! { h1 { "下达重点工作任务" } (task_form(&c, &ctx.tree, &f, &errs)) };
            Ok((
                StatusCode::BAD_REQUEST,
                page(&c, &ctx.unit_name, "/tasks", "下达任务", body),
            )
                .into_response())
        }
        Err(Err(e)) => Err(e),
    }
}

/// GET /tasks/{id}
pub async fn detail(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Query(q): Query<TaskQuery>,
) -> Result<Markup, AppError> {
    let (t, units, tree) = load_task(&state, &c, id).await?;
    let d = as_of(&state, q.as_of.as_deref())?;
    let det = state.store.tasks().detail(&tree, id, d).await?;
    let unit_name = tree
        .get(c.user.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let st = &det.row.status;
    let can_report = c.can(Action::ReportTasks)
        && crate::service::acts_for(&c, t.lead_unit_id)
        && t.state != TaskState::Closed;
    let files = state.store.notices().attachments("task", id).await?;
    let can_attach = c.can(Action::ManageTasks)
        || (c.can(Action::ReportTasks) && crate::service::acts_for(&c, t.lead_unit_id));
    let coop: Vec<String> = units
        .iter()
        .skip(1)
        .filter_map(|u| tree.get(*u))
        .map(|u| u.name.clone())
        .collect();
    let instructions = crate::service::instructions::about(
        &state,
        &c,
        diaodu_domain::instruction::InstructionSubject::Task,
        id,
    )
    .await?;
    let body = html! {
        (flash(nonempty(&q.saved), None))
        h1 { (t.title) " " span.muted.small { (t.code) } }
        p { (task_light(st.light)) " "
            @for why in &st.reasons { span class=(if st.light == TaskLight::Red { "tag red" } else { "tag warn" }) { (why) } " " }
            span.tag { (t.state.zh()) }
            @if can_report { " " a.btn href={"/tasks/" (id) "/report"} { "报送进度" } }
            @if c.can(Action::ManageTasks) && t.parent_id.is_none() { " " a.btn.light-btn href={"/tasks/new?parent=" (id)} { "分解到单位" } }
            @if c.can(Action::IssueNotices) && t.state != TaskState::Closed { " " a.btn.light-btn href={"/notices/new?task=" (id)} { "下发督办单" } }
            @if c.can(Action::ChaseReports) && t.state == TaskState::Open {
                " " form.inline method="post" action={ "/tasks/" (id) "/chase" } {
                    (csrf(&c)) button.light-btn type="submit" title="提醒牵头单位的填报员报送进展" { "催报" }
                }
            }
        }
        div.cards {
            div.card { div.k { "完成进度" } div.v { (st.percent_done) "%" } }
            div.card { div.k { "时间进度" } div.v { (format!("{:.1}%", st.time_elapsed_pct)) } }
            div.card { div.k { "截止日期" } div.v style="font-size:20px" { (fmt_date(t.deadline)) } }
            @if let Some(tg) = &t.target { div.card { div.k { "量化目标" } div.v style="font-size:20px" {
                (if tg.direction == Direction::Higher { "≥" } else { "≤" }) (tg.value) (tg.unit)
                @if let Some(a) = det.row.latest_actual { small { " 实际 " (a) (tg.unit) @if tg.met_by(a) { " ✓" } } } } } }
        }
        div.split style="margin-top:14px" {
            div.panel {
                h2 style="margin-top:0" { "任务信息" }
                dl.kv {
                    dt { "牵头单位" } dd { (tree.display_path(t.lead_unit_id)) }
                    dt { "配合单位" } dd { (coop.join("、")) }
                    dt { "责任领导" } dd { (t.leader) }
                    dt { "起止日期" } dd { (fmt_date(t.start)) " 至 " (fmt_date(t.deadline)) }
                    dt { "填报频次" } dd { (t.cadence.zh()) }
                    @if let Some(p) = t.parent_id { dt { "上级任务" } dd { a href={"/tasks/" (p)} { "查看" } } }
                    @if let Some(n) = &t.close_note { @if !n.is_empty() { dt { "核验意见" } dd { (n) } } }
                }
                @if !t.content.is_empty() { p { (t.content) } }
            }
            div.panel {
                h2 style="margin-top:0" { "节点" }
                @if det.milestones.is_empty() { p.muted { "未设节点。" } } @else {
                    table { thead { tr { th { "日期" } th { "内容" } th { "完成情况" } } }
                        tbody { @for (_, m) in &det.milestones { tr { td.nw { (fmt_date(m.due)) } td { (m.what) }
                            td { @match m.met_on { Some(x) => span.tag { (fmt_date(x)) " 完成" }, None if m.due < d => span.tag.red { "逾期未完成" }, None => span.muted { "未到期" } } } } } } }
                }
            }
        }
        @if t.state == TaskState::Claimed && c.can(Action::VerifyTasks) {
            form.panel #verify method="post" action={"/tasks/" (id) "/verify"} {
                h2 style="margin-top:0" { "核验销号" }
                (csrf(&c))
                p.muted { "牵头单位已报送完成（100%），请核查后销号，或说明理由退回。" }
                label { "核验意见 / 退回理由" textarea name="note" {} }
                p { button type="submit" name="decision" value="accept" { "核验通过，销号" } " " button.danger type="submit" name="decision" value="send_back" { "退回" } }
            }
        }
        @if !det.children.is_empty() {
            h2 { "分解任务" }
            (task_table(&det.children.iter().collect::<Vec<_>>(), None))
        }
        (super::instructions::panel(&c, diaodu_domain::instruction::InstructionSubject::Task, id, &instructions, state.today(), tree.in_scope(t.lead_unit_id, c.scope)))
        (super::inspections::attachments_panel(&c, "task", id, &files, can_attach, state.cfg.max_upload_mb))
        h2 { "进度报送" }
        div.tablewrap { table #task-reports {
            thead { tr { th { "填报期" } th.n { "进度" } th { "进展情况" } th.n { "实际值" } th { "报送人" } th { "提交时间" } } }
            tbody {
                @for r in &det.reports { tr { td.nw { (r.period) } td.n { (r.percent) "%" } td { (r.body) } td.n { (r.actual_value.clone().unwrap_or_default()) }
                    td { (r.user_login) } td.small.muted { (super::layout::local_time(&r.created_at)) } } }
                @if det.reports.is_empty() { tr { td colspan="6" { span.muted { "尚未报送。" } } } }
            }
        } }
    };
    Ok(page(&c, &unit_name, "/tasks", &t.title, body))
}

/// The task report form.
#[derive(Debug, Default, Deserialize)]
pub struct TaskReportForm {
    /// Period.
    pub period: String,
    /// Body.
    #[serde(default)]
    pub body: String,
    /// Percent done.
    pub percent: String,
    /// Actual value.
    #[serde(default)]
    pub actual_value: String,
}

/// GET /tasks/{id}/report
pub async fn report_form(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
) -> Result<Markup, AppError> {
    c.require(Action::ReportTasks)?;
    let (t, _, tree) = load_task(&state, &c, id).await?;
    crate::service::own_unit(&c, &tree, t.lead_unit_id, "报送任务进度")?;
    let det = state.store.tasks().detail(&tree, id, state.today()).await?;
    let unit_name = tree
        .get(c.user.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let d = state.today();
    let current = match t.cadence {
        Cadence::Weekly => Period::week_of(d),
        Cadence::Monthly => Period::month_of(d),
    };
    let options = [current, current.prev(), current.prev().prev()];
    let body = html! {
        h1 { "报送进度 · " (t.title) }
        form.panel #task-report-form method="post" action={"/tasks/" (id) "/report"} {
            (csrf(&c))
            div.form-grid {
                label { span.req { "填报期" } select name="period" { @for o in options { option value=(o.to_string()) { (o.to_string()) "（截至 " (fmt_date(o.last_day())) "）" } } } }
                label { span.req { "完成进度(%)" } input name="percent" value=(det.row.status.percent_done) inputmode="numeric" required;
                    span.small { "填 100 表示申请销号，由督查室核验后销号" } }
                @if let Some(tg) = &t.target { label { "实际值（" (tg.unit) "）" input name="actual_value" inputmode="decimal"; } }
                label.wide { "进展情况" textarea name="body" {} }
                @for (mid, m) in det.milestones.iter().filter(|(_, m)| m.met_on.is_none()) {
                    label { span { input type="checkbox" name="milestone" value=(mid); " 节点已完成：" (fmt_date(m.due)) " " (m.what) } }
                }
            }
            p { button type="submit" { "提交" } " " a href={"/tasks/" (id)} { "返回" } }
        }
    };
    Ok(page(&c, &unit_name, "/tasks", "报送进度", body))
}

/// POST /tasks/{id}/report
pub async fn report(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let get = |k: &str| {
        f.iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let period =
        Period::parse(&get("period")).map_err(|e| AppError::invalid("填报期", e.to_string()))?;
    let percent: u8 = get("percent")
        .trim()
        .parse()
        .ok()
        .filter(|p| *p <= 100)
        .ok_or_else(|| AppError::invalid("完成进度", "应为 0 到 100 的整数"))?;
    let actual = Some(get("actual_value")).filter(|v| !v.trim().is_empty());
    let milestones_met = f
        .iter()
        .filter(|(k, _)| k == "milestone")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let input = TaskReportInput {
        period,
        body: get("body"),
        percent,
        actual_value: actual,
        milestones_met,
    };
    crate::service::report_task(&state, &c, id, &input).await?;
    Ok(
        super::redirect_saved(&format!("/tasks/{id}"), &format!("已报送{period}进度"))
            .into_response(),
    )
}

/// POST /tasks/{id}/verify
pub async fn verify(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Form(f): Form<super::VerifyForm>,
) -> Result<Response, AppError> {
    let accept = f.accept("核验结论")?;
    crate::service::verify_task(&state, &c, id, accept, &f.note).await?;
    let msg = if accept {
        "已核验销号"
    } else {
        "已退回牵头单位"
    };
    Ok(super::redirect_saved(&format!("/tasks/{id}"), msg).into_response())
}
