//! The indicator catalogue, yearly targets and the value grid (one indicator and period, all peers)
//! where the statistics bureau enters the figures.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use diaodu_domain::access::{Action, Scope};
use diaodu_domain::import::TargetRow;
use diaodu_domain::indicator::{parse_number, Direction, Indicator, IndicatorKind, StatPeriod};
use diaodu_store::{UnitTree, ValueInput};
use maud::{html, Markup};
use serde::Deserialize;

use super::layout::{csrf, flash, page};
use super::{nonempty, Ctx};
use crate::auth::Current;
use crate::service::scope::{indicator_scope, indicator_write_scope};
use crate::{AppError, AppState};

/// Query of the catalogue page.
#[derive(Debug, Default, Deserialize)]
pub struct CatalogueQuery {
    /// Confirmation.
    pub saved: Option<String>,
}

/// GET /indicators
pub async fn catalogue(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<CatalogueQuery>,
) -> Result<Markup, AppError> {
    c.require(Action::ViewScorecard)?;
    let ctx = Ctx::load(&state, &c).await?;
    let inds = state.store.indicators().list().await?;
    let targets = state.store.indicators().targets().await?;
    let mut years: Vec<i32> = targets.keys().map(|k| k.1).collect();
    years.sort();
    years.dedup();
    let edit = c.can(Action::ManageIndicators);
    let body = html! {
        (flash(nonempty(&q.saved), None))
        h1 { "指标目录" span.muted.small { "　省对市、市对县区排名所用的主要指标及年度目标" } }
        div.tablewrap { table #indicators {
            thead { tr { th { "编码" } th { "指标名称" } th { "计量单位" } th { "类型" } th { "方向" }
                @for y in &years { th.n { (y) "年目标" } }
                th {} } }
            tbody {
                @for r in &inds { tr {
                    td { (r.indicator.code) } td { b { (r.indicator.name) } } td { (r.indicator.unit) }
                    td { (r.indicator.kind.zh()) } td { (r.indicator.direction.zh()) }
                    @for y in &years { td.n { (targets.get(&(r.id, *y)).map(|t| format!("{t}")).unwrap_or_default()) } }
                    td { @if edit { a href={"/indicators/values?indicator=" (r.id)} { "录入数值" } } }
                } }
                @if inds.is_empty() { tr { td colspan="6" { span.muted { "尚未建立指标目录，可在“导入导出”导入，或在下方新增。" } } } }
            }
        } }
        p { a.btn href="/scorecard" { "查看成绩单" } }
        @if edit {
            div.split {
                form.panel method="post" action="/indicators" {
                    h2 style="margin-top:0" { "新增或修改指标" }
                    (csrf(&c))
                    div.form-grid {
                        label { span.req { "指标编码" } input name="code" required placeholder="如 GDP"; }
                        label { span.req { "指标名称" } input name="name" required; }
                        label { "计量单位" input name="unit" placeholder="亿元、%"; }
                        label { "类型" select name="kind" { @for k in IndicatorKind::ALL { option value=(k.code()) { (k.zh()) } } } }
                        label { "方向" select name="direction" { @for d in Direction::ALL { option value=(d.code()) { (d.zh()) } } } }
                    }
                    p { button type="submit" { "保存指标" } }
                }
                form.panel method="post" action="/indicators/targets" {
                    h2 style="margin-top:0" { "设定年度目标" }
                    (csrf(&c))
                    div.form-grid {
                        label { "指标" select name="code" { @for r in &inds { option value=(r.indicator.code) { (r.indicator.name) } } } }
                        label { span.req { "年度" } input name="year" inputmode="numeric" required placeholder="2026"; }
                        label { span.req { "目标值" } input name="target" inputmode="decimal" required placeholder="增速类填目标增速，如 7.0"; }
                    }
                    p { button type="submit" { "保存目标" } }
                }
            }
        }
    };
    Ok(page(&c, &ctx.unit_name, "/indicators", "指标目录", body))
}

/// The indicator form.
#[derive(Debug, Deserialize)]
pub struct IndicatorForm {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Unit of measure.
    #[serde(default)]
    pub unit: String,
    /// Kind code.
    pub kind: String,
    /// Direction code.
    pub direction: String,
}

/// POST /indicators
pub async fn save_indicator(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<IndicatorForm>,
) -> Result<Response, AppError> {
    c.require(Action::ManageIndicators)?;
    let kind = IndicatorKind::parse(&f.kind).ok_or_else(|| AppError::invalid("类型", "无效"))?;
    let direction =
        Direction::parse(&f.direction).ok_or_else(|| AppError::invalid("方向", "无效"))?;
    let row = diaodu_domain::import::IndicatorImportRow {
        row: 0,
        indicator: Indicator {
            code: f.code.trim().into(),
            name: f.name.trim().into(),
            unit: f.unit.trim().into(),
            kind,
            direction,
        },
    };
    match state
        .store
        .indicators()
        .import_indicators(&c.actor(), &[row], Vec::new())
        .await?
    {
        Ok(_) => Ok(super::redirect_saved("/indicators", "指标已保存").into_response()),
        Err(e) => Err(AppError::Import(e)),
    }
}

