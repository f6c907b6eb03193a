//! Types shared by the API's modules: the error body, the error answers every operation documents,
//! money given as a number or text, and the small answers (`{"id"}`, counts).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, ToSchema};

/// Every refusal of the API: `{"error": {"code", "message", "details"}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorInfo,
}

/// What went wrong, for a program (`code`) and for a person (`message`, in Chinese).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorInfo {
    /// Machine code: `invalid`, `import_failed`, `confirm_required`, `unauthenticated`,
    /// `forbidden`, `csrf`, `password_change_required`, `not_found`, `conflict`,
    /// `admission_refused`, `throttled`, `too_large`, `unsupported_media_type`,
    /// `method_not_allowed`, `disabled`, `internal`.
    pub code: String,
    /// The reason in Chinese, for the user.
    pub message: String,
    /// One entry per field (`invalid`, `confirm_required`) or per file row (`import_failed`);
    /// empty for the other codes.
    pub details: Vec<ErrorDetail>,
}

/// One field's or one row's error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// The field, by its Chinese label or API name (field errors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Spreadsheet row, as Excel numbers it (import errors; 0 for the whole file).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// Column header (import errors; empty for a whole row).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The reason in Chinese.
    pub message: String,
    /// The body field that confirms an unusual value when the request is sent again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm_with: Option<String>,
}

fn error_responses(codes: &[(u16, &str)]) -> BTreeMap<String, RefOr<Response>> {
    codes
        .iter()
        .map(|(code, description)| {
            let resp = ResponseBuilder::new()
                .description(*description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build();
            (code.to_string(), RefOr::T(resp))
        })
        .collect()
}

const BAD_REQUEST: (u16, &str) = (
    400,
    "输入有误（invalid）、导入失败（import_failed）或须确认的异常数值（confirm_required）；details 逐项指出字段或行列",
);
const UNAUTHENTICATED: (u16, &str) = (401, "未登录或会话已过期");
const FORBIDDEN: (u16, &str) = (403, "无权访问、缺少 CSRF 令牌，或须先修改管理员设置的密码");
const NOT_FOUND: (u16, &str) = (404, "记录不存在");
const CONFLICT: (u16, &str) = (409, "冲突：重复、版本已变或状态不允许");
const TOO_LARGE: (u16, &str) = (413, "请求内容过大");
const MEDIA_TYPE: (u16, &str) = (415, "内容类型不受支持");
const REFUSED: (u16, &str) = (422, "未通过项目准入审查");

/// The refusals of a read: bad query, no session, no permission, no such record.
pub struct ReadErrors;

impl IntoResponses for ReadErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        error_responses(&[BAD_REQUEST, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND])
    }
}

/// The refusals of a write: those of a read, a conflict, a body too large or of the wrong type.
pub struct WriteErrors;

impl IntoResponses for WriteErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        error_responses(&[
            BAD_REQUEST,
            UNAUTHENTICATED,
            FORBIDDEN,
            NOT_FOUND,
            CONFLICT,
            TOO_LARGE,
            MEDIA_TYPE,
        ])
    }
}

/// The refusals of a project write: those of any write and an admission refusal.
pub struct ProjectWriteErrors;

impl IntoResponses for ProjectWriteErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        let mut r = WriteErrors::responses();
        r.extend(error_responses(&[REFUSED]));
        r
    }
}

/// The refusals of log-in: bad input, a disabled user, too many failures.
pub struct LoginErrors;

impl IntoResponses for LoginErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        error_responses(&[
            BAD_REQUEST,
            (403, "用户已停用"),
            TOO_LARGE,
            MEDIA_TYPE,
            (429, "登录失败次数过多，暂时锁定"),
        ])
    }
}

/// A number given as a JSON number or a string (money in 万元: `"1,234.5"` is accepted).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum NumOrText {
    /// A JSON number.
    Num(serde_json::Number),
    /// Text.
    Text(String),
}

impl NumOrText {
    /// The value as text, for the parsers the forms use.
    pub fn text(&self) -> String {
        match self {
            NumOrText::Num(n) => n.to_string(),
            NumOrText::Text(s) => s.clone(),
        }
    }
}

impl utoipa::PartialSchema for NumOrText {
    fn schema() -> RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Number))
            .item(ObjectBuilder::new().schema_type(Type::String))
            .description(Some("数值或文本（万元，可带千分位逗号）"))
            .into()
    }
}

impl ToSchema for NumOrText {}

/// The id of a record just made.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    /// Its id.
    pub id: i64,
}
