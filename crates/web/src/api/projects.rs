//! Units, projects, their progress reports, statuses and the unit table.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use diaodu_domain::access::{Action, UnitKind};
use diaodu_domain::project::{Category, EnvApproval, Stage};
use diaodu_domain::status::Light;
use diaodu_store::reporting::{unit_table, UnitLine};
use diaodu_store::{Project, ProjectFilter, ProjectStatusRow};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::types::{NumOrText, ProjectWriteErrors, ReadErrors, WriteErrors};
use crate::auth::ApiCurrent;
use crate::error::{ApiError, AppError};
use crate::forms::{as_of, nonempty, ListQuery, ProjectForm, ReportForm};
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(units, create_unit))
        .routes(routes!(update_unit))
        .routes(routes!(list_projects, create_project))
        .routes(routes!(get_project, update_project))
        .routes(routes!(list_reports, submit_report))
        .routes(routes!(status))
        .routes(routes!(status_units))
        .routes(routes!(import_file))
}

/// A unit within the caller's scope.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitOut {
    /// Id.
    pub id: i64,
    /// Code (unique, used in import files).
    pub code: String,
    /// Name.
    pub name: String,
    /// The unit above it; none for the top.
    pub parent_id: Option<i64>,
    /// What kind of unit.
    pub kind: UnitKind,
    /// The day it was retired (撤销); none while in service.
    pub retired_on: Option<String>,
}

/// 权限范围内的单位。
#[utoipa::path(get, path = "/api/v1/units", tag = "项目",
    responses((status = 200, description = "单位列表", body = Vec<UnitOut>), ReadErrors))]
async fn units(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
) -> Result<Json<Vec<UnitOut>>, ApiError> {
    let tree = state.store.units().await?;
    let list = tree.within(c.scope).into_iter().map(UnitOut::of).collect();
    Ok(Json(list))
}

impl UnitOut {
    fn of(u: &diaodu_store::Unit) -> UnitOut {
        UnitOut {
            id: u.id,
            code: u.code.clone(),
            name: u.name.clone(),
            parent_id: u.parent_id,
            kind: u.kind,
            retired_on: u.retired_on.clone(),
        }
    }
}

/// A new unit.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUnitBody {
    /// Code: 1 – 20 letters, digits, `-` or `_`; unique; import files name units by it.
    pub code: String,
    /// Name, 1 – 50 characters.
    pub name: String,
    /// The unit above it (in service).
    pub parent_id: i64,
    /// Kind.
    pub kind: UnitKind,
}

/// 新增单位（系统管理员）。
#[utoipa::path(post, path = "/api/v1/units", tag = "项目", request_body = NewUnitBody,
    responses((status = 201, description = "单位", body = UnitOut), WriteErrors))]
async fn create_unit(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<NewUnitBody>,
) -> Result<Response, ApiError> {
    let u = crate::service::units::create(&state, &c, &b.code, &b.name, Some(b.parent_id), b.kind)
        .await?;
    Ok((StatusCode::CREATED, Json(UnitOut::of(&u))).into_response())
}

/// A change of a unit: any of the fields; those left out stay.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UnitBody {
    /// New name.
    pub name: Option<String>,
    /// Move it (with the units below it) under this unit.
    pub parent_id: Option<i64>,
    /// Kind.
    pub kind: Option<UnitKind>,
    /// true: retire (撤销); false: restore.
    pub retired: Option<bool>,
}

/// 修改单位（系统管理员）：改名、移动、改类型、撤销或恢复。
#[utoipa::path(put, path = "/api/v1/units/{id}", tag = "项目",
    params(("id" = i64, Path, description = "单位 id")), request_body = UnitBody,
    responses((status = 200, description = "修改后的单位", body = UnitOut), WriteErrors))]
async fn update_unit(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<UnitBody>,
) -> Result<Json<UnitOut>, ApiError> {
    let change = diaodu_store::UnitChange {
        name: b.name,
        parent_id: b.parent_id,
        kind: b.kind,
        retired: b.retired,
    };
    let u = crate::service::units::update(&state, &c, id, &change).await?;
    Ok(Json(UnitOut::of(&u)))
}

