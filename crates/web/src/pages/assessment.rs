//! 目标考核: the units' scores by peer group with every item's points, one unit's items with the
//! figures and the rule in words, the office's bonuses and deductions, the year's scheme (edited on
//! its own page, saved as versions), the Excel table and the quarterly notice.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Form;
use diaodu_domain::access::{Action, UnitKind};
use diaodu_domain::assessment::{points_text, Item, ItemKind, Scheme};
use diaodu_domain::period::fmt_date;
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{csrf, flash, page};
use super::{redirect_saved, Ctx};
use crate::api::types::NumOrText;
use crate::auth::Current;
use crate::service::assessment::{
    self as svc, AdjustmentIn, AssessmentOut, AssessmentQuery, UnitAssessment,
};
use crate::{AppError, AppState};

/// Query of the page.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// 考核年度.
    pub year: Option<String>,
    /// 统计日期.
    pub as_of: Option<String>,
    /// One unit's detail.
    pub unit: Option<String>,
    /// Confirmation of a change.
    pub saved: Option<String>,
}

fn p(v: Option<f64>) -> String {
    svc::total_text(v)
}

fn change(u: &UnitAssessment) -> Markup {
    html! {
        @match u.change {
            Some(c) if c > 0.0 => span style="color:var(--green)" { "+" (p(Some(c))) },
            Some(c) if c < 0.0 => span style="color:var(--red)" { (p(Some(c))) },
            Some(_) => span.muted { "0" },
            None => span.muted { "—" },
        }
        @match u.rank_change {
            Some(r) if r > 0 => span.small style="color:var(--green)" { " ↑" (r) },
            Some(r) if r < 0 => span.small style="color:var(--red)" { " ↓" (-r) },
            _ => {},
        }
    }
}

/// The table of every unit's items, as .xlsx.
pub fn xlsx(out: &AssessmentOut) -> Result<Response, AppError> {
    let (headers, rows) = svc::table_rows(out);
    let h: Vec<&str> = headers.iter().map(String::as_str).collect();
    super::list_xlsx(
        &format!("{}年度目标责任考核得分表", out.year),
        out.as_of,
        &h,
        &rows,
    )
}

