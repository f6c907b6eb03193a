//! File downloads, for the pages and the API alike.

/// A file download: the content type and an attachment disposition.
pub fn download(name: &str, content_type: &str, bytes: Vec<u8>) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_string()),
            (axum::http::header::CONTENT_DISPOSITION, disposition(name)),
        ],
        bytes,
    )
        .into_response()
}

/// `Content-Disposition` for a download named `name` (RFC 6266): the name itself as `filename*`
/// (UTF-8, percent-encoded), which every current browser keeps, and an ASCII `filename` for the
/// others — the name when it is ASCII, else `download` with its extension.
pub fn disposition(name: &str) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    let ascii = if name
        .chars()
        .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ')
    {
        name.to_string()
    } else {
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("bin");
        format!("download.{ext}")
    };
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        utf8_percent_encode(name, NON_ALPHANUMERIC)
    )
}

/// Content type of .docx files.
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// An issued document as a .docx download under its file name.
pub fn docx(issued: crate::service::documents::Issued) -> axum::response::Response {
    download(&issued.file_name, DOCX, issued.bytes)
}
