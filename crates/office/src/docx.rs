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

/// The 版头 of GB/T 9704: what stands above the red rule.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Masthead {
    /// 份号 (copy number, six digits), top left, if the copies are numbered.
    pub copy_no: Option<String>,
    /// 密级和保密期限, top left under the copy number, if classified.
    pub secrecy: Option<String>,
    /// 紧急程度 (特急, 加急), top left, if urgent.
    pub urgency: Option<String>,
    /// 发文机关标志: the issuing body's name (with 文件, or the document's own mark such as
    /// 重点工作调度会纪要), in red 小标宋, centred.
    pub mark: String,
    /// 发文字号 (云政督〔2026〕12号), centred under the mark.
    pub number: Option<String>,
    /// A line under the mark with text at the left and the right edge instead of a number (a
    /// 纪要's issuing body and date, a briefing's meeting and date).
    pub sides: Option<(String, String)>,
}

/// The 版记 of GB/T 9704, at the foot of the last page between rules: who else receives the
/// document, who printed it and when.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Colophon {
    /// 抄送机关 (or a 纪要's 分送), without the label.
    pub copies_to: Option<String>,
    /// The label before `copies_to`: 抄送 (a notice) or 分送 (a 纪要).
    pub copies_label: &'static str,
    /// 印发机关.
    pub printed_by: String,
    /// 印发日期, as written (2026年12月6日).
    pub printed_on: String,
}

/// An official document being assembled.
#[derive(Debug, Clone, Default)]
pub struct OfficialDoc {
    /// The 版头 (issuing body in red above a red rule), if any.
    pub masthead: Option<Masthead>,
    /// The 版记, if any.
    pub colophon: Option<Colophon>,
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

    /// Sets the 版头.
    pub fn masthead(&mut self, m: Masthead) -> &mut Self {
        self.masthead = Some(m);
        self
    }

    /// Sets the 版记.
    pub fn colophon(&mut self, c: Colophon) -> &mut Self {
        self.colophon = Some(c);
        self
    }

