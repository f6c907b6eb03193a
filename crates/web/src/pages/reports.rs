//! Progress reports: what is due, the report form, and site visits.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use diaodu_domain::access::Action;
use diaodu_domain::period::{fmt_date, parse_date};
use diaodu_domain::{Period, Yuan};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{csrf, page, wan};
use super::Ctx;
use crate::auth::Current;
pub use crate::forms::ReportForm;
use crate::service::scope::load_in_scope;
use crate::{AppError, AppState};

pub use crate::service::reporting::{due_items, due_items_of, DueItem};

/// The reports due, one row per project with each of its periods and their 填报 buttons (an overdue
/// week and this week of one project are one row, not two rows that look alike), at most `limit`
/// projects. On a phone each row is a card with the buttons in view (`table.due` in the stylesheet).
pub fn due_table(items: &[DueItem], limit: usize) -> Markup {
    let projects = crate::service::reporting::by_project(items);
    html! {
        div.tablewrap.cardable { table.due #due {
            thead { tr { th { "项目" } th { "责任单位" } th { "应填报" } } }
            tbody {
                @for (p, periods) in projects.iter().take(limit) { tr {
                    td { b { (p.name) } br; span.small.muted { (p.code) } }
                    td.unit { (p.unit) }
                    td.periods {
                        @for it in periods {
                            div.due-period {
                                span.nw { (it.period) " " }
                                @if it.overdue { span.tag.red { "已逾期" } } @else { span.tag { "待填报" } }
                                " " span.small.muted.nw { "截止 " (it.deadline.zh()) } " "
                                a.btn href={"/projects/" (it.project_id) "/report?period=" (it.period)} { "填报" }
                            }
                        }
                    }
                } }
                @if items.is_empty() { tr { td colspan="3" { span.muted { "本期进度均已填报。" } } } }
            }
        } }
        @if projects.len() > limit { p { a href="/reports/due" { "查看全部 " (projects.len()) " 个项目 →" } } }
    }
}

/// GET /reports/due
pub async fn due(State(state): State<AppState>, c: Current) -> Result<Markup, AppError> {
    c.require(Action::SubmitReport)?;
    let ctx = Ctx::load(&state, &c).await?;
    let d = state.today();
    let items = due_items(&state, &ctx.tree, &c, d).await?;
    let week = Period::week_of(d);
    let deadline = state.store.reports().calendar().await?.deadline(week);
    let body = html! {
        p style="float:right;margin:4px 0" {
            a.btn.light-btn href="/calendar" { "填报日历" }
            @if c.can(Action::ChaseReports) { " " a.btn.light-btn href="/reports/chase" { "催报" } }
        }
        h1 { "进度填报" span.muted.small { "　本周 " (week) "（" (fmt_date(week.first_day())) " 至 " (fmt_date(week.last_day())) "），周报于 " (deadline.zh()) @if deadline.hour >= 24 { " 24:00" } " 前提交为按时" } }
        p { a.btn.light-btn href="/data#import" { "批量导入填报（Excel/CSV）" } }
        (due_table(&items, usize::MAX))
    };
    Ok(page(&c, &ctx.unit_name, "/reports/due", "进度填报", body))
}

/// Query of the report form.
#[derive(Debug, Default, Deserialize)]
pub struct FormQuery {
    /// Preselected period.
    pub period: Option<String>,
}