/// GET /assessment
pub async fn show(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<PageQuery>,
) -> Result<Markup, AppError> {
    let ctx = Ctx::load(&state, &c).await?;
    let aq = AssessmentQuery {
        year: q.year.clone(),
        as_of: q.as_of.clone(),
        unit: None,
    };
    let (year, d) = svc::year_and_day(state.today(), &aq)?;
    let unit: Option<i64> = super::nonempty(&q.unit).and_then(|u| u.parse().ok());
    let out = svc::assessment(&state, &c, year, d, None).await?;
    let can = c.can(Action::ManageAssessment);
    let this_year = state.today().year();
    let quarter = format!("{}-Q{}", d.year(), (d.month() as u8 - 1) / 3 + 1);
    let query = format!("year={year}&as_of={}", fmt_date(d));
    let mut groups: Vec<(String, Vec<&UnitAssessment>)> = Vec::new();
    for u in &out.units {
        match groups.iter_mut().find(|(g, _)| *g == u.peer_group) {
            Some((_, v)) => v.push(u),
            None => groups.push((u.peer_group.clone(), vec![u])),
        }
    }
    let detail = unit.and_then(|id| out.units.iter().find(|u| u.unit_id == id));
    let adjustments = if can {
        let mut v = state.store.assessment().adjustments(year).await?;
        v.retain(|a| ctx.tree.in_scope(a.unit_id, c.scope));
        v
    } else {
        Vec::new()
    };
    let body = html! {
        h1 { "目标责任考核" span.muted.small { "　" (year) " 年度，统计日期 " (fmt_date(d))
            @if let Some(pd) = out.previous_as_of { "，与 " (fmt_date(pd)) " 比较" }
            "，考核方案" @if let Some(v) = out.scheme_version { "第 " (v) " 版" } @else { "（默认）" } } }
        (flash(q.saved.as_deref(), None))
        form.filters method="get" action="/assessment" {
            label { "年度" select name="year" {
                @for y in (this_year - 3..=this_year).rev() { option value=(y) selected[y == year] { (y) " 年" } }
            } }
            label { "统计日期" input type="date" name="as_of" value=(fmt_date(d)); }
            button type="submit" { "查询" }
            a.btn.light-btn href={"/assessment/export.xlsx?" (query)} { "导出 Excel" }
            a.btn.light-btn href={"/assessment/scheme?year=" (year)} { "考核方案" }
            @if can { a.btn.light-btn #assessment-notice href={"/assessment/notice.docx?quarter=" (quarter)} title="季度目标责任考核情况通报（Word，带红头和文号）" { (quarter) " 考核通报" } }
        }
        @if let Some(u) = detail { (unit_detail(u)) }
        @for (g, units) in &groups {
            h2 { (g) span.muted.small { "　" (units.len()) " 个单位，同级排名" } }
            div.tablewrap { table.assessment {
                thead { tr {
                    th.n { "名次" } th { "单位" } th.n { "综合得分" } th.n { "较上季度" }
                    @for i in &units[0].items { th.n title=(i.name) { (i.name) br; span.muted.small { @if i.full > 0.0 { (p(Some(i.full))) "分" } @else { "±" } } } }
                } }
                tbody { @for u in units { tr.(if Some(u.unit_id) == unit { "total" } else { "" }) {
                    td.n { (u.rank.map_or_else(|| "—".into(), |r| r.to_string())) }
                    td { a href={"/assessment?" (query) "&unit=" (u.unit_id)} { (u.unit) } }
                    td.n { b { (p(u.total)) } }
                    td.n { (change(u)) }
                    @for i in &u.items { td.n title=(i.text) { @match i.points { Some(x) => (p(Some(x))), None => span.muted { "—" } } } }
                } } }
            } }
        }
        @if out.units.is_empty() { p.muted { "范围内没有参加考核的单位。" } }
        @if can { (adjust_forms(&c, &ctx.tree, &adjustments, year)) }
        p.small.muted { "综合得分 = 适用考核项得分之和 ÷ 适用考核项满分之和 × 100 + 加减分；不涉及的考核项（显示为 —）不计入。同一上级下的同类单位之间排名，得分相同者名次并列。点单位名称查看每项得分的数据依据和计分规则；鼠标停在分数上也可看到。" }
    };
    Ok(page(&c, &ctx.unit_name, "/assessment", "目标考核", body))
}

fn unit_detail(u: &UnitAssessment) -> Markup {
    html! {
        div.panel #unit-detail style="margin-bottom:14px" {
            h2 style="margin-top:0" { (u.unit) span.muted.small { "　" (u.peer_group) } }
            div.cards {
                div.card { div.k { "综合得分" } div.v { (p(u.total)) } div.sub { "适用项得分 " (p(Some(u.earned))) " / " (p(Some(u.possible))) "，加减分 " (p(Some(u.adjustment))) } }
                div.card { div.k { "同级名次" } div.v { (u.rank.map_or_else(|| "—".into(), |r| r.to_string())) small { " / " (u.peers) } } div.sub { "上季度末 " (u.previous_rank.map_or_else(|| "—".into(), |r| r.to_string())) " 名，" (p(u.previous_total)) " 分" } }
            }
            div.tablewrap { table #unit-items {
                thead { tr { th { "考核项" } th.n { "满分" } th.n { "得分" } th { "数据依据与计分" } } }
                tbody { @for i in &u.items { tr {
                    td { (i.name) } td.n { @if i.full > 0.0 { (p(Some(i.full))) } @else { "±" } }
                    td.n { b { @match i.points { Some(x) => (p(Some(x))), None => "不计" } } }
                    td.wrap { (i.text) }
                } } }
            } }
        }
    }
}

fn adjust_forms(
    c: &Current,
    tree: &diaodu_store::UnitTree,
    adjustments: &[diaodu_store::assessment::StoredAdjustment],
    year: i32,
) -> Markup {
    let units = super::projects::unit_options(tree, c);
    html! {
        h2 { "加减分" }
        div.tablewrap { table #adjustments {
            thead { tr { th { "日期" } th { "单位" } th.n { "分值" } th { "事由" } th { "依据文件" } th { "录入" } th {} } }
            tbody {
                @for a in adjustments { tr {
                    td { (a.on_date) } td { (tree.get(a.unit_id).map(|u| u.name.as_str()).unwrap_or("")) }
                    td.n { @if a.points > 0 { "+" } (points_text(a.points)) }
                    td.wrap { (a.reason) } td { (a.document) } td.small { (a.user_login) }
                    td { form method="post" action="/assessment/adjustments/withdraw" onsubmit="return confirm('撤回这条加减分记录？')" {
                        (csrf(c)) input type="hidden" name="id" value=(a.id); input type="hidden" name="year" value=(year);
                        button.light-btn.small type="submit" { "撤回" }
                    } }
                } }
                @if adjustments.is_empty() { tr { td colspan="7" { span.muted { (year) " 年度暂无加减分记录。" } } } }
            }
        } }
        form.panel #adjust-form method="post" action="/assessment/adjustments" style="margin-top:12px" {
            (csrf(c))
            div.form-grid {
                label { span.req { "单位" } select name="unit_id" required { option value="" { "请选择" } @for (v, n) in &units { option value=(v) { (n) } } } }
                label { span.req { "分值" } input name="points" required placeholder="加分填正数，减分填负数，如 -0.5"; }
                label { "计分日期" input type="date" name="on_date"; }
                label.wide { span.req { "事由" } input name="reason" required maxlength="200"; }
                label.wide { span.req { "依据文件" } input name="document" required maxlength="200" placeholder="文号或文件标题"; }
            }
            p { button type="submit" { "录入" } }
        }
    }
}

