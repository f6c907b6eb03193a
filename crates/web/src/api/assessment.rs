//! The units' assessment (目标责任考核): scores computed live, the year's scheme and its versions,
//! bonuses and deductions, the quarterly notice and the Excel table.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use diaodu_domain::assessment::Scheme;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::types::{ReadErrors, WriteErrors};
use crate::auth::ApiCurrent;
use crate::error::{ApiError, AppError};
use crate::service::assessment::{self as svc, AdjustmentIn, AssessmentOut, AssessmentQuery};
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(assessment))
        .routes(routes!(scheme, put_scheme))
        .routes(routes!(adjustments, add_adjustment))
        .routes(routes!(withdraw_adjustment))
        .routes(routes!(notice))
        .routes(routes!(export))
}

/// 目标责任考核：截至 as_of（默认今天）按年度考核方案对调用者范围内各单位实时计分——每项得分附数据和计分规则说明（如“开工率 92.0%（已开工 23 个，应开工 25 个），得 13.8 分（满分 15 分）”），适用项目得分折算为百分制后加减分，在同级单位（同一上级下的同类单位）中排名（并列同名次），并与上季度末比较；给出 unit 时只返回该单位。
#[utoipa::path(get, path = "/api/v1/assessment", tag = "目标考核", params(AssessmentQuery),
    responses((status = 200, description = "考核结果", body = AssessmentOut), ReadErrors))]
async fn assessment(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<AssessmentQuery>,
) -> Result<Json<AssessmentOut>, ApiError> {
    let (year, d) = svc::year_and_day(state.today(), &q)?;
    let unit = match crate::forms::nonempty(&q.unit) {
        Some(u) => Some(
            u.parse::<i64>()
                .map_err(|_| AppError::invalid("unit", "应为单位编号"))?,
        ),
        None => None,
    };
    Ok(Json(svc::assessment(&state, &c, year, d, unit).await?))
}

/// Query naming a year.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// 考核年度 (default: this year).
    pub year: Option<String>,
}

fn year_of(state: &AppState, y: &Option<String>) -> Result<i32, AppError> {
    Ok(crate::service::planning::year_of(state.today(), y)?)
}

/// A year's scheme with its versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeOut {
    /// 考核年度.
    pub year: i32,
    /// The version of the year in force (null: none saved for the year — an earlier year's scheme
    /// carried on, or the default).
    pub version: Option<i64>,
    /// The scheme: items with points in hundredths.
    pub scheme: Scheme,
    /// Every saved version, newest first.
    pub versions: Vec<diaodu_store::assessment::SchemeVersion>,
}

/// 年度考核方案（分值以 0.01 分为单位）及其历次版本。
#[utoipa::path(get, path = "/api/v1/assessment/scheme", tag = "目标考核", params(YearQuery),
    responses((status = 200, description = "考核方案", body = SchemeOut), ReadErrors))]
async fn scheme(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<YearQuery>,
) -> Result<Json<SchemeOut>, ApiError> {
    c.require(diaodu_domain::access::Action::ViewProjects)?;
    let year = year_of(&state, &q.year)?;
    let (scheme, version) = state.store.assessment().scheme(year).await?;
    let versions = state.store.assessment().versions(year).await?;
    Ok(Json(SchemeOut {
        year,
        version,
        scheme,
        versions,
    }))
}

/// The version saved.
#[derive(Debug, Serialize, ToSchema)]
pub struct Saved {
    /// Its number.
    pub version: i64,
}

/// 保存年度考核方案为新版本（检查分值、扣分、折算比例，每类考核项至多一项），留痕；与现行方案相同时不新增版本。仅督查室（考核办）。
#[utoipa::path(put, path = "/api/v1/assessment/scheme", tag = "目标考核", params(YearQuery), request_body = Scheme,
    responses((status = 200, description = "已保存", body = Saved), WriteErrors))]
async fn put_scheme(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<YearQuery>,
    Json(s): Json<Scheme>,
) -> Result<Json<Saved>, ApiError> {
    let year = year_of(&state, &q.year)?;
    let version = svc::save_scheme(&state, &c, year, &s).await?;
    Ok(Json(Saved { version }))
}

/// 某年度在调用者范围内的加减分记录（不含已撤回的）。
#[utoipa::path(get, path = "/api/v1/assessment/adjustments", tag = "目标考核", params(YearQuery),
    responses((status = 200, description = "加减分记录", body = Vec<diaodu_store::assessment::StoredAdjustment>), ReadErrors))]
async fn adjustments(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<YearQuery>,
) -> Result<Json<Vec<diaodu_store::assessment::StoredAdjustment>>, ApiError> {
    c.require(diaodu_domain::access::Action::ViewProjects)?;
    let year = year_of(&state, &q.year)?;
    let tree = state.store.units().await?;
    let mut v = state.store.assessment().adjustments(year).await?;
    v.retain(|a| tree.in_scope(a.unit_id, c.scope));
    Ok(Json(v))
}

/// The id of a record made.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    /// Its id.
    pub id: i64,
}

/// 录入加分（正数）或减分（负数）：事由必填，可注明依据文件；计入日期所在年度，不晚于今天；留痕。仅督查室（考核办）。
#[utoipa::path(post, path = "/api/v1/assessment/adjustments", tag = "目标考核", request_body = AdjustmentIn,
    responses((status = 201, description = "已录入", body = Created), WriteErrors))]
async fn add_adjustment(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<AdjustmentIn>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = svc::add_adjustment(&state, &c, &b).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// 撤回一条加减分记录（保留记录和留痕）。仅督查室（考核办）。
#[utoipa::path(delete, path = "/api/v1/assessment/adjustments/{id}", tag = "目标考核",
    params(("id" = i64, Path, description = "记录编号")),
    responses((status = 204, description = "已撤回"), WriteErrors))]
async fn withdraw_adjustment(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    if svc::withdraw_adjustment(&state, &c, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound("加减分记录".into()).into())
    }
}

/// Query of the quarterly notice.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuarterQuery {
    /// The quarter, YYYY-Qn.
    pub quarter: String,
}

/// 季度目标责任考核情况通报（.docx）：截至季度末（季度未结束时截至今天）各同级组排名、得分及变化、主要失分项，点名表扬和靠后单位；督查室红头、发文字号（同一季度沿用原文号），存入材料库。仅督查室（考核办）。
#[utoipa::path(get, path = "/api/v1/assessment/notice", tag = "目标考核", params(QuarterQuery),
    responses((status = 200, description = "通报（Word 文档）", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = Vec<u8>), ReadErrors))]
async fn notice(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<QuarterQuery>,
) -> Result<Response, ApiError> {
    let issued = svc::notice_for(&state, &c, &q.quarter).await?;
    Ok(crate::files::docx(issued))
}

/// 考核结果全表（Excel）：每个单位一行，含综合得分、上季度末得分与变化、各考核项得分。
#[utoipa::path(get, path = "/api/v1/assessment/export", tag = "目标考核", params(AssessmentQuery),
    responses((status = 200, description = "Excel 表", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), ReadErrors))]
async fn export(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<AssessmentQuery>,
) -> Result<Response, ApiError> {
    let (year, d) = svc::year_and_day(state.today(), &q)?;
    let out = svc::assessment(&state, &c, year, d, None).await?;
    Ok(crate::pages::assessment::xlsx(&out)?)
}
