//! Turning a table into domain rows, collecting every error with its row, column and reason. Columns are
//! found by their Chinese header (full-width brackets and spaces tolerated), in any order.

use std::collections::HashMap;

use diaodu_domain::access::UnitKind;
use diaodu_domain::import::{
    ImportError, IndicatorImportRow, IndicatorValueRow, Parsed, ProjectRow, QuotaRow, ReportRow,
    RowRef, TargetRow, UnitRow,
};
use diaodu_domain::indicator::{parse_number, Direction, Indicator, IndicatorKind, StatPeriod};
use diaodu_domain::period::{parse_date, Period};
use diaodu_domain::project::{Category, EnvApproval, ProjectFields, Stage};
use diaodu_domain::Yuan;
use time::Date;

use crate::table::{Cell, Table, TableRow};

/// A column of an import template.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Header as in the template.
    pub header: &'static str,
    /// Whether the column must be present and every row must fill it.
    pub required: bool,
    /// Help text for the template's instructions sheet.
    pub help: &'static str,
}

const fn col(header: &'static str, required: bool, help: &'static str) -> Column {
    Column {
        header,
        required,
        help,
    }
}

/// Columns of the unit import.
pub const UNIT_COLUMNS: &[Column] = &[
    col("单位编码", true, "唯一编码，如 YC-DC"),
    col("单位名称", true, "全称，如 东城区"),
    col(
        "上级单位编码",
        false,
        "上级单位的编码或准确名称；最上级单位留空",
    ),
    col("单位类型", true, "省、市、区县、园区、部门 之一"),
];

/// Columns of the project import.
pub const PROJECT_COLUMNS: &[Column] = &[
    col("项目编码", true, "唯一编码，字母、数字、- 或 _"),
    col("项目名称", true, "项目全称"),
    col("责任单位", true, "单位编码或准确名称"),
    col("包抓领导", false, "包抓市级领导姓名"),
    col(
        "项目类别",
        true,
        "工业、文旅、生态、基础设施、民生、其他 之一",
    ),
    col(
        "建设阶段",
        true,
        "储备、前期、新开工、续建、竣工投产、停工 之一",
    ),
    col("总投资(万元)", true, "万元，最多两位小数"),
    col("计划年度", true, "如 2026"),
    col(
        "年度计划投资(万元)",
        true,
        "万元，最多两位小数，不大于总投资",
    ),
    col("计划开工日期", false, "YYYY-MM-DD 或 YYYY/M/D"),
    col("计划竣工日期", false, "不早于计划开工日期"),
    col(
        "实际开工日期",
        false,
        "新开工、续建、竣工投产、停工必填；储备、前期不填",
    ),
    col("集中开工批次", false, "如 2026年第一批"),
    col("所属行业", false, "用于准入审查，如 装备制造"),
    col("环评状态", false, "已批复、待批复、未通过 之一，默认待批复"),
    col(
        "策划年度",
        false,
        "策划包装入库的年度，如 2026，计入该年度单位策划任务；不属策划任务的留空",
    ),
    col("入库日期", false, "项目进入项目库的日期，留空为导入当天"),
];

/// Columns of the planning quota import (策划包装任务).
pub const QUOTA_COLUMNS: &[Column] = &[
    col("单位编码", true, "单位编码或准确名称"),
    col("年度", true, "如 2026"),
    col("策划项目数", true, "整数，不能为负"),
    col("策划总投资(万元)", true, "万元，最多两位小数"),
    col("大块头项目数", true, "整数，不大于策划项目数"),
];

/// Columns of the progress report import.
pub const REPORT_COLUMNS: &[Column] = &[
    col("项目编码", true, "项目库中已有的项目编码"),
    col(
        "填报期",
        true,
        "ISO 周 YYYY-Www（如 2026-W07）或月份 YYYY-MM（如 2026-03）",
    ),
    col("本期完成投资(万元)", true, "万元，最多两位小数，不能为负"),
    col("形象进度", false, "文字"),
    col("存在问题", false, "需协调解决的问题"),
];

/// Columns of the indicator catalogue import.
pub const INDICATOR_COLUMNS: &[Column] = &[
    col("指标编码", true, "唯一编码，如 GDP"),
    col("指标名称", true, "如 地区生产总值"),
    col("计量单位", false, "如 亿元、%、万千瓦时"),
    col("类型", true, "增速（按累计增速排名）或 总量（按数值排名）"),
    col(
        "方向",
        true,
        "正向（越高越好）或 逆向（越低越好，如单位GDP能耗）",
    ),
];

