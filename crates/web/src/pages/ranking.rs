//! The unit ranking (单位排名): sibling units ranked by annual investment completion.

use axum::extract::{Query, State};
use diaodu_domain::period::fmt_date;
use diaodu_store::reporting::{unit_table, UnitLine};
use diaodu_store::ProjectFilter;
use maud::{html, Markup};
use serde::Deserialize;
use time::Date;

use super::layout::{page, pct, wan};
use super::sort::{self, Key, Sorting};
use super::{as_of, Ctx};
use crate::auth::Current;
use crate::{AppError, AppState};

/// Query of the ranking page.
#[derive(Debug, Default, Deserialize)]
pub struct RankingQuery {
    /// The parent unit whose children are ranked.
    pub unit: Option<String>,
    /// Status date.
    pub as_of: Option<String>,
    /// Column to sort the units by (see [`RANKING_COLUMNS`]), `-` before it for descending; the
    /// total stays first.
    pub sort: Option<String>,
}

/// The columns the ranking sorts by.
pub const RANKING_COLUMNS: &[&str] = &[
    "rank",
    "unit",
    "projects",
    "started",
    "start_rate",
    "plan",
    "ytd",
    "completion",
    "red",
    "yellow",
    "green",
    "on_time",
];

fn line_key(l: &UnitLine, col: &str) -> Key {
    let f = &l.figures;
    let opt = |v: Option<f64>| v.map_or(Key::Empty, Key::Num);
    match col {
        "rank" => l.rank.map_or(Key::Empty, |r| Key::Num(r as f64)),
        "unit" => Key::text(&l.unit.name),
        "projects" => Key::Num(f.projects as f64),
        "started" => Key::Num(f.started as f64),
        "start_rate" => opt(f.start_rate_pct),
        "plan" => Key::Num(f.annual_plan.0 as f64),
        "ytd" => Key::Num(f.ytd_investment.0 as f64),
        "completion" => opt(f.completion_pct),
        "red" => Key::Num(f.red as f64),
        "yellow" => Key::Num(f.yellow as f64),
        "green" => Key::Num(f.green as f64),
        _ => opt(f.on_time_pct),
    }
}

/// Sorts the units of a ranking (the total stays first) as `sort` asks, and says how for the
/// headers' links; the page and its export share it.
pub fn sort_lines(lines: &mut [UnitLine], sort: Option<&str>, parent: i64, d: Date) -> Sorting {
    let sorting = Sorting::new(
        "/ranking",
        sort,
        RANKING_COLUMNS,
        &[("unit", &parent.to_string()), ("as_of", &fmt_date(d))],
    );
    if let Some(units) = lines.get_mut(1..) {
        sorting.apply(units, line_key);
    }
    sorting
}

/// The ranking table; the first line is the parent's total. Its headers sort the units when
/// `sorting` is given.
pub fn table(lines: &[UnitLine], d: Date, drill: bool, sorting: Option<&Sorting>) -> Markup {
    let june = d >= Date::from_calendar_date(d.year(), time::Month::June, 30).expect("valid");
    let th = |col, label, numeric| sort::th(sorting, col, label, numeric);
    html! {
        div.tablewrap { table.ranking {
            thead { tr {
                th.n { (th("rank", "排名", false)) } th { (th("unit", "单位", false)) } th.n { (th("projects", "项目数", true)) } th.n { (th("started", "已开工", true)) } th.n { (th("start_rate", "开工率", true)) }
                th.n { (th("plan", "年度计划(万元)", true)) } th.n { (th("ytd", "本年完成(万元)", true)) } th.n { (th("completion", "完成率", true)) }
                th.n { (th("red", "红灯", true)) } th.n { (th("yellow", "黄灯", true)) } th.n { (th("green", "绿灯", true)) } th.n { (th("on_time", "按时填报率", true)) }
                @if june { th { "双过半" } }
            } }
            tbody {
                @for (i, l) in lines.iter().enumerate() {
                    @let f = &l.figures;
                    tr style=[(i == 0).then_some("font-weight:600;background:#f6f8fa")] {
                        td.n { @if i == 0 { "合计" } @else { (l.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into())) } }
                        td { @if drill && i > 0 { a href={"/ranking?unit=" (l.unit.id) "&as_of=" (fmt_date(d))} { (l.unit.name) } } @else { (l.unit.name) } }
                        td.n { (f.projects) } td.n { (f.started) } td.n { (pct(f.start_rate_pct)) }
                        td.n { (wan(f.annual_plan)) } td.n { (wan(f.ytd_investment)) } td.n { b { (pct(f.completion_pct)) } }
                        td.n style="color:var(--red)" { (f.red) } td.n style="color:#9a6700" { (f.yellow) } td.n style="color:var(--green)" { (f.green) }
                        td.n { (pct(f.on_time_pct)) }
                        @if june { td { @match f.double_half { Some(true) => span.tag { "已过半" }, Some(false) => span.tag.red { "未过半" }, None => "—" } } }
                    }
                }
            }
        } }
    }
}

