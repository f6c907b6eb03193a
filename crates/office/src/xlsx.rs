//! Writing .xlsx files: import templates (with drop-down lists and an instructions sheet) and the
//! exported ledgers. Money is written in 万元 as numbers with two decimals, dates as real Excel dates, so
//! the sheets sort and sum the way users expect — and an exported ledger imports back unchanged.

use diaodu_domain::access::UnitKind;
use diaodu_domain::project::{Category, EnvApproval, ProjectFields, Stage};
use diaodu_domain::Yuan;
use rust_xlsxwriter::{
    Color, DataValidation, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};
use time::Date;

use crate::import::{
    Column, INDICATOR_COLUMNS, PROJECT_COLUMNS, QUOTA_COLUMNS, REPORT_COLUMNS, TARGET_COLUMNS,
    UNIT_COLUMNS, VALUE_COLUMNS,
};

/// Which template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    /// Units.
    Units,
    /// Projects.
    Projects,
    /// Progress reports.
    Reports,
    /// The indicator catalogue.
    Indicators,
    /// Yearly indicator targets.
    Targets,
    /// Indicator values.
    IndicatorValues,
    /// The units' planning quotas (策划包装任务).
    PlanningQuotas,
}

impl TemplateKind {
    /// Parses `units`, `projects`, `reports`.
    pub fn parse(s: &str) -> Option<TemplateKind> {
        match s {
            "units" => Some(TemplateKind::Units),
            "projects" => Some(TemplateKind::Projects),
            "reports" => Some(TemplateKind::Reports),
            "indicators" => Some(TemplateKind::Indicators),
            "targets" => Some(TemplateKind::Targets),
            "indicator-values" => Some(TemplateKind::IndicatorValues),
            "planning-quotas" => Some(TemplateKind::PlanningQuotas),
            _ => None,
        }
    }

    /// Columns of the template.
    pub fn columns(self) -> &'static [Column] {
        match self {
            TemplateKind::Units => UNIT_COLUMNS,
            TemplateKind::Projects => PROJECT_COLUMNS,
            TemplateKind::Reports => REPORT_COLUMNS,
            TemplateKind::Indicators => INDICATOR_COLUMNS,
            TemplateKind::Targets => TARGET_COLUMNS,
            TemplateKind::IndicatorValues => VALUE_COLUMNS,
            TemplateKind::PlanningQuotas => QUOTA_COLUMNS,
        }
    }

    /// Chinese title.
    pub fn title(self) -> &'static str {
        match self {
            TemplateKind::Units => "单位导入模板",
            TemplateKind::Projects => "项目导入模板",
            TemplateKind::Reports => "进度填报导入模板",
            TemplateKind::Indicators => "指标目录导入模板",
            TemplateKind::Targets => "指标目标导入模板",
            TemplateKind::IndicatorValues => "指标数值导入模板",
            TemplateKind::PlanningQuotas => "项目策划包装任务导入模板",
        }
    }

    /// File name of the download.
    pub fn file_name(self) -> &'static str {
        match self {
            TemplateKind::Units => "units-template.xlsx",
            TemplateKind::Projects => "projects-template.xlsx",
            TemplateKind::Reports => "reports-template.xlsx",
            TemplateKind::Indicators => "indicators-template.xlsx",
            TemplateKind::Targets => "targets-template.xlsx",
            TemplateKind::IndicatorValues => "indicator-values-template.xlsx",
            TemplateKind::PlanningQuotas => "planning-quotas-template.xlsx",
        }
    }
}

struct Styles {
    header: Format,
    required: Format,
    money: Format,
    pct: Format,
    date: Format,
    text: Format,
}

fn styles() -> Styles {
    let base = Format::new().set_font_name("宋体").set_font_size(11);
    Styles {
        header: base
            .clone()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_border(FormatBorder::Thin),
        required: base
            .clone()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_font_color(Color::RGB(0xC00000))
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_border(FormatBorder::Thin),
        money: base.clone().set_num_format("#,##0.00"),
        pct: base.clone().set_num_format("0.0"),
        date: base.clone().set_num_format("yyyy-mm-dd"),
        text: base,
    }
}