/// Columns of the target import.
pub const TARGET_COLUMNS: &[Column] = &[
    col("指标编码", true, "指标目录中的编码"),
    col("年度", true, "如 2026"),
    col("目标值", true, "增速类为目标增速（%），总量类为目标值"),
];

/// Columns of the indicator value import.
pub const VALUE_COLUMNS: &[Column] = &[
    col("地区", true, "单位编码或准确名称（本市、各区县及全省各市）"),
    col("指标", true, "指标编码或名称"),
    col(
        "期别",
        true,
        "YYYY-MM（月）、YYYY-Qn（季）、YYYY-H1/H2（半年）、YYYY（年），均为年初至该期累计",
    ),
    col("数值", false, "累计值（总量类必填）"),
    col("增速(%)", false, "累计增速，下降填负数（增速类必填）"),
];

fn norm(h: &str) -> String {
    h.trim()
        .replace('（', "(")
        .replace('）', ")")
        .replace([' ', '\u{3000}'], "")
}

/// Where each template column sits in a table, and the errors of the rows read so far.
struct Located {
    idx: HashMap<&'static str, usize>,
    errors: Vec<ImportError>,
    refs: Vec<RowRef>,
}

/// Finds the template's columns among `headers`; `Err` lists the required ones missing.
fn locate(headers: &[String], cols: &[Column]) -> Result<Located, Vec<ImportError>> {
    let mut idx = HashMap::new();
    let mut errors = Vec::new();
    let headers: Vec<String> = headers.iter().map(|h| norm(h)).collect();
    for c in cols {
        match headers.iter().position(|h| *h == norm(c.header)) {
            Some(i) => {
                idx.insert(c.header, i);
            }
            None if c.required => errors.push(ImportError::new(1, c.header, "缺少此列")),
            None => {}
        }
    }
    if errors.is_empty() {
        Ok(Located {
            idx,
            errors,
            refs: Vec::new(),
        })
    } else {
        Err(errors)
    }
}

impl Located {
    fn cell<'r>(&self, r: &'r TableRow, h: &str) -> Option<&'r Cell> {
        self.idx
            .get(h)
            .and_then(|&i| r.cells.get(i))
            .filter(|c| !c.is_blank())
    }

    fn text(&self, r: &TableRow, h: &str) -> String {
        self.cell(r, h)
            .map(|c| c.text().trim().to_string())
            .unwrap_or_default()
    }

    fn required(&mut self, r: &TableRow, h: &'static str) -> Option<String> {
        let t = self.text(r, h);
        if t.is_empty() {
            self.errors.push(ImportError::new(r.number, h, "不能为空"));
            None
        } else {
            Some(t)
        }
    }

    fn money(&mut self, r: &TableRow, h: &'static str) -> Option<Yuan> {
        let res = match self.cell(r, h) {
            None => {
                self.errors.push(ImportError::new(r.number, h, "不能为空"));
                return None;
            }
            Some(Cell::Number(n)) => Yuan::from_wan_f64(*n),
            Some(c) => Yuan::parse_wan(&c.text()),
        };
        res.map_err(|e| {
            self.errors
                .push(ImportError::new(r.number, h, e.to_string()))
        })
        .ok()
    }

    fn date(&mut self, r: &TableRow, h: &'static str) -> Result<Option<Date>, ()> {
        match self.cell(r, h) {
            None => Ok(None),
            Some(Cell::Date(d)) => Ok(Some(*d)),
            Some(c) => parse_date(&c.text()).map(Some).map_err(|e| {
                self.errors
                    .push(ImportError::new(r.number, h, e.to_string()));
            }),
        }
    }

    /// An optional year (2000–2100): `Ok(None)` when blank; `Err` recorded otherwise.
    fn year(&mut self, r: &TableRow, h: &'static str) -> Result<Option<i32>, ()> {
        let t = self.text(r, h);
        if t.is_empty() {
            return Ok(None);
        }
        let y = t
            .trim_end_matches('年')
            .trim_end_matches(".0")
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y));
        match y {
            Some(y) => Ok(Some(y)),
            None => {
                self.errors.push(ImportError::new(
                    r.number,
                    h,
                    format!("“{t}”不是有效值，应为：2000 至 2100 之间的年份"),
                ));
                Err(())
            }
        }
    }

    /// A required whole number, not negative.
    fn count(&mut self, r: &TableRow, h: &'static str) -> Option<i64> {
        let t = self.required(r, h)?;
        let v = match self.cell(r, h) {
            Some(Cell::Number(n)) if n.fract() == 0.0 && *n >= 0.0 && *n <= 1e9 => Some(*n as i64),
            Some(Cell::Number(_)) => None,
            _ => t.parse::<i64>().ok().filter(|n| *n >= 0),
        };
        if v.is_none() {
            self.errors.push(ImportError::new(
                r.number,
                h,
                format!("“{t}”不是有效值，应为：不为负的整数"),
            ));
        }
        v
    }

    fn parse<T>(
        &mut self,
        r: &TableRow,
        h: &'static str,
        f: impl Fn(&str) -> Option<T>,
        allowed: &str,
    ) -> Option<T> {
        let t = self.required(r, h)?;
        let v = f(&t);
        if v.is_none() {
            self.errors.push(ImportError::new(
                r.number,
                h,
                format!("“{t}”不是有效值，应为：{allowed}"),
            ));
        }
        v
    }
}