/// GET /ranking
pub async fn show(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<RankingQuery>,
) -> Result<Markup, AppError> {
    let ctx = Ctx::load(&state, &c).await?;
    let d = as_of(&state, q.as_of.as_deref())?;
    let parent = crate::service::scope::ranking_parent(&ctx.tree, &c, &q.unit)?;
    let rows = state
        .store
        .projects()
        .statuses(
            &ctx.tree,
            c.scope,
            &ProjectFilter {
                unit_id: Some(parent),
                ..Default::default()
            },
            d,
        )
        .await?;
    let mut lines = unit_table(&ctx.tree, &rows, parent, d);
    let sorting = sort_lines(&mut lines, q.sort.as_deref(), parent, d);
    let pname = ctx
        .tree
        .get(parent)
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let up = ctx
        .tree
        .get(parent)
        .and_then(|u| u.parent_id)
        .filter(|p| ctx.tree.in_scope(*p, c.scope));
    let body = html! {
        h1 { (pname) " · 下级单位排名" span.muted.small { "　统计日期 " (fmt_date(d)) "，按年度投资完成率排名，并列同名次" } }
        form.filters method="get" action="/ranking" {
            input type="hidden" name="unit" value=(parent);
            label { "统计日期" input type="date" name="as_of" value=(fmt_date(d)); }
            button type="submit" { "查询" }
            a.btn.light-btn href={"/data/export/ranking?unit=" (parent) "&as_of=" (fmt_date(d)) "&sort=" (sorting.value())} { "导出 Excel" }
            @if c.can(diaodu_domain::access::Action::ChaseReports) { a.btn.light-btn href="/reports/chase" { "催报" } }
            @if c.can(diaodu_domain::access::Action::IssueNotices) { a.btn.light-btn href={"/ranking/monthly.docx?unit=" (parent) "&month=" (&fmt_date(d)[..7])} title="本月重点项目建设情况通报（Word，带红头和文号）" { "月度通报" } }
            @if let Some(p) = up { a href={"/ranking?unit=" (p) "&as_of=" (fmt_date(d))} { "↑ 上一级" } }
        }
        (table(&lines, d, true, Some(&sorting)))
        p.small.muted { "开工率 = 已开工项目 ÷ 已开工或计划开工日期已到的项目；完成率 = 本年完成投资 ÷ 年度计划投资；按时填报率 = 按时提交的周报 ÷ 应报周报。" }
    };
    Ok(page(&c, &ctx.unit_name, "/ranking", "单位排名", body))
}

/// Query of the monthly notice.
#[derive(Debug, Deserialize)]
pub struct MonthlyQuery {
    /// The unit whose projects it covers (default: the top of the caller's scope).
    pub unit: Option<i64>,
    /// The month, YYYY-MM.
    pub month: String,
}

/// GET /ranking/monthly.docx — the monthly notice on the key projects (see
/// `service::documents::monthly_notice`).
pub async fn monthly_docx(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<MonthlyQuery>,
) -> Result<axum::response::Response, AppError> {
    let issued =
        crate::service::documents::monthly_notice_for(&state, &c, q.unit, &q.month).await?;
    Ok(crate::files::docx(issued))
}
