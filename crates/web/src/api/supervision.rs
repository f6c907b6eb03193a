//! Supervision: notices (督办单) and their ladder, meetings (调度会) and their decisions,
//! inspections (督查) and their findings, and the attachments of these records.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use diaodu_domain::access::Action;
use diaodu_store::{
    Accountability, Attachment, Decision, Inspection, InspectionItem, Meeting, Notice, NoticeEvent,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::tasks::VerifyBody;
use super::types::{Created, ReadErrors, WriteErrors};
use crate::auth::ApiCurrent;
use crate::error::{ApiError, AppError};
use crate::service::scope::DecisionForm;
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_notices, issue_notice))
        .routes(routes!(escalate_notices))
        .routes(routes!(get_notice))
        .routes(routes!(sign_notice))
        .routes(routes!(reply_notice))
        .routes(routes!(verify_notice))
        .routes(routes!(notice_accountability))
        .routes(routes!(list_meetings, create_meeting))
        .routes(routes!(get_meeting))
        .routes(routes!(add_decision))
        .routes(routes!(list_inspections))
        .routes(routes!(get_inspection))
        .routes(routes!(record_finding))
        .routes(routes!(list_attachments))
}

/// 权限范围内的督办单（含逾期天数、升级步骤）。
#[utoipa::path(get, path = "/api/v1/notices", tag = "督办",
    responses((status = 200, description = "督办单列表", body = Vec<Notice>), ReadErrors))]
async fn list_notices(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
) -> Result<Json<Vec<Notice>>, ApiError> {
    let tree = state.store.units().await?;
    Ok(Json(
        state
            .store
            .notices()
            .list(&tree, c.scope, state.today())
            .await?,
    ))
}

/// Body of `POST /api/v1/notices`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NoticeBody {
    /// The unit it is issued to.
    pub unit_id: i64,
    /// Title.
    pub title: String,
    /// Content.
    pub content: String,
    /// Reply deadline, YYYY-MM-DD, within a year.
    #[schema(format = Date)]
    pub reply_by: String,
    /// task / project / finding / other (default other).
    #[serde(default)]
    pub subject_kind: Option<String>,
    /// The task, project or finding it follows.
    #[serde(default)]
    pub subject_id: Option<i64>,
}

/// A notice with its events (and, read alone, its accountability records).
#[derive(Debug, Serialize, ToSchema)]
struct NoticeOut {
    /// The notice.
    notice: Notice,
    /// What happened to it, oldest first.
    events: Vec<NoticeEvent>,
    /// Accountability records that follow from it (the single notice).
    #[serde(skip_serializing_if = "Option::is_none")]
    accountability: Option<Vec<Accountability>>,
}

/// 下发督办单（督查室）。
#[utoipa::path(post, path = "/api/v1/notices", tag = "督办", request_body = NoticeBody,
    responses((status = 201, description = "督办单", body = NoticeOut), WriteErrors))]
async fn issue_notice(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<NoticeBody>,
) -> Result<Response, ApiError> {
    let reply_by = diaodu_domain::period::parse_date(&b.reply_by)
        .map_err(|e| AppError::invalid("reply_by", e.to_string()))?;
    let n = diaodu_store::NewNotice {
        subject_kind: b.subject_kind.unwrap_or_else(|| "other".into()),
        subject_id: b.subject_id,
        unit_id: b.unit_id,
        title: b.title,
        content: b.content,
        reply_by,
    };
    let id = crate::service::issue_notice(&state, &c, n).await?;
    let tree = state.store.units().await?;
    let (notice, events) = state.store.notices().get(&tree, id, state.today()).await?;
    let out = NoticeOut {
        notice,
        events,
        accountability: None,
    };
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// 督办单及办理过程、问责记录。
#[utoipa::path(get, path = "/api/v1/notices/{id}", tag = "督办",
    params(("id" = i64, Path, description = "督办单 id")),
    responses((status = 200, description = "督办单", body = NoticeOut), ReadErrors))]
async fn get_notice(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<Json<NoticeOut>, ApiError> {
    let (notice, events, _) = crate::service::scope::load_notice(&state, &c, id).await?;
    let acc = state.store.notices().accountability(Some(id)).await?;
    Ok(Json(NoticeOut {
        notice,
        events,
        accountability: Some(acc),
    }))
}

/// 签收。
#[utoipa::path(post, path = "/api/v1/notices/{id}/sign", tag = "督办",
    params(("id" = i64, Path, description = "督办单 id")),
    responses((status = 204, description = "已签收"), WriteErrors))]
async fn sign_notice(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    crate::service::sign_notice(&state, &c, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of a reply.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReplyBody {
    /// The reply.
    pub text: String,
}

/// 反馈办理情况。
#[utoipa::path(post, path = "/api/v1/notices/{id}/reply", tag = "督办",
    params(("id" = i64, Path, description = "督办单 id")), request_body = ReplyBody,
    responses((status = 204, description = "已反馈"), WriteErrors))]
