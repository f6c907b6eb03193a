//! The project library pages: list with filters and paging, detail with report history and chart,
//! create and edit forms.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use diaodu_domain::access::Action;
use diaodu_domain::period::fmt_date;
use diaodu_domain::project::{Category, EnvApproval, Stage};
use diaodu_domain::status::Light;
use diaodu_domain::Yuan;
use diaodu_office::svg::investment_chart;
use diaodu_store::{ProjectFilter, StoreError, UnitTree};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{csrf, flash, light, page, pct, pp, reason_class, svg, wan};
use super::{as_of, nonempty, Ctx};
use crate::auth::Current;
pub use crate::forms::{ListQuery, ProjectForm};
use crate::service::scope::load_in_scope;
use crate::{AppError, AppState};

/// Page size of the project list.
pub const PAGE_SIZE: usize = 50;

/// Sorts status rows by a column of the list (see [`ListQuery::sort`]); rows without a figure go
/// last either way. An unknown column leaves the order as it is (by code).
pub fn sort_rows(rows: &mut [diaodu_store::ProjectStatusRow], sort: Option<&str>) {
    use diaodu_store::ProjectStatusRow;
    let Some(sort) = sort else { return };
    let (desc, col) = match sort.strip_prefix('-') {
        Some(c) => (true, c),
        None => (false, sort),
    };
    let by_num = |f: fn(&ProjectStatusRow) -> Option<f64>, rows: &mut [ProjectStatusRow]| {
        rows.sort_by(|a, b| match (f(a), f(b)) {
            (Some(x), Some(y)) => {
                let o = x.total_cmp(&y);
                if desc {
                    o.reverse()
                } else {
                    o
                }
            }
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        })
    };
    match col {
        "plan" => by_num(|r| Some(r.project.fields.annual_plan.0 as f64), rows),
        "ytd" => by_num(|r| Some(r.status.ytd_investment.0 as f64), rows),
        "completion" => by_num(|r| r.status.annual_completion_pct, rows),
        "lag" => by_num(|r| r.status.lag_pp, rows),
        "name" | "unit" | "code" => {
            rows.sort_by(|a, b| {
                let key = |r: &ProjectStatusRow| match col {
                    "name" => r.project.fields.name.clone(),
                    "unit" => r.unit_name.clone(),
                    _ => r.project.fields.code.clone(),
                };
                let o = key(a).cmp(&key(b));
                if desc {
                    o.reverse()
                } else {
                    o
                }
            });
        }
        _ => {}
    }
}

fn select(name: &str, current: Option<&str>, options: &[(String, String)], all: &str) -> Markup {
    html! {
        select name=(name) {
            option value="" { (all) }
            @for (v, label) in options {
                option value=(v) selected[current == Some(v.as_str())] { (label) }
            }
        }
    }
}

/// Unit options within the user's scope for a filter, indented by depth: retired units too, marked,
/// since their records stay readable.
pub fn unit_filter_options(tree: &UnitTree, c: &Current) -> Vec<(String, String)> {
    let within = tree.within(c.scope);
    let base = within.first().map(|u| tree.depth(u.id)).unwrap_or(0);
    within
        .iter()
        .map(|u| {
            (
                u.id.to_string(),
                format!(
                    "{}{}{}",
                    "　".repeat(tree.depth(u.id).saturating_sub(base)),
                    u.name,
                    if u.retired_on.is_some() {
                        "（已撤销）"
                    } else {
                        ""
                    }
                ),
            )
        })
        .collect()
}

/// Unit options within the user's scope for a new record, indented by depth.
pub fn unit_options(tree: &UnitTree, c: &Current) -> Vec<(String, String)> {
    let within = tree.within(c.scope);
    let base = within.first().map(|u| tree.depth(u.id)).unwrap_or(0);
    // A retired unit keeps its records but takes no new ones.
    within
        .iter()
        .filter(|u| u.retired_on.is_none())
        .map(|u| {
            (
                u.id.to_string(),
                format!(
                    "{}{}",
                    "　".repeat(tree.depth(u.id).saturating_sub(base)),
                    u.name
                ),
            )
        })
        .collect()
}

/// A text field as shown: `—` when empty, so that an empty field reads as empty, not as missing.
fn dash(s: &str) -> &str {
    if s.trim().is_empty() {
        "—"
    } else {
        s
    }
}