/// The target form.
#[derive(Debug, Deserialize)]
pub struct TargetForm {
    /// Indicator code.
    pub code: String,
    /// Year.
    pub year: String,
    /// Target.
    pub target: String,
}

/// POST /indicators/targets
pub async fn save_target(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<TargetForm>,
) -> Result<Response, AppError> {
    c.require(Action::ManageIndicators)?;
    let year: i32 = f
        .year
        .trim()
        .parse()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| AppError::invalid("年度", "应为年份，如 2026"))?;
    let target = parse_number(&f.target).ok_or_else(|| AppError::invalid("目标值", "应为数字"))?;
    match state
        .store
        .indicators()
        .import_targets(
            &c.actor(),
            &[TargetRow {
                row: 0,
                code: f.code,
                year,
                target,
            }],
            Vec::new(),
        )
        .await?
    {
        Ok(_) => Ok(super::redirect_saved("/indicators", "目标已保存").into_response()),
        Err(e) => Err(AppError::Import(e)),
    }
}

/// Query of the value grid.
#[derive(Debug, Default, Deserialize)]
pub struct GridQuery {
    /// Indicator id.
    pub indicator: Option<i64>,
    /// Period.
    pub period: Option<String>,
    /// The parent whose children are entered (with the parent itself).
    pub parent: Option<i64>,
    /// Confirmation.
    pub saved: Option<String>,
}

fn grid_parent(tree: &UnitTree, c: &Current, parent: Option<i64>) -> Result<i64, AppError> {
    let scope = indicator_scope(tree, c);
    // The grid opens on the rows the user enters: its own region and those below it; a region
    // without any below it enters its own row among its peers.
    let default = if tree.children(Some(c.user.unit_id)).is_empty() {
        match scope {
            Scope::Subtree(p) => p,
            Scope::All => tree
                .get(c.user.unit_id)
                .and_then(|u| u.parent_id)
                .unwrap_or(c.user.unit_id),
        }
    } else {
        c.user.unit_id
    };
    let p = parent.unwrap_or(default);
    if tree.in_scope(p, scope) {
        Ok(p)
    } else {
        Err(AppError::Forbidden)
    }
}

