//! The text of an uploaded reference (.docx, .pdf, plain text), for the library's search.
//!
//! Uploads are untrusted: a .docx is a zip whose parts may expand without bound, a PDF may be
//! malformed in ways its parser does not expect. Every reader here caps what it expands and reads,
//! and the PDF parser runs where its panics are caught; the caller runs these off the async
//! threads and bounds their time.

use std::io::Read;

/// The most bytes of text kept from one file (about 1.6 million Chinese characters).
pub const MAX_TEXT_BYTES: usize = 5 * 1024 * 1024;

/// The most bytes a .docx's main part may expand to (a zip bomb stops here).
const MAX_XML_BYTES: u64 = 64 * 1024 * 1024;

/// A file type the library reads text from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Word 2007+.
    Docx,
    /// PDF.
    Pdf,
    /// Plain text, UTF-8 or GB18030 (GBK).
    Text,
}

impl TextKind {
    /// The content type stored with the file.
    pub fn content_type(self) -> &'static str {
        match self {
            TextKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            TextKind::Pdf => "application/pdf",
            TextKind::Text => "text/plain; charset=utf-8",
        }
    }
}

/// What `name` with `bytes` is, for the library: a .docx or a PDF by its content (and a matching
/// extension), text by its extension (.txt) and decodable content; otherwise why not, in Chinese.
pub fn kind_of(name: &str, bytes: &[u8]) -> Result<TextKind, String> {
    let ext = name
        .rsplit_once('.')
        .map(|x| x.1.to_ascii_lowercase())
        .unwrap_or_default();
    if ext == "txt" {
        return if bytes.starts_with(b"%PDF-") || bytes.starts_with(b"PK\x03\x04") {
            Err("文件名后缀“.txt”与文件内容（二进制文件）不符".into())
        } else {
            Ok(TextKind::Text)
        };
    }
    match crate::files::sniff(name, bytes)? {
        "application/pdf" => Ok(TextKind::Pdf),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            Ok(TextKind::Docx)
        }
        "application/msword" => {
            Err("旧版 Word（.doc）文件无法读取正文，请另存为 .docx 后上传".into())
        }
        _ => Err("材料库只接受 Word（.docx）、PDF 和文本（.txt）文件".into()),
    }
}

/// The text of a file of `kind`; an error in Chinese when it cannot be read. Blocking (a PDF may
/// take a while): call it off the async threads.
pub fn text_of(kind: TextKind, bytes: &[u8]) -> Result<String, String> {
    let text = match kind {
        TextKind::Text => decode_text(bytes),
        TextKind::Docx => docx_text(bytes)?,
        TextKind::Pdf => pdf_text(bytes)?,
    };
    Ok(tidy(&text))
}

/// Plain text as UTF-8 (a byte-order mark dropped) or, when it is not, as GB18030 — what text files
/// saved by Chinese Windows are in.
fn decode_text(bytes: &[u8]) -> String {
    let bytes = &bytes[..bytes.len().min(MAX_TEXT_BYTES)];
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        // Cut at the cap inside a character: keep what decodes.
        Err(e) if e.error_len().is_none() => {
            String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned()
        }
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// The paragraphs of a .docx's main part, a line each; table cells apart by tabs.
fn docx_text(bytes: &[u8]) -> Result<String, String> {
    let bad = || "无法读取该 Word 文件：文件已损坏或不是 .docx 格式".to_string();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| bad())?;
    let part = zip.by_name("word/document.xml").map_err(|_| bad())?;
    let mut xml = Vec::new();
    part.take(MAX_XML_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|_| bad())?;
    if xml.len() as u64 > MAX_XML_BYTES {
        return Err("该 Word 文件的正文过大，无法读取".into());
    }
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut out = String::new();
    let mut in_text = false;
    let mut cells = 0usize;
    let mut buf = Vec::new();
    use quick_xml::events::Event;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "t" => in_text = true,
                "tc" => cells += 1,
                _ => {}
            },
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "t" => in_text = false,
                // Paragraphs within a cell are one line of the row.
                "p" if cells > 0 => out.push(' '),
                "p" => out.push('\n'),
                "tc" => {
                    cells = cells.saturating_sub(1);
                    let trimmed = out.trim_end_matches(' ').len();
                    out.truncate(trimmed);
                    out.push('\t');
                }
                "tr" => {
                    if out.ends_with('\t') {
                        out.pop();
                    }
                    out.push('\n');
                }
                _ => {}
            },
            Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "tab" => out.push('\t'),
                "br" | "cr" => out.push('\n'),
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => {
                // Character references come apart, as `GeneralRef`s.
                out.push_str(&t);
            }
            Ok(Event::GeneralRef(r)) if in_text => {
                // &amp; &lt; … and numeric references inside a run's text.
                let reference = format!("&{};", &*r);
                let s = quick_xml::escape::unescape(&reference).map_err(|_| bad())?;
                out.push_str(&s);
            }
            Ok(Event::Eof) => break,
            Err(_) => return Err(bad()),
            _ => {}
        }
        if out.len() > MAX_TEXT_BYTES {
            break;
        }
        buf.clear();
    }
    Ok(out)
}

