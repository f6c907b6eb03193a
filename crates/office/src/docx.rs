//! Official documents (公文) as .docx, in the layout of GB/T 9704-2012 "Layout key for official
//! documents of party and government organs": A4; margins top 37 mm, bottom 35 mm, left 28 mm, right
//! 26 mm; title in a 小标宋-style font at 2号 (22 pt), centred; body 仿宋 at 3号 (16 pt) with a fixed
//! 28 pt line pitch (22 lines a page); first-level headings 黑体 numbered 一、, second-level 楷体 numbered
//! （一）; tables with a header row; page numbers 4号 宋体 as "— 1 —" at the foot, odd pages right and
//! even pages left. Every notice, briefing and minute is written through [`OfficialDoc`].
//!
//! The package is written by hand (a handful of XML parts in a zip), so nothing is pulled in beyond the
//! zip writer the spreadsheet crate already uses.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

/// Millimetres to twentieths of a point (twips): 1 mm = 1440 / 25.4 twips.
pub fn mm(v: f64) -> u32 {
    (v * 1440.0 / 25.4).round() as u32
}

/// Chinese numerals for heading numbers (一 … 九十九).
pub fn zh_number(n: u32) -> String {
    const D: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[(n % 10) as usize]),
        _ => format!(
            "{}十{}",
            D[(n / 10) as usize % 10],
            if n.is_multiple_of(10) {
                ""
            } else {
                D[(n % 10) as usize]
            }
        ),
    }
}

/// A block of the document body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// 标题.
    Title(String),
    /// 主送机关 (addressee), flush left, followed by a colon.
    Addressee(String),
    /// 一级标题 (黑体), already numbered.
    Heading1(String),
    /// 二级标题 (楷体), already numbered.
    Heading2(String),
    /// A body paragraph, first line indented two characters.
    Para(String),
    /// A table with a header row.
    Table {
        /// Header cells.
        headers: Vec<String>,
        /// Rows.
        rows: Vec<Vec<String>>,
    },
    /// 发文机关署名 and 成文日期, right-aligned.
    Signature {
        /// Issuing body.
        org: String,
        /// Date as written (2026年4月15日).
        date: String,
    },
    /// An empty line.
    Blank,
}

/// An official document being assembled.
#[derive(Debug, Clone, Default)]
pub struct OfficialDoc {
    /// 发文机关标志 (issuing body shown in red above a red rule), if any.
    pub issuer: Option<String>,
    /// 发文字号, e.g. 云政办通〔2026〕12号.
    pub doc_number: Option<String>,
    /// Body blocks.
    pub blocks: Vec<Block>,
    h1: u32,
    h2: u32,
}

impl OfficialDoc {
    /// An empty document.
    pub fn new() -> OfficialDoc {
        OfficialDoc::default()
    }

    /// Sets the issuing body (版头).
    pub fn issuer(mut self, issuer: impl Into<String>, doc_number: Option<String>) -> OfficialDoc {
        self.issuer = Some(issuer.into());
        self.doc_number = doc_number;
        self
    }