/// GET /indicators/values
pub async fn grid(
    State(state): State<AppState>,
    c: Current,
    Query(q): Query<GridQuery>,
) -> Result<Markup, AppError> {
    c.require(Action::ManageIndicators)?;
    let ctx = Ctx::load(&state, &c).await?;
    let inds = state.store.indicators().list().await?;
    let ind = match q.indicator {
        Some(id) => inds
            .iter()
            .find(|r| r.id == id)
            .ok_or_else(|| AppError::NotFound("指标".into()))?,
        None => inds
            .first()
            .ok_or_else(|| AppError::NotFound("指标".into()))?,
    };
    let period = match nonempty(&q.period) {
        Some(p) => StatPeriod::parse(p).map_err(|e| AppError::invalid("期别", e.to_string()))?,
        None => {
            let d = state.today();
            StatPeriod::Quarter {
                year: d.year(),
                quarter: (d.month() as u8 - 1) / 3 + 1,
            }
            .prev()
        }
    };
    let parent = grid_parent(&ctx.tree, &c, q.parent)?;
    let values = state
        .store
        .indicators()
        .indicator_values(ind.id, period)
        .await?;
    let mut units = vec![ctx
        .tree
        .get(parent)
        .cloned()
        .ok_or_else(|| AppError::NotFound("单位".into()))?];
    units.extend(ctx.tree.children(Some(parent)).into_iter().cloned());
    let scope = indicator_scope(&ctx.tree, &c);
    let writable = indicator_write_scope(&c);
    let parents: Vec<_> = ctx
        .tree
        .within(scope)
        .into_iter()
        .filter(|u| !ctx.tree.children(Some(u.id)).is_empty())
        .collect();
    let fmt = |v: Option<f64>| v.map(|x| format!("{x}")).unwrap_or_default();
    let body = html! {
        (flash(nonempty(&q.saved), None))
        h1 { "指标数值录入" span.muted.small { "　一个指标、一个期别，录入同级全部地区（累计值与累计增速）" } }
        form.filters method="get" action="/indicators/values" {
            label { "指标" select name="indicator" { @for r in &inds { option value=(r.id) selected[r.id == ind.id] { (r.indicator.name) } } } }
            label { "期别" input name="period" value=(period.to_string()) placeholder="2026-Q1"; }
            label { "地区范围" select name="parent" { @for u in &parents { option value=(u.id) selected[u.id == parent] { (u.name) "及下级" } } } }
            button type="submit" { "打开" }
        }
        form.panel method="post" action="/indicators/values" {
            (csrf(&c))
            input type="hidden" name="indicator" value=(ind.id);
            input type="hidden" name="period" value=(period.to_string());
            input type="hidden" name="parent" value=(parent);
            p { b { (ind.indicator.name) } "（" (ind.indicator.kind.zh()) "类，" (ind.indicator.direction.zh()) "），" (period.zh()) "，数值单位：" (ind.indicator.unit) }
            div.tablewrap { table #grid {
                thead { tr { th { "地区" } th.n { "数值（" (ind.indicator.unit) "）" } th.n { "增速(%)" } } }
                tbody { @for (i, u) in units.iter().enumerate() {
                    @let v = values.get(&u.id).copied().unwrap_or((None, None));
                    @let own = ctx.tree.in_scope(u.id, writable);
                    tr {
                        td { @if i == 0 { b { (u.name) "（上级）" } } @else { (u.name) } @if !own { span.small.muted { "（由其本级录入）" } } }
                        @if own {
                            td.n { input name={"level_" (u.id)} value=(fmt(v.0)) inputmode="decimal" style="width:9em;text-align:right"; }
                            td.n { input name={"growth_" (u.id)} value=(fmt(v.1)) inputmode="decimal" style="width:7em;text-align:right"; }
                        } @else {
                            td.n { (fmt(v.0)) }
                            td.n { (fmt(v.1)) }
                        }
                    }
                } }
            } }
            p { button type="submit" { "保存本表" } span.small.muted { "　留空表示无数据；下降填负数。保存后留痕。" } }
        }
    };
    Ok(page(
        &c,
        &ctx.unit_name,
        "/indicators",
        "指标数值录入",
        body,
    ))
}

/// POST /indicators/values: the grid's fields `level_<unit>` and `growth_<unit>`.
pub async fn save_grid(
    State(state): State<AppState>,
    c: Current,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    c.require(Action::ManageIndicators)?;
    let get = |k: &str| f.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str());
    let ind: i64 = get("indicator")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::invalid("指标", "缺少"))?;
    let period = StatPeriod::parse(get("period").unwrap_or(""))
        .map_err(|e| AppError::invalid("期别", e.to_string()))?;
    let tree = state.store.units().await?;
    let parent = grid_parent(&tree, &c, get("parent").and_then(|v| v.parse().ok()))?;
    let scope = indicator_write_scope(&c);
    let mut errs = Vec::new();
    let mut values: std::collections::BTreeMap<i64, ValueInput> = std::collections::BTreeMap::new();
    for (k, v) in &f {
        let (field, id) = match k.split_once('_') {
            Some((a @ ("level" | "growth"), id)) => (a, id),
            _ => continue,
        };
        let Ok(unit_id) = id.parse::<i64>() else {
            continue;
        };
        if !tree.in_scope(unit_id, scope) {
            let name = tree
                .get(unit_id)
                .map(|u| u.name.as_str())
                .unwrap_or("该地区");
            return Err(AppError::ForbiddenBecause(format!(
                "{name}的指标数值由其本级统计部门录入，本单位可以查看，不能修改"
            )));
        }
        let num = if v.trim().is_empty() {
            None
        } else {
            match parse_number(v) {
                Some(x) => Some(x),
                None => {
                    let name = tree
                        .get(unit_id)
                        .map(|u| u.name.clone())
                        .unwrap_or_default();
                    errs.push((
                        format!("{name} {}", if field == "level" { "数值" } else { "增速" }),
                        format!("“{v}”不是数字"),
                    ));
                    None
                }
            }
        };
        let e = values.entry(unit_id).or_insert(ValueInput {
            unit_id,
            level: None,
            growth: None,
        });
        if field == "level" {
            e.level = num;
        } else {
            e.growth = num;
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let n = state
        .store
        .indicators()
        .save_indicator_values(
            &c.actor(),
            ind,
            period,
            &values.into_values().collect::<Vec<_>>(),
        )
        .await?;
    let msg = serde_urlencoded::to_string([("saved", format!("已保存，{n} 个地区的数值有变化"))])
        .unwrap_or_default();
    Ok(Redirect::to(&format!(
        "/indicators/values?indicator={ind}&period={period}&parent={parent}&{msg}"
    ))
    .into_response())
}
