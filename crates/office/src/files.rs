//! What an uploaded file really is. Attachments are accepted by their content, not their name: the
//! first bytes must be those of an allowed type, and the name's extension must agree.

/// An allowed type: (content type, extensions).
const ALLOWED: &[(&str, &[&str])] = &[
    ("application/pdf", &["pdf"]),
    ("image/png", &["png"]),
    ("image/jpeg", &["jpg", "jpeg"]),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &["docx"],
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &["xlsx"],
    ),
    ("application/msword", &["doc"]),
    ("application/vnd.ms-excel", &["xls"]),
];

/// The content type of `bytes`, if it is an allowed type whose extension matches `name`; otherwise the
/// reason in Chinese.
pub fn sniff(name: &str, bytes: &[u8]) -> Result<&'static str, String> {
    let ext = name
        .rsplit_once('.')
        .map(|x| x.1.to_ascii_lowercase())
        .unwrap_or_default();
    let detected = if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"PK\x03\x04") {
        // An Office Open XML package names its main part in the zip directory.
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        if has(b"word/") {
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        } else if has(b"xl/") {
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        } else {
            None
        }
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        // An old binary Office file: trust the extension between the two it can be.
        match ext.as_str() {
            "xls" => Some("application/vnd.ms-excel"),
            _ => Some("application/msword"),
        }
    } else {
        None
    };
    let Some(ct) = detected else {
        return Err("不支持的文件类型：只接受 PDF、PNG、JPEG 图片和 Word、Excel 文件".into());
    };
    let exts = ALLOWED
        .iter()
        .find(|(t, _)| *t == ct)
        .map(|(_, e)| *e)
        .unwrap_or(&[]);
    if !exts.contains(&ext.as_str()) {
        return Err(format!(
            "文件名后缀“.{ext}”与文件内容（{}）不符",
            exts.first().unwrap_or(&"")
        ));
    }
    Ok(ct)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_content_not_by_name() {
        assert_eq!(sniff("a.pdf", b"%PDF-1.7 ...").unwrap(), "application/pdf");
        assert_eq!(
            sniff("photo.JPG", &[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(),
            "image/jpeg"
        );
        assert!(sniff("a.pdf", b"MZ\x90\x00 an executable").is_err());
        assert!(sniff("evil.png", b"%PDF-1.4").unwrap_err().contains("不符"));
        assert!(sniff("notes.txt", b"hello").is_err());
        let docx = crate::docx::OfficialDoc::new().to_docx();
        assert!(sniff("a.docx", &docx).unwrap().contains("wordprocessingml"));
        assert!(sniff("a.xlsx", &docx).is_err());
    }
}