    /// Adds the title.
    pub fn title(&mut self, t: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Title(t.into()));
        self
    }

    /// Adds the addressee line (主送机关).
    pub fn addressee(&mut self, t: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Addressee(t.into()));
        self
    }

    /// Adds a first-level heading, numbered 一、二、….
    pub fn h1(&mut self, t: impl AsRef<str>) -> &mut Self {
        self.h1 += 1;
        self.h2 = 0;
        self.blocks.push(Block::Heading1(format!(
            "{}、{}",
            zh_number(self.h1),
            t.as_ref()
        )));
        self
    }

    /// Adds a second-level heading, numbered （一）（二）… within its first-level heading.
    pub fn h2(&mut self, t: impl AsRef<str>) -> &mut Self {
        self.h2 += 1;
        self.blocks.push(Block::Heading2(format!(
            "（{}）{}",
            zh_number(self.h2),
            t.as_ref()
        )));
        self
    }

    /// Adds a body paragraph.
    pub fn para(&mut self, t: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Para(t.into()));
        self
    }

    /// Adds a table.
    pub fn table(&mut self, headers: Vec<String>, rows: Vec<Vec<String>>) -> &mut Self {
        self.blocks.push(Block::Table { headers, rows });
        self
    }

    /// Adds the signature block.
    pub fn signature(&mut self, org: impl Into<String>, date: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Blank);
        self.blocks.push(Block::Signature {
            org: org.into(),
            date: date.into(),
        });
        self
    }

    /// The document as plain text (for the terminal and for tests).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Title(t) => out += &format!("{t}\n\n"),
                Block::Addressee(t) => out += &format!("{t}：\n"),
                Block::Heading1(t) | Block::Heading2(t) => out += &format!("{t}\n"),
                Block::Para(t) => out += &format!("　　{t}\n"),
                Block::Table { headers, rows } => {
                    out += &headers.join("\t");
                    out.push('\n');
                    for r in rows {
                        out += &r.join("\t");
                        out.push('\n');
                    }
                }
                Block::Signature { org, date } => out += &format!("{org}\n{date}\n"),
                Block::Blank => out.push('\n'),
            }
        }
        out
    }

    /// The .docx package.
    pub fn to_docx(&self) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opt = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let parts: [(&str, String); 10] = [
            ("[Content_Types].xml", CONTENT_TYPES.to_string()),
            ("_rels/.rels", ROOT_RELS.to_string()),
            ("docProps/core.xml", core_xml(self.title_text())),
            ("docProps/app.xml", APP_XML.to_string()),
            ("word/_rels/document.xml.rels", DOC_RELS.to_string()),
            ("word/styles.xml", STYLES.to_string()),
            ("word/settings.xml", SETTINGS.to_string()),
            ("word/footer1.xml", footer(true)),
            ("word/footer2.xml", footer(false)),
            ("word/document.xml", self.document_xml()),
        ];
        for (name, body) in parts {
            z.start_file(name, opt).expect("zip entry");
            z.write_all(body.as_bytes()).expect("zip write");
        }
        z.finish().expect("zip finish").into_inner()
    }

    fn title_text(&self) -> &str {
        self.blocks
            .iter()
            .find_map(|b| {
                if let Block::Title(t) = b {
                    Some(t.as_str())
                } else {
                    None
                }
            })
            .unwrap_or("")
    }

    fn document_xml(&self) -> String {
        let mut body = String::new();
        if let Some(issuer) = &self.issuer {
            // 版头: the issuing body in red 小标宋, the document number, and a red rule.
            body += &para_xml(issuer, "Issuer", None);
            if let Some(n) = &self.doc_number {
                body += &para_xml(n, "DocNumber", None);
            }
            body += r#"<w:p><w:pPr><w:pStyle w:val="RedRule"/></w:pPr></w:p>"#;
        }
        for b in &self.blocks {
            match b {
                Block::Title(t) => body += &para_xml(t, "DocTitle", None),
                Block::Addressee(t) => body += &para_xml(&format!("{t}："), "Addressee", None),
                Block::Heading1(t) => body += &para_xml(t, "Heading1", None),
                Block::Heading2(t) => body += &para_xml(t, "Heading2", None),
                Block::Para(t) => body += &para_xml(t, "BodyText", None),
                Block::Table { headers, rows } => body += &table_xml(headers, rows),
                Block::Signature { org, date } => {
                    body += &para_xml(org, "Signature", None);
                    body += &para_xml(date, "Signature", None);
                }
                Block::Blank => body += r#"<w:p><w:pPr><w:pStyle w:val="BodyText"/></w:pPr></w:p>"#,
            }
        }
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{body}<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/><w:footerReference w:type="even" r:id="rIdFooterEven"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="{top}" w:right="{right}" w:bottom="{bottom}" w:left="{left}" w:header="851" w:footer="{footer}" w:gutter="0"/><w:docGrid w:type="lines" w:linePitch="560"/></w:sectPr></w:body></w:document>"#,
            top = mm(37.0),
            right = mm(26.0),
            bottom = mm(35.0),
            left = mm(28.0),
            footer = mm(23.0),
        )
    }
}