/// Reads every row of `t` with `row`, which returns the parsed row or records its errors in `l` and
/// returns `None`. `Err` only when the file cannot be read as this kind at all (missing columns).
fn parse_rows<T>(
    t: &Table,
    cols: &[Column],
    mut row: impl FnMut(&mut Located, &TableRow) -> Option<T>,
) -> Result<Parsed<T>, Vec<ImportError>> {
    let mut l = locate(&t.headers, cols)?;
    let mut out = Vec::new();
    for r in &t.rows {
        if let Some(v) = row(&mut l, r) {
            out.push(v);
        }
    }
    Ok(Parsed {
        rows: out,
        errors: l.errors,
        refs: l.refs,
    })
}

fn names<T: Copy>(all: &[T], zh: impl Fn(T) -> &'static str) -> String {
    all.iter().map(|v| zh(*v)).collect::<Vec<_>>().join("、")
}

/// Parses unit rows. `Err` only when the file cannot be read as this kind at all (missing columns).
pub fn parse_units(t: &Table) -> Result<Parsed<UnitRow>, Vec<ImportError>> {
    parse_rows(t, UNIT_COLUMNS, |l, r| {
        let code = l.required(r, "单位编码");
        let name = l.required(r, "单位名称");
        let kind = l.parse(
            r,
            "单位类型",
            UnitKind::parse,
            &names(UnitKind::ALL, UnitKind::zh),
        );
        if let (Some(code), Some(name), Some(kind)) = (code, name, kind) {
            return Some(UnitRow {
                row: r.number,
                code,
                name,
                parent: l.text(r, "上级单位编码"),
                kind,
            });
        }
        None
    })
}

/// Parses project rows (field consistency is checked by the store with the rest of the rules).
pub fn parse_projects(t: &Table) -> Result<Parsed<ProjectRow>, Vec<ImportError>> {
    parse_rows(t, PROJECT_COLUMNS, |l, r| {
        let before = l.errors.len();
        let code = l.required(r, "项目编码");
        let name = l.required(r, "项目名称");
        let unit = l.required(r, "责任单位");
        let category = l.parse(
            r,
            "项目类别",
            Category::parse,
            &names(Category::ALL, Category::zh),
        );
        let stage = l.parse(r, "建设阶段", Stage::parse, &names(Stage::ALL, Stage::zh));
        let total = l.money(r, "总投资(万元)");
        let plan_year = l.parse(
            r,
            "计划年度",
            |s| {
                s.trim()
                    .trim_end_matches('年')
                    .parse::<i32>()
                    .ok()
                    .filter(|y| (2000..=2100).contains(y))
            },
            "2000 至 2100 之间的年份",
        );
        let plan = l.money(r, "年度计划投资(万元)");
        let ps = l.date(r, "计划开工日期");
        let pf = l.date(r, "计划竣工日期");
        let a = l.date(r, "实际开工日期");
        let planning_year = l.year(r, "策划年度");
        let entered_on = l.date(r, "入库日期");
        let env_text = l.text(r, "环评状态");
        let env = if env_text.is_empty() {
            Some(EnvApproval::Pending)
        } else {
            let v = EnvApproval::parse(&env_text);
            if v.is_none() {
                l.errors.push(ImportError::new(
                    r.number,
                    "环评状态",
                    format!(
                        "“{env_text}”不是有效值，应为：{}",
                        names(EnvApproval::ALL, EnvApproval::zh)
                    ),
                ));
            }
            v
        };
        if l.errors.len() > before {
            if let Some(text) = unit {
                l.refs.push(RowRef {
                    row: r.number,
                    text,
                });
            }
            return None;
        }
        Some(ProjectRow {
            row: r.number,
            unit: unit.expect("checked"),
            fields: ProjectFields {
                code: code.expect("checked"),
                name: name.expect("checked"),
                leader: l.text(r, "包抓领导"),
                category: category.expect("checked"),
                stage: stage.expect("checked"),
                total_investment: total.expect("checked"),
                plan_year: plan_year.expect("checked"),
                annual_plan: plan.expect("checked"),
                planned_start: ps.expect("checked"),
                planned_finish: pf.expect("checked"),
                actual_start: a.expect("checked"),
                batch: l.text(r, "集中开工批次"),
                industry: l.text(r, "所属行业"),
                env_approval: env.expect("checked"),
                planning_year: planning_year.expect("checked"),
                entered_on: entered_on.expect("checked"),
            },
        })
    })
}

