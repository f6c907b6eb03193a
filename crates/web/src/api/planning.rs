//! Project planning (策划包装): the units' quotas, their progress ranked, the investment plans, and
//! the monthly planning notice.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::types::{ReadErrors, WriteErrors};
use crate::auth::ApiCurrent;
use crate::error::ApiError;
use crate::service::planning::{
    self, PlanIn, PlanOut, PlanningQuery, ProgressOut, QuotaIn, QuotaListed,
};
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(quotas, set_quota))
        .routes(routes!(progress))
        .routes(routes!(plans, save_plan))
        .routes(routes!(plan))
        .routes(routes!(notice))
}

/// Query naming a year.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// 年度 (default: this year).
    pub year: Option<String>,
}

/// 各单位某年度的项目策划包装任务（调用者权限范围内，按单位树顺序）。
#[utoipa::path(get, path = "/api/v1/planning/quotas", tag = "项目策划", params(YearQuery),
    responses((status = 200, description = "策划包装任务", body = Vec<QuotaListed>), ReadErrors))]
async fn quotas(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<YearQuery>,
) -> Result<Json<Vec<QuotaListed>>, ApiError> {
    let year = planning::year_of(state.today(), &q.year)?;
    Ok(Json(planning::quotas(&state, &c, year).await?))
}

/// 下达或调整一个单位某年度的策划包装任务：策划项目数、策划总投资（万元）、大块头项目数（不大于项目数）；已有则替换，留痕。仅发改委。
#[utoipa::path(post, path = "/api/v1/planning/quotas", tag = "项目策划", request_body = QuotaIn,
    responses((status = 200, description = "已保存的任务", body = QuotaListed), WriteErrors))]
async fn set_quota(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<QuotaIn>,
) -> Result<Json<QuotaListed>, ApiError> {
    planning::set_quota(&state, &c, &b).await?;
    let saved = planning::quotas(&state, &c, b.year)
        .await?
        .into_iter()
        .find(|q| q.unit_id == b.unit_id)
        .ok_or_else(|| crate::error::AppError::NotFound("策划包装任务".into()))?;
    Ok(Json(saved))
}

/// 策划包装进度：截至 as_of，各有任务的单位（含下级单位）该年度策划入库的项目数、总投资、大块头项目数、已转化（进入前期或开工）项目数，与任务相比的完成比例（保留一位小数，任务为 0 时不计算），按项目数完成比例排名（并列同名次），以及是否不足时序任务的一半；total 为调用者范围内的合计。
#[utoipa::path(get, path = "/api/v1/planning/progress", tag = "项目策划", params(PlanningQuery),
    responses((status = 200, description = "策划包装进度", body = ProgressOut), ReadErrors))]
async fn progress(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<PlanningQuery>,
) -> Result<Json<ProgressOut>, ApiError> {
    let (year, d) = planning::year_and_day(state.today(), &q)?;
    let (view, _) = planning::progress(&state, &c, None, year, d).await?;
    Ok(Json(view.out))
}

/// 某年度的重大投资计划（如“千亿百项”），各按其所列项目截至 as_of 的入库数、总投资、开工数与目标对比。
#[utoipa::path(get, path = "/api/v1/planning/plans", tag = "项目策划", params(PlanningQuery),
    responses((status = 200, description = "投资计划", body = Vec<PlanOut>), ReadErrors))]
async fn plans(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<PlanningQuery>,
) -> Result<Json<Vec<PlanOut>>, ApiError> {
    let (year, d) = planning::year_and_day(state.today(), &q)?;
    Ok(Json(planning::plans(&state, &c, year, d).await?))
}

/// 新建（不带 id）或修改投资计划的名称、年度和目标；给出 projects（项目编码列表）时替换所列项目，任一编码不在项目库中则整体不保存。仅发改委。
#[utoipa::path(post, path = "/api/v1/planning/plans", tag = "项目策划", request_body = PlanIn,
    responses((status = 200, description = "保存后的计划", body = PlanOut), WriteErrors))]
async fn save_plan(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<PlanIn>,
) -> Result<(StatusCode, Json<PlanOut>), ApiError> {
    let id = planning::save_plan(&state, &c, &b).await?;
    let (p, _, _) = planning::plan(&state, &c, id, state.today()).await?;
    Ok((StatusCode::OK, Json(p)))
}

/// A project a plan lists.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanProject {
    /// Id.
    pub id: i64,
    /// 项目编码.
    pub code: String,
    /// 项目名称.
    pub name: String,
    /// 责任单位.
    pub unit: String,
    /// 总投资, 万元.
    pub total_investment_wan: f64,
    /// Its stage on the day.
    pub stage: diaodu_domain::project::Stage,
    /// 入库日期.
    pub entered_on: Option<Date>,
}

/// A plan with its projects.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanDetail {
    /// The plan followed on the day.
    pub plan: PlanOut,
    /// Its projects within the caller's scope, by code.
    pub projects: Vec<PlanProject>,
}

/// Query of one plan.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// The day, YYYY-MM-DD (default: today).
    pub as_of: Option<String>,
}

/// 一个投资计划及其所列项目（调用者权限范围内），截至 as_of 的阶段。
#[utoipa::path(get, path = "/api/v1/planning/plans/{id}", tag = "项目策划", params(("id" = i64, Path, description = "计划编号"), AsOfQuery),
    responses((status = 200, description = "投资计划", body = PlanDetail), ReadErrors))]
async fn plan(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Query(q): Query<AsOfQuery>,
) -> Result<Json<PlanDetail>, ApiError> {
    let d = crate::forms::as_of(&state, q.as_of.as_deref())?;
    let (plan, lines, tree) = planning::plan(&state, &c, id, d).await?;
    Ok(Json(PlanDetail {
        plan,
        projects: lines
            .into_iter()
            .map(|l| PlanProject {
                id: l.id,
                code: l.code,
                name: l.name,
                unit: tree
                    .get(l.counted.unit_id)
                    .map(|u| u.name.clone())
                    .unwrap_or_default(),
                total_investment_wan: l.counted.total_investment.wan(),
                stage: l.counted.stage,
                entered_on: (l.counted.entered_on != Date::MIN).then_some(l.counted.entered_on),
            })
            .collect(),
    }))
}

/// Query of the planning notice.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoticeQuery {
    /// The month, YYYY-MM.
    pub month: String,
}

/// 项目策划包装情况通报（.docx）：全市（或调用者所在单位）合计与任务、时序进度对比，各单位完成情况排名表，不足时序任务一半的单位点名，重大投资计划推进情况；带发改委红头、发文字号（同月再次生成沿用原文号）和版记，存入材料库。仅发改委。
#[utoipa::path(get, path = "/api/v1/planning/notice", tag = "项目策划", params(NoticeQuery),
    responses((status = 200, description = "通报（Word 文档）", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = Vec<u8>), ReadErrors))]
async fn notice(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, ApiError> {
    let issued = planning::notice_for(&state, &c, &q.month).await?;
    Ok(crate::files::docx(issued))
}
