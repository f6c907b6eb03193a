//! What a use case answers when it does not do what was asked: the service's own errors, with
//! nothing of HTTP in them. The pages and the API turn them into a status code and a page or a JSON
//! body (`From<Error> for AppError`, in `error.rs`); the command line prints them as they are.

use diaodu_domain::import::ImportError;
use diaodu_store::StoreError;

/// An error of a use case. Each reads, as `Display`, as the Chinese message a user is shown.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input refused: (field, reason) pairs.
    #[error("{}", .0.iter().map(|(f, m)| format!("{f}：{m}")).collect::<Vec<_>>().join("；"))]
    Invalid(Vec<(String, String)>),
    /// An import file refused, with every error found (row, column, reason); nothing was written.
    #[error("导入失败，共 {} 处错误，未写入任何数据{}", .0.len(), .0.iter().map(|e| format!("\n{e}")).collect::<String>())]
    Import(Vec<ImportError>),
    /// The record or action is outside the caller's role or scope.
    #[error("无权访问：该内容不在您的权限范围内")]
    Forbidden,
    /// Not the caller's to do, with the reason (an action that belongs to another unit).
    #[error("{0}")]
    ForbiddenBecause(String),
    /// The record does not exist (or, outside the caller's scope, is not shown to exist).
    #[error("{0}不存在")]
    NotFound(String),
    /// What the store answered: a conflict, an admission refusal, a value to confirm, the database.
    #[error(transparent)]
    Store(StoreError),
    /// The server's own failure outside the database (a file that cannot be written).
    #[error("服务器内部错误：{0}")]
    Internal(String),
}

impl Error {
    /// An [`Error::Invalid`] with one field.
    pub fn invalid(field: &str, msg: impl Into<String>) -> Error {
        Error::Invalid(vec![(field.to_string(), msg.into())])
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(v) => Error::Invalid(v),
            StoreError::NotFound(w) => Error::NotFound(w),
            e => Error::Store(e),
        }
    }
}

/// The result of a use case.
pub type Result<T, E = Error> = std::result::Result<T, E>;