/// The adjustment form.
#[derive(Debug, Deserialize)]
pub struct AdjustForm {
    /// Unit id.
    pub unit_id: String,
    /// Points.
    pub points: String,
    /// Day.
    #[serde(default)]
    pub on_date: String,
    /// 事由.
    pub reason: String,
    /// 依据文件.
    #[serde(default)]
    pub document: String,
}

/// POST /assessment/adjustments
pub async fn add_adjustment(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<AdjustForm>,
) -> Result<Response, AppError> {
    let unit_id = f
        .unit_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::invalid("单位", "请选择"))?;
    let a = AdjustmentIn {
        unit_id,
        on_date: super::nonempty(&Some(f.on_date.clone())).map(str::to_string),
        points: NumOrText::Text(f.points.clone()),
        reason: f.reason.clone(),
        document: f.document.clone(),
    };
    svc::add_adjustment(&state, &c, &a).await?;
    Ok(redirect_saved(&format!("/assessment?unit={unit_id}"), "加减分已录入").into_response())
}

/// The withdraw form.
#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    /// The record.
    pub id: i64,
    /// Back to this year.
    pub year: i32,
}

/// POST /assessment/adjustments/withdraw
pub async fn withdraw_adjustment(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<WithdrawForm>,
) -> Result<Response, AppError> {
    svc::withdraw_adjustment(&state, &c, f.id).await?;
    Ok(redirect_saved(&format!("/assessment?year={}", f.year), "加减分记录已撤回").into_response())
}

/// GET /assessment/export.xlsx
pub async fn export(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let aq = AssessmentQuery {
        year: q.year,
        as_of: q.as_of,
        unit: None,
    };
    let (year, d) = svc::year_and_day(state.today(), &aq)?;
    let out = svc::assessment(&state, &c, year, d, None).await?;
    xlsx(&out)
}

/// Query of the notice.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    /// YYYY-Qn.
    pub quarter: String,
}

/// GET /assessment/notice.docx
pub async fn notice_docx(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let issued = svc::notice_for(&state, &c, &q.quarter).await?;
    Ok(crate::files::docx(issued))
}

const KINDS: [UnitKind; 5] = [
    UnitKind::City,
    UnitKind::District,
    UnitKind::Park,
    UnitKind::Department,
    UnitKind::Province,
];

