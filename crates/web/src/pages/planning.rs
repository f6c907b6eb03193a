//! 项目策划: the units' planning quotas and their progress ranked, the planned projects behind the
//! numbers, the investment plans, and, for the commission, setting quotas and plans and issuing the
//! monthly planning notice.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Form;
use diaodu_domain::access::Action;
use diaodu_domain::period::fmt_date;
use maud::{html, Markup};
use serde::Deserialize;
use time::Date;

use super::layout::{csrf, flash, page, pct};
use super::{redirect_saved, Ctx};
use crate::api::types::NumOrText;
use crate::auth::Current;
use crate::service::planning::{
    self as svc, PlanIn, PlanOut, PlanningQuery, QuotaIn, UnitProgressOut,
};
use crate::{AppError, AppState};

/// Query of the planning page.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// 年度.
    pub year: Option<String>,
    /// 统计日期.
    pub as_of: Option<String>,
    /// Confirmation of a change.
    pub saved: Option<String>,
}

fn wan_f(v: f64) -> String {
    crate::format::wan(diaodu_domain::Yuan((v * 10_000.0).round() as i64))
}

/// 万元 as 亿元 with two decimals.
fn yi_f(v: f64) -> String {
    crate::format::yi(diaodu_domain::Yuan((v * 10_000.0).round() as i64))
}

fn pct_f(v: Option<f64>) -> String {
    pct(v)
}

/// A share of a quota as a bar with its percentage.
fn bar(v: Option<f64>, behind: bool) -> Markup {
    html! {
        @match v {
            None => span.muted { "—" },
            Some(p) => span.pbar title={(format!("{p:.1}%"))} {
                span.pbar-track { span.pbar-fill.(if behind { "red" } else { "ok" }) style={"width:" (p.clamp(0.0, 100.0)) "%"} {} }
                b { (format!("{p:.1}%")) }
            },
        }
    }
}

/// A unit's line (or, `total`, the scope's); with `remove`, a button removing the unit's quota of
/// that year.
fn progress_row(u: &UnitProgressOut, total: bool, remove: Option<(&Current, i32)>) -> Markup {
    let behind = u.behind_projects || u.behind_investment;
    html! {
        tr.(if total { "total" } else { "" }) {
            td.n { @if total { "合计" } @else { (u.rank.map_or_else(|| "—".into(), |r| r.to_string())) } }
            td { @if total { (u.unit) } @else { a href={"/projects?unit=" (u.unit_id)} { (u.unit) } } }
            td.n { (u.quota.projects) }
            td.n { (u.planned) }
            td { (bar(u.projects_pct, u.behind_projects)) }
            td.n { (yi_f(u.quota.investment_wan)) }
            td.n { (yi_f(u.planned_investment_wan)) }
            td { (bar(u.investment_pct, u.behind_investment)) }
            td.n { (u.big) " / " (u.quota.big_projects) }
            td.n { (u.converted) span.muted.small { "（" (pct_f(u.converted_pct)) "）" } }
            td { @if behind { span.tag.red title="不足按时序进度折算任务的一半" { "滞后" } } @else if !total { span.tag.green { "正常" } } }
            @if let Some((c, year)) = remove { td { @if !total {
                form method="post" action="/planning/quotas/remove" onsubmit="return confirm('删除该单位本年度的策划包装任务？')" {
                    (csrf(c)) input type="hidden" name="unit_id" value=(u.unit_id); input type="hidden" name="year" value=(year);
                    button.light-btn.small type="submit" title="删除该单位本年度的任务" { "删除" }
                }
            } } }
        }
    }
}

