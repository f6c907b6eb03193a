//! Official documents produced from live data, as .docx: the monthly notice on the key projects,
//! the scorecard notice, a meeting's briefing and minutes, a supervision notice and its closing
//! report — the same documents, numbers and permissions as the pages' buttons; and the library
//! (材料库) that keeps them with uploaded references: search, a document with its related
//! documents, its file, and uploads.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::types::{ReadErrors, WriteErrors};
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
        .routes(routes!(search, upload))
        .routes(routes!(document))
        .routes(routes!(document_file))
}

/// 检索材料库：在调用者权限范围内（与所涉记录相同的范围规则），按关键词（中文词语如“征地”可命中“征地拆迁”，多个词须同时出现）和种类、年度、单位、涉及事项筛选；标题含检索词的排在前面，其余按成文日期从新到旧；每条附命中段落（命中词标出）。最多计数和翻阅 1000 条。
#[utoipa::path(get, path = "/api/v1/documents", tag = "材料库", params(crate::service::library::LibraryQuery),
    responses((status = 200, description = "一页检索结果（每页 20 条）", body = diaodu_store::DocPage), ReadErrors))]
async fn search(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Query(q): Query<crate::service::library::LibraryQuery>,
) -> Result<Json<diaodu_store::DocPage>, ApiError> {
    Ok(Json(crate::service::library::search(&state, &c, &q).await?))
}

/// The multipart form of an upload.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Documents the body; the handler reads it as a stream.
struct UploadForm {
    /// The file: Word (.docx), PDF or text (.txt, UTF-8 or GB18030).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Title (default: the file's name).
    title: Option<String>,
    /// 成文日期, YYYY-MM-DD (default: today; not later than today).
    date: Option<String>,
    /// 发文机关.
    issuer: Option<String>,
    /// Unit id it concerns (default: the caller's; within scope).
    unit: Option<String>,
    /// The record it concerns: `meeting:12`, `project:3`, `task:4` or `notice:5`.
    record: Option<String>,
}

/// The id of a document kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct Kept {
    /// The document's id.
    pub id: i64,
}

/// 上传参考材料（上级文件、领导讲话等）：按内容识别 .docx、PDF、文本，提取正文文字用于检索；文件损坏、扫描件无文字、超过大小上限时返回 400 并说明原因，不写入任何内容。
#[utoipa::path(post, path = "/api/v1/documents", tag = "材料库",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, description = "已存入材料库", body = Kept), WriteErrors))]
async fn upload(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    mut mp: axum::extract::Multipart,
) -> Result<(StatusCode, Json<Kept>), ApiError> {
    use crate::service::library;
    let u = library::read_upload(&mut mp, state.cfg.max_upload_mb).await?;
    let id = library::upload(&state, &c, u).await?;
    Ok((StatusCode::CREATED, Json(Kept { id })))
}

/// A document of the library with its related documents.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentOut {
    /// The document.
    pub document: diaodu_store::LibraryDoc,
    /// Documents concerning the same meeting, project, task or notice.
    pub same_records: Vec<diaodu_store::LibraryDoc>,
    /// Documents of the same series (one unit's meetings or monthly notices).
    pub same_series: Vec<diaodu_store::LibraryDoc>,
    /// Documents with similar titles.
    pub similar: Vec<diaodu_store::LibraryDoc>,
    /// The text as extracted.
    pub text: String,
}

/// 材料详情：元数据、正文文字和相关材料（同一事项、同一系列、内容相近，均限于调用者可见的）。
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "材料库",
    params(("id" = i64, Path, description = "材料编号")),
    responses((status = 200, description = "材料", body = DocumentOut), ReadErrors))]
async fn document(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<Json<DocumentOut>, ApiError> {
    use crate::service::library;
    let (document, r, _) = library::document(&state, &c, id).await?;
    let text = library::text(&state, &c, id).await?;
    Ok(Json(DocumentOut {
        document,
        same_records: r.same_records,
        same_series: r.same_series,
        similar: r.similar,
        text,
    }))
}

/// 下载材料原文件（生成的公文为 .docx，上传的材料为原上传文件）。
#[utoipa::path(get, path = "/api/v1/documents/{id}/file", tag = "材料库",
    params(("id" = i64, Path, description = "材料编号")),
    responses((status = 200, description = "原文件：生成的公文为 .docx；上传的材料为 .docx、PDF 或文本", content(
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (Vec<u8> = "application/pdf"),
        (Vec<u8> = "text/plain"),
    )), ReadErrors))]
async fn document_file(
    State(state): State<AppState>,
    ApiCurrent(c): ApiCurrent,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (d, bytes) = crate::service::library::file(&state, &c, id).await?;
    Ok(crate::files::download(&d.file_name, &d.content_type, bytes))
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
