//! Errors at the web edge.
//!
//! Policy: every handler returns `Result<_, AppError>` (pages) or `Result<_, ApiError>` (JSON API).
//! What the user can fix (bad input, a conflict, a refusal, a missing record, no permission) is shown
//! as a clear Chinese message with the right status code. Anything else is logged with its cause and
//! shown as a generic message — no stack trace or SQL ever reaches the browser.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use diaodu_domain::import::ImportError;
use diaodu_store::StoreError;
use serde_json::json;

/// An error a handler returns.
#[derive(Debug)]
pub enum AppError {
    /// 400 with field errors.
    Invalid(Vec<(String, String)>),
    /// 400 with import errors (row, column, reason).
    Import(Vec<ImportError>),
    /// 401: not logged in.
    Unauthenticated,
    /// 403: logged in but not allowed.
    Forbidden,
    /// 403: a state-changing request without a valid CSRF token.
    Csrf,
    /// 404.
    NotFound(String),
    /// 409: conflict (duplicate, stale version).
    Conflict(String),
    /// 422: refused by an admission rule.
    Refused(String),
    /// 429: too many failed log-ins.
    Throttled(String),
    /// 500: logged, not shown.
    Internal(String),
}

impl AppError {
    /// A 400 with one field.
    pub fn invalid(field: &str, msg: impl Into<String>) -> AppError {
        AppError::Invalid(vec![(field.to_string(), msg.into())])
    }

    /// Status code, machine code and Chinese message.
    pub fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            AppError::Invalid(v) => (
                StatusCode::BAD_REQUEST,
                "invalid",
                v.iter()
                    .map(|(f, m)| format!("{f}：{m}"))
                    .collect::<Vec<_>>()
                    .join("；"),
            ),
            AppError::Import(v) => (
                StatusCode::BAD_REQUEST,
                "import_failed",
                format!("导入失败，共 {} 处错误，未写入任何数据", v.len()),
            ),
            AppError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "请先登录".into(),
            ),
            AppError::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "无权访问：该内容不在您的权限范围内".into(),
            ),
            AppError::Csrf => (
                StatusCode::FORBIDDEN,
                "csrf",
                "请求缺少有效的安全令牌（CSRF），请刷新页面后重试".into(),
            ),
            AppError::NotFound(what) => {
                (StatusCode::NOT_FOUND, "not_found", format!("{what}不存在"))
            }
            AppError::Conflict(m) => (StatusCode::CONFLICT, "conflict", m.clone()),
            AppError::Refused(m) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "admission_refused",
                m.clone(),
            ),
            AppError::Throttled(m) => (StatusCode::TOO_MANY_REQUESTS, "throttled", m.clone()),
            AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "系统内部错误，请稍后重试或联系管理员".into(),
            ),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(w) => AppError::NotFound(w),
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Invalid(v) => AppError::Invalid(v),
            e @ StoreError::Refused { .. } => AppError::Refused(e.to_string()),
            StoreError::Db(e) => AppError::Internal(e.to_string()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(%cause, "internal error");
        }
        if matches!(self, AppError::Unauthenticated) {
            return axum::response::Redirect::to("/login").into_response();
        }
        let (status, _, msg) = self.parts();
        let details = match &self {
            AppError::Import(v) => v.iter().map(|e| e.to_string()).collect(),
            AppError::Invalid(v) if v.len() > 1 => {
                v.iter().map(|(f, m)| format!("{f}：{m}")).collect()
            }
            _ => Vec::new(),
        };
        (
            status,
            crate::pages::layout::error_page(status, &msg, &details),
        )
            .into_response()
    }
}

/// The same errors as JSON: `{"error": {"code": "...", "message": "...", "details": [...]}}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self.0 {
            tracing::error!(%cause, "internal error");
        }
        let (status, code, message) = self.0.parts();
        let details = match &self.0 {
            AppError::Import(v) => json!(v),
            AppError::Invalid(v) => json!(v
                .iter()
                .map(|(f, m)| json!({"field": f, "message": m}))
                .collect::<Vec<_>>()),
            _ => json!([]),
        };
        (
            status,
            Json(json!({"error": {"code": code, "message": message, "details": details}})),
        )
            .into_response()
    }
}