/// GET /planning
pub async fn show(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<PageQuery>,
) -> Result<Markup, AppError> {
    let ctx = Ctx::load(&state, &c).await?;
    let pq = PlanningQuery {
        year: q.year.clone(),
        as_of: q.as_of.clone(),
    };
    let (year, d) = svc::year_and_day(state.today(), &pq)?;
    let (view, tree) = svc::progress(&state, &c, None, year, d).await?;
    let out = &view.out;
    let root = crate::service::scope::scope_root(&c);
    let lines = state
        .store
        .planning()
        .planned_projects(&tree, root, year, d)
        .await?;
    let lines: Vec<_> = lines
        .into_iter()
        .filter(|l| l.counted.entered_on <= d)
        .collect();
    let plans = svc::plans(&state, &c, year, d).await?;
    let can = c.can(Action::ManagePlanning);
    let month = fmt_date(d)[..7].to_string();
    let this_year = state.today().year();
    let t = &out.total;
    let body = html! {
        h1 { "项目策划包装" span.muted.small { "　" (year) " 年度，统计日期 " (fmt_date(d)) "，时序进度 " (format!("{:.1}%", out.time_progress_pct)) } }
        (flash(q.saved.as_deref(), None))
        form.filters method="get" action="/planning" {
            label { "年度" select name="year" {
                @for y in (this_year - 3..=this_year + 1).rev() { option value=(y) selected[y == year] { (y) " 年" } }
            } }
            label { "统计日期" input type="date" name="as_of" value=(fmt_date(d)); }
            button type="submit" { "查询" }
            @if can { a.btn.light-btn #planning-notice href={"/planning/notice.docx?month=" (month)} title="本月项目策划包装情况通报（Word，带发改委红头和文号）" { (month) " 策划通报" } }
        }
        div.cards {
            div.card { div.k { "策划入库项目" } div.v { (t.planned) small { " / " (t.quota.projects) " 个" } } div.sub { "完成 " (pct_f(t.projects_pct)) } }
            div.card { div.k { "入库项目总投资" } div.v { (yi_f(t.planned_investment_wan)) small { " 亿元" } } div.sub { "任务 " (yi_f(t.quota.investment_wan)) " 亿元，完成 " (pct_f(t.investment_pct)) } }
            div.card { div.k { "大块头项目" } div.v { (t.big) small { " / " (t.quota.big_projects) " 个" } } div.sub { "总投资 " (wan_f(out.big_threshold_wan)) " 万元以上" } }
            div.card { div.k { "已转化（前期或开工）" } div.v { (t.converted) small { " 个" } } div.sub { "转化率 " (pct_f(t.converted_pct)) "，已开工 " (t.started) " 个" } }
        }
        h2 { "各单位完成情况" span.muted.small { "　按项目数完成比例排名，并列同名次；不足时序任务一半的标为滞后" } }
        @if out.units.is_empty() {
            p.muted { (year) " 年度尚未下达策划包装任务。" @if can { "可在下方逐个下达，或在" a href="/data" { "导入导出" } "页面导入（下载" a href="/data/template/planning-quotas" { "策划包装任务导入模板" } "）。" } }
        } @else {
            div.tablewrap { table #planning-progress {
                thead { tr {
                    th.n { "名次" } th { "单位" } th.n { "任务(个)" } th.n { "入库(个)" } th { "项目完成比例" }
                    th.n { "任务投资(亿元)" } th.n { "入库投资(亿元)" } th { "投资完成比例" } th.n { "大块头" } th.n { "已转化" } th { "进度" } @if can { th {} }
                } }
                tbody {
                    (progress_row(t, true, can.then_some((&c, year))))
                    @for u in &out.units { (progress_row(u, false, can.then_some((&c, year)))) }
                }
            } }
        }
        details.panel style="margin-top:12px" {
            summary { "策划入库项目清单（" (lines.len()) " 个）" }
            div.tablewrap { table #planned-projects {
                thead { tr { th { "项目" } th { "责任单位" } th.n { "总投资(万元)" } th { "入库日期" } th { "阶段（统计日）" } } }
                tbody { @for l in &lines { tr {
                    td { a href={"/projects/" (l.id)} { (l.name) } br; span.muted.small { (l.code) } }
                    td { (tree.get(l.counted.unit_id).map(|u| u.name.as_str()).unwrap_or("")) }
                    td.n { (crate::format::wan(l.counted.total_investment)) }
                    td { @if l.counted.entered_on != Date::MIN { (fmt_date(l.counted.entered_on)) } }
                    td { (l.counted.stage.zh()) }
                } } }
            } }
        }
        h2 { "重大投资计划" }
        @if plans.is_empty() { p.muted { (year) " 年度尚无重大投资计划。" } } @else {
            div.tablewrap { table #investment-plans {
                thead { tr { th { "计划" } th.n { "目标项目(个)" } th.n { "已入库(个)" } th.n { "完成比例" } th.n { "目标投资(亿元)" } th.n { "入库投资(亿元)" } th.n { "完成比例" } th.n { "已开工" } th.n { "开工率" } } }
                tbody { @for p in &plans { (plan_row(p)) } }
            } }
        }
        @if can { (manage_forms(&c, &tree, year)) }
        p.small.muted { "策划入库项目：策划年度为本年度、入库日期不晚于统计日期的项目，含下级单位的项目；已转化：统计日期当天处于前期或已开工的项目；大块头：总投资达到系统设置“大块头项目投资门槛”的项目。完成比例 = 入库数 ÷ 任务数，保留一位小数；任务为 0 的不计算比例。" }
    };
    Ok(page(&c, &ctx.unit_name, "/planning", "项目策划", body))
}