/// Parses planning quota rows (units are resolved, and quotas checked, by the store).
pub fn parse_quotas(t: &Table) -> Result<Parsed<QuotaRow>, Vec<ImportError>> {
    parse_rows(t, QUOTA_COLUMNS, |l, r| {
        let before = l.errors.len();
        let unit = l.required(r, "单位编码");
        let year = l.year(r, "年度");
        if l.cell(r, "年度").is_none() {
            l.errors
                .push(ImportError::new(r.number, "年度", "不能为空"));
        }
        let projects = l.count(r, "策划项目数");
        let investment = l.money(r, "策划总投资(万元)");
        let big = l.count(r, "大块头项目数");
        if l.errors.len() > before {
            return None;
        }
        Some(QuotaRow {
            row: r.number,
            unit: unit.expect("checked"),
            year: year.expect("checked").expect("present"),
            quota: diaodu_domain::planning::Quota {
                projects: projects.expect("checked"),
                investment: investment.expect("checked"),
                big_projects: big.expect("checked"),
            },
        })
    })
}

/// Parses report rows.
pub fn parse_reports(t: &Table) -> Result<Parsed<ReportRow>, Vec<ImportError>> {
    parse_rows(t, REPORT_COLUMNS, report_row)
}

fn report_row(l: &mut Located, r: &TableRow) -> Option<ReportRow> {
    let code = l.required(r, "项目编码");
    // Excel turns a typed "2026-03" into a date cell (1 March 2026): read that back as the month.
    let period = match l.cell(r, "填报期") {
        Some(Cell::Date(d)) if d.day() == 1 => Some(Period::month_of(*d)),
        _ => l.required(r, "填报期").and_then(|s| {
            Period::parse(&s)
                .map_err(|e| {
                    l.errors
                        .push(ImportError::new(r.number, "填报期", e.to_string()))
                })
                .ok()
        }),
    };
    let inv = l.money(r, "本期完成投资(万元)");
    match (code, period, inv) {
        (Some(project_code), Some(period), Some(investment)) => Some(ReportRow {
            row: r.number,
            project_code,
            period,
            investment,
            progress: l.text(r, "形象进度"),
            problems: l.text(r, "存在问题"),
        }),
        (Some(text), ..) => {
            l.refs.push(RowRef {
                row: r.number,
                text,
            });
            None
        }
        _ => None,
    }
}

/// Report rows read from a CSV stream a chunk at a time ([`ReportStream::next_chunk`]): the file is
/// never held whole, whatever its length.
pub struct ReportStream<'a> {
    rows: crate::table::CsvRows<'a>,
    located: Option<Located>,
    size: usize,
}

impl<'a> ReportStream<'a> {
    /// Reads `input` (UTF-8, or GB18030 when `gb18030`), `size` rows a chunk.
    pub fn new(input: impl std::io::Read + Send + 'a, gb18030: bool, size: usize) -> Self {
        ReportStream {
            rows: crate::table::CsvRows::new(input, gb18030),
            located: None,
            size,
        }
    }

