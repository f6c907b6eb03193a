//! The caller's in-app messages, and the office's reminder to report (催报).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use diaodu_store::Message;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::types::{ReadErrors, WriteErrors};
use crate::auth::ApiCurrent;
use crate::error::{ApiError, AppError};
use crate::service::reporting::{chase_reports, ChaseOutcome};
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(inbox))
        .routes(routes!(read_message))
        .routes(routes!(read_all))
        .routes(routes!(chase))
        .routes(routes!(chase_task))
}

/// The caller's messages.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxOut {
    /// Unread messages.
    pub unread: i64,
    /// The most recent messages, newest first (at most 200).
    pub messages: Vec<Message>,
}

/// 本人的站内消息（新者在前，最多 200 条）及未读数。
#[utoipa::path(get, path = "/api/v1/me/inbox", tag = "账户",
    responses((status = 200, description = "消息", body = InboxOut), ReadErrors))]
async fn inbox(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
) -> Result<Json<InboxOut>, ApiError> {
    Ok(Json(InboxOut {
        unread: state.store.messages().unread_count(c.user.id).await?,
        messages: state.store.messages().inbox(c.user.id).await?,
    }))
}

/// 将一条消息标为已读。
#[utoipa::path(post, path = "/api/v1/me/inbox/{id}/read", tag = "账户",
    params(("id" = i64, Path, description = "消息 id")),
    responses((status = 204, description = "已读"), WriteErrors))]
async fn read_message(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .messages()
        .mark_read(c.user.id, Some(id))
        .await?
        .ok_or_else(|| AppError::NotFound("消息".into()))?;
    Ok(StatusCode::NO_CONTENT)
}

/// 将全部消息标为已读。
#[utoipa::path(post, path = "/api/v1/me/inbox/read-all", tag = "账户",
    responses((status = 204, description = "已读"), WriteErrors))]
async fn read_all(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
) -> Result<StatusCode, ApiError> {
    state.store.messages().mark_read(c.user.id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of `POST /api/v1/reports/chase`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChaseBody {
    /// The units to remind (each about its own projects).
    #[serde(default)]
    pub unit_ids: Vec<i64>,
    /// Or projects: only these are named, and their units reminded.
    #[serde(default)]
    pub project_ids: Vec<i64>,
}

/// 催报：向所选单位的填报员各发一条汇总消息，列出其待填报和已逾期的项目（督查室、发改委、管理员）。
#[utoipa::path(post, path = "/api/v1/reports/chase", tag = "项目", request_body = ChaseBody,
    responses((status = 200, description = "催报结果", body = ChaseOutcome), WriteErrors))]
async fn chase(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<ChaseBody>,
) -> Result<Json<ChaseOutcome>, ApiError> {
    Ok(Json(
        chase_reports(&state, &c, &b.unit_ids, &b.project_ids).await?,
    ))
}

/// 催报任务：向任务牵头单位的填报员发一条消息，列出未报送的期别（督查室、发改委、管理员）。
#[utoipa::path(post, path = "/api/v1/tasks/{id}/chase", tag = "任务",
    params(("id" = i64, Path, description = "任务 id")),
    responses((status = 200, description = "催报结果", body = ChaseOutcome), WriteErrors))]
async fn chase_task(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<Json<ChaseOutcome>, ApiError> {
    Ok(Json(
        crate::service::reporting::chase_task(&state, &c, id).await?,
    ))
}