/// One project's status as the API gives it. A typed record, serialised straight to the response:
/// building a `Value` map per project first cost more than everything else of a district's status
/// call (500 projects).
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusItem<'a> {
    /// Project id.
    id: i64,
    /// Project code.
    code: &'a str,
    /// Project name.
    name: &'a str,
    /// Owner unit's name.
    unit: &'a str,
    /// Construction stage.
    stage: Stage,
    /// The light (docs/status-rules.md).
    light: Light,
    /// Construction has started.
    started: bool,
    /// 应开未开: the planned start has passed without a start.
    not_started_past_plan: bool,
    /// 开而未建: started, but no investment reported for the stall window.
    stalled: bool,
    /// Share of the year elapsed, in percent.
    time_progress_pct: f64,
    /// Investment this year to the status date, 万元.
    ytd_investment_wan: f64,
    /// This year's investment against the year's plan, in percent; none without a plan.
    annual_completion_pct: Option<f64>,
    /// Percentage points behind time progress; none without a plan.
    lag_pp: Option<f64>,
    /// Reasons for red or yellow, in Chinese.
    #[schema(value_type = Vec<String>)]
    reasons: &'a [String],
    /// Reports due this year to the status date.
    reports_due: u32,
    /// Of those, filed by their deadline.
    reports_on_time: u32,
}

impl<'a> StatusItem<'a> {
    /// The record of one status row.
    pub fn of(r: &'a ProjectStatusRow) -> StatusItem<'a> {
        let s = &r.status;
        StatusItem {
            id: r.project.id,
            code: &r.project.fields.code,
            name: &r.project.fields.name,
            unit: &r.unit_name,
            stage: r.project.fields.stage,
            light: s.light,
            started: s.started,
            not_started_past_plan: s.not_started_past_plan,
            stalled: s.stalled,
            time_progress_pct: s.time_progress_pct,
            ytd_investment_wan: s.ytd_investment.wan(),
            annual_completion_pct: s.annual_completion_pct,
            lag_pp: s.lag_pp,
            reasons: &s.reasons,
            reports_due: s.reports_due,
            reports_on_time: s.reports_on_time,
        }
    }
}

/// The status of one project as JSON (the same shape as `diaodu status --format json`).
pub fn status_json(r: &ProjectStatusRow) -> Value {
    serde_json::to_value(StatusItem::of(r)).unwrap_or(Value::Null)
}

/// A project of the library. Money is text with two decimals (万元), so that no figure is rounded
/// through a float.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectOut<'a> {
    /// Id.
    pub id: i64,
    /// Code.
    pub code: &'a str,
    /// Name.
    pub name: &'a str,
    /// Owner unit.
    pub unit_id: i64,
    /// Owner unit's name.
    pub unit_name: &'a str,
    /// Leader in charge.
    pub leader: &'a str,
    /// Category.
    pub category: Category,
    /// Construction stage.
    pub stage: Stage,
    /// 总投资, 万元.
    #[schema(example = "12000.00")]
    pub total_investment_wan: String,
    /// 计划年度.
    pub plan_year: i32,
    /// 年度计划投资, 万元.
    pub annual_plan_wan: String,
    /// Planned start.
    pub planned_start: Option<Date>,
    /// Planned completion.
    pub planned_finish: Option<Date>,
    /// Actual start.
    pub actual_start: Option<Date>,
    /// Batch (批次).
    pub batch: &'a str,
    /// Industry.
    pub industry: &'a str,
    /// Environmental approval (环评).
    pub env_approval: EnvApproval,
    /// 策划年度: the year of the planning quota it counts towards, if any.
    pub planning_year: Option<i32>,
    /// 入库日期.
    pub entered_on: Option<Date>,
    /// Version, to be sent back with a change.
    pub version: i64,
    /// Last change (UTC).
    pub updated_at: &'a str,
    /// The status on the query's date (lists and the single project).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusItem<'a>>,
}

