//! Official documents produced from live data, as .docx: the monthly notice on the key projects,
//! the scorecard notice, a meeting's briefing and minutes, a supervision notice and its closing
//! report — the same documents, numbers and permissions as the pages' buttons.

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::types::ReadErrors;
use crate::auth::ApiCurrent;
use crate::error::ApiError;
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(monthly_notice))
        .routes(routes!(scorecard_notice))
        .routes(routes!(briefing))
        .routes(routes!(minutes))
        .routes(routes!(supervision_notice))
        .routes(routes!(closing_report))
}

/// Query of `GET /api/v1/documents/monthly-notice`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthlyQuery {
    /// Unit id whose projects it covers (default: the top of the caller's scope).
    pub unit: Option<i64>,
    /// The month, YYYY-MM.
    pub month: String,
}

/// 重点项目建设情况月度通报（.docx）：当月总体情况与时序进度、“双过半”、各单位排名、红黄灯项目及原因、开而未建项目、未按时报送的单位、逾期升级的督办事项；带红头、发文字号（同一单位同一月份再次生成沿用原文号）和版记。仅督查督办机构可生成。
#[utoipa::path(get, path = "/api/v1/documents/monthly-notice", tag = "公文", params(MonthlyQuery),
    responses((status = 200, description = "通报正文（Word 文档）", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = Vec<u8>), ReadErrors))]
async fn monthly_notice(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<MonthlyQuery>,
) -> Result<Response, ApiError> {
    let issued =
        crate::service::documents::monthly_notice_for(&state, &c, q.unit, &q.month).await?;
    Ok(crate::files::docx(issued))
}

/// Query of `GET /api/v1/documents/scorecard-notice`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScorecardNoticeQuery {
    /// Region: unit id, code or exact name (default: the caller's unit).
    pub region: Option<String>,
    /// Period: YYYY-MM, YYYY-Qn, YYYY-H1|H2 or YYYY (default: the newest with data).
    pub period: Option<String>,
}

/// 主要经济指标运行情况通报（.docx）：带红头、发文字号（同一地区同一期间沿用原文号）和版记。
#[utoipa::path(get, path = "/api/v1/documents/scorecard-notice", tag = "公文", params(ScorecardNoticeQuery),
    responses((status = 200, description = "通报（Word 文档）", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = Vec<u8>), ReadErrors))]
async fn scorecard_notice(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<ScorecardNoticeQuery>,
) -> Result<Response, ApiError> {
    use crate::forms::nonempty;
    let issued = crate::service::documents::scorecard_notice_for(
        &state,
        &c,
        nonempty(&q.region),
        nonempty(&q.period),
    )
    .await?;
    Ok(crate::files::docx(issued))
}

/// Query naming a meeting.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingQuery {
    /// Meeting id.
    pub meeting: i64,
}

/// 调度会会议材料（.docx）：按会议日期的实时数据汇编，带会议材料版头。
#[utoipa::path(get, path = "/api/v1/documents/briefing", tag = "公文", params(MeetingQuery),
    responses((status = 200, description = "会议材料（Word 文档）", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = Vec<u8>), ReadErrors))]
async fn briefing(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<MeetingQuery>,
) -> Result<Response, ApiError> {
    let issued =
        crate::service::documents::meeting_document_for(&state, &c, q.meeting, false).await?;
    Ok(crate::files::docx(issued))
}

/// 调度会会议纪要（.docx）：纪要版头与按年编排的期数（再次生成沿用原期数），以及分送、印发版记。
#[utoipa::path(get, path = "/api/v1/documents/minutes", tag = "公文", params(MeetingQuery),
    responses((status = 200, description = "会议纪要（Word 文档）", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = Vec<u8>), ReadErrors))]
async fn minutes(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<MeetingQuery>,
) -> Result<Response, ApiError> {
    let issued =
        crate::service::documents::meeting_document_for(&state, &c, q.meeting, true).await?;
    Ok(crate::files::docx(issued))
}

/// Query naming a supervision notice.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoticeQuery {
    /// Notice id.
    pub notice: i64,
}

/// 督办通知书（.docx）：带红头和发文字号（首次生成时编号，此后沿用），写明承办单位、事项、反馈期限和逾期后果。
#[utoipa::path(get, path = "/api/v1/documents/supervision-notice", tag = "公文", params(NoticeQuery),
    responses((status = 200, description = "督办通知书（Word 文档）", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = Vec<u8>), ReadErrors))]
async fn supervision_notice(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, ApiError> {
    let issued =
        crate::service::documents::notice_document_for(&state, &c, q.notice, false).await?;
    Ok(crate::files::docx(issued))
}

/// 督办事项办结报告（.docx）：单位反馈、逾期升级经过和核查意见。督办单尚未办结时返回 409。
#[utoipa::path(get, path = "/api/v1/documents/closing-report", tag = "公文", params(NoticeQuery),
    responses((status = 200, description = "办结报告（Word 文档）", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = Vec<u8>), ReadErrors,
        (status = 409, description = "督办单尚未办结", body = crate::api::types::ErrorBody)))]
async fn closing_report(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, ApiError> {
    let issued = crate::service::documents::notice_document_for(&state, &c, q.notice, true).await?;
    Ok(crate::files::docx(issued))
}
