//! The scorecard page (成绩单), its JSON, and the official notice (通报) written from it.

use axum::extract::{Query, State};
use axum::response::Response;
use diaodu_domain::access::Action;
use diaodu_domain::scorecard::d1;
use diaodu_office::svg::{peer_bars, rank_line};

use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{page, svg};
use super::{nonempty, Ctx};
use crate::auth::Current;
pub use crate::service::documents::{notice, scorecard_json, scorecard_text, ScorecardOut};
use crate::service::scope::indicator_scope;
use crate::service::scope::{resolve_period, resolve_region};
use crate::{AppError, AppState};

/// Query of the scorecard.
#[derive(Debug, Default, Deserialize)]
pub struct ScorecardQuery {
    /// Region: unit id or code.
    pub region: Option<String>,
    /// Period.
    pub period: Option<String>,
}

/// GET /scorecard
pub async fn show(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<ScorecardQuery>,
) -> Result<Markup, AppError> {
    c.require(Action::ViewScorecard)?;
    let ctx = Ctx::load(&state, &c).await?;
    let region = resolve_region(&ctx.tree, &c, nonempty(&q.region))?;
    let periods = state.store.indicators().value_periods().await?;
    let title = "指标成绩单";
    let period = match resolve_period(&state, nonempty(&q.period))
        .await
        .map_err(AppError::from)
    {
        Ok(p) => p,
        Err(AppError::NotFound(_)) => {
            let body = html! { h1 { (title) } p.muted { "尚无指标数据。请先在“指标目录”建立指标并录入或导入数值。" } };
            return Ok(page(&c, &ctx.unit_name, "/scorecard", title, body));
        }
        Err(e) => return Err(e),
    };
    let sc = state
        .store
        .indicators()
        .scorecard(&ctx.tree, region, period)
        .await?;
    let scope = indicator_scope(&ctx.tree, &c);
    // Regions are ranked on indicators; departments and retired units are not regions.
    let regions: Vec<_> = ctx
        .tree
        .within(scope)
        .into_iter()
        .filter(|u| u.parent_id.is_some())
        .filter(|u| u.kind != diaodu_domain::access::UnitKind::Department && u.retired_on.is_none())
        .collect();
    // A period without any value for the region gives one message, not a chart per indicator.
    let has_data = sc
        .indicators
        .iter()
        .any(|c| c.card.value.is_some() || c.card.growth_pct.is_some());
    let opt = |v: Option<f64>| v.map(d1).unwrap_or_else(|| "—".into());
    let body = html! {
        h1 { (sc.region.name) " · " (period.zh()) "主要指标成绩单" }
        form.filters method="get" action="/scorecard" {
            label { "地区" select name="region" { @for u in &regions { option value=(u.id) selected[u.id == region] { (ctx.tree.display_path(u.id)) } } } }
            label { "期别" input name="period" value=(period.to_string()) list="periods"; }
            datalist #periods { @for p in &periods { option value=(p) {} } }
            button type="submit" { "查询" }
            a.btn.light-btn href={"/scorecard/docx?region=" (region) "&period=" (period)} { "下载通报（Word）" }
            a href="/indicators" { "指标目录 →" }
        }
        div.panel #summary { p style="margin:0;font-size:15px" { (sc.summary) } }
        div.tablewrap { table #scorecard {
            thead { tr { th { "指标" } th.n { "数值" } th.n { "增速(%)" } th.n { "排名" } th.n { "位次变化" }
                th { "前一位（差距）" } th { "后一位（差距）" } th { "领先" } th.n { "目标/参照" } th.n { "优于目标数" } th.n { "与上级差" } th.n { "追赶所需增速" } } }
            tbody { @for c in &sc.indicators { @let k = &c.card; tr {
                td { b { (k.name) } br; span.small.muted { (k.unit) } }
                td.n { (opt(k.value)) } td.n { (opt(k.growth_pct)) }
                td.n { @if let Some(r) = k.rank { b { (r) } "/" (k.peer_count) } @else { "—" } }
                td.n { @match k.rank_change { Some(0) => "持平", Some(x) if x > 0 => span style="color:var(--green)" { "↑" (x) }, Some(x) => span style="color:var(--red)" { "↓" (-x) }, None => "—" } }
                td { @if let Some(a) = &k.above { (a.names.join("、")) "（" (d1(a.gap_pp)) "）" } @else { "—" } }
                td { @if let Some(b) = &k.below { (b.names.join("、")) "（" (d1(b.gap_pp)) "）" } @else { "—" } }
                td { @if let Some(l) = &k.leader { (l.names.join("、")) " " (d1(l.metric)) } }
                td.n { (opt(k.threshold)) @if k.threshold_source == Some("parent") { span.small.muted { " 上级" } } }
                td.n { (k.count_above_threshold.map(|x| x.to_string()).unwrap_or_else(|| "—".into())) }
                td.n { (k.gap_to_parent_pp.map(|g| format!("{g:+.1}")).unwrap_or_else(|| "—".into())) }
                td.n { (opt(k.needed_growth_pct)) }
            } } }
        } }
        @if !has_data {
            p.muted #no-data { (sc.region.name) "在" (period.zh()) "尚无指标数值。请选择其他期别，或在“指标目录”录入、导入该期数值。" }
        }
        @for c in sc.indicators.iter().filter(|_| has_data) {
            @let k = &c.card;
            div.panel style="margin-top:14px" {
                h2 style="margin-top:0" { (k.name) }
                p { (k.text) }
                div.split {
                    div { (svg(peer_bars(
                        &c.peers.iter().map(|p| (p.name.clone(), p.metric, p.id == sc.region.id)).collect::<Vec<_>>(),
                        k.threshold.map(|t| (t, if k.threshold_source == Some("target") { "目标" } else { "上级" })),
                        if c.growth_kind { "%" } else { "" },
                    ))) }
                    div style="max-width:460px" { p.small.muted style="margin:0" { "近" (c.history.len()) "期排名" }
                        (svg(rank_line(&c.card.name, &c.history.iter().map(|(p, r, n)| (p.to_string(), *r, *n)).collect::<Vec<_>>()))) }
                }
            }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/scorecard", title, body))
}

/// GET /scorecard/docx
pub async fn docx(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<ScorecardQuery>,
) -> Result<Response, AppError> {
    let issued = crate::service::documents::scorecard_notice_for(
        &state,
        &c,
        nonempty(&q.region),
        nonempty(&q.period),
    )
    .await?;
    Ok(crate::files::docx(issued))
}