/// A column header that sorts the list by `col`: ascending first, then descending; the current
/// order marked with an arrow. Figures sort largest first on the first click.
fn sorter(q: &ListQuery, col: &str, label: &str) -> Markup {
    let now = nonempty(&q.sort).unwrap_or("code");
    let numeric = matches!(col, "plan" | "ytd" | "completion" | "lag");
    let (mark, next) = super::sort::header_order(now, col, numeric);
    let link = ListQuery {
        sort: Some(next),
        page: None,
        ..q.clone()
    }
    .link(1);
    html! { a.sort href=(link) title="点击排序" { (label) (mark) } }
}

/// GET /projects
pub async fn list(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<ListQuery>,
) -> Result<Markup, AppError> {
    let ctx = Ctx::load(&state, &c).await?;
    let d = as_of(&state, q.as_of.as_deref())?;
    let filter = q.filter(&ctx.tree, &c)?;
    // In code order (no sort asked, or by code) a page's statuses are all the page needs; sorted
    // by another column, the whole list is sorted first.
    let sort = nonempty(&q.sort).filter(|s| *s != "code");
    let (total, shown) = match sort {
        None => {
            // A page number past the end shows the last page.
            let want = q.page.unwrap_or(1).max(1);
            let mut got = state
                .store
                .projects()
                .status_page(
                    &ctx.tree,
                    c.scope,
                    &filter,
                    d,
                    (want - 1).saturating_mul(PAGE_SIZE),
                    PAGE_SIZE,
                )
                .await?;
            let last = got.0.div_ceil(PAGE_SIZE).max(1);
            if want > last {
                got = state
                    .store
                    .projects()
                    .status_page(
                        &ctx.tree,
                        c.scope,
                        &filter,
                        d,
                        (last - 1) * PAGE_SIZE,
                        PAGE_SIZE,
                    )
                    .await?;
            }
            got
        }
        Some(_) => {
            let mut rows = state
                .store
                .projects()
                .statuses(&ctx.tree, c.scope, &filter, d)
                .await?;
            sort_rows(&mut rows, sort);
            let pages = rows.len().div_ceil(PAGE_SIZE).max(1);
            let page_no = q.page.unwrap_or(1).clamp(1, pages);
            let total = rows.len();
            let shown: Vec<_> = rows
                .into_iter()
                .skip((page_no - 1) * PAGE_SIZE)
                .take(PAGE_SIZE)
                .collect();
            (total, shown)
        }
    };
    let batches = state.store.projects().batches().await?;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page_no = q.page.unwrap_or(1).clamp(1, pages);
    let opts = |all: &[(&str, &str)]| {
        all.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    };
    let stages: Vec<(&str, &str)> = Stage::ALL.iter().map(|s| (s.code(), s.zh())).collect();
    let cats: Vec<(&str, &str)> = Category::ALL.iter().map(|s| (s.code(), s.zh())).collect();
    let lights: Vec<(&str, &str)> = Light::ALL.iter().map(|s| (s.code(), s.zh())).collect();
    let body = html! {
        h1 { "项目库" span.muted.small { "　共 " (total) " 个项目，统计日期 " (fmt_date(d)) } }
        form.filters method="get" action="/projects" {
            label { "责任单位" (select("unit", nonempty(&q.unit), &unit_filter_options(&ctx.tree, &c), "全部")) }
            label { "建设阶段" (select("stage", nonempty(&q.stage), &opts(&stages), "全部")) }
            label { "项目类别" (select("category", nonempty(&q.category), &opts(&cats), "全部")) }
            label { "集中开工批次" (select("batch", nonempty(&q.batch), &batches.iter().map(|b| (b.clone(), b.clone())).collect::<Vec<_>>(), "全部")) }
            label { "亮灯" (select("light", nonempty(&q.light), &opts(&lights), "全部")) }
            label { "状态" (select("flag", nonempty(&q.flag), &opts(&[("stalled", "开而未建"), ("late_start", "逾期未开工")]), "全部")) }
            label { "关键词" input name="q" value=[nonempty(&q.q)] placeholder="编码或名称"; }
            label { "统计日期" input type="date" name="as_of" value=(fmt_date(d)); }
            button type="submit" { "查询" }
            @if c.can(Action::EditProject) { a.btn.light-btn href="/projects/new" { "新增项目" } }
            a.btn.light-btn href={"/data/export/projects?format=xlsx&" (q.link(1).trim_start_matches("/projects?"))} { "导出 Excel" }
        }
        div.tablewrap { table {
            thead { tr {
                th { "亮灯" } th { (sorter(&q, "code", "项目编码")) } th { (sorter(&q, "name", "项目名称")) } th { (sorter(&q, "unit", "责任单位")) } th { "类别" } th { "阶段" }
                th.n { (sorter(&q, "plan", "年度计划(万元)")) } th.n { (sorter(&q, "ytd", "本年完成(万元)")) } th.n { (sorter(&q, "completion", "完成率")) } th.n { (sorter(&q, "lag", "滞后(百分点)")) } th { "批次" }
            } }
            tbody {
                @for r in &shown { tr {
                    td { (light(r.status.light)) }
                    td.nw { (r.project.fields.code) }
                    td { a href={"/projects/" (r.project.id)} { (r.project.fields.name) }
                        @for why in &r.status.reasons { " " span class=(reason_class(r.status.light)) { (why) } } }
                    td { (r.unit_name) }
                    td.nw { (r.project.fields.category.zh()) }
                    td.nw { (r.project.fields.stage.zh()) }
                    td.n { (wan(r.project.fields.annual_plan)) }
                    td.n { (wan(r.status.ytd_investment)) }
                    td.n { (pct(r.status.annual_completion_pct)) }
                    td.n { (pp(r.status.lag_pp)) }
                    td.small { (r.project.fields.batch) }
                } }
                @if shown.is_empty() { tr { td colspan="11" { p.muted { "没有符合条件的项目。" } } } }
            }
        } }
        div.pager {
            @if page_no > 1 { a href=(q.link(page_no - 1)) { "‹ 上一页" } }
            span.muted { "第 " (page_no) " / " (pages) " 页" }
            @if page_no < pages { a href=(q.link(page_no + 1)) { "下一页 ›" } }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/projects", "项目库", body))
}

/// Query of the detail page.
#[derive(Debug, Default, Deserialize)]
pub struct DetailQuery {
    /// Status date.
    pub as_of: Option<String>,
    /// The period just saved, for the confirmation banner.
    pub saved: Option<String>,
}

/// GET /projects/{id}
pub async fn detail(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> Result<Markup, AppError> {
    let (p, tree) = load_in_scope(&state, &c, id).await?;
    let d = as_of(&state, q.as_of.as_deref())?;
    let unit_name = tree
        .get(c.user.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let st = state
        .store
        .projects()
        .statuses(
            &tree,
            c.scope,
            &ProjectFilter {
                project_id: Some(id),
                ..Default::default()
            },
            d,
        )
        .await?
        .into_iter()
        .find(|r| r.project.id == id)
        .ok_or_else(|| AppError::NotFound("项目".into()))?;
    let reports = state.store.reports().list(id).await?;
    let visits = state.store.reports().site_visits(id).await?;
    let report_photos = state
        .store
        .notices()
        .attachment_counts("report", &reports.iter().map(|r| r.id).collect::<Vec<_>>())
        .await?;
    let visit_photos = state
        .store
        .notices()
        .attachment_counts(
            "site_visit",
            &visits.iter().map(|v| v.id).collect::<Vec<_>>(),
        )
        .await?;
    // The notices about this project, linked both ways (a notice names its project).
    let notices = state
        .store
        .notices()
        .about(&tree, c.scope, "project", id, state.today())
        .await?;
    let instructions = crate::service::instructions::about(
        &state,
        &c,
        diaodu_domain::instruction::InstructionSubject::Project,
        id,
    )
    .await?;
    let year = d.year();
    let points: Vec<_> = reports
        .iter()
        .filter(|r| r.period_end <= d)
        .map(|r| (r.period_end, r.investment))
        .collect();
    let plan = if p.fields.plan_year == year {
        p.fields.annual_plan
    } else {
        Yuan::ZERO
    };
    let chart = investment_chart(year, plan, &points, p.fields.actual_start, d);
    let f = &p.fields;
    let s = &st.status;
    let saved = nonempty(&q.saved).map(|p| format!("已保存 {p} 的进度填报。"));
    let body = html! {
        (flash(saved.as_deref(), None))
        h1 { (f.name) " " span.muted.small { (f.code) } }
        p {
            (light(s.light)) " "
            @for why in &s.reasons { span class=(reason_class(s.light)) { (why) } " " }
            @if c.can(Action::SubmitReport) { " " a.btn href={"/projects/" (id) "/report"} { "填报进度" } }
            @if c.can(Action::EditProject) { " " a.btn.light-btn href={"/projects/" (id) "/edit"} { "编辑项目" } }
            @if c.can(Action::IssueNotices) { " " a.btn.light-btn href={"/notices/new?project=" (id)} { "下发督办单" } }
            @if c.can(Action::ChaseReports) && diaodu_domain::status::stage_reports_weekly(f.stage) && f.actual_start.is_some() {
                " " form.inline method="post" action="/reports/chase" {
                    (csrf(&c)) input type="hidden" name="project" value=(id);
                    button.light-btn type="submit" title="只就本项目提醒责任单位的填报员" { "催报" }
                }
            }
        }
        div.cards {
            div.card { div.k { "时序进度" } div.v { (format!("{:.1}%", s.time_progress_pct)) } }
            div.card { div.k { (year) "年计划投资（万元）" } div.v { (wan(plan)) } }
            div.card { div.k { "本年完成投资（万元）" } div.v { (wan(s.ytd_investment)) } }
            div.card { div.k { "年度完成率" } div.v { (pct(s.annual_completion_pct)) } }
            div.card { div.k { "滞后时序（百分点）" } div.v { (pp(s.lag_pp)) } }
            div.card { div.k { "周报按时率" } div.v { @if s.reports_due > 0 { (s.reports_on_time) small { " / " (s.reports_due) " 期" } } @else { "—" } } }
        }
        div.split style="margin-top:14px" {
            div.panel {
                h2 style="margin-top:0" { "基本信息" }
                dl.kv {
                    dt { "责任单位" } dd { (tree.display_path(p.unit_id)) }
                    dt { "包抓领导" } dd { (dash(&f.leader)) }
                    dt { "项目类别" } dd { (f.category.zh()) }
                    dt { "建设阶段" } dd { (f.stage.zh()) }
                    dt { "总投资" } dd { (wan(f.total_investment)) " 万元" }
                    dt { "计划年度" } dd { (f.plan_year) " 年，年度计划投资 " (wan(f.annual_plan)) " 万元" }
                    dt { "计划开工" } dd { (f.planned_start.map(fmt_date).unwrap_or_else(|| "—".into())) }
                    dt { "计划竣工" } dd { (f.planned_finish.map(fmt_date).unwrap_or_else(|| "—".into())) }
                    dt { "实际开工" } dd { (f.actual_start.map(fmt_date).unwrap_or_else(|| "未开工".into())) }
                    dt { "集中开工批次" } dd { (dash(&f.batch)) }
                    dt { "所属行业" } dd { (dash(&f.industry)) }
                    dt { "环评状态" } dd { (f.env_approval.zh()) }
                    dt { "策划年度" } dd { @if let Some(y) = f.planning_year { a href={"/planning?year=" (y)} { (y) " 年" } } @else { "—" } }
                    dt { "入库日期" } dd { (f.entered_on.map(fmt_date).unwrap_or_else(|| "—".into())) }
                }
            }
            div.panel {
                h2 style="margin-top:0" { (year) "年累计完成投资" }
                (svg(chart))
            }
        }
        (super::instructions::panel(&c, diaodu_domain::instruction::InstructionSubject::Project, id, &instructions, state.today(), true))
        @if !notices.is_empty() {
            h2 { "督办单" span.muted.small { "　共 " (notices.len()) " 件" } }
            (super::notices::notice_table(&notices.iter().collect::<Vec<_>>(), state.today(), None))
        }
        h2 { "进度填报记录" span.muted.small { "　共 " (reports.len()) " 期" } }
        div.tablewrap { table #history {
            thead { tr { th { "填报期" } th { "截止日" } th.n { "本期完成投资(万元)" } th { "形象进度" } th { "存在问题" } th { "按时" } th { "提交时间" } th { "现场照片" } } }
            tbody {
                @for r in reports.iter().rev() { tr {
                    td { (r.period) } td { (fmt_date(r.period_end)) } td.n { (wan(r.investment)) }
                    td { (r.progress) } td { @if !r.problems.is_empty() { span.tag.warn { (r.problems) } } }
                    td { @if r.on_time { "是" } @else { span.tag.red { "迟报" } } }
                    td.small.muted { (super::layout::local_time(&r.created_at))
                        @if r.updated_at != r.created_at { br; "已修改" } }
                    td.nw { a href={"/photos/report/" (r.id)} {
                        @match report_photos.get(&r.id) { Some(n) => { (n) " 张" }, None => { @if c.can(Action::SubmitReport) { "上传" } @else { span.muted { "—" } } } } } }
                } }
                @if reports.is_empty() { tr { td colspan="8" { span.muted { "尚无填报。" } } } }
            }
        } }
        h2 { "现场督导" }
        @if c.can(Action::LogSiteVisit) {
            form.panel method="post" action={"/projects/" (id) "/visits"} {
                (csrf(&c))
                div.form-grid {
                    label { span.req { "督导日期" } input type="date" name="visit_date" value=(fmt_date(state.today())) required; }
                    label.wide { span.req { "督导发现" } textarea name="findings" required {} }
                    label.wide { "需协调事项" textarea name="coordination" {} }
                }
                p { button type="submit" { "记录督导" } }
            }
        }
        div.tablewrap { table {
            thead { tr { th { "日期" } th { "督导发现" } th { "需协调事项" } th { "记录人" } th { "现场照片" } } }
            tbody {
                @for v in &visits { tr { td { (fmt_date(v.visit_date)) } td { (v.findings) } td { (v.coordination) } td { (v.user_login) }
                    td.nw { a href={"/photos/site_visit/" (v.id)} {
                        @match visit_photos.get(&v.id) { Some(n) => { (n) " 张" }, None => { @if c.can(Action::LogSiteVisit) { "上传" } @else { span.muted { "—" } } } } } } } }
                @if visits.is_empty() { tr { td colspan="5" { span.muted { "暂无督导记录。" } } } }
            }
        } }
    };
    Ok(page(&c, &unit_name, "/projects", &f.name, body))
}

fn project_form(
    c: &Current,
    tree: &UnitTree,
    action: &str,
    f: &ProjectForm,
    errors: &[(String, String)],
    current_stage: Option<Stage>,
) -> Markup {
    let stages: Vec<Stage> = match current_stage {
        None => Stage::ALL.to_vec(),
        Some(s) => std::iter::once(s)
            .chain(s.next_stages().iter().copied())
            .collect(),
    };
    html! {
        @if !errors.is_empty() {
            div.flash.err { "请修改以下内容：" ul { @for (fl, m) in errors { li { b { (fl) } "：" (m) } } } }
        }
        form.panel method="post" action=(action) {
            (csrf(c))
            @if let Some(v) = f.version { input type="hidden" name="version" value=(v); }
            div.form-grid {
                label { span.req { "项目编码" } input name="code" value=(f.code) required maxlength="40"; }
                label.wide { span.req { "项目名称" } input name="name" value=(f.name) required maxlength="200"; }
                label { span.req { "责任单位" } (select("unit_id", Some(f.unit_id.as_str()), &unit_options(tree, c), "请选择")) }
                label { "包抓领导" input name="leader" value=(f.leader); }
                label { span.req { "项目类别" } (select("category", Some(f.category.as_str()), &Category::ALL.iter().map(|s| (s.code().to_string(), s.zh().to_string())).collect::<Vec<_>>(), "请选择")) }
                label { span.req { "建设阶段" } (select("stage", Some(f.stage.as_str()), &stages.iter().map(|s| (s.code().to_string(), s.zh().to_string())).collect::<Vec<_>>(), "请选择")) }
                label { span.req { "总投资(万元)" } input name="total_investment" value=(f.total_investment) inputmode="decimal" required; }
                label { span.req { "计划年度" } input name="plan_year" value=(f.plan_year) inputmode="numeric" required; }
                label { span.req { "年度计划投资(万元)" } input name="annual_plan" value=(f.annual_plan) inputmode="decimal" required; }
                label { "计划开工日期" input type="date" name="planned_start" value=(f.planned_start); }
                label { "计划竣工日期" input type="date" name="planned_finish" value=(f.planned_finish); }
                label { "实际开工日期" input type="date" name="actual_start" value=(f.actual_start);
                    span.small { "新开工、续建、竣工投产、停工必填；储备、前期不填" } }
                label { "集中开工批次" input name="batch" value=(f.batch); }
                label { "所属行业" input name="industry" value=(f.industry); }
                label { "环评状态" (select("env_approval", Some(f.env_approval.as_str()), &EnvApproval::ALL.iter().map(|s| (s.code().to_string(), s.zh().to_string())).collect::<Vec<_>>(), "待批复")) }
                label { "策划年度" input name="planning_year" value=(f.planning_year) inputmode="numeric" maxlength="4";
                    span.small { "计入该年度本单位的策划包装任务；不属策划任务的留空" } }
                label { "入库日期" input type="date" name="entered_on" value=(f.entered_on);
                    span.small { "留空为保存当天" } }
            }
            p { button type="submit" { "保存" } " " a href="/projects" { "取消" } }
        }
    }
}

/// GET /projects/new
pub async fn new_form(State(state): State<AppState>, c: Current) -> Result<Markup, AppError> {
    c.require(Action::EditProject)?;
    let ctx = Ctx::load(&state, &c).await?;
    let f = ProjectForm {
        plan_year: state.today().year().to_string(),
        ..Default::default()
    };
    let body =
        html! { h1 { "新增项目" } (project_form(&c, &ctx.tree, "/projects/new", &f, &[], None)) };
    Ok(page(&c, &ctx.unit_name, "/projects", "新增项目", body))
}

async fn rerender(
    state: &AppState,
    c: &Current,
    title: &str,
    action: &str,
    f: &ProjectForm,
    errs: Vec<(String, String)>,
    stage: Option<Stage>,
) -> Result<Response, AppError> {
    let ctx = Ctx::load(state, c).await?;
    let body = html! { h1 { (title) } (project_form(c, &ctx.tree, action, f, &errs, stage)) };
    Ok((
        axum::http::StatusCode::BAD_REQUEST,
        page(c, &ctx.unit_name, "/projects", title, body),
    )
        .into_response())
}

fn store_errs(e: crate::service::Error) -> Result<Vec<(String, String)>, AppError> {
    use crate::service::Error;
    match e {
        Error::Invalid(v) => Ok(v),
        Error::Store(StoreError::Conflict(m)) => Ok(vec![("提示".into(), m)]),
        Error::Store(e @ StoreError::Refused { .. }) => {
            Ok(vec![("准入审查".into(), format!("{e}（已记录）"))])
        }
        e => Err(e.into()),
    }
}

/// POST /projects/new
pub async fn create(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<ProjectForm>,
) -> Result<Response, AppError> {
    c.require(Action::EditProject)?;
    let (unit_id, fields) = match f.parse() {
        Ok(v) => v,
        Err(errs) => {
            return rerender(&state, &c, "新增项目", "/projects/new", &f, errs, None).await
        }
    };
    match crate::service::create_project(&state, &c, unit_id, fields).await {
        Ok(p) => Ok(Redirect::to(&format!("/projects/{}", p.id)).into_response()),
        Err(e) => {
            rerender(
                &state,
                &c,
                "新增项目",
                "/projects/new",
                &f,
                store_errs(e)?,
                None,
            )
            .await
        }
    }
}

/// GET /projects/{id}/edit
pub async fn edit_form(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
) -> Result<Markup, AppError> {
    c.require(Action::EditProject)?;
    let (p, tree) = load_in_scope(&state, &c, id).await?;
    let unit_name = tree
        .get(c.user.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let title = format!("编辑项目 · {}", p.fields.code);
    let body = html! { h1 { (title) } (project_form(&c, &tree, &format!("/projects/{id}/edit"), &ProjectForm::from_project(&p), &[], Some(p.fields.stage))) };
    Ok(page(&c, &unit_name, "/projects", &title, body))
}

/// POST /projects/{id}/edit
pub async fn update(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Form(f): Form<ProjectForm>,
) -> Result<Response, AppError> {
    c.require(Action::EditProject)?;
    let (p, _) = load_in_scope(&state, &c, id).await?;
    let action = format!("/projects/{id}/edit");
    let title = format!("编辑项目 · {}", p.fields.code);
    let (unit_id, fields) = match f.parse() {
        Ok(v) => v,
        Err(errs) => {
            return rerender(&state, &c, &title, &action, &f, errs, Some(p.fields.stage)).await
        }
    };
    let version = f.version.unwrap_or(p.version);
    match crate::service::update_project(&state, &c, id, version, unit_id, fields).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}")).into_response()),
        Err(e) => {
            rerender(
                &state,
                &c,
                &title,
                &action,
                &f,
                store_errs(e)?,
                Some(p.fields.stage),
            )
            .await
        }
    }
}