impl<'a> ProjectOut<'a> {
    /// The record of a project, without its status.
    pub fn of(p: &'a Project, unit_name: &'a str) -> ProjectOut<'a> {
        let f = &p.fields;
        ProjectOut {
            id: p.id,
            code: &f.code,
            name: &f.name,
            unit_id: p.unit_id,
            unit_name,
            leader: &f.leader,
            category: f.category,
            stage: f.stage,
            total_investment_wan: f.total_investment.wan_text(),
            plan_year: f.plan_year,
            annual_plan_wan: f.annual_plan.wan_text(),
            planned_start: f.planned_start,
            planned_finish: f.planned_finish,
            actual_start: f.actual_start,
            batch: &f.batch,
            industry: &f.industry,
            env_approval: f.env_approval,
            planning_year: f.planning_year,
            entered_on: f.entered_on,
            version: p.version,
            updated_at: &p.updated_at,
            status: None,
        }
    }

    /// The record of a status row, with the status.
    pub fn with_status(r: &'a ProjectStatusRow) -> ProjectOut<'a> {
        ProjectOut {
            status: Some(StatusItem::of(r)),
            ..ProjectOut::of(&r.project, &r.unit_name)
        }
    }
}

/// A project as JSON.
pub fn project_json(p: &Project, unit_name: &str) -> Value {
    serde_json::to_value(ProjectOut::of(p, unit_name)).unwrap_or(Value::Null)
}

/// Query of the API project list: the page's filters and a page size.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApiListQuery {
    /// Unit id: its projects and those of the units below it.
    pub unit: Option<String>,
    /// Stage code.
    pub stage: Option<String>,
    /// Category code.
    pub category: Option<String>,
    /// Batch.
    pub batch: Option<String>,
    /// Light code: red, yellow, green, done, none.
    pub light: Option<String>,
    /// A flag of the status: `stalled` (开而未建) or `late_start` (逾期未开工).
    pub flag: Option<String>,
    /// Words in the code or name.
    pub q: Option<String>,
    /// Page, from 1.
    #[serde(default, deserialize_with = "crate::params::opt_usize")]
    #[param(value_type = Option<u64>)]
    pub page: Option<usize>,
    /// Status date, YYYY-MM-DD (default today, Beijing time).
    pub as_of: Option<String>,
    /// Page size (default 50, at most 500).
    #[serde(default, deserialize_with = "crate::params::opt_usize")]
    #[param(value_type = Option<u64>)]
    pub per_page: Option<usize>,
}

/// A page of projects with their status.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectPage<'a> {
    /// The status date.
    pub as_of: Date,
    /// Projects matching the filters, on every page.
    pub total: usize,
    /// This page, from 1.
    pub page: usize,
    /// Page size.
    pub per_page: usize,
    /// The projects of this page.
    pub items: Vec<ProjectOut<'a>>,
}

/// 项目列表（含状态），分页。
#[utoipa::path(get, path = "/api/v1/projects", tag = "项目", params(ApiListQuery),
    responses((status = 200, description = "分页结果", body = ProjectPage), ReadErrors))]
async fn list_projects(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<ApiListQuery>,
) -> Result<Response, ApiError> {
    let list = ListQuery {
        unit: q.unit,
        stage: q.stage,
        category: q.category,
        batch: q.batch,
        light: q.light,
        flag: q.flag,
        q: q.q,
        page: q.page,
        as_of: q.as_of,
        sort: None,
    };
    let tree = state.store.units().await?;
    let d = as_of(&state, list.as_of.as_deref())?;
    let filter = list.filter(&tree, &c)?;
    let per = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = list.page.unwrap_or(1).max(1);
    let (total, rows) = state
        .store
        .projects()
        .status_page(
            &tree,
            c.scope,
            &filter,
            d,
            (page - 1).saturating_mul(per),
            per,
        )
        .await?;
    let items = rows.iter().map(ProjectOut::with_status).collect();
    Ok(Json(ProjectPage {
        as_of: d,
        total,
        page,
        per_page: per,
        items,
    })
    .into_response())
}