/// A PDF's text, page after page. The parser is a library's; a panic in it on a malformed file is
/// caught and answered as a file that cannot be read.
fn pdf_text(bytes: &[u8]) -> Result<String, String> {
    let owned = bytes.to_vec();
    let read = std::panic::catch_unwind(move || pdf_extract::extract_text_from_mem(&owned));
    match read {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(_)) | Err(_) => Err(
            "无法读取该 PDF 的文字：文件可能已损坏、加密，或是扫描图片（请上传可复制文字的 PDF）"
                .into(),
        ),
    }
}

/// Text as the library keeps it: lines trimmed of trailing blanks, runs of empty lines made one,
/// control characters other than tab and newline dropped, at most [`MAX_TEXT_BYTES`].
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_TEXT_BYTES));
    let mut blank = 0;
    for line in text.lines() {
        let line: String = line
            .chars()
            .filter(|c| *c == '\t' || !c.is_control())
            .collect();
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        if out.len() + line.len() + 1 > MAX_TEXT_BYTES {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docx::OfficialDoc;

    #[test]
    fn a_docx_gives_its_paragraphs_and_cells() {
        let mut d = OfficialDoc::new();
        d.title("关于征地拆迁工作的通知");
        d.para("各区县：请于12月10日前报送 <进展> & 问题。");
        d.table(
            vec!["单位".into(), "完成率".into()],
            vec![vec!["甲区".into(), "85%".into()]],
        );
        let text = text_of(TextKind::Docx, &d.to_docx()).unwrap();
        assert!(text.contains("关于征地拆迁工作的通知"), "{text}");
        assert!(
            text.contains("请于12月10日前报送 <进展> & 问题。"),
            "{text}"
        );
        assert!(text.contains("甲区\t85%"), "{text}");
    }

    #[test]
    fn text_is_read_as_utf8_or_gbk() {
        assert_eq!(
            text_of(TextKind::Text, "\u{feff}征地拆迁\r\n".as_bytes()).unwrap(),
            "征地拆迁"
        );
        let gbk = encoding_rs::GBK.encode("市政府督查室").0;
        assert_eq!(text_of(TextKind::Text, &gbk).unwrap(), "市政府督查室");
    }

    #[test]
    fn broken_files_are_refused_in_chinese() {
        assert!(text_of(TextKind::Docx, b"PK\x03\x04 not a zip").is_err());
        let e = text_of(
            TextKind::Pdf,
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nendobj\n%%EOF",
        )
        .unwrap_err();
        assert!(e.contains("PDF"), "{e}");
        assert!(
            kind_of("a.doc", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
                .unwrap_err()
                .contains(".docx")
        );
        assert!(kind_of("a.txt", b"%PDF-1.4").is_err());
        assert_eq!(kind_of("讲话.TXT", "讲话".as_bytes()), Ok(TextKind::Text));
        assert!(kind_of("a.png", b"\x89PNG\r\n\x1a\n").is_err());
    }

    #[test]
    fn blank_lines_and_controls_are_tidied() {
        assert_eq!(tidy("\n\n一\u{7}  \n\n\n\n二\t三\n"), "一\n\n二\t三");
    }
}
