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
    /// 403 with the reason (an action that belongs to another unit).
    ForbiddenBecause(String),
    /// 403: a state-changing request without a valid CSRF token.
    Csrf,
    /// 403: the password must be changed first (set by an administrator).
    PasswordChange,
    /// 404.
    NotFound(String),
    /// 409: conflict (duplicate, stale version).
    Conflict(String),
    /// 422: refused by an admission rule.
    Refused(String),
    /// 400: a value out of the ordinary, to be sent again with a confirmation: (field, reason).
    Unusual(String, String),
    /// 429: too many failed log-ins.
    Throttled(String),
    /// 500: logged, not shown.
    Internal(String),
    /// Another status with its machine code and Chinese message (405, 413, 415).
    Status(StatusCode, &'static str, String),
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
            AppError::ForbiddenBecause(m) => (StatusCode::FORBIDDEN, "forbidden", m.clone()),
            AppError::Csrf => (
                StatusCode::FORBIDDEN,
                "csrf",
                "请求缺少有效的安全令牌（CSRF），请刷新页面后重试".into(),
            ),
            AppError::PasswordChange => (
                StatusCode::FORBIDDEN,
                "password_change_required",
                "密码由管理员设置，请先修改密码（POST /api/v1/me/password）".into(),
            ),
            AppError::NotFound(what) => {
                (StatusCode::NOT_FOUND, "not_found", format!("{what}不存在"))
            }
            AppError::Conflict(m) => (StatusCode::CONFLICT, "conflict", m.clone()),
            AppError::Unusual(_, m) => (StatusCode::BAD_REQUEST, "confirm_required", m.clone()),
            AppError::Refused(m) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "admission_refused",
                m.clone(),
            ),
            AppError::Throttled(m) => (StatusCode::TOO_MANY_REQUESTS, "throttled", m.clone()),
            AppError::Status(s, code, m) => (*s, *code, m.clone()),
            AppError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "系统内部错误，请稍后重试或联系管理员".into(),
            ),
        }
    }
}

/// The Chinese message, as a user sees it (for the command line, which calls the same use cases).
impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.parts().2)?;
        if let AppError::Import(v) = self {
            for e in v {
                write!(f, "\n{e}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for AppError {}

impl From<crate::service::Error> for AppError {
    fn from(e: crate::service::Error) -> Self {
        use crate::service::Error;
        match e {
            Error::Invalid(v) => AppError::Invalid(v),
            Error::Import(v) => AppError::Import(v),
            Error::Forbidden => AppError::Forbidden,
            Error::ForbiddenBecause(m) => AppError::ForbiddenBecause(m),
            Error::NotFound(w) => AppError::NotFound(w),
            Error::Store(e) => e.into(),
            Error::Internal(m) => AppError::Internal(m),
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
            StoreError::Unusual(f, m) => AppError::Unusual(f, m),
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
        use crate::api::types::{ErrorBody, ErrorDetail, ErrorInfo};
        let (status, code, message) = self.0.parts();
        let field = |f: &str, m: &str| ErrorDetail {
            field: Some(f.to_string()),
            row: None,
            column: None,
            message: m.to_string(),
            confirm_with: None,
        };
        let details = match &self.0 {
            AppError::Import(v) => v
                .iter()
                .map(|e| ErrorDetail {
                    field: None,
                    row: Some(e.row),
                    column: Some(e.column.clone()),
                    message: e.message.clone(),
                    confirm_with: None,
                })
                .collect(),
            AppError::Invalid(v) => v.iter().map(|(f, m)| field(f, m)).collect(),
            AppError::Unusual(f, m) => vec![ErrorDetail {
                confirm_with: Some("confirm_unusual".into()),
                ..field(f, m)
            }],
            _ => Vec::new(),
        };
        let body = ErrorBody {
            error: ErrorInfo {
                code: code.into(),
                message,
                details,
            },
        };
        (status, Json(body)).into_response()
    }
}

/// Middleware: every answer that did not come from a handler's own error — an extractor's rejection
/// (plain English text), an unknown route or method (an empty body) — is given in the documented
/// shape: `{"error": …}` under `/api/`, a Chinese error page elsewhere. A malformed query, body or
/// upload is a 400 `invalid` whatever the extractor said (axum answers some with 422, which this API
/// keeps for admission refusals).
pub async fn shape_rejections(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let ct = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !(ct.is_empty() || ct.starts_with("text/plain")) {
        return resp;
    }
    let (_, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let err = match status {
        StatusCode::NOT_FOUND => AppError::NotFound(if is_api { "接口" } else { "页面" }.into()),
        StatusCode::METHOD_NOT_ALLOWED => AppError::Status(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "不支持该请求方法".into(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => AppError::Status(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "请求内容过大".into(),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::Status(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "请求的内容类型不受支持：接口收 JSON（Content-Type: application/json），表单收 application/x-www-form-urlencoded，上传收 multipart/form-data".into(),
        ),
        s if s.is_server_error() => AppError::Internal(text),
        _ => AppError::Invalid(vec![rejection_field(&text)]),
    };
    if is_api {
        ApiError(err).into_response()
    } else {
        err.into_response()
    }
}

/// A field and a Chinese reason from an extractor's English rejection text, as far as it names them
/// (serde's "missing field `x`", "unknown field `x`", "invalid type … expected …").
fn rejection_field(text: &str) -> (String, String) {
    let named = |marker: &str| {
        text.split_once(marker)
            .and_then(|(_, rest)| rest.split('`').next())
            .map(str::to_string)
    };
    let what = if text.contains("query string") {
        "查询参数"
    } else if text.contains("multipart") || text.contains("boundary") {
        "上传内容"
    } else if text.contains("path") {
        "路径参数"
    } else {
        "请求内容"
    };
    if let Some(f) = named("missing field `") {
        return (f, "缺少此字段".into());
    }
    if let Some(f) = named("unknown field `") {
        return (f, "不是可接受的字段".into());
    }
    let reason =
        if text.contains("EOF") || text.contains("syntax") || text.contains("expected value") {
            "不是有效的 JSON"
        } else if text.contains("invalid type") || text.contains("invalid value") {
            "字段类型或取值不正确"
        } else if text.contains("Content-Type") || text.contains("content type") {
            "内容类型不正确"
        } else {
            "格式无效"
        };
    // The parser's own words follow, for whoever debugs a script; the message leads in Chinese.
    let detail: String = text.chars().take(200).collect();
    (what.into(), format!("{reason}（{detail}）"))
}