fn header_row(
    ws: &mut Worksheet,
    cols: &[(&str, bool, f64)],
    st: &Styles,
) -> Result<(), XlsxError> {
    for (i, (h, req, w)) in cols.iter().enumerate() {
        let c = i as u16;
        ws.write_string_with_format(0, c, *h, if *req { &st.required } else { &st.header })?;
        ws.set_column_width(c, *w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn width(h: &str) -> f64 {
    (h.chars().count() as f64 * 2.2 + 2.0).max(12.0)
}

fn list_validation(ws: &mut Worksheet, col: u16, values: &[&str]) -> Result<(), XlsxError> {
    let dv = DataValidation::new().allow_list_strings(values)?;
    ws.add_data_validation(1, col, 5000, col, &dv)?;
    Ok(())
}

/// An empty import template: the header row (required columns in red), drop-down lists where the
/// value comes from a fixed set, one example row, and a sheet explaining every column.
pub fn template(kind: TemplateKind) -> Result<Vec<u8>, XlsxError> {
    let st = styles();
    let mut wb = Workbook::new();
    let cols = kind.columns();
    {
        let ws = wb.add_worksheet();
        ws.set_name(kind.title())?;
        let spec: Vec<(&str, bool, f64)> = cols
            .iter()
            .map(|c| (c.header, c.required, width(c.header)))
            .collect();
        header_row(ws, &spec, &st)?;
        let idx = |h: &str| cols.iter().position(|c| c.header == h).map(|i| i as u16);
        let stage_names: Vec<&str> = Stage::ALL.iter().map(|s| s.zh()).collect();
        let cat_names: Vec<&str> = Category::ALL.iter().map(|s| s.zh()).collect();
        let env_names: Vec<&str> = EnvApproval::ALL.iter().map(|s| s.zh()).collect();
        let kind_names: Vec<&str> = UnitKind::ALL.iter().map(|s| s.zh()).collect();
        let ikind_names: Vec<&str> = diaodu_domain::indicator::IndicatorKind::ALL
            .iter()
            .map(|s| s.zh())
            .collect();
        let dir_names: Vec<&str> = diaodu_domain::indicator::Direction::ALL
            .iter()
            .map(|s| s.zh())
            .collect();
        for (h, vals) in [
            ("建设阶段", &stage_names),
            ("项目类别", &cat_names),
            ("环评状态", &env_names),
            ("单位类型", &kind_names),
            ("类型", &ikind_names),
            ("方向", &dir_names),
        ] {
            if let Some(c) = idx(h) {
                list_validation(ws, c, vals)?;
            }
        }
        let example: &[&str] = match kind {
            TemplateKind::Units => &["YC-DC", "东城区", "YC", "区县"],
            TemplateKind::Projects => &[
                "YC2026-001",
                "云川高新区智能装备产业园",
                "东城区",
                "王某某",
                "工业",
                "续建",
                "50000",
                "2026",
                "12000",
                "2025-03-01",
                "2027-12-31",
                "2025-03-18",
                "2025年第一批",
                "装备制造",
                "已批复",
            ],
            TemplateKind::Reports => &[
                "YC2026-001",
                "2026-W07",
                "320.5",
                "主体结构施工至第8层",
                "临时用电需协调",
            ],
            TemplateKind::Indicators => &["GDP", "地区生产总值", "亿元", "增速", "正向"],
            TemplateKind::Targets => &["GDP", "2026", "7.0"],
            TemplateKind::IndicatorValues => &["云川市", "GDP", "2026-Q1", "612.4", "6.2"],
            TemplateKind::PlanningQuotas => &["YC-DC", "2026", "30", "1500000", "5"],
        };
        for (i, v) in example.iter().enumerate() {
            ws.write_string_with_format(1, i as u16, *v, &st.text)?;
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("填写说明")?;
        header_row(
            ws,
            &[
                ("列名", false, 22.0),
                ("必填", false, 8.0),
                ("说明", false, 70.0),
            ],
            &st,
        )?;
        for (i, c) in cols.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string_with_format(r, 0, c.header, &st.text)?;
            ws.write_string_with_format(r, 1, if c.required { "是" } else { "否" }, &st.text)?;
            ws.write_string_with_format(r, 2, c.help, &st.text)?;
        }
        let r = cols.len() as u32 + 2;
        ws.write_string_with_format(
            r,
            0,
            "导入规则：整表校验，任一行有误则全部不导入，并列出每个错误的行号、列名和原因。第 2 行是示例，导入前请删除或改为真实数据。",
            &st.text,
        )?;
    }
    wb.save_to_buffer()
}

fn write_date(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    d: Option<Date>,
    st: &Styles,
) -> Result<(), XlsxError> {
    if let Some(d) = d {
        let x = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day())?;
        ws.write_date_with_format(r, c, &x, &st.date)?;
    }
    Ok(())
}

fn write_money(ws: &mut Worksheet, r: u32, c: u16, y: Yuan, st: &Styles) -> Result<(), XlsxError> {
    ws.write_number_with_format(r, c, y.wan(), &st.money)?;
    Ok(())
}

fn write_opt_pct(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    v: Option<f64>,
    st: &Styles,
) -> Result<(), XlsxError> {
    if let Some(v) = v {
        ws.write_number_with_format(r, c, (v * 10.0).round() / 10.0, &st.pct)?;
    }
    Ok(())
}

/// One ledger line: a project with its status as of the export date.
#[derive(Debug, Clone)]
pub struct LedgerRow {
    /// Owner unit name.
    pub unit: String,
    /// Fields.
    pub fields: ProjectFields,
    /// Light, in Chinese.
    pub light: &'static str,
    /// 时序进度 %.
    pub time_progress_pct: f64,
    /// Year to date investment.
    pub ytd: Yuan,
    /// Annual completion %.
    pub completion_pct: Option<f64>,
    /// Lag in points.
    pub lag_pp: Option<f64>,
    /// Why red or yellow.
    pub reasons: String,
}

/// The column headers of the ledger: the import template's, then the computed ones.
pub fn ledger_headers() -> Vec<&'static str> {
    let mut h: Vec<&str> = PROJECT_COLUMNS.iter().map(|c| c.header).collect();
    h.extend([
        "亮灯",
        "时序进度(%)",
        "本年完成投资(万元)",
        "年度完成率(%)",
        "滞后(百分点)",
        "亮灯原因",
    ]);
    h
}

/// The project ledger (项目台账) as .xlsx.
pub fn ledger_xlsx(title: &str, rows: &[LedgerRow]) -> Result<Vec<u8>, XlsxError> {
    let st = styles();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("项目台账")?;
    let heads = ledger_headers();
    let spec: Vec<(&str, bool, f64)> = heads.iter().map(|h| (*h, false, width(h))).collect();
    header_row(ws, &spec, &st)?;
    ws.set_column_width(1, 36)?;
    for (i, r) in rows.iter().enumerate() {
        let n = i as u32 + 1;
        let f = &r.fields;
        let texts = [
            (0u16, f.code.as_str()),
            (1, f.name.as_str()),
            (2, r.unit.as_str()),
            (3, f.leader.as_str()),
            (4, f.category.zh()),
            (5, f.stage.zh()),
            (12, f.batch.as_str()),
            (13, f.industry.as_str()),
            (14, f.env_approval.zh()),
            (17, r.light),
            (22, r.reasons.as_str()),
        ];
        for (c, t) in texts {
            ws.write_string_with_format(n, c, t, &st.text)?;
        }
        write_money(ws, n, 6, f.total_investment, &st)?;
        ws.write_number_with_format(n, 7, f64::from(f.plan_year), &st.text)?;
        write_money(ws, n, 8, f.annual_plan, &st)?;
        write_date(ws, n, 9, f.planned_start, &st)?;
        write_date(ws, n, 10, f.planned_finish, &st)?;
        write_date(ws, n, 11, f.actual_start, &st)?;
        if let Some(py) = f.planning_year {
            ws.write_number_with_format(n, 15, f64::from(py), &st.text)?;
        }
        write_date(ws, n, 16, f.entered_on, &st)?;
        write_opt_pct(ws, n, 18, Some(r.time_progress_pct), &st)?;
        write_money(ws, n, 19, r.ytd, &st)?;
        write_opt_pct(ws, n, 20, r.completion_pct, &st)?;
        write_opt_pct(ws, n, 21, r.lag_pp, &st)?;
    }
    ws.autofilter(0, 0, rows.len() as u32, heads.len() as u16 - 1)?;
    let _ = title;
    wb.save_to_buffer()
}

/// A text cell for a CSV file that a spreadsheet will open: text beginning with `=`, `+`, `-`, `@`, tab
/// or carriage return would be taken for a formula (`=HYPERLINK(…)` in a project's name), so it is
/// written after an apostrophe, which spreadsheets show as text and the importer drops again
/// ([`crate::table`]). Numbers are written by their own code, never through this.
pub fn csv_text(s: &str) -> String {
    if s.starts_with(FORMULA_STARTS) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// What a spreadsheet reads as the start of a formula.
pub const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// The ledger as CSV (UTF-8 with BOM so that Excel opens the Chinese correctly).
pub fn ledger_csv(rows: &[LedgerRow]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let _ = w.write_record(ledger_headers());
    let ds = |d: Option<Date>| d.map(diaodu_domain::period::fmt_date).unwrap_or_default();
    let pct = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
    for r in rows {
        let f = &r.fields;
        let _ = w.write_record([
            csv_text(&f.code),
            csv_text(&f.name),
            csv_text(&r.unit),
            csv_text(&f.leader),
            f.category.zh().into(),
            f.stage.zh().into(),
            f.total_investment.wan_text(),
            f.plan_year.to_string(),
            f.annual_plan.wan_text(),
            ds(f.planned_start),
            ds(f.planned_finish),
            ds(f.actual_start),
            csv_text(&f.batch),
            csv_text(&f.industry),
            f.env_approval.zh().into(),
            f.planning_year.map(|y| y.to_string()).unwrap_or_default(),
            ds(f.entered_on),
            r.light.into(),
            format!("{:.1}", r.time_progress_pct),
            r.ytd.wan_text(),
            pct(r.completion_pct),
            pct(r.lag_pp),
            csv_text(&r.reasons),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

/// One line of the unit ranking.
#[derive(Debug, Clone)]
pub struct RankingRow {
    /// Rank among siblings by completion (ties share), `None` without a plan.
    pub rank: Option<u32>,
    /// Unit name.
    pub unit: String,
    /// Projects.
    pub projects: u32,
    /// Started.
    pub started: u32,
    /// Start rate %.
    pub start_rate_pct: Option<f64>,
    /// Annual plan.
    pub annual_plan: Yuan,
    /// Year to date.
    pub ytd: Yuan,
    /// Completion %.
    pub completion_pct: Option<f64>,
    /// Lights.
    pub red: u32,
    /// Lights.
    pub yellow: u32,
    /// Lights.
    pub green: u32,
    /// On-time report share %.
    pub on_time_pct: Option<f64>,
    /// 双过半.
    pub double_half: Option<bool>,
}

/// The unit ranking as .xlsx.
pub fn ranking_xlsx(title: &str, rows: &[RankingRow]) -> Result<Vec<u8>, XlsxError> {
    let st = styles();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("单位排名")?;
    let heads = [
        "排名",
        "单位",
        "项目数",
        "已开工",
        "开工率(%)",
        "年度计划投资(万元)",
        "本年完成投资(万元)",
        "完成率(%)",
        "红灯",
        "黄灯",
        "绿灯",
        "按时填报率(%)",
        "双过半",
    ];
    let title_fmt = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_font_name("宋体");
    ws.merge_range(0, 0, 0, heads.len() as u16 - 1, title, &title_fmt)?;
    for (i, h) in heads.iter().enumerate() {
        ws.write_string_with_format(1, i as u16, *h, &st.header)?;
        ws.set_column_width(i as u16, width(h))?;
    }
    ws.set_column_width(1, 24)?;
    for (i, r) in rows.iter().enumerate() {
        let n = i as u32 + 2;
        if let Some(rank) = r.rank {
            ws.write_number_with_format(n, 0, f64::from(rank), &st.text)?;
        }
        ws.write_string_with_format(n, 1, &r.unit, &st.text)?;
        ws.write_number_with_format(n, 2, f64::from(r.projects), &st.text)?;
        ws.write_number_with_format(n, 3, f64::from(r.started), &st.text)?;
        write_opt_pct(ws, n, 4, r.start_rate_pct, &st)?;
        write_money(ws, n, 5, r.annual_plan, &st)?;
        write_money(ws, n, 6, r.ytd, &st)?;
        write_opt_pct(ws, n, 7, r.completion_pct, &st)?;
        ws.write_number_with_format(n, 8, f64::from(r.red), &st.text)?;
        ws.write_number_with_format(n, 9, f64::from(r.yellow), &st.text)?;
        ws.write_number_with_format(n, 10, f64::from(r.green), &st.text)?;
        write_opt_pct(ws, n, 11, r.on_time_pct, &st)?;
        let dh = match r.double_half {
            Some(true) => "是",
            Some(false) => "否",
            None => "",
        };
        ws.write_string_with_format(n, 12, dh, &st.text)?;
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::parse_projects;
    use crate::table::read_table;

    #[test]
    fn templates_read_back_with_their_headers() {
        for k in [
            TemplateKind::Units,
            TemplateKind::Projects,
            TemplateKind::Reports,
        ] {
            let bytes = template(k).unwrap();
            let t = read_table("t.xlsx", &bytes, k.columns()[0].header).unwrap();
            let want: Vec<&str> = k.columns().iter().map(|c| c.header).collect();
            assert_eq!(t.headers, want);
            assert_eq!(t.rows.len(), 1, "one example row");
        }
    }

    #[test]
    fn ledger_round_trips_through_import() {
        let t = read_table(
            "t.xlsx",
            &template(TemplateKind::Projects).unwrap(),
            "项目编码",
        )
        .unwrap();
        let rows = parse_projects(&t).unwrap().rows;
        let ledger: Vec<LedgerRow> = rows
            .iter()
            .map(|r| LedgerRow {
                unit: r.unit.clone(),
                fields: r.fields.clone(),
                light: "绿灯",
                time_progress_pct: 50.0,
                ytd: Yuan(0),
                completion_pct: None,
                lag_pp: None,
                reasons: String::new(),
            })
            .collect();
        let bytes = ledger_xlsx("台账", &ledger).unwrap();
        let back = parse_projects(&read_table("l.xlsx", &bytes, "项目编码").unwrap())
            .unwrap()
            .rows;
        assert_eq!(back[0].fields, rows[0].fields);
        let csv = ledger_csv(&ledger);
        let back = parse_projects(&read_table("l.csv", &csv, "项目编码").unwrap())
            .unwrap()
            .rows;
        assert_eq!(back[0].fields, rows[0].fields);
    }

    #[test]
    fn csv_cells_that_look_like_formulas_are_neutralised_and_read_back_intact() {
        let t = read_table(
            "t.xlsx",
            &template(TemplateKind::Projects).unwrap(),
            "项目编码",
        )
        .unwrap();
        let mut fields = parse_projects(&t).unwrap().rows[0].fields.clone();
        fields.name = "=HYPERLINK(\"http://evil.example/\",\"点我\")".into();
        fields.leader = "+1+1".into();
        fields.batch = "-2026".into();
        fields.industry = "@SUM(A1)".into();
        let ledger = vec![LedgerRow {
            unit: "甲区".into(),
            fields: fields.clone(),
            light: "绿灯",
            time_progress_pct: 50.0,
            ytd: Yuan(0),
            completion_pct: None,
            lag_pp: Some(-3.5),
            reasons: "=1+1".into(),
        }];
        let csv = ledger_csv(&ledger);
        let text = String::from_utf8(csv.clone()).unwrap();
        for cell in ["'=HYPERLINK", "'+1+1", "'-2026", "'@SUM(A1)", "'=1+1"] {
            assert!(text.contains(cell), "{cell} in {text}");
        }
        // Numbers stay numbers.
        assert!(text.contains(",-3.5,"), "{text}");
        let back = parse_projects(&read_table("l.csv", &csv, "项目编码").unwrap())
            .unwrap()
            .rows;
        assert_eq!(back[0].fields, fields);
    }
}

/// A cell of a list exported by [`table_xlsx`].
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text, written as text (never read as a formula).
    Text(String),
    /// A number with up to two decimals.
    Num(f64),
    /// A whole number.
    Int(i64),
    /// Nothing.
    Empty,
}

/// Any list as .xlsx: a title row, a header row with a filter, the rows, the headers kept in view;
/// columns sized by their content (a text column at most 60 characters wide).
pub fn table_xlsx(
    sheet: &str,
    title: &str,
    headers: &[&str],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, XlsxError> {
    let st = styles();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let title_fmt = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_font_name("宋体");
    let last_col = headers.len().saturating_sub(1) as u16;
    if last_col > 0 {
        ws.merge_range(0, 0, 0, last_col, title, &title_fmt)?;
    } else {
        ws.write_string_with_format(0, 0, title, &title_fmt)?;
    }
    let mut widths: Vec<f64> = headers.iter().map(|h| width(h)).collect();
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(1, i as u16, *h, &st.header)?;
    }
    let num = Format::new()
        .set_font_name("宋体")
        .set_font_size(11)
        .set_num_format("#,##0.00");
    for (r, row) in rows.iter().enumerate() {
        let n = r as u32 + 2;
        for (c, cell) in row.iter().enumerate() {
            let col = c as u16;
            match cell {
                Cell::Text(t) => {
                    ws.write_string_with_format(n, col, t, &st.text)?;
                    let w = t
                        .chars()
                        .map(|ch| if ch.is_ascii() { 1.1 } else { 2.2 })
                        .sum::<f64>()
                        + 2.0;
                    if let Some(x) = widths.get_mut(c) {
                        *x = x.max(w.min(60.0));
                    }
                }
                Cell::Num(v) => {
                    ws.write_number_with_format(n, col, *v, &num)?;
                }
                Cell::Int(v) => {
                    ws.write_number_with_format(n, col, *v as f64, &st.text)?;
                }
                Cell::Empty => {}
            }
        }
    }
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }
    ws.autofilter(1, 0, rows.len() as u32 + 1, last_col)?;
    ws.set_freeze_panes(2, 0)?;
    wb.save_to_buffer()
}