async fn render_form(
    state: &AppState,
    c: &Current,
    id: i64,
    f: &ReportForm,
    errs: &[(String, String)],
    unusual: Option<&str>,
) -> Result<Markup, AppError> {
    let (p, tree) = load_in_scope(state, c, id).await?;
    let unit_name = tree
        .get(c.user.unit_id)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let d = state.today();
    let wk = Period::week_of(d);
    let mon = Period::month_of(d);
    let mut options = vec![
        wk,
        wk.prev(),
        wk.prev().prev(),
        wk.prev().prev().prev(),
        mon,
        mon.prev(),
    ];
    let chosen = Period::parse(&f.period).ok();
    if let Some(ch) = chosen {
        if !options.contains(&ch) {
            options.insert(0, ch);
        }
    }
    let reports = state.store.reports().list(id).await?;
    let existing = chosen.and_then(|ch| reports.iter().find(|r| r.period == ch.to_string()));
    let title = format!("进度填报 · {}", p.fields.name);
    // What a reporter needs beside the figure to see whether it is plausible: the year's plan, what
    // the year's reports add up to, and the latest report before the period chosen.
    let shown = chosen.unwrap_or(wk);
    let year = shown.last_day().year();
    let year_total: Yuan = reports
        .iter()
        .filter(|r| {
            r.period_end.year() == year
                && Some(r.period.as_str()) != chosen.map(|c| c.to_string()).as_deref()
        })
        .map(|r| r.investment)
        .sum();
    let before = shown.first_day();
    let last = reports
        .iter()
        .filter(|r| r.period_end < before)
        .max_by_key(|r| r.period_end);
    let plan = p.fields.annual_plan;
    let share = (plan.0 > 0 && p.fields.plan_year == year)
        .then(|| year_total.0 as f64 * 100.0 / plan.0 as f64);
    let body = html! {
        h1 { (title) }
        p.muted { "项目编码 " (p.fields.code) " · " (tree.display_path(p.unit_id)) " · " (p.fields.stage.zh()) }
        div.panel #report-context {
            dl.kv {
                dt { "总投资" } dd { (wan(p.fields.total_investment)) " 万元" }
                dt { "年度计划投资" } dd { (wan(plan)) " 万元" span.muted.small { "（" (p.fields.plan_year) " 年）" } }
                dt { (year) " 年已填报累计" } dd {
                    (wan(year_total)) " 万元"
                    @if let Some(x) = share { span.muted.small { "（完成年度计划 " (format!("{x:.1}")) "%）" } }
                    span.muted.small { "，不含 " (shown) }
                }
                dt { "上一期填报" } dd {
                    @match last {
                        Some(r) => { (r.period) "：" (wan(r.investment)) " 万元" span.muted.small { "（截至 " (fmt_date(r.period_end)) "）" } },
                        None => span.muted { "尚无" },
                    }
                }
            }
        }
        @if !errs.is_empty() {
            div.flash.err { "请修改以下内容：" ul { @for (fl, m) in errs { li { b { (fl) } "：" (m) } } } }
        }
        @if let Some(m) = unusual {
            div.flash.err #unusual { (m) }
        }
        @if let Some(r) = existing {
            div.flash.ok { "该期已填报（" (wan(r.investment)) " 万元），再次提交将修改原填报，修改会留痕。" }
        }
        form.panel #report-form method="post" action={"/projects/" (id) "/report"} {
            (csrf(c))
            div.form-grid {
                label { span.req { "填报期" }
                    select name="period" {
                        @for o in &options {
                            option value=(o.to_string()) selected[chosen == Some(*o) || (chosen.is_none() && *o == wk)] {
                                (o.to_string()) "（" (fmt_date(o.first_day())) " 至 " (fmt_date(o.last_day())) "）"
                                @if reports.iter().any(|r| r.period == o.to_string()) { " · 已填报" }
                            }
                        }
                    }
                }
                label { span.req { "本期完成投资(万元)" } input name="investment" value=(f.investment) inputmode="decimal" required placeholder="如 320.50"; }
                label.wide { "形象进度" textarea name="progress" { (f.progress) } }
                label.wide { "存在问题（需协调解决）" textarea name="problems" { (f.problems) } }
                @if unusual.is_some() {
                    label.wide.confirm { input type="checkbox" name="confirm_unusual" value="1" required; " 确认数值无误（本期完成投资超过年度计划投资）" }
                }
            }
            p { button type="submit" { @if unusual.is_some() { "确认并提交" } @else { "提交填报" } } " " a href={"/projects/" (id)} { "返回项目" } }
        }
    };
    Ok(page(c, &unit_name, "/reports/due", &title, body))
}

/// GET /projects/{id}/report
pub async fn form(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Query(q): Query<FormQuery>,
) -> Result<Markup, AppError> {
    c.require(Action::SubmitReport)?;
    let f = ReportForm {
        period: q.period.unwrap_or_default(),
        ..Default::default()
    };
    render_form(&state, &c, id, &f, &[], None).await
}

/// POST /projects/{id}/report
pub async fn submit(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Form(f): Form<ReportForm>,
) -> Result<Response, AppError> {
    c.require(Action::SubmitReport)?;
    load_in_scope(&state, &c, id).await?;
    let input = match f.parse() {
        Ok(i) => i,
        Err(errs) => {
            return Ok((
                StatusCode::BAD_REQUEST,
                render_form(&state, &c, id, &f, &errs, None).await?,
            )
                .into_response())
        }
    };
    match crate::service::submit_report(&state, &c, id, &input, f.confirmed())
        .await
        .map_err(AppError::from)
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/projects/{id}?saved={}", input.period)).into_response())
        }
        Err(AppError::Invalid(errs)) => Ok((
            StatusCode::BAD_REQUEST,
            render_form(&state, &c, id, &f, &errs, None).await?,
        )
            .into_response()),
        // The second step: the same form, with the figure kept and a box to confirm it.
        Err(AppError::Unusual(_, m)) => Ok((
            StatusCode::BAD_REQUEST,
            render_form(&state, &c, id, &f, &[], Some(&m)).await?,
        )
            .into_response()),
        Err(e) => Err(e),
    }
}

/// The site visit form.
#[derive(Debug, Deserialize)]
pub struct VisitForm {
    /// Date.
    pub visit_date: String,
    /// Findings.
    pub findings: String,
    /// Request for coordination.
    #[serde(default)]
    pub coordination: String,
}

/// POST /projects/{id}/visits
pub async fn add_visit(
    State(state): State<AppState>,
    c: Current,
    Path(id): Path<i64>,
    Form(f): Form<VisitForm>,
) -> Result<Response, AppError> {
    c.require(Action::LogSiteVisit)?;
    load_in_scope(&state, &c, id).await?;
    let date =
        parse_date(&f.visit_date).map_err(|e| AppError::invalid("督导日期", e.to_string()))?;
    state
        .store
        .reports()
        .add_site_visit(&c.actor(), id, date, &f.findings, &f.coordination)
        .await?;
    Ok(Redirect::to(&format!("/projects/{id}")).into_response())
}