async fn reply_notice(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<ReplyBody>,
) -> Result<StatusCode, ApiError> {
    crate::service::reply_notice(&state, &c, id, &b.text).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 核查：办结或退回。
#[utoipa::path(post, path = "/api/v1/notices/{id}/verify", tag = "督办",
    params(("id" = i64, Path, description = "督办单 id")), request_body = VerifyBody,
    responses((status = 204, description = "已核查"), WriteErrors))]
async fn verify_notice(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<VerifyBody>,
) -> Result<StatusCode, ApiError> {
    crate::service::verify_notice(&state, &c, id, b.accept, &b.note).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Body of an accountability record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AccountabilityBody {
    /// Person (name and post).
    pub person: String,
    /// For what.
    pub what: String,
    /// Decision (诫勉谈话, 通报批评 …).
    pub decision: String,
    /// Date of the decision, YYYY-MM-DD, today or before.
    #[schema(format = Date)]
    pub decided_on: String,
}

/// 记录问责。
#[utoipa::path(post, path = "/api/v1/notices/{id}/accountability", tag = "督办",
    params(("id" = i64, Path, description = "督办单 id")), request_body = AccountabilityBody,
    responses((status = 201, description = "问责记录", body = Created), WriteErrors))]
async fn notice_accountability(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<AccountabilityBody>,
) -> Result<Response, ApiError> {
    let aid = crate::service::add_accountability(
        &state,
        &c,
        id,
        b.person,
        b.what,
        b.decision,
        &b.decided_on,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id: aid })).into_response())
}

/// Query of the escalation run.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EscalateQuery {
    /// Treat this date as today (YYYY-MM-DD).
    pub as_of: Option<String>,
}

/// Ladder steps taken by an escalation run.
#[derive(Debug, Serialize, ToSchema)]
struct Steps {
    /// Steps taken.
    steps: usize,
}

/// 按逾期天数逐级升级（服务每小时自动执行）。
#[utoipa::path(post, path = "/api/v1/notices/escalate", tag = "督办", params(EscalateQuery),
    responses((status = 200, description = "升级步数", body = Steps), WriteErrors))]
async fn escalate_notices(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<EscalateQuery>,
) -> Result<Json<Steps>, ApiError> {
    let n = crate::service::escalate_notices(&state, &c, q.as_of.as_deref()).await?;
    Ok(Json(Steps { steps: n }))
}

/// 调度会列表。
#[utoipa::path(get, path = "/api/v1/meetings", tag = "督办",
    responses((status = 200, description = "会议列表", body = Vec<Meeting>), ReadErrors))]
async fn list_meetings(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
) -> Result<Json<Vec<Meeting>>, ApiError> {
    c.require(Action::ViewMeetings)?;
    let tree = state.store.units().await?;
    let list = state
        .store
        .meetings()
        .list()
        .await?
        .into_iter()
        .filter(|m| tree.in_scope(m.unit_id, c.scope))
        .collect();
    Ok(Json(list))
}

/// Body of `POST /api/v1/meetings`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MeetingBody {
    /// Title.
    pub title: String,
    /// Date, YYYY-MM-DD.
    #[schema(format = Date)]
    pub date: String,
    /// Period under review.
    #[serde(default)]
    pub review_period: String,
    /// Attendees.
    #[serde(default)]
    pub attendees: String,
    /// Agenda.
    #[serde(default)]
    pub agenda: String,
}

/// 新建调度会（督查室）。
#[utoipa::path(post, path = "/api/v1/meetings", tag = "督办", request_body = MeetingBody,
    responses((status = 201, description = "调度会", body = Created), WriteErrors))]
async fn create_meeting(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Json(b): Json<MeetingBody>,
) -> Result<Response, ApiError> {
    c.require(Action::ManageTasks)?;
    let date = diaodu_domain::period::parse_date(&b.date)
        .map_err(|e| AppError::invalid("date", e.to_string()))?;
    let id = crate::service::create_meeting(
        &state,
        &c,
        diaodu_store::NewMeeting {
            title: b.title,
            date,
            review_period: b.review_period,
            unit_id: 0,
            attendees: b.attendees,
            agenda: b.agenda,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// A meeting with its decisions and the briefing text as of its date.
#[derive(Debug, Serialize, ToSchema)]
struct MeetingOut {
    /// The meeting.
    meeting: Meeting,
    /// Its decisions, each with its task.
    decisions: Vec<Decision>,
    /// The meeting briefing (会议材料) as plain text.
    briefing_text: String,
}

/// 调度会、议定事项及按会议日期生成的会议材料文本。
#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "督办",
    params(("id" = i64, Path, description = "调度会 id")),
    responses((status = 200, description = "会议", body = MeetingOut), ReadErrors))]
async fn get_meeting(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<Json<MeetingOut>, ApiError> {
    c.require(Action::ViewMeetings)?;
    let m = state
        .store
        .meetings()
        .get(id)
        .await?
        .ok_or_else(|| AppError::NotFound("调度会".into()))?;
    let tree = state.store.units().await?;
    if !tree.in_scope(m.unit_id, c.scope) {
        return Err(AppError::Forbidden.into());
    }
    let decisions = state.store.meetings().decisions(id).await?;
    let briefing = crate::service::documents::briefing(&state.store, &tree, &m).await?;
    Ok(Json(MeetingOut {
        meeting: m,
        decisions,
        briefing_text: briefing.plain_text(),
    }))
}

/// A decision recorded and the task made from it.
#[derive(Debug, Serialize, ToSchema)]
struct DecisionCreated {
    /// The decision.
    id: i64,
    /// Its task.
    task_id: i64,
}

/// 记录议定事项并生成任务。
#[utoipa::path(post, path = "/api/v1/meetings/{id}/decisions", tag = "督办",
    params(("id" = i64, Path, description = "调度会 id")), request_body = DecisionForm,
    responses((status = 201, description = "议定事项与任务", body = DecisionCreated), WriteErrors))]