/// Project body of the API.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProjectBody {
    /// Owner unit id (or give `unit`, a code or exact name).
    pub unit_id: Option<i64>,
    /// Owner unit code or exact name.
    pub unit: Option<String>,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Leader.
    #[serde(default)]
    pub leader: String,
    /// Category code or Chinese name.
    #[schema(example = "industry")]
    pub category: String,
    /// Stage code or Chinese name.
    #[schema(example = "continuing")]
    pub stage: String,
    /// 总投资 in 万元.
    pub total_investment_wan: NumOrText,
    /// 计划年度.
    pub plan_year: i32,
    /// 年度计划投资 in 万元.
    pub annual_plan_wan: NumOrText,
    /// Planned start, YYYY-MM-DD.
    pub planned_start: Option<String>,
    /// Planned completion, YYYY-MM-DD.
    pub planned_finish: Option<String>,
    /// Actual start, YYYY-MM-DD.
    pub actual_start: Option<String>,
    /// Batch.
    #[serde(default)]
    pub batch: String,
    /// Industry.
    #[serde(default)]
    pub industry: String,
    /// approved, pending, rejected (or Chinese).
    #[serde(default)]
    pub env_approval: String,
    /// 策划年度 (2000–2100), or null for a project not planned under a quota.
    #[serde(default)]
    pub planning_year: Option<i32>,
    /// 入库日期, YYYY-MM-DD; left out: the day it is created (on a change, the day it has).
    #[serde(default)]
    pub entered_on: Option<String>,
    /// The version read (required for a change).
    pub version: Option<i64>,
}

impl ProjectBody {
    fn into_form(self, tree: &diaodu_store::UnitTree) -> Result<ProjectForm, AppError> {
        let unit_id = match (self.unit_id, self.unit.as_deref()) {
            (Some(id), _) => id,
            (None, Some(u)) => tree
                .find(u)
                .map(|x| x.id)
                .ok_or_else(|| AppError::invalid("unit", format!("找不到单位“{u}”")))?,
            (None, None) => return Err(AppError::invalid("unit_id", "缺少责任单位")),
        };
        Ok(ProjectForm {
            unit_id: unit_id.to_string(),
            code: self.code,
            name: self.name,
            leader: self.leader,
            category: self.category,
            stage: self.stage,
            total_investment: self.total_investment_wan.text(),
            plan_year: self.plan_year.to_string(),
            annual_plan: self.annual_plan_wan.text(),
            planned_start: self.planned_start.unwrap_or_default(),
            planned_finish: self.planned_finish.unwrap_or_default(),
            actual_start: self.actual_start.unwrap_or_default(),
            batch: self.batch,
            industry: self.industry,
            env_approval: self.env_approval,
            planning_year: self
                .planning_year
                .map(|y| y.to_string())
                .unwrap_or_default(),
            entered_on: self.entered_on.unwrap_or_default(),
            version: self.version,
        })
    }
}

/// 新增项目（含准入审查）。
#[utoipa::path(post, path = "/api/v1/projects", tag = "项目", request_body = ProjectBody,
    responses((status = 201, description = "项目", body = ProjectOut), ProjectWriteErrors))]
async fn create_project(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<ProjectBody>,
) -> Result<Response, ApiError> {
    c.require(Action::EditProject)?;
    let tree = state.store.units().await?;
    let (unit_id, fields) = b.into_form(&tree)?.parse().map_err(AppError::Invalid)?;
    let p = crate::service::create_project(&state, &c, unit_id, fields)
        .await
        .map_err(AppError::from)?;
    let name = tree.get(p.unit_id).map(|u| u.name.as_str()).unwrap_or("");
    Ok((StatusCode::CREATED, Json(ProjectOut::of(&p, name))).into_response())
}