/// Escapes text for XML.
pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn para_xml(text: &str, style: &str, jc: Option<&str>) -> String {
    let jc = jc
        .map(|j| format!(r#"<w:jc w:val="{j}"/>"#))
        .unwrap_or_default();
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="{style}"/>{jc}</w:pPr><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
        xml_escape(text)
    )
}

fn cell_xml(text: &str, header: bool, width: u32) -> String {
    let shade = if header {
        r#"<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>"#
    } else {
        ""
    };
    let style = if header { "TableHeader" } else { "TableText" };
    format!(
        r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}<w:vAlign w:val="center"/></w:tcPr>{}</w:tc>"#,
        para_xml(text, style, None)
    )
}

fn table_xml(headers: &[String], rows: &[Vec<String>]) -> String {
    // The text block is 210 − 28 − 26 = 156 mm wide; columns share it, the first (names) wider.
    let total = mm(156.0);
    let n = headers.len().max(1) as u32;
    let first = if n > 2 {
        total * 2 / (n + 1)
    } else {
        total / n
    };
    let rest = if n > 1 {
        (total - first) / (n - 1)
    } else {
        total
    };
    let w = |i: usize| if i == 0 { first } else { rest };
    let border = r#"<w:tblBorders><w:top w:val="single" w:sz="6" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="6" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="6" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="6" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders>"#;
    let mut s = format!(
        r#"<w:tbl><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>{border}<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>"#
    );
    for i in 0..headers.len() {
        s += &format!(r#"<w:gridCol w:w="{}"/>"#, w(i));
    }
    s += "</w:tblGrid>";
    s += r#"<w:tr><w:trPr><w:tblHeader/></w:trPr>"#;
    for (i, h) in headers.iter().enumerate() {
        s += &cell_xml(h, true, w(i));
    }
    s += "</w:tr>";
    for r in rows {
        s += "<w:tr><w:trPr><w:cantSplit/></w:trPr>";
        for i in 0..headers.len() {
            s += &cell_xml(r.get(i).map(String::as_str).unwrap_or(""), false, w(i));
        }
        s += "</w:tr>";
    }
    s += "</w:tbl>";
    // A table must be followed by a paragraph.
    s += r#"<w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr></w:p>"#;
    s
}

/// The page-number footer: "— N —" in 4号 宋体; odd pages right, even pages left, one character in.
fn footer(odd: bool) -> String {
    let (jc, ind) = if odd {
        ("right", r#"<w:ind w:right="280"/>"#)
    } else {
        ("left", r#"<w:ind w:left="280"/>"#)
    };
    let run = |t: &str| {
        format!(
            r#"<w:r><w:rPr><w:rFonts w:ascii="宋体" w:eastAsia="宋体" w:hAnsi="宋体"/><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">{t}</w:t></w:r>"#
        )
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:jc w:val="{jc}"/>{ind}</w:pPr>{}<w:r><w:rPr><w:rFonts w:ascii="宋体" w:eastAsia="宋体" w:hAnsi="宋体"/><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:rPr><w:rFonts w:ascii="宋体" w:eastAsia="宋体" w:hAnsi="宋体"/><w:sz w:val="28"/></w:rPr><w:t>1</w:t></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="end"/></w:r>{}</w:p></w:ftr>"#,
        run("— "),
        run(" —")
    )
}

fn core_xml(title: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>diaodu 调度</dc:creator></cp:coreProperties>"#,
        xml_escape(title)
    )
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

const DOC_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdFooterOdd" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/></Relationships>"#;

const APP_XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>diaodu</Application></Properties>"#;

/// Odd and even pages get different footers (page numbers right and left).
const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:evenAndOddHeaders/><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/></w:settings>"#;

/// Styles: 3号 = 16 pt = 32 half-points; 2号 = 22 pt = 44; a fixed 28 pt line = 560 twips. The
/// 仿宋_GB2312 / 楷体_GB2312 / 方正小标宋简体 names are what Chinese offices have installed; each style
/// names a common fallback family too.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋_GB2312" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:line="560" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="公文正文"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr><w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋_GB2312" w:hAnsi="Times New Roman"/><w:sz w:val="32"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="DocTitle"><w:name w:val="公文标题"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="0" w:after="560" w:line="700" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:ascii="方正小标宋简体" w:eastAsia="方正小标宋简体" w:hAnsi="方正小标宋简体"/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Addressee"><w:name w:val="主送机关"/><w:basedOn w:val="Normal"/><w:rPr><w:rFonts w:eastAsia="仿宋_GB2312"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="公文一级标题"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:ind w:firstLineChars="200" w:firstLine="640"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:ascii="黑体" w:eastAsia="黑体" w:hAnsi="黑体"/><w:sz w:val="32"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="公文二级标题"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:ind w:firstLineChars="200" w:firstLine="640"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:rFonts w:ascii="楷体_GB2312" w:eastAsia="楷体_GB2312" w:hAnsi="楷体_GB2312"/><w:sz w:val="32"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Signature"><w:name w:val="署名与成文日期"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:right="1280"/><w:jc w:val="right"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Issuer"><w:name w:val="发文机关标志"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="1200" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:ascii="方正小标宋简体" w:eastAsia="方正小标宋简体" w:hAnsi="方正小标宋简体"/><w:color w:val="FF0000"/><w:sz w:val="72"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="DocNumber"><w:name w:val="发文字号"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="560"/><w:jc w:val="center"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="RedRule"><w:name w:val="版头分隔线"/><w:basedOn w:val="Normal"/><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="12" w:space="1" w:color="FF0000"/></w:pBdr><w:spacing w:line="240" w:lineRule="exact" w:after="560"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="TableHeader"><w:name w:val="表头"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="360" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:ascii="黑体" w:eastAsia="黑体" w:hAnsi="黑体"/><w:sz w:val="24"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="表格正文"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="360" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="24"/></w:rPr></w:style></w:styles>"#;

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn part(bytes: &[u8], name: &str) -> String {
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut s = String::new();
        z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn numbering() {
        assert_eq!(zh_number(1), "一");
        assert_eq!(zh_number(10), "十");
        assert_eq!(zh_number(12), "十二");
        assert_eq!(zh_number(20), "二十");
        assert_eq!(zh_number(35), "三十五");
        let mut d = OfficialDoc::new();
        d.h1("总体情况")
            .h2("生产总值")
            .h2("工业")
            .h1("下一步工作")
            .h2("抓项目");
        let heads: Vec<_> = d
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading1(t) | Block::Heading2(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            heads,
            [
                "一、总体情况",
                "（一）生产总值",
                "（二）工业",
                "二、下一步工作",
                "（一）抓项目"
            ]
        );
    }

    #[test]
    fn layout_follows_the_standard() {
        let mut d =
            OfficialDoc::new().issuer("云川市人民政府办公室", Some("云政办通〔2026〕1号".into()));
        d.title("关于2026年一季度主要经济指标的通报")
            .addressee("各县区人民政府，市直各部门")
            .h1("总体情况")
            .para("正文<&>")
            .table(
                vec!["指标".into(), "排名".into()],
                vec![vec!["地区生产总值".into(), "3".into()]],
            );
        d.signature("云川市人民政府办公室", "2026年4月20日");
        let bytes = d.to_docx();
        let doc = part(&bytes, "word/document.xml");
        assert!(doc.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#), "A4");
        assert!(
            doc.contains(r#"w:top="2098" w:right="1474" w:bottom="1984" w:left="1587""#),
            "margins 37/26/35/28 mm"
        );
        assert!(doc.contains("正文&lt;&amp;&gt;"));
        assert!(doc.contains("<w:tblHeader/>"), "table header row repeats");
        let styles = part(&bytes, "word/styles.xml");
        assert!(
            styles.contains(r#"<w:spacing w:line="560" w:lineRule="exact"/>"#),
            "fixed 28 pt lines"
        );
        assert!(
            styles.contains(r#"w:eastAsia="方正小标宋简体""#)
                && styles.contains(r#"<w:sz w:val="44"/>"#),
            "title 2号 小标宋"
        );
        assert!(
            styles.contains(r#"w:eastAsia="仿宋_GB2312""#)
                && styles.contains(r#"<w:sz w:val="32"/>"#),
            "body 3号 仿宋"
        );
        assert!(
            styles.contains(r#"w:eastAsia="黑体""#)
                && styles.contains(r#"w:eastAsia="楷体_GB2312""#)
        );
        assert!(part(&bytes, "word/footer1.xml").contains("PAGE"));
        assert!(part(&bytes, "word/settings.xml").contains("evenAndOddHeaders"));
        assert!(d.plain_text().contains("一、总体情况"));
    }
}
