//! The JSON API under `/api/v1`, with the same permissions as the pages, and its OpenAPI document.
//!
//! Authentication: `POST /api/v1/login` returns a bearer token for scripts; a browser session cookie
//! also works, in which case state-changing calls need the `X-CSRF-Token` header. Errors are
//! `{"error": {"code", "message", "details"}}` with a Chinese message.
//!
//! The OpenAPI document is derived from the handlers: each carries a `#[utoipa::path]` naming its
//! request and response types, and each module registers its handlers through `routes!`, so a route
//! cannot be served without being documented, and a response type change is a schema change.
//! Schemathesis checks the running server against the document (`tests/api/schemathesis.sh`).

mod account;
mod assessment;
mod calendar;
mod documents;
mod inbox;
mod indicators;
mod instructions;
mod notify;
mod planning;
mod projects;
mod supervision;
mod tasks;
pub mod types;
mod users;

use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub use projects::{project_json, status_json, unit_lines_json, ProjectOut, StatusItem};
pub use types::NumOrText;

/// The document's fixed parts; the paths and schemas come from the handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "diaodu 调度 API",
        description = "重点工作调度督办平台 JSON API。先 POST /api/v1/login 取得 token，之后以 Authorization: Bearer <token> 调用；浏览器会话调用写接口需带 X-CSRF-Token。错误统一为 {\"error\": {\"code\", \"message\", \"details\"}}，message 为中文。"
    ),
    modifiers(&Security),
    security(("bearer" = [])),
    components(schemas(types::ErrorBody)),
    tags(
        (name = "账户", description = "登录、本人、登录日志"),
        (name = "项目", description = "项目库、进度填报、状态与排名"),
        (name = "指标", description = "指标目录、数值录入、成绩单"),
        (name = "任务", description = "重点工作任务"),
        (name = "督办", description = "督办单、调度会、督查、附件"),
        (name = "领导批示", description = "领导对项目、任务、督办单的批示及其办理"),
        (name = "填报日历", description = "各单位的截止日与法定节假日安排"),
        (name = "消息推送", description = "邮件、钉钉、企业微信与对外推送的发送记录和测试"),
        (name = "项目策划", description = "项目策划包装任务、进度排名、重大投资计划与策划通报"),
        (name = "目标考核", description = "目标责任考核：实时计分与排名、考核方案及版本、加减分、季度通报与得分表"),
        (name = "导入", description = "文件导入"),
    )
)]
struct ApiDoc;

/// Adds the bearer scheme every operation but log-in uses.
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let comps = doc.components.get_or_insert_with(Default::default);
        comps.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(account::routes())
        .merge(projects::routes())
        .merge(indicators::routes())
        .merge(tasks::routes())
        .merge(supervision::routes())
        .merge(instructions::routes())
        .merge(inbox::routes())
        .merge(calendar::routes())
        .merge(documents::routes())
        .merge(planning::routes())
        .merge(assessment::routes())
        .merge(notify::routes())
        .merge(users::routes())
}

/// API routes, with the OpenAPI document at `/api/openapi.json`.
pub fn routes() -> Router<AppState> {
    let (router, doc) = router().split_for_parts();
    let doc = std::sync::Arc::new(doc);
    router.route(
        "/api/openapi.json",
        get(move || {
            let doc = doc.clone();
            async move { Json(doc.as_ref().clone()).into_response() }
        }),
    )
}

/// The OpenAPI document of the API.
pub fn openapi_doc() -> utoipa::openapi::OpenApi {
    router().into_openapi()
}