async fn one(
    state: &AppState,
    c: &crate::auth::Current,
    id: i64,
) -> Result<(ProjectStatusRow, diaodu_store::UnitTree), AppError> {
    let (p, tree) = crate::service::scope::load_in_scope(state, c, id).await?;
    let row = state
        .store
        .projects()
        .statuses(
            &tree,
            c.scope,
            &ProjectFilter {
                project_id: Some(p.id),
                ..Default::default()
            },
            state.today(),
        )
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::NotFound("项目".into()))?;
    Ok((row, tree))
}

/// 项目详情（含今天的状态）。
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "项目",
    params(("id" = i64, Path, description = "项目 id")),
    responses((status = 200, description = "项目", body = ProjectOut), ReadErrors))]
async fn get_project(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (row, _) = one(&state, &c, id).await?;
    Ok(Json(ProjectOut::with_status(&row)).into_response())
}

/// 修改项目（须带读取时的 version）。
#[utoipa::path(put, path = "/api/v1/projects/{id}", tag = "项目",
    params(("id" = i64, Path, description = "项目 id")), request_body = ProjectBody,
    responses((status = 200, description = "修改后的项目", body = ProjectOut), ProjectWriteErrors))]
async fn update_project(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<ProjectBody>,
) -> Result<Response, ApiError> {
    c.require(Action::EditProject)?;
    let (row, tree) = one(&state, &c, id).await?;
    let version = b.version.ok_or_else(|| {
        AppError::invalid(
            "version",
            "修改时必须给出读取时的 version，防止覆盖他人的修改",
        )
    })?;
    let (unit_id, fields) = b.into_form(&tree)?.parse().map_err(AppError::Invalid)?;
    let p = crate::service::update_project(&state, &c, row.project.id, version, unit_id, fields)
        .await
        .map_err(AppError::from)?;
    let name = tree.get(p.unit_id).map(|u| u.name.as_str()).unwrap_or("");
    Ok(Json(ProjectOut::of(&p, name)).into_response())
}

/// One progress report of a project.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportOut {
    /// Id (photos of the report are attachments of owner kind `report` with this id).
    pub id: i64,
    /// 填报期: `YYYY-Www` or `YYYY-MM`.
    pub period: String,
    /// The period's last day.
    pub period_end: Date,
    /// Investment in the period, 万元, two decimals.
    pub investment_wan: String,
    /// 形象进度.
    pub progress: String,
    /// 存在问题.
    pub problems: String,
    /// First filed by the deadline.
    pub on_time: bool,
    /// First filed (UTC).
    pub created_at: String,
    /// Last changed (UTC).
    pub updated_at: String,
}

impl ReportOut {
    fn of(r: diaodu_store::ReportRow) -> ReportOut {
        ReportOut {
            id: r.id,
            period: r.period,
            period_end: r.period_end,
            investment_wan: r.investment.wan_text(),
            progress: r.progress,
            problems: r.problems,
            on_time: r.on_time,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// 项目的进度填报。
#[utoipa::path(get, path = "/api/v1/projects/{id}/reports", tag = "项目",
    params(("id" = i64, Path, description = "项目 id")),
    responses((status = 200, description = "填报列表", body = Vec<ReportOut>), ReadErrors))]
async fn list_reports(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<Json<Vec<ReportOut>>, ApiError> {
    crate::service::scope::load_in_scope(&state, &c, id).await?;
    let reports = state.store.reports().list(id).await?;
    Ok(Json(reports.into_iter().map(ReportOut::of).collect()))
}

/// Report body of the API.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReportBody {
    /// `YYYY-Www` or `YYYY-MM`.
    #[schema(example = "2026-W07", pattern = r"^\d{4}-(W\d{2}|\d{2})$")]
    pub period: String,
    /// Investment in 万元.
    pub investment_wan: NumOrText,
    /// 形象进度.
    #[serde(default)]
    pub progress: String,
    /// 存在问题.
    #[serde(default)]
    pub problems: String,
    /// Confirms a figure above the year's plan (the answer without it is 400 `confirm_required`).
    #[serde(default)]
    pub confirm_unusual: bool,
}

/// 提交进度填报（同期再次提交为修改）。
#[utoipa::path(post, path = "/api/v1/projects/{id}/reports", tag = "项目",
    params(("id" = i64, Path, description = "项目 id")), request_body = ReportBody,
    responses(
        (status = 201, description = "新填报", body = ReportOut),
        (status = 200, description = "已修改同期填报", body = ReportOut),
        WriteErrors))]