fn plan_row(p: &PlanOut) -> Markup {
    html! {
        tr {
            td { a href={"/planning/plans/" (p.id)} { (p.name) } }
            td.n { (p.target_projects) } td.n { (p.projects) } td.n { (pct_f(p.projects_pct)) }
            td.n { (format!("{:.2}", p.target_investment_wan / 10_000.0)) } td.n { (format!("{:.2}", p.investment_wan / 10_000.0)) } td.n { (pct_f(p.investment_pct)) }
            td.n { (p.started) } td.n { (pct_f(p.started_pct)) }
        }
    }
}

fn manage_forms(c: &Current, tree: &diaodu_store::UnitTree, year: i32) -> Markup {
    let units = super::projects::unit_options(tree, c);
    html! {
        div.split style="margin-top:14px" {
            form.panel #quota-form method="post" action="/planning/quotas" {
                (csrf(c))
                h2 style="margin-top:0" { "下达或调整策划包装任务" }
                div.form-grid {
                    label { span.req { "单位" } select name="unit_id" required { option value="" { "请选择" } @for (v, n) in &units { option value=(v) { (n) } } } }
                    label { span.req { "年度" } input name="year" value=(year) inputmode="numeric" required; }
                    label { span.req { "策划项目数" } input name="projects" inputmode="numeric" required; }
                    label { span.req { "策划总投资(万元)" } input name="investment_wan" inputmode="decimal" required; }
                    label { span.req { "大块头项目数" } input name="big_projects" inputmode="numeric" required value="0"; }
                }
                p { button type="submit" { "保存任务" } " " a href="/data/template/planning-quotas" { "批量导入模板" } }
                p.small.muted { "同一单位同一年度再次保存即为调整，调整前后数值留痕。批量下达请在“导入导出”页面选择“项目策划包装任务”导入。" }
            }
            form.panel #plan-form method="post" action="/planning/plans" {
                (csrf(c))
                h2 style="margin-top:0" { "新建重大投资计划" }
                div.form-grid {
                    label { span.req { "计划名称" } input name="name" required placeholder="如 千亿百项"; }
                    label { span.req { "年度" } input name="year" value=(year) inputmode="numeric" required; }
                    label { span.req { "目标项目数" } input name="target_projects" inputmode="numeric" required; }
                    label { span.req { "目标总投资(万元)" } input name="target_investment_wan" inputmode="decimal" required; }
                    label.wide { "列入项目编码（每行一个，或用逗号、空格分隔）" textarea name="codes" rows="3" {} }
                }
                p { button type="submit" { "保存计划" } }
            }
        }
    }
}

/// The quota form.
#[derive(Debug, Deserialize)]
pub struct QuotaForm {
    /// Unit id.
    pub unit_id: String,
    /// 年度.
    pub year: String,
    /// 策划项目数.
    pub projects: String,
    /// 策划总投资 (万元).
    pub investment_wan: String,
    /// 大块头项目数.
    pub big_projects: String,
}

fn whole(field: &str, s: &str) -> Result<i64, AppError> {
    s.trim()
        .parse::<i64>()
        .map_err(|_| AppError::invalid(field, format!("“{}”应为整数", s.trim())))
}

/// POST /planning/quotas
pub async fn save_quota(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<QuotaForm>,
) -> Result<Response, AppError> {
    let q = QuotaIn {
        unit_id: whole("单位", &f.unit_id)?,
        year: whole("年度", &f.year)? as i32,
        projects: whole("策划项目数", &f.projects)?,
        investment_wan: NumOrText::Text(f.investment_wan.clone()),
        big_projects: whole("大块头项目数", &f.big_projects)?,
    };
    svc::set_quota(&state, &c, &q).await?;
    Ok(redirect_saved(&format!("/planning?year={}", q.year), "策划包装任务已保存").into_response())
}

/// The form removing a quota.
#[derive(Debug, Deserialize)]
pub struct RemoveForm {
    /// Unit id.
    pub unit_id: i64,
    /// 年度.
    pub year: i32,
}

/// POST /planning/quotas/remove
pub async fn remove_quota(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<RemoveForm>,
) -> Result<Response, AppError> {
    svc::remove_quota(&state, &c, f.unit_id, f.year).await?;
    Ok(redirect_saved(&format!("/planning?year={}", f.year), "策划包装任务已删除").into_response())
}

