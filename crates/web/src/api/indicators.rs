//! The indicator catalogue with its targets, entering values, and a region's scorecard.

use axum::extract::{Query, State};
use axum::Json;
use diaodu_domain::access::Action;
use diaodu_domain::indicator::{Direction, IndicatorKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::types::{ReadErrors, WriteErrors};
use crate::auth::ApiCurrent;
use crate::error::{ApiError, AppError};
use crate::forms::nonempty;
use crate::service::documents::ScorecardOut;
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(indicators))
        .routes(routes!(save_values))
        .routes(routes!(scorecard))
}

/// An indicator of the catalogue with its yearly targets.
#[derive(Debug, Serialize, ToSchema)]
struct IndicatorOut {
    /// Id.
    id: i64,
    /// Code.
    code: String,
    /// Name.
    name: String,
    /// Unit of measure.
    unit: String,
    /// Whether it is ranked by its level or its growth.
    kind: IndicatorKind,
    /// Whether higher or lower is better.
    direction: Direction,
    /// Targets by year, oldest first.
    targets: Vec<TargetOut>,
}

/// One year's target.
#[derive(Debug, Serialize, ToSchema)]
struct TargetOut {
    /// Year.
    year: i32,
    /// Target (growth in percent, or the level).
    target: f64,
}

/// 指标目录与年度目标。
#[utoipa::path(get, path = "/api/v1/indicators", tag = "指标",
    responses((status = 200, description = "指标列表", body = Vec<IndicatorOut>), ReadErrors))]
async fn indicators(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
) -> Result<Json<Vec<IndicatorOut>>, ApiError> {
    c.require(Action::ViewScorecard)?;
    let targets = state.store.indicators().targets().await?;
    let list = state
        .store
        .indicators()
        .list()
        .await?
        .into_iter()
        .map(|r| {
            let mut t: Vec<TargetOut> = targets
                .iter()
                .filter(|(k, _)| k.0 == r.id)
                .map(|(k, v)| TargetOut {
                    year: k.1,
                    target: *v,
                })
                .collect();
            t.sort_by_key(|x| x.year);
            IndicatorOut {
                id: r.id,
                code: r.indicator.code,
                name: r.indicator.name,
                unit: r.indicator.unit,
                kind: r.indicator.kind,
                direction: r.indicator.direction,
                targets: t,
            }
        })
        .collect();
    Ok(Json(list))
}

/// Body of `POST /api/v1/indicators/values`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ValuesBody {
    /// Indicator code or name.
    pub indicator: String,
    /// Period: `YYYY-MM`, `YYYY-Qn`, `YYYY-H1`/`H2` or `YYYY`.
    #[schema(example = "2026-Q1")]
    pub period: String,
    /// One entry per region.
    pub values: Vec<ValueEntry>,
}

/// One region's value.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ValueEntry {
    /// Unit code or exact name.
    pub region: String,
    /// The level value (at most 10^15 in size).
    pub value: Option<f64>,
    /// The growth rate in percent (−100 to 1,000).
    pub growth_pct: Option<f64>,
}

/// How many values were saved.
#[derive(Debug, Serialize, ToSchema)]
struct Saved {
    /// Values saved.
    saved: usize,
}

/// 录入一个指标、一个期别的多个地区数值（全部成功或全部不写）。
#[utoipa::path(post, path = "/api/v1/indicators/values", tag = "指标", request_body = ValuesBody,
    responses((status = 200, description = "保存条数", body = Saved), WriteErrors))]
async fn save_values(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<ValuesBody>,
) -> Result<Json<Saved>, ApiError> {
    c.require(Action::ManageIndicators)?;
    let tree = state.store.units().await?;
    let scope = crate::service::scope::indicator_write_scope(&c);
    let period = diaodu_domain::indicator::StatPeriod::parse(&b.period)
        .map_err(|e| AppError::invalid("period", e.to_string()))?;
    let rows: Vec<diaodu_domain::import::IndicatorValueRow> = b
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| diaodu_domain::import::IndicatorValueRow {
            row: i + 1,
            region: v.region.clone(),
            indicator: b.indicator.clone(),
            period,
            level: v.value,
            growth: v.growth_pct,
        })
        .collect();
    match crate::service::write_indicator_values(
        &state.store,
        &c.actor(),
        &tree,
        scope,
        &rows,
        Vec::new(),
    )
    .await?
    {
        Ok(n) => Ok(Json(Saved { saved: n })),
        Err(e)
            if e.iter()
                .any(|x| x.message.starts_with(crate::service::NOT_YOURS)) =>
        {
            Err(AppError::Forbidden.into())
        }
        Err(e) => Err(AppError::Import(e).into()),
    }
}

/// Query of the scorecard call.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScorecardQuery {
    /// Unit id, code or exact name (default: the caller's unit).
    pub region: Option<String>,
    /// Period `YYYY-MM` / `YYYY-Qn` / `YYYY-H1|H2` / `YYYY` (default: the newest with data).
    pub period: Option<String>,
}

/// 地区某期的指标成绩单。
#[utoipa::path(get, path = "/api/v1/scorecard", tag = "指标", params(ScorecardQuery),
    responses((status = 200, description = "成绩单", body = ScorecardOut), ReadErrors))]
async fn scorecard(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<ScorecardQuery>,
) -> Result<Json<ScorecardOut>, ApiError> {
    c.require(Action::ViewScorecard)?;
    let tree = state.store.units().await?;
    let region = crate::service::scope::resolve_region(&tree, &c, nonempty(&q.region))?;
    let period = crate::service::scope::resolve_period(&state, nonempty(&q.period)).await?;
    let sc = state
        .store
        .indicators()
        .scorecard(&tree, region, period)
        .await?;
    Ok(Json(ScorecardOut::of(&sc)))
}
