//! Leaders' instructions (领导批示): list, write, answer, close or send back.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use diaodu_domain::instruction::{InstructionState, InstructionSubject};
use diaodu_store::{Instruction, NewInstruction};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::supervision::ReplyBody;
use super::tasks::VerifyBody;
use super::types::{ReadErrors, WriteErrors};
use crate::auth::ApiCurrent;
use crate::error::{ApiError, AppError};
use crate::service::instructions as service;
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_instructions, write_instruction))
        .routes(routes!(get_instruction))
        .routes(routes!(reply_instruction))
        .routes(routes!(decide_instruction))
}

/// Filters of the list.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct InstructionParams {
    /// Only instructions in this state (`open`, `replied`, `closed`).
    pub state: Option<InstructionState>,
    /// Only instructions on this kind of record (`project`, `task`, `notice`).
    pub subject_kind: Option<InstructionSubject>,
    /// Only instructions on this record (with `subject_kind`).
    pub subject_id: Option<i64>,
    /// Only the caller's own instructions (a leader's).
    #[serde(default)]
    pub mine: bool,
}

/// 权限范围内的领导批示（新者在前；含逾期天数）。
#[utoipa::path(get, path = "/api/v1/instructions", tag = "领导批示", params(InstructionParams),
    responses((status = 200, description = "批示列表", body = Vec<Instruction>), ReadErrors))]
async fn list_instructions(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(p): Query<InstructionParams>,
) -> Result<Json<Vec<Instruction>>, ApiError> {
    let tree = state.store.units().await?;
    let all = state
        .store
        .notices()
        .instructions(&tree, c.scope, state.today())
        .await?;
    Ok(Json(
        all.into_iter()
            .filter(|i| p.state.is_none_or(|s| i.state == s))
            .filter(|i| p.subject_kind.is_none_or(|k| i.subject == k))
            .filter(|i| p.subject_id.is_none_or(|id| i.subject_id == id))
            .filter(|i| !p.mine || i.leader_id == Some(c.user.id))
            .collect(),
    ))
}

/// Body of `POST /api/v1/instructions`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InstructionBody {
    /// What it is written on: `project`, `task` or `notice`.
    pub subject_kind: InstructionSubject,
    /// The record's id.
    pub subject_id: i64,
    /// The instruction (up to 2,000 characters).
    pub body: String,
    /// The date the unit answers by (`YYYY-MM-DD`, today to a year ahead).
    pub due_on: String,
}

/// 领导作出批示：批示对象所属单位须在本人权限范围内。
#[utoipa::path(post, path = "/api/v1/instructions", tag = "领导批示", request_body = InstructionBody,
    responses((status = 201, description = "已作出批示", body = Instruction), WriteErrors))]
async fn write_instruction(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<InstructionBody>,
) -> Result<Response, ApiError> {
    let due_on = diaodu_domain::period::parse_date(&b.due_on)
        .map_err(|e| AppError::invalid("due_on", e.to_string()))?;
    let n = NewInstruction {
        subject: b.subject_kind,
        subject_id: b.subject_id,
        body: b.body,
        due_on,
    };
    let id = service::write(&state, &c, &n).await?;
    let (i, _) = service::load(&state, &c, id).await?;
    Ok((StatusCode::CREATED, Json(i)).into_response())
}

/// 一条批示。
#[utoipa::path(get, path = "/api/v1/instructions/{id}", tag = "领导批示",
    params(("id" = i64, Path, description = "批示 id")),
    responses((status = 200, description = "批示", body = Instruction), ReadErrors))]
async fn get_instruction(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<Json<Instruction>, ApiError> {
    Ok(Json(service::load(&state, &c, id).await?.0))
}

/// 责任单位反馈办理情况（办结前可修改）。
#[utoipa::path(post, path = "/api/v1/instructions/{id}/reply", tag = "领导批示",
    params(("id" = i64, Path, description = "批示 id")), request_body = ReplyBody,
    responses((status = 200, description = "批示", body = Instruction), WriteErrors))]
async fn reply_instruction(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<ReplyBody>,
) -> Result<Json<Instruction>, ApiError> {
    service::reply(&state, &c, id, &b.text).await?;
    Ok(Json(service::load(&state, &c, id).await?.0))
}

/// 批示领导或督查室办结（accept=true）或退回（accept=false，须写明还需办理的事项）。
#[utoipa::path(post, path = "/api/v1/instructions/{id}/decision", tag = "领导批示",
    params(("id" = i64, Path, description = "批示 id")), request_body = VerifyBody,
    responses((status = 200, description = "批示", body = Instruction), WriteErrors))]
async fn decide_instruction(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<VerifyBody>,
) -> Result<Json<Instruction>, ApiError> {
    service::decide(&state, &c, id, b.accept, &b.note).await?;
    Ok(Json(service::load(&state, &c, id).await?.0))
}
