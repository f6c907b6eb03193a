//! Key-work tasks: the list with lights, hand-out, detail, progress reports and verification.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use diaodu_domain::access::Action;
use diaodu_store::{Task, TaskDetail, TaskRow};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::types::{NumOrText, ReadErrors, WriteErrors};
use crate::auth::ApiCurrent;
use crate::error::{ApiError, AppError};
use crate::forms::TaskForm;
use crate::forms::{as_of, nonempty};
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tasks, create_task))
        .routes(routes!(get_task))
        .routes(routes!(report_task))
        .routes(routes!(verify_task))
}

/// Query of the task list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskListQuery {
    /// Status date, YYYY-MM-DD (default today, Beijing time).
    pub as_of: Option<String>,
    /// Only this light: red, yellow, green, done.
    pub light: Option<String>,
}

/// The tasks within the caller's scope on a date.
#[derive(Debug, Serialize, ToSchema)]
struct TaskList {
    /// The status date.
    as_of: Date,
    /// Tasks with their status.
    items: Vec<TaskRow>,
}

/// 重点工作任务及亮灯。
#[utoipa::path(get, path = "/api/v1/tasks", tag = "任务", params(TaskListQuery),
    responses((status = 200, description = "任务列表", body = TaskList), ReadErrors))]
async fn list_tasks(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<TaskListQuery>,
) -> Result<Json<TaskList>, ApiError> {
    let tree = state.store.units().await?;
    let d = as_of(&state, q.as_of.as_deref())?;
    let light = nonempty(&q.light)
        .map(|l| {
            diaodu_domain::task::TaskLight::parse(l)
                .ok_or_else(|| AppError::invalid("light", "无效的亮灯"))
        })
        .transpose()?;
    let items = state
        .store
        .tasks()
        .rows(&tree, c.scope, d)
        .await?
        .into_iter()
        .filter(|r| light.is_none_or(|l| r.status.light == l))
        .collect();
    Ok(Json(TaskList { as_of: d, items }))
}

/// 下达任务（督查室）：表单的字段，日期为 YYYY-MM-DD。
#[utoipa::path(post, path = "/api/v1/tasks", tag = "任务", request_body = TaskForm,
    responses((status = 201, description = "任务", body = Task), WriteErrors))]
async fn create_task(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<TaskForm>,
) -> Result<Response, ApiError> {
    c.require(Action::ManageTasks)?;
    let tree = state.store.units().await?;
    let t = b.parse(&tree).map_err(AppError::Invalid)?;
    let t = crate::service::create_task(&state, &c, t)
        .await
        .map_err(AppError::from)?;
    Ok((StatusCode::CREATED, Json(t)).into_response())
}

/// 任务详情：节点、分解任务、进度报送。
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "任务",
    params(("id" = i64, Path, description = "任务 id"), TaskListQuery),
    responses((status = 200, description = "任务", body = TaskDetail), ReadErrors))]
async fn get_task(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Query(q): Query<TaskListQuery>,
) -> Result<Json<TaskDetail>, ApiError> {
    let (_, _, tree) = crate::service::scope::load_task(&state, &c, id).await?;
    let d = as_of(&state, q.as_of.as_deref())?;
    Ok(Json(state.store.tasks().detail(&tree, id, d).await?))
}

/// Body of a task progress report.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TaskReportBody {
    /// Period of the task's cadence: `YYYY-Www` or `YYYY-MM`.
    #[schema(example = "2026-12", pattern = r"^\d{4}-(W\d{2}|\d{2})$")]
    pub period: String,
    /// What was done.
    #[serde(default)]
    pub body: String,
    /// Percent done (100 claims completion).
    #[schema(maximum = 100)]
    pub percent: u8,
    /// Actual value against the target.
    pub actual_value: Option<NumOrText>,
    /// Milestone ids met.
    #[serde(default)]
    pub milestones_met: Vec<i64>,
}

/// 牵头单位报送进度（100% 即申请销号）。
#[utoipa::path(post, path = "/api/v1/tasks/{id}/reports", tag = "任务",
    params(("id" = i64, Path, description = "任务 id")), request_body = TaskReportBody,
    responses((status = 204, description = "已报送"), WriteErrors))]
async fn report_task(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<TaskReportBody>,
) -> Result<StatusCode, ApiError> {
    let period = diaodu_domain::Period::parse(&b.period)
        .map_err(|e| AppError::invalid("period", e.to_string()))?;
    let input = diaodu_store::TaskReportInput {
        period,
        body: b.body,
        percent: b.percent,
        actual_value: b.actual_value.map(|v| v.text()),
        milestones_met: b.milestones_met,
    };
    crate::service::report_task(&state, &c, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of a verification (a task's or a notice's).
#[derive(Debug, Deserialize, ToSchema)]
pub struct VerifyBody {
    /// true: close (销号, 办结); false: send back.
    pub accept: bool,
    /// Note, or the reason for sending back.
    #[serde(default)]
    pub note: String,
}

/// 督查室核验：销号或退回。
#[utoipa::path(post, path = "/api/v1/tasks/{id}/verify", tag = "任务",
    params(("id" = i64, Path, description = "任务 id")), request_body = VerifyBody,
    responses((status = 200, description = "任务", body = Task), WriteErrors))]
async fn verify_task(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<VerifyBody>,
) -> Result<Json<Task>, ApiError> {
    let t = crate::service::verify_task(&state, &c, id, b.accept, &b.note).await?;
    Ok(Json(t))
}