    /// The 发文字号 in the 版头, if any.
    pub fn number(&self) -> Option<&str> {
        self.masthead.as_ref().and_then(|m| m.number.as_deref())
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

    /// Adds the signature block: 发文机关署名 and 成文日期, with room above them for the seal
    /// (印章), kept on one page with the paragraph before them.
    pub fn signature(&mut self, org: impl Into<String>, date: impl Into<String>) -> &mut Self {
        self.blocks.push(Block::Signature {
            org: org.into(),
            date: date.into(),
        });
        self
    }

    /// The document as plain text (for the terminal and for tests).
    pub fn plain_text(&self) -> String {
        let mut out = String::new();
        if let Some(m) = &self.masthead {
            for t in [&m.copy_no, &m.secrecy, &m.urgency].into_iter().flatten() {
                out += &format!("{t}\n");
            }
            out += &format!("{}\n", m.mark);
            if let Some(n) = &m.number {
                out += &format!("{n}\n");
            }
            if let Some((l, r)) = &m.sides {
                out += &format!("{l}　　{r}\n");
            }
            out.push('\n');
        }
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
        if let Some(c) = &self.colophon {
            if let Some(to) = &c.copies_to {
                out += &format!("{}：{to}。\n", c.copies_label);
            }
            out += &format!("{}　　{}印发\n", c.printed_by, c.printed_on);
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

    /// 发文机关: the body that signs it, else the one named beside the date in the 版头, else the
    /// red mark itself; empty when there is none.
    pub fn issuer(&self) -> String {
        let signed = self.blocks.iter().find_map(|b| match b {
            Block::Signature { org, .. } => Some(org.clone()),
            _ => None,
        });
        let m = self.masthead.as_ref();
        signed
            .or_else(|| m.and_then(|m| m.sides.as_ref().map(|s| s.0.clone())))
            .or_else(|| m.map(|m| m.mark.clone()))
            .unwrap_or_default()
    }

    /// The text below the title (主送机关, body, tables, signature), without the 版头 and the 版记:
    /// what an abstract is taken from.
    pub fn body_text(&self) -> String {
        let mut d = self.clone();
        d.masthead = None;
        d.colophon = None;
        d.blocks.retain(|b| !matches!(b, Block::Title(_)));
        d.plain_text()
    }

    /// 主送机关, or empty.
    pub fn addressee_text(&self) -> &str {
        self.blocks
            .iter()
            .find_map(|b| match b {
                Block::Addressee(t) => Some(t.as_str()),
                _ => None,
            })
            .unwrap_or("")
    }

    /// The title, or empty.
    pub fn title_text(&self) -> &str {
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
        if let Some(m) = &self.masthead {
            body += &masthead_xml(m);
        }
        let last_para = self
            .blocks
            .iter()
            .rposition(|b| matches!(b, Block::Para(_)));
        for (i, b) in self.blocks.iter().enumerate() {
            // The last paragraph before the signature keeps with it, so that the signature and
            // date never stand alone on a page.
            let keep = Some(i) == last_para
                && self.blocks[i + 1..]
                    .iter()
                    .any(|b| matches!(b, Block::Signature { .. }));
            if keep {
                if let Block::Para(t) = b {
                    body += &para_xml_keep(t, "BodyText");
                    continue;
                }
            }
            match b {
                Block::Title(t) => body += &title_xml(t),
                Block::Addressee(t) => body += &para_xml(&format!("{t}："), "Addressee", None),
                Block::Heading1(t) => body += &para_xml(t, "Heading1", None),
                Block::Heading2(t) => body += &para_xml(t, "Heading2", None),
                Block::Para(t) => body += &para_xml(t, "BodyText", None),
                Block::Table { headers, rows } => body += &table_xml(headers, rows),
                Block::Signature { org, date } => {
                    // Room for the seal, which presses on the signature and the date (GB/T 9704
                    // 7.3.5.1): the date four characters in from the right, the body centred on it.
                    body +=
                        r#"<w:p><w:pPr><w:pStyle w:val="BodyText"/><w:keepNext/></w:pPr></w:p>"#;
                    body +=
                        r#"<w:p><w:pPr><w:pStyle w:val="BodyText"/><w:keepNext/></w:pPr></w:p>"#;
                    body += &para_xml(org, "SignatureOrg", None);
                    body += &para_xml(date, "SignatureDate", None);
                }
                Block::Blank => body += r#"<w:p><w:pPr><w:pStyle w:val="BodyText"/></w:pPr></w:p>"#,
            }
        }
        if let Some(c) = &self.colophon {
            body += &colophon_xml(c);
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

/// The 版头: copy number, secrecy and urgency at the top left (黑体), the red mark centred 35 mm
/// below the top of the text block (GB/T 9704 7.2.4), the document number or the side line two lines
/// under it, and the red rule across the text block.
fn masthead_xml(m: &Masthead) -> String {
    let mut s = String::new();
    let tops: Vec<&String> = [&m.copy_no, &m.secrecy, &m.urgency]
        .into_iter()
        .flatten()
        .collect();
    for t in &tops {
        s += &para_xml(t, "MastheadLeft", None);
    }
    let before = mm(35.0).saturating_sub(560 * tops.len() as u32);
    // 36 pt a character, smaller for a long name so that it stays on one line of the text block
    // (156 mm = 442 pt; GB/T 9704 leaves the size to the issuer, below 22 × 15 mm a character).
    let chars = m.mark.chars().count().max(1) as u32;
    let size = (884 / chars).clamp(32, 72);
    s += &format!(
        r#"<w:p><w:pPr><w:pStyle w:val="Issuer"/><w:spacing w:before="{before}"/></w:pPr><w:r><w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
        xml_escape(&m.mark)
    );
    if let Some(n) = &m.number {
        s += &para_xml(n, "DocNumber", None);
    }
    if let Some((l, r)) = &m.sides {
        s += &format!(
            r#"<w:p><w:pPr><w:pStyle w:val="DocSides"/></w:pPr><w:r><w:t xml:space="preserve">{}</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
            xml_escape(l),
            xml_escape(r)
        );
    }
    s += r#"<w:p><w:pPr><w:pStyle w:val="RedRule"/></w:pPr></w:p>"#;
    s
}

/// The 版记: a table without side borders floating at the foot of the last page, a thick rule above
/// and below and a thin one between its lines (GB/T 9704 7.4): 抄送 one character in; the printing
/// body one character in at the left and the date one character in at the right.
fn colophon_xml(c: &Colophon) -> String {
    let total = mm(156.0);
    let thick = r#"w:val="single" w:sz="8" w:space="0" w:color="000000""#;
    let thin = r#"w:val="single" w:sz="4" w:space="0" w:color="000000""#;
    // Its height, for its place at the foot of the text block: 28 pt a line, lines by the width of
    // 4号 (14 pt) characters, and the rules.
    let width = total - 1400;
    let lines = |t: &str| text_twips(t) * 280 / 240 / width + 1;
    let copies = c
        .copies_to
        .as_ref()
        .map(|to| format!("{}：{to}。", c.copies_label));
    let height = 560 * (copies.as_deref().map(lines).unwrap_or(0) + 1) + 80;
    let y = mm(225.0).saturating_sub(height);
    let mut s = format!(
        r#"<w:tbl><w:tblPr><w:tblpPr w:leftFromText="0" w:rightFromText="0" w:vertAnchor="margin" w:horzAnchor="margin" w:tblpXSpec="center" w:tblpY="{y}"/><w:tblW w:w="{total}" w:type="dxa"/><w:tblBorders><w:top {thick}/><w:bottom {thick}/><w:insideH {thin}/></w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid><w:gridCol w:w="{total}"/></w:tblGrid>"#
    );
    let row = |runs: String, ind: &str| {
        format!(
            r#"<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w="{total}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="Colophon"/><w:tabs><w:tab w:val="right" w:pos="{tab}"/></w:tabs>{ind}</w:pPr>{runs}</w:p></w:tc></w:tr>"#,
            tab = total - 280
        )
    };
    let run = |t: &str| {
        format!(
            r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r>"#,
            xml_escape(t)
        )
    };
    if let Some(copies) = &copies {
        // A second line aligns with the first character after the colon.
        s += &row(
            run(copies),
            r#"<w:ind w:left="1120" w:hanging="840" w:right="280"/>"#,
        );
    }
    s += &row(
        format!(
            "{}<w:r><w:tab/></w:r>{}",
            run(&c.printed_by),
            run(&format!("{}印发", c.printed_on))
        ),
        "",
    );
    s += "</w:tbl>";
    // The body ends with a paragraph, never a table; a tiny one, so that it cannot need a page of
    // its own.
    s += r#"<w:p><w:pPr><w:spacing w:line="20" w:lineRule="exact"/><w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>"#;
    s
}

/// Words a title must not be broken inside (GB/T 9704 7.3.1: a title breaks where its words stay
/// whole): the two-character words of this platform's titles.
const TITLE_WORDS: &[&str] = &[
    "关于", "主要", "经济", "指标", "运行", "情况", "通报", "重点", "工作", "调度", "会议", "纪要",
    "材料", "汇报", "项目", "推进", "建设", "督查", "督办", "季度", "年度", "月度", "完成", "落实",
    "进展", "任务", "通知", "事项", "发展", "考核", "策划", "包装", "投资", "计划", "目标", "报告",
    "办结",
];

/// The lines of a title of fewer than `max_em` full-width characters a line: where it is longer, the
/// break whose lines are most even among those that leave every word whole, preferring a break
/// after a place name, a period or a 的; figures count half a character.
pub fn title_lines(t: &str, max_em: u32) -> Vec<String> {
    let chars: Vec<char> = t.chars().collect();
    let em2 = |c: &char| if (*c as u32) < 0x2E80 { 1 } else { 2 };
    let total: u32 = chars.iter().map(em2).sum();
    // A title exactly as long as the line is broken too: set in the title font, its figures are
    // wider than half a character and would push its last character onto a line of its own.
    if total < max_em * 2 || chars.len() < 2 {
        return vec![t.to_string()];
    }
    let mut best: Option<(i64, usize)> = None;
    let mut first = 0u32;
    for p in 1..chars.len() {
        first += em2(&chars[p - 1]);
        let rest = total - first;
        // The first line full-length at most; the rest may need lines of its own.
        if first > max_em * 2 {
            break;
        }
        let (a, b) = (chars[p - 1], chars[p]);
        // Neither inside a number nor inside a word.
        if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() {
            continue;
        }
        let pair: String = [a, b].iter().collect();
        if TITLE_WORDS.contains(&pair.as_str()) {
            continue;
        }
        // Even lines when the rest fits on one; else the first line as full as it can be.
        let mut score = if rest <= max_em * 2 {
            -(first as i64 - rest as i64).abs()
        } else {
            first as i64 - 1000
        };
        if "市区县省度年月的、和及与".contains(a) {
            score += 6;
        }
        if b == '的' || "、，）》".contains(b) {
            score -= 20;
        }
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, p));
        }
    }
    match best {
        Some((_, p)) => {
            let mut lines = vec![chars[..p].iter().collect::<String>()];
            lines.extend(title_lines(&chars[p..].iter().collect::<String>(), max_em));
            lines
        }
        None => vec![t.to_string()],
    }
}

/// The title (2号 小标宋, centred), broken into lines by [`title_lines`]: 20 characters a line of the
/// 156 mm text block.
fn title_xml(t: &str) -> String {
    let runs: Vec<String> = title_lines(t, 20)
        .iter()
        .map(|l| format!(r#"<w:t xml:space="preserve">{}</w:t>"#, xml_escape(l)))
        .collect();
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="DocTitle"/></w:pPr><w:r>{}</w:r></w:p>"#,
        runs.join("<w:br/>")
    )
}

/// A body paragraph kept on one page with the next (the signature after the last paragraph).
fn para_xml_keep(text: &str, style: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="{style}"/><w:keepNext/></w:pPr><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
        xml_escape(text)
    )
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

/// How wide a text is at the tables' 小四 (12 pt), in twips: a CJK or full-width character a full
/// em, anything else half.
fn text_twips(t: &str) -> u32 {
    t.chars()
        .map(|c| if (c as u32) < 0x2E80 { 120 } else { 240 })
        .sum()
}

/// A cell's left and right margins, and a little room so that a text exactly as wide does not wrap.
const CELL_PAD: u32 = 160 + 60;

/// Whether a column holds free text, which may wrap: any cell with more than six CJK characters.
/// Figures, dates, codes and short names are kept on one line.
fn free_text(col: impl Iterator<Item = String>) -> bool {
    col.into_iter()
        .any(|t| t.chars().filter(|c| (*c as u32) >= 0x2E80).count() > 6)
}

/// Column widths from the content (twips, summing to `total`): a column of figures, dates or short
/// names as wide as its widest cell, so that none breaks (`2026-12-09` on one line); the columns of
/// free text share what is left in proportion to their longest cell, each at least four
/// characters; room to spare goes to the free text, or to every column when there is none. When the
/// short columns alone are too wide, all shrink in proportion.
fn column_widths(headers: &[String], rows: &[Vec<String>], total: u32) -> Vec<u32> {
    let n = headers.len().max(1);
    let cell = |r: &Vec<String>, i: usize| r.get(i).cloned().unwrap_or_default();
    let mut fixed = vec![0u32; n];
    let mut free = vec![false; n];
    let mut want = vec![0u32; n];
    for i in 0..n {
        let header = headers.get(i).cloned().unwrap_or_default();
        free[i] = free_text(rows.iter().map(|r| cell(r, i)));
        let widest_cell = rows
            .iter()
            .map(|r| text_twips(&cell(r, i)))
            .max()
            .unwrap_or(0);
        // A header may wrap between characters; it needs at least two of them on a line.
        let header_min = text_twips(&header).min(480);
        want[i] = widest_cell.max(text_twips(&header)) + CELL_PAD;
        fixed[i] = widest_cell.max(header_min) + CELL_PAD;
    }
    let free_min = 4 * 240 + CELL_PAD;
    let free_count = free.iter().filter(|f| **f).count() as u32;
    // Short columns keep their headers on one line too, where the free text still has its room.
    let full: u32 = (0..n).filter(|&i| !free[i]).map(|i| want[i]).sum();
    if free_count > 0 && full + free_count * free_min <= total {
        for i in (0..n).filter(|&i| !free[i]) {
            fixed[i] = want[i];
        }
    }
    let fixed_sum: u32 = (0..n).filter(|&i| !free[i]).map(|i| fixed[i]).sum();
    let mut out = vec![0u32; n];
    if fixed_sum + free_count * free_min > total {
        // Too many short columns: every column in proportion to its need.
        let need: Vec<u32> = (0..n)
            .map(|i| if free[i] { free_min } else { fixed[i] })
            .collect();
        let sum: u64 = need.iter().map(|&x| x as u64).sum();
        for i in 0..n {
            out[i] = (need[i] as u64 * total as u64 / sum.max(1)) as u32;
        }
    } else if free_count == 0 {
        // No free text: each column its whole header on one line where the block allows, the
        // room to spare in proportion; else the room above the cells' needs goes to the headers
        // in proportion to what they lack.
        let want_sum: u32 = want.iter().sum();
        if want_sum <= total {
            let spare = (total - want_sum) as u64;
            for i in 0..n {
                out[i] = want[i] + (spare * want[i] as u64 / want_sum.max(1) as u64) as u32;
            }
        } else {
            let spare = (total - fixed_sum) as u64;
            let lack: u64 = (0..n).map(|i| (want[i] - fixed[i]) as u64).sum();
            for i in 0..n {
                out[i] = fixed[i] + (spare * (want[i] - fixed[i]) as u64 / lack.max(1)) as u32;
            }
        }
    } else {
        let left = total - fixed_sum;
        let free_want: u64 = (0..n).filter(|&i| free[i]).map(|i| want[i] as u64).sum();
        for i in 0..n {
            out[i] = if free[i] {
                // No wider than its longest cell needs while short columns lack room.
                ((want[i] as u64 * left as u64 / free_want.max(1)) as u32)
                    .max(free_min)
                    .min(want[i].max(free_min))
            } else {
                fixed[i]
            };
        }
        // Room left: first to the short columns whose headers wrap, then to the free text.
        let used: u32 = out.iter().sum();
        if used < total {
            let spare = (total - used) as u64;
            let lack: u64 = (0..n)
                .filter(|&i| !free[i])
                .map(|i| want[i].saturating_sub(out[i]) as u64)
                .sum();
            let give = spare.min(lack);
            for i in (0..n).filter(|&i| !free[i]) {
                out[i] += (give * want[i].saturating_sub(out[i]) as u64 / lack.max(1)) as u32;
            }
            let used: u32 = out.iter().sum();
            let rest = (total - used) as u64;
            for i in (0..n).filter(|&i| free[i]) {
                out[i] += (rest * want[i] as u64 / free_want.max(1)) as u32;
            }
        }
        // The minimums may overshoot: the widest free column gives the difference back.
        let sum: u32 = out.iter().sum();
        if sum > total {
            if let Some(j) = (0..n).filter(|&i| free[i]).max_by_key(|&i| out[i]) {
                out[j] -= (sum - total).min(out[j] - free_min.min(out[j]));
            }
        }
    }
    // Rounding: the last column takes what is left, so the table fills the text block exactly.
    let sum: u32 = out[..n - 1].iter().sum();
    out[n - 1] = total.saturating_sub(sum);
    out
}

fn table_xml(headers: &[String], rows: &[Vec<String>]) -> String {
    // The text block is 210 − 28 − 26 = 156 mm wide; the columns share it by their content.
    let total = mm(156.0);
    let widths = column_widths(headers, rows, total);
    let w = |i: usize| widths[i];
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
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋_GB2312" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:line="560" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="BodyText"><w:name w:val="公文正文"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr><w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋_GB2312" w:hAnsi="Times New Roman"/><w:sz w:val="32"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="DocTitle"><w:name w:val="公文标题"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="0" w:after="560" w:line="700" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:ascii="方正小标宋简体" w:eastAsia="方正小标宋简体" w:hAnsi="方正小标宋简体"/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Addressee"><w:name w:val="主送机关"/><w:basedOn w:val="Normal"/><w:rPr><w:rFonts w:eastAsia="仿宋_GB2312"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="公文一级标题"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:ind w:firstLineChars="200" w:firstLine="640"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:ascii="黑体" w:eastAsia="黑体" w:hAnsi="黑体"/><w:sz w:val="32"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="公文二级标题"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:ind w:firstLineChars="200" w:firstLine="640"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:rFonts w:ascii="楷体_GB2312" w:eastAsia="楷体_GB2312" w:hAnsi="楷体_GB2312"/><w:sz w:val="32"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="SignatureOrg"><w:name w:val="发文机关署名"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:ind w:right="1280"/><w:jc w:val="right"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="SignatureDate"><w:name w:val="成文日期"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:right="1280"/><w:jc w:val="right"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="MastheadLeft"><w:name w:val="份号密级紧急程度"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="left"/></w:pPr><w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="黑体" w:hAnsi="Times New Roman"/><w:sz w:val="32"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="DocSides"><w:name w:val="版头左右项"/><w:basedOn w:val="Normal"/><w:pPr><w:tabs><w:tab w:val="right" w:pos="8844"/></w:tabs><w:spacing w:before="560"/><w:ind w:left="160" w:right="160"/><w:jc w:val="left"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Colophon"><w:name w:val="版记"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="560" w:lineRule="exact"/><w:ind w:left="280" w:right="280"/><w:jc w:val="left"/></w:pPr><w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="仿宋_GB2312" w:hAnsi="Times New Roman"/><w:sz w:val="28"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Issuer"><w:name w:val="发文机关标志"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="1200" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:ascii="方正小标宋简体" w:eastAsia="方正小标宋简体" w:hAnsi="方正小标宋简体"/><w:color w:val="FF0000"/><w:sz w:val="72"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="DocNumber"><w:name w:val="发文字号"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="1120"/><w:jc w:val="center"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="RedRule"><w:name w:val="版头分隔线"/><w:basedOn w:val="Normal"/><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="12" w:space="1" w:color="FF0000"/></w:pBdr><w:spacing w:line="120" w:lineRule="exact" w:after="560"/></w:pPr><w:rPr><w:sz w:val="4"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="TableHeader"><w:name w:val="表头"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="360" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:ascii="黑体" w:eastAsia="黑体" w:hAnsi="黑体"/><w:sz w:val="24"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="表格正文"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="360" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="24"/></w:rPr></w:style></w:styles>"#;

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
        let mut d = OfficialDoc::new();
        d.masthead(Masthead {
            urgency: Some("加急".into()),
            mark: "云川市人民政府办公室".into(),
            number: Some("云政办通〔2026〕1号".into()),
            ..Default::default()
        })
        .colophon(Colophon {
            copies_to: Some("市委办公室，市人大常委会办公室".into()),
            copies_label: "抄送",
            printed_by: "云川市人民政府办公室".into(),
            printed_on: "2026年4月20日".into(),
        });
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
        // The 版头: urgency at the top left, the red mark, the number, the red rule.
        let at = |t: &str| doc.find(t).unwrap_or_else(|| panic!("{t} missing"));
        assert!(
            at("加急") < at("云川市人民政府办公室") && at("云政办通〔2026〕1号") < at("RedRule")
        );
        assert!(
            styles.contains(r#"w:styleId="Issuer""#)
                && styles.contains(r#"<w:color w:val="FF0000"/>"#)
        );
        // The 版记 floats at the foot of the last page, after the signature.
        assert!(doc.contains(r#"<w:tblpPr "#) && doc.contains(r#"w:vertAnchor="margin""#));
        assert!(at("抄送：市委办公室，市人大常委会办公室。") > at("2026年4月20日"));
        assert!(doc.contains("2026年4月20日印发"));
        // The paragraph before the signature keeps with it.
        let keep = doc.find("<w:keepNext/>").unwrap();
        assert!(keep < at("正文&lt;&amp;&gt;") && at("正文&lt;&amp;&gt;") < at("SignatureOrg"));
        assert!(part(&bytes, "word/footer1.xml").contains("PAGE"));
        assert!(part(&bytes, "word/settings.xml").contains("evenAndOddHeaders"));
        assert!(d.plain_text().contains("一、总体情况"));
    }

    /// Dates, figures and short names get the width they need on one line; the free text takes the
    /// rest; the columns fill the text block.
    #[test]
    fn columns_are_as_wide_as_their_content() {
        let headers: Vec<String> = ["序号", "项目名称", "责任单位", "计划开工", "原因"]
            .map(String::from)
            .to_vec();
        let rows: Vec<Vec<String>> = (1..=8)
            .map(|i| {
                vec![
                    i.to_string(),
                    format!("云川市第{i}污水处理厂提标改造工程"),
                    "高新区".into(),
                    "2026-12-09".into(),
                    "征地拆迁尚未完成，地块内仍有十二户未签订补偿协议，影响主体工程开工".into(),
                ]
            })
            .collect();
        let total = mm(156.0);
        let w = column_widths(&headers, &rows, total);
        assert_eq!(w.iter().sum::<u32>(), total);
        assert!(
            w[3] >= text_twips("2026-12-09") + 160,
            "a date on one line: {w:?}"
        );
        assert!(
            w[2] >= text_twips("高新区") + 160,
            "a short name on one line: {w:?}"
        );
        assert!(w[0] < w[3] && w[4] > w[1] / 2, "{w:?}");
        assert!(
            w[4] > w[3] && w[1] > w[3],
            "free text takes the rest: {w:?}"
        );
        // Only short columns: they share the block in proportion.
        let w = column_widths(
            &["指标".into(), "排名".into()],
            &[vec!["地区生产总值".into(), "3".into()]],
            total,
        );
        assert_eq!(w.iter().sum::<u32>(), total);
        assert!(w[0] > w[1]);
    }

    /// A long title breaks where its words stay whole and its lines are even.
    #[test]
    fn titles_break_between_words() {
        let lines = title_lines("关于2026年前三季度云川市主要经济指标运行情况的通报", 20);
        assert_eq!(
            lines,
            ["关于2026年前三季度云川市", "主要经济指标运行情况的通报"]
        );
        assert_eq!(
            title_lines("第一次重点工作调度会纪要", 20),
            ["第一次重点工作调度会纪要"]
        );
        for t in [
            "关于2026年11月云川市重点项目建设推进情况和双过半目标完成情况的通报",
            "云川市人民政府督查室关于重点工作任务落实情况督查督办事项办结情况的报告",
        ] {
            let lines = title_lines(t, 20);
            assert_eq!(lines.concat(), t);
            for w in lines.windows(2) {
                let pair: String = [w[0].chars().last().unwrap(), w[1].chars().next().unwrap()]
                    .iter()
                    .collect();
                assert!(!TITLE_WORDS.contains(&pair.as_str()), "{t}: {lines:?}");
            }
            assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
        }
    }
}