async fn submit_report(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<ReportBody>,
) -> Result<Response, ApiError> {
    let input = ReportForm {
        period: b.period,
        investment: b.investment_wan.text(),
        progress: b.progress,
        problems: b.problems,
        confirm_unusual: None,
    }
    .parse()
    .map_err(AppError::Invalid)?;
    let (row, created) =
        crate::service::submit_report(&state, &c, id, &input, b.confirm_unusual).await?;
    let code = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((code, Json(ReportOut::of(row))).into_response())
}

/// Query of the status calls.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// Status date, YYYY-MM-DD (default today, Beijing time).
    pub as_of: Option<String>,
    /// Unit id: only its projects and those below it (the unit table: its sub-units).
    pub unit: Option<String>,
}

/// 全部项目状态（与 `diaodu status --format json` 同形）。
#[utoipa::path(get, path = "/api/v1/status", tag = "项目", params(StatusQuery),
    responses((status = 200, description = "状态数组", body = Vec<StatusItem>), ReadErrors))]
async fn status(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<StatusQuery>,
) -> Result<Response, ApiError> {
    let tree = state.store.units().await?;
    let d = as_of(&state, q.as_of.as_deref())?;
    let filter = ProjectFilter {
        unit_id: match nonempty(&q.unit) {
            Some(u) => Some(
                u.parse()
                    .map_err(|_| AppError::invalid("unit", "无效的单位"))?,
            ),
            None => None,
        },
        ..Default::default()
    };
    if filter.unit_id.is_some_and(|u| !tree.in_scope(u, c.scope)) {
        return Err(AppError::Forbidden.into());
    }
    let rows = state
        .store
        .projects()
        .statuses(&tree, c.scope, &filter, d)
        .await?;
    let items: Vec<StatusItem> = rows.iter().map(StatusItem::of).collect();
    Ok(Json(items).into_response())
}

/// One line of the unit table: a unit's figures over its own projects and those below it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitLineOut<'a> {
    /// Unit id.
    pub unit_id: i64,
    /// Unit code.
    pub code: &'a str,
    /// Unit name.
    pub name: &'a str,
    /// The first line: the parent's total.
    pub is_total: bool,
    /// Rank among its siblings by completion (ties share); none without a plan.
    pub rank: Option<u32>,
    /// Projects.
    pub projects: u32,
    /// Started.
    pub started: u32,
    /// Projects that count for the start rate.
    pub start_base: u32,
    /// Start rate, percent.
    pub start_rate_pct: Option<f64>,
    /// The year's plan, 万元.
    pub annual_plan_wan: f64,
    /// Investment this year, 万元.
    pub ytd_investment_wan: f64,
    /// Completion of the year's plan, percent.
    pub completion_pct: Option<f64>,
    /// Red projects.
    pub red: u32,
    /// Yellow projects.
    pub yellow: u32,
    /// Green projects.
    pub green: u32,
    /// Completed projects.
    pub done: u32,
    /// Projects without a light.
    pub unlit: u32,
    /// Reports due.
    pub reports_due: u32,
    /// Reports filed on time.
    pub reports_on_time: u32,
    /// On-time rate, percent.
    pub on_time_pct: Option<f64>,
    /// Investment by 30 June, 万元.
    pub by_june_30_wan: f64,
    /// 双过半 (half the plan by 30 June); none before the date or without a plan.
    pub double_half: Option<bool>,
}

