//! Official documents produced from live data: the monthly notice on the key projects.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::types::ReadErrors;
use crate::auth::ApiCurrent;
use crate::error::ApiError;
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(monthly_notice))
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
    let doc = crate::service::documents::monthly_notice_for(&state, &c, q.unit, &q.month).await?;
    Ok(crate::files::download(
        &format!("{}.docx", doc.title_text()),
        crate::files::DOCX,
        doc.to_docx(),
    )
    .into_response())
}