    /// The next chunk of parsed rows with the errors found among them, `None` at the end. `Err`
    /// when the file cannot be read as reports at all (no header row among the first ten, a missing
    /// column, a malformed or oversized record).
    pub fn next_chunk(&mut self) -> Result<Option<Parsed<ReportRow>>, Vec<ImportError>> {
        const FIRST: &str = "项目编码";
        let no_header = || {
            vec![ImportError::new(
                0,
                FIRST,
                "找不到表头行（前 10 行中没有这一列），请使用下载的模板",
            )]
        };
        let mut out = Vec::with_capacity(self.size);
        while out.len() < self.size {
            let Some(next) = self.rows.next() else { break };
            let (number, cells) = next.map_err(|e| vec![e])?;
            let Some(l) = self.located.as_mut() else {
                // The header is the first row among the first ten that names the first column.
                if cells.iter().any(|c| c.text().trim() == FIRST) {
                    let headers: Vec<String> = cells
                        .iter()
                        .map(|c| c.text().trim().replace(['\n', '\r'], ""))
                        .collect();
                    self.located = Some(locate(&headers, REPORT_COLUMNS)?);
                } else if number >= 10 {
                    return Err(no_header());
                }
                continue;
            };
            if let Some(r) = report_row(l, &TableRow { number, cells }) {
                out.push(r);
            }
        }
        let Some(l) = self.located.as_mut() else {
            return Err(no_header());
        };
        let errors = std::mem::take(&mut l.errors);
        if out.is_empty() && errors.is_empty() {
            return Ok(None);
        }
        Ok(Some(Parsed {
            rows: out,
            errors,
            refs: std::mem::take(&mut l.refs),
        }))
    }
}

/// Parses catalogue rows.
pub fn parse_indicators(t: &Table) -> Result<Parsed<IndicatorImportRow>, Vec<ImportError>> {
    parse_rows(t, INDICATOR_COLUMNS, |l, r| {
        let code = l.required(r, "指标编码");
        let name = l.required(r, "指标名称");
        let kind = l.parse(
            r,
            "类型",
            IndicatorKind::parse,
            &names(IndicatorKind::ALL, IndicatorKind::zh),
        );
        let direction = l.parse(
            r,
            "方向",
            Direction::parse,
            &names(Direction::ALL, Direction::zh),
        );
        if let (Some(code), Some(name), Some(kind), Some(direction)) = (code, name, kind, direction)
        {
            return Some(IndicatorImportRow {
                row: r.number,
                indicator: Indicator {
                    code,
                    name,
                    unit: l.text(r, "计量单位"),
                    kind,
                    direction,
                },
            });
        }
        None
    })
}

/// Parses target rows.
pub fn parse_targets(t: &Table) -> Result<Parsed<TargetRow>, Vec<ImportError>> {
    parse_rows(t, TARGET_COLUMNS, |l, r| {
        let code = l.required(r, "指标编码");
        let year = l.parse(
            r,
            "年度",
            |s| {
                s.trim()
                    .trim_end_matches('年')
                    .parse::<i32>()
                    .ok()
                    .filter(|y| (2000..=2100).contains(y))
            },
            "2000 至 2100 之间的年份",
        );
        let target = l.parse(r, "目标值", parse_number, "数字，如 7.5");
        if let (Some(code), Some(year), Some(target)) = (code, year, target) {
            return Some(TargetRow {
                row: r.number,
                code,
                year,
                target,
            });
        }
        None
    })
}