fn unit_lines(lines: &[UnitLine]) -> Vec<UnitLineOut<'_>> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let f = &l.figures;
            UnitLineOut {
                unit_id: l.unit.id,
                code: &l.unit.code,
                name: &l.unit.name,
                is_total: i == 0,
                rank: l.rank,
                projects: f.projects,
                started: f.started,
                start_base: f.start_base,
                start_rate_pct: f.start_rate_pct,
                annual_plan_wan: f.annual_plan.wan(),
                ytd_investment_wan: f.ytd_investment.wan(),
                completion_pct: f.completion_pct,
                red: f.red,
                yellow: f.yellow,
                green: f.green,
                done: f.done,
                unlit: f.unlit,
                reports_due: f.reports_due,
                reports_on_time: f.reports_on_time,
                on_time_pct: f.on_time_pct,
                by_june_30_wan: f.by_june_30.wan(),
                double_half: f.double_half,
            }
        })
        .collect()
}

/// The unit table as JSON.
pub fn unit_lines_json(lines: &[UnitLine]) -> Value {
    serde_json::to_value(unit_lines(lines)).unwrap_or(Value::Null)
}

/// 下级单位统计与排名（首行为合计）。
#[utoipa::path(get, path = "/api/v1/status/units", tag = "项目", params(StatusQuery),
    responses((status = 200, description = "单位表", body = Vec<UnitLineOut>), ReadErrors))]
async fn status_units(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<StatusQuery>,
) -> Result<Response, ApiError> {
    let tree = state.store.units().await?;
    let d = as_of(&state, q.as_of.as_deref())?;
    let parent = crate::service::scope::ranking_parent(&tree, &c, &q.unit)?;
    let rows = state
        .store
        .projects()
        .statuses(
            &tree,
            c.scope,
            &ProjectFilter {
                unit_id: Some(parent),
                ..Default::default()
            },
            d,
        )
        .await?;
    let lines = unit_table(&tree, &rows, parent, d);
    Ok(Json(unit_lines(&lines)).into_response())
}

/// The kinds of file `POST /api/v1/imports/{kind}` takes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)] // Documents the path parameter; the handler parses it with the page's rules.
enum ImportKindParam {
    Units,
    Projects,
    Reports,
    Indicators,
    Targets,
    IndicatorValues,
}

/// The multipart form of an import.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Documents the body; the handler reads it as a stream.
struct ImportForm {
    /// The .xlsx or .csv file (UTF-8 or GB18030).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `1` or `true`: accept report figures above the year's plan.
    confirm_unusual: Option<String>,
}

/// The result of an import.
#[derive(Debug, Serialize, ToSchema)]
pub struct Imported {
    /// Rows written.
    pub imported: usize,
    /// The kind imported.
    pub kind: &'static str,
}

/// 导入文件（与导入页面同一规则：整表校验，全部或全不写入）。
#[utoipa::path(post, path = "/api/v1/imports/{kind}", tag = "导入",
    params(("kind" = inline(ImportKindParam), Path, description = "导入类型")),
    request_body(content = ImportForm, content_type = "multipart/form-data"),
    responses((status = 200, description = "导入行数", body = Imported), WriteErrors))]
async fn import_file(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(kind): Path<String>,
    mp: axum::extract::Multipart,
) -> Result<Json<Imported>, ApiError> {
    use crate::service::imports::read_upload;
    use crate::service::imports::{run_import, ImportKind};
    let kind =
        ImportKind::parse(&kind).ok_or_else(|| AppError::NotFound(format!("导入类型“{kind}”")))?;
    let up = read_upload(&c, Some(kind), mp).await?;
    let tree = state.store.units().await?;
    // Every kind, indicator values included, is written within the own unit and those below it.
    match run_import(&state.store, &c.actor(), &tree, c.scope, &up).await? {
        Ok(n) => Ok(Json(Imported {
            imported: n,
            kind: up.kind.code(),
        })),
        Err(errors) => Err(AppError::Import(errors).into()),
    }
}