async fn add_decision(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
    Json(b): Json<DecisionForm>,
) -> Result<Response, ApiError> {
    let (did, tid) = crate::service::add_decision(&state, &c, id, &b).await?;
    let out = DecisionCreated {
        id: did,
        task_id: tid,
    };
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

fn may_see_inspections(c: &crate::auth::Current) -> Result<(), AppError> {
    if c.can(Action::Inspect) || c.can(Action::ViewMeetings) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// 督查活动列表。
#[utoipa::path(get, path = "/api/v1/inspections", tag = "督办",
    responses((status = 200, description = "督查活动", body = Vec<Inspection>), ReadErrors))]
async fn list_inspections(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
) -> Result<Json<Vec<Inspection>>, ApiError> {
    may_see_inspections(&c)?;
    let tree = state.store.units().await?;
    let list = state
        .store
        .notices()
        .inspections()
        .await?
        .into_iter()
        .filter(|i| tree.in_scope(i.unit_id, c.scope))
        .collect();
    Ok(Json(list))
}

/// An inspection with what it inspects and the findings.
#[derive(Debug, Serialize, ToSchema)]
struct InspectionOut {
    /// The inspection.
    inspection: Inspection,
    /// The projects and tasks inspected, with findings.
    items: Vec<InspectionItem>,
}

/// 督查活动及其督查对象、发现。
#[utoipa::path(get, path = "/api/v1/inspections/{id}", tag = "督办",
    params(("id" = i64, Path, description = "督查活动 id")),
    responses((status = 200, description = "督查活动", body = InspectionOut), ReadErrors))]
async fn get_inspection(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<Json<InspectionOut>, ApiError> {
    may_see_inspections(&c)?;
    let (inspection, items) = state.store.notices().inspection(id).await?;
    let tree = state.store.units().await?;
    if !tree.in_scope(inspection.unit_id, c.scope) {
        return Err(AppError::Forbidden.into());
    }
    Ok(Json(InspectionOut { inspection, items }))
}

/// Body of a finding.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FindingBody {
    /// Findings.
    #[serde(default)]
    pub findings: String,
    /// none / minor / major / critical.
    #[schema(example = "minor")]
    pub severity: String,
}

/// 记录督查发现。
#[utoipa::path(post, path = "/api/v1/inspections/items/{id}", tag = "督办",
    params(("id" = i64, Path, description = "督查对象 id")), request_body = FindingBody,
    responses((status = 204, description = "已记录"), WriteErrors))]
async fn record_finding(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(item): Path<i64>,
    Json(b): Json<FindingBody>,
) -> Result<StatusCode, ApiError> {
    crate::service::record_finding(&state, &c, item, &b.findings, &b.severity).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Query of the attachment list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttachmentQuery {
    /// notice / task / inspection_item / report / site_visit (photos of a report or a site visit).
    pub owner_kind: String,
    /// The record.
    pub owner_id: i64,
}

/// 记录的附件和现场照片（上传：POST /attachments?owner_kind=&owner_id=，multipart 字段 file，可多个；下载：GET /attachments/{id}，图片加 ?inline=1 在页面中显示）。
#[utoipa::path(get, path = "/api/v1/attachments", tag = "督办", params(AttachmentQuery),
    responses((status = 200, description = "附件列表（含 sha256）", body = Vec<Attachment>), ReadErrors))]
async fn list_attachments(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<AttachmentQuery>,
) -> Result<Json<Vec<Attachment>>, ApiError> {
    crate::service::scope::attachment_access(&state, &c, &q.owner_kind, q.owner_id, false).await?;
    Ok(Json(
        state
            .store
            .notices()
            .attachments(&q.owner_kind, q.owner_id)
            .await?,
    ))
}