/// Parses indicator value rows.
pub fn parse_indicator_values(t: &Table) -> Result<Parsed<IndicatorValueRow>, Vec<ImportError>> {
    parse_rows(t, VALUE_COLUMNS, |l, r| {
        let before = l.errors.len();
        let region = l.required(r, "地区");
        let indicator = l.required(r, "指标");
        // Excel turns "2026-03" into a date cell on the 1st: read it back as the month.
        let period = match l.cell(r, "期别") {
            Some(Cell::Date(d)) if d.day() == 1 => Some(StatPeriod::Month {
                year: d.year(),
                month: d.month() as u8,
            }),
            _ => l.required(r, "期别").and_then(|s| {
                StatPeriod::parse(&s)
                    .map_err(|e| {
                        l.errors
                            .push(ImportError::new(r.number, "期别", e.to_string()))
                    })
                    .ok()
            }),
        };
        let mut num = |h: &'static str| -> Option<f64> {
            match l.cell(r, h) {
                None => None,
                Some(Cell::Number(n)) => Some(*n),
                Some(c) => {
                    let t = c.text();
                    let v = parse_number(&t);
                    if v.is_none() {
                        l.errors
                            .push(ImportError::new(r.number, h, format!("“{t}”不是数字")));
                    }
                    v
                }
            }
        };
        let level = num("数值");
        let growth = num("增速(%)");
        if l.errors.len() > before {
            return None;
        }
        if let (Some(region), Some(indicator), Some(period)) = (region, indicator, period) {
            return Some(IndicatorValueRow {
                row: r.number,
                region,
                indicator,
                period,
                level,
                growth,
            });
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::read_table;

    fn table(csv: &str, first: &str) -> Table {
        read_table("x.csv", csv.as_bytes(), first).unwrap()
    }

    #[test]
    fn project_rows_and_errors() {
        let csv = "项目编码,项目名称,责任单位,包抓领导,项目类别,建设阶段,总投资（万元）,计划年度,年度计划投资(万元),计划开工日期,计划竣工日期,实际开工日期,集中开工批次\n\
                   P1,甲项目,东城区,张三,工业,续建,\"1,000\",2026,200.5,2026/1/5,2027-12-31,2026-01-10,第一批\n\
                   P2,乙项目,东城区,张三,农业,续建,-5,2026,1.234,2026-02-30,,,\n";
        let t = table(csv, "项目编码");
        let errs = parse_projects(&t).unwrap().errors;
        let cols: Vec<_> = errs.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert_eq!(
            cols,
            [
                (3, "项目类别"),
                (3, "总投资(万元)"),
                (3, "年度计划投资(万元)"),
                (3, "计划开工日期")
            ]
        );
        let ok = parse_projects(&table(
            csv.lines().take(2).collect::<Vec<_>>().join("\n").as_str(),
            "项目编码",
        ))
        .unwrap()
        .rows;
        assert_eq!(ok[0].fields.total_investment, Yuan(10_000_000));
        assert_eq!(ok[0].fields.annual_plan, Yuan(2_005_000));
        assert_eq!(ok[0].fields.env_approval, EnvApproval::Pending);
    }

    #[test]
    fn missing_columns() {
        let errs = parse_reports(&table("项目编码,填报期\nP1,2026-W01\n", "项目编码")).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].column, "本期完成投资(万元)");
        assert_eq!(errs[0].message, "缺少此列");
    }

    #[test]
    fn streamed_reports_are_the_table_s_reports_in_chunks() {
        let mut csv = String::from("标题\n项目编码,填报期,本期完成投资(万元),形象进度\n");
        for i in 0..25 {
            csv.push_str(&format!("P{i},2026-W{:02},{i}.5,第{i}行\n", 1 + i % 9));
        }
        csv.push_str("P99,2026-W99,1,\n");
        let whole = parse_reports(&table(&csv, "项目编码")).unwrap();
        let mut s = ReportStream::new(csv.as_bytes(), false, 10);
        let mut chunks = Vec::new();
        let mut rows = Vec::new();
        let mut errors = Vec::new();
        while let Some(chunk) = s.next_chunk().unwrap() {
            chunks.push(chunk.rows.len());
            rows.extend(chunk.rows);
            errors.extend(chunk.errors);
        }
        assert_eq!(chunks, [10, 10, 5], "the error row is in the last chunk");
        assert_eq!(rows, whole.rows);
        assert_eq!(errors, whole.errors);
        assert_eq!(errors[0].row, 28);
        // No header, or a missing column: refused as a whole.
        assert!(ReportStream::new("a,b\n1,2\n".as_bytes(), false, 10)
            .next_chunk()
            .is_err());
        assert_eq!(
            ReportStream::new("项目编码,填报期\nP1,2026-W01\n".as_bytes(), false, 10)
                .next_chunk()
                .unwrap_err()[0]
                .column,
            "本期完成投资(万元)"
        );
    }

    #[test]
    fn report_periods() {
        let t = table(
            "项目编码,填报期,本期完成投资(万元)\nP1,2026-W07,10\nP1,2026-7,1\nP1,2026-03,abc\n",
            "项目编码",
        );
        let errs = parse_reports(&t).unwrap().errors;
        assert_eq!(errs.len(), 2);
        assert_eq!((errs[0].row, errs[0].column.as_str()), (3, "填报期"));
        assert_eq!(
            (errs[1].row, errs[1].column.as_str()),
            (4, "本期完成投资(万元)")
        );
    }
}