/// GET /assessment/scheme
pub async fn scheme(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<PageQuery>,
) -> Result<Markup, AppError> {
    let ctx = Ctx::load(&state, &c).await?;
    let year = crate::service::planning::year_of(state.today(), &q.year)?;
    let (scheme, version) = state.store.assessment().scheme(year).await?;
    let versions = state.store.assessment().versions(year).await?;
    let can = c.can(Action::ManageAssessment);
    let default = Scheme::default_scheme();
    // Every kind of item, those of the scheme first in its order, then the ones it leaves out.
    let mut rows: Vec<(bool, Item)> = scheme.items.iter().cloned().map(|i| (true, i)).collect();
    for k in ItemKind::ALL {
        if !scheme.items.iter().any(|i| i.kind == *k) {
            let i = default
                .items
                .iter()
                .find(|i| i.kind == *k)
                .cloned()
                .unwrap_or(Item {
                    kind: *k,
                    name: k.zh().into(),
                    points: 0,
                    applies_to: Vec::new(),
                    per_case: 0,
                    per_step: 0,
                    partial_pct: 0,
                });
            rows.push((false, i));
        }
    }
    let ro = !can;
    // Without a version of the year, the scheme is an earlier year's carried on, or the default.
    let carried =
        version.is_none() && scheme != diaodu_domain::assessment::Scheme::default_scheme();
    let body = html! {
        p { a href={"/assessment?year=" (year)} { "← 目标考核" } }
        h1 { (year) " 年度考核方案" span.muted.small { "　" @if let Some(v) = version { "第 " (v) " 版" } @else if carried { "沿用以前年度方案（本年度未修改）" } @else { "默认方案（未修改）" } } }
        (flash(q.saved.as_deref(), None))
        form #scheme-form method="post" action={"/assessment/scheme?year=" (year)} {
            (csrf(&c))
            div.tablewrap { table {
                thead { tr { th { "启用" } th { "考核项" } th { "计分规则" } th.n { "分值" } th.n { "每件/每人次扣分" } th.n { "每级扣分" } th.n { "折算比例%" } th { "适用单位" } } }
                tbody { @for (on, i) in &rows { @let k = i.kind.code(); tr {
                    td { input type="checkbox" name={"on_" (k)} value="1" checked[*on] disabled[ro]; }
                    td { input name={"name_" (k)} value=(i.name) maxlength="30" style="min-width:9em" disabled[ro]; }
                    td.small.wrap { (rule_text(i.kind)) }
                    td.n { input name={"points_" (k)} value=(points_text(i.points)) inputmode="decimal" style="width:5em" disabled[ro]; }
                    td.n { @if matches!(i.kind, ItemKind::Notices | ItemKind::Accountability) { input name={"per_case_" (k)} value=(points_text(i.per_case)) inputmode="decimal" style="width:5em" disabled[ro]; } }
                    td.n { @if i.kind == ItemKind::Notices { input name={"per_step_" (k)} value=(points_text(i.per_step)) inputmode="decimal" style="width:5em" disabled[ro]; } }
                    td.n { @if i.kind == ItemKind::Tasks { input name={"partial_" (k)} value=(i.partial_pct) inputmode="numeric" style="width:4em" disabled[ro]; } }
                    td.small { @for uk in &KINDS[..4] { label style="display:inline;margin-right:6px;font-weight:400" { input type="checkbox" name={"applies_" (k) "_" (uk.code())} value="1" checked[i.applies_to.contains(uk)] disabled[ro]; " " (uk.zh()) } } }
                } } }
            } }
            @if can { p { button type="submit" { "保存为新版本" } " " span.small.muted { "保存后立即按新方案计分；历次版本和修改前后内容均留痕。" } } }
        }
        h2 { "历次版本" }
        @if versions.is_empty() { p.muted { @if carried { "本年度尚未修改，沿用以前年度最近一版方案计分。" } @else { "尚未修改，按默认方案计分。" } } } @else {
            ul { @for v in &versions { li { "第 " (v.version) " 版　" (v.created_at.get(..16).unwrap_or("").replace('T', " ")) "（UTC）　" (v.user_login) } } }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/assessment", "考核方案", body))
}

fn rule_text(k: ItemKind) -> &'static str {
    match k {
        ItemKind::StartRate => "分值 × 开工率（已开工 ÷ 应开工）",
        ItemKind::Investment => "年度投资完成率达到时序进度得满分，否则按完成率 ÷ 时序进度折算",
        ItemKind::ReportsOnTime => "分值 × 周报按时填报率",
        ItemKind::Tasks => "按期销号、绿灯计满分，黄灯、逾期销号按折算比例，红灯不得分，取平均",
        ItemKind::Notices => "逾期反馈每件、升级每级扣分，扣完为止",
        ItemKind::Accountability => "每问责一人次扣分，扣完为止",
        ItemKind::Planning => "策划项目数、总投资完成比例（各以 100% 为限）的平均 × 分值",
        ItemKind::IndicatorRanks => "分值 × 领先同级的个次 ÷ 可领先的个次",
        ItemKind::Manual => "考核办录入的加减分合计，以 ± 分值为限，不计入百分制折算",
    }
}

/// POST /assessment/scheme
pub async fn save_scheme(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<PageQuery>,
    Form(f): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let year = crate::service::planning::year_of(state.today(), &q.year)?;
    let pts = |key: &str, field: &str| -> Result<i64, AppError> {
        match f.get(key).map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => Ok(0),
            Some(s) => svc::parse_points(s)
                .map_err(|_| AppError::invalid(field, format!("“{s}”应为最多两位小数的分数"))),
        }
    };
    let mut items = Vec::new();
    for k in ItemKind::ALL {
        let code = k.code();
        if !f.contains_key(&format!("on_{code}")) {
            continue;
        }
        let name = f.get(&format!("name_{code}")).cloned().unwrap_or_default();
        let partial = match f
            .get(&format!("partial_{code}"))
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
        {
            None => 0,
            Some(s) => s
                .parse::<i64>()
                .map_err(|_| AppError::invalid(&name, "折算比例应为 0 至 100 的整数"))?,
        };
        items.push(Item {
            kind: *k,
            name: name.trim().to_string(),
            points: pts(&format!("points_{code}"), &name)?,
            applies_to: KINDS
                .iter()
                .copied()
                .filter(|uk| f.contains_key(&format!("applies_{code}_{}", uk.code())))
                .collect(),
            per_case: pts(&format!("per_case_{code}"), &name)?,
            per_step: pts(&format!("per_step_{code}"), &name)?,
            partial_pct: partial,
        });
    }
    let v = svc::save_scheme(&state, &c, year, &Scheme { items }).await?;
    Ok(redirect_saved(
        &format!("/assessment/scheme?year={year}"),
        &format!("考核方案已保存（第 {v} 版）"),
    )
    .into_response())
}