/// The plan form.
#[derive(Debug, Deserialize)]
pub struct PlanForm {
    /// The plan changed (none: new).
    pub id: Option<String>,
    /// 计划名称.
    pub name: String,
    /// 年度.
    pub year: String,
    /// 目标项目数.
    pub target_projects: String,
    /// 目标总投资 (万元).
    pub target_investment_wan: String,
    /// 项目编码, separated by lines, commas or spaces.
    #[serde(default)]
    pub codes: String,
}

/// POST /planning/plans
pub async fn save_plan(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<PlanForm>,
) -> Result<Response, AppError> {
    let id = match super::nonempty(&f.id) {
        Some(s) => Some(whole("计划", s)?),
        None => None,
    };
    let codes: Vec<String> = f
        .codes
        .split(|ch: char| ch.is_whitespace() || matches!(ch, ',' | '，' | '、' | ';' | '；'))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let p = PlanIn {
        id,
        year: whole("年度", &f.year)? as i32,
        name: f.name.clone(),
        target_projects: whole("目标项目数", &f.target_projects)?,
        target_investment_wan: NumOrText::Text(f.target_investment_wan.clone()),
        projects: Some(codes),
    };
    let id = svc::save_plan(&state, &c, &p).await?;
    Ok(redirect_saved(&format!("/planning/plans/{id}"), "投资计划已保存").into_response())
}

/// GET /planning/plans/{id}
pub async fn plan(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Result<Markup, AppError> {
    let ctx = Ctx::load(&state, &c).await?;
    let d = super::as_of(&state, q.as_of.as_deref())?;
    let (p, lines, tree) = svc::plan(&state, &c, id, d).await?;
    let can = c.can(Action::ManagePlanning);
    let codes: Vec<&str> = lines.iter().map(|l| l.code.as_str()).collect();
    let body = html! {
        p { a href={"/planning?year=" (p.year)} { "← 项目策划" } }
        h1 { (p.name) span.muted.small { "　" (p.year) " 年度，统计日期 " (fmt_date(d)) } }
        (flash(q.saved.as_deref(), None))
        div.cards {
            div.card { div.k { "列入项目" } div.v { (p.projects) small { " / " (p.target_projects) " 个" } } div.sub { "完成 " (pct_f(p.projects_pct)) } }
            div.card { div.k { "总投资" } div.v { (format!("{:.2}", p.investment_wan / 10_000.0)) small { " 亿元" } } div.sub { "目标 " (format!("{:.2}", p.target_investment_wan / 10_000.0)) " 亿元，完成 " (pct_f(p.investment_pct)) } }
            div.card { div.k { "已开工" } div.v { (p.started) small { " 个" } } div.sub { "开工率 " (pct_f(p.started_pct)) "，已转化 " (p.converted) " 个" } }
        }
        div.tablewrap { table #plan-projects {
            thead { tr { th { "项目" } th { "责任单位" } th.n { "总投资(万元)" } th { "入库日期" } th { "阶段（统计日）" } } }
            tbody {
                @for l in &lines { tr {
                    td { a href={"/projects/" (l.id)} { (l.name) } br; span.muted.small { (l.code) } }
                    td { (tree.get(l.counted.unit_id).map(|u| u.name.as_str()).unwrap_or("")) }
                    td.n { (crate::format::wan(l.counted.total_investment)) }
                    td { @if l.counted.entered_on != Date::MIN { (fmt_date(l.counted.entered_on)) } }
                    td { (l.counted.stage.zh()) }
                } }
                @if lines.is_empty() { tr { td colspan="5" { span.muted { "尚未列入项目。" } } } }
            }
        } }
        @if can {
            form.panel #plan-form method="post" action="/planning/plans" style="margin-top:12px" {
                (csrf(&c))
                input type="hidden" name="id" value=(p.id);
                h2 style="margin-top:0" { "修改计划" }
                div.form-grid {
                    label { span.req { "计划名称" } input name="name" value=(p.name) required; }
                    label { span.req { "年度" } input name="year" value=(p.year) inputmode="numeric" required; }
                    label { span.req { "目标项目数" } input name="target_projects" value=(p.target_projects) inputmode="numeric" required; }
                    label { span.req { "目标总投资(万元)" } input name="target_investment_wan" value=(format!("{:.2}", p.target_investment_wan)) inputmode="decimal" required; }
                    label.wide { "列入项目编码（每行一个；保存后以此清单为准）" textarea name="codes" rows="6" { (codes.join("\n")) } }
                }
                p { button type="submit" { "保存" } }
            }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/planning", &p.name, body))
}

/// Query of the notice.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    /// YYYY-MM.
    pub month: String,
}

/// GET /planning/notice.docx
pub async fn notice_docx(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let issued = svc::notice_for(&state, &c, &q.month).await?;
    Ok(crate::files::docx(issued))
}
