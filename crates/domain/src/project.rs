//! Projects of the project library (项目库): categories, construction stages and their allowed
//! transitions, the consistency rules between stage and dates, and the admission check (项目准入).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::money::Yuan;

macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = ($code:literal, $zh:literal)),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $var),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// Stable English code used in storage, the API and URLs.
            pub fn code(self) -> &'static str { match self { $($name::$var => $code),+ } }
            /// Chinese name shown to users and used in spreadsheets.
            pub fn zh(self) -> &'static str { match self { $($name::$var => $zh),+ } }
            /// Parses either the English code or the Chinese name.
            pub fn parse(s: &str) -> Option<$name> {
                let t = s.trim();
                $(if t == $code || t == $zh { return Some($name::$var); })+
                None
            }
        }
    };
}
pub(crate) use coded_enum;

coded_enum! {
    /// Project category (项目类别).
    Category {
        /// 工业
        Industry = ("industry", "工业"),
        /// 文旅
        Tourism = ("tourism", "文旅"),
        /// 生态
        Ecology = ("ecology", "生态"),
        /// 基础设施
        Infrastructure = ("infrastructure", "基础设施"),
        /// 民生
        Livelihood = ("livelihood", "民生"),
        /// 其他
        Other = ("other", "其他"),
    }
}

coded_enum! {
    /// Construction stage (建设阶段).
    Stage {
        /// 储备: in the library, not yet being prepared.
        Reserve = ("reserve", "储备"),
        /// 前期: approvals, land, design under way.
        Preparation = ("preparation", "前期"),
        /// 新开工: construction started this year.
        NewStart = ("new_start", "新开工"),
        /// 续建: construction carried over from earlier years.
        Continuing = ("continuing", "续建"),
        /// 竣工投产: finished and in operation.
        Completed = ("completed", "竣工投产"),
        /// 停工: construction halted.
        Halted = ("halted", "停工"),
    }
}

coded_enum! {
    /// Environmental impact approval status (环评状态), tested by admission rules.
    EnvApproval {
        /// 已批复
        Approved = ("approved", "已批复"),
        /// 待批复
        Pending = ("pending", "待批复"),
        /// 未通过
        Rejected = ("rejected", "未通过"),
    }
}

impl Stage {
    /// Whether construction has begun in this stage, so that an actual start date must exist.
    pub fn requires_actual_start(self) -> bool {
        matches!(
            self,
            Stage::NewStart | Stage::Continuing | Stage::Completed | Stage::Halted
        )
    }

    /// The stages a project may move to from this one (see `docs/status.md`). A project moves forward
    /// through preparation into construction; a halted project resumes as continuing; completion is
    /// final; a project in preparation may fall back to the reserve.
    pub fn next_stages(self) -> &'static [Stage] {
        match self {
            Stage::Reserve => &[Stage::Preparation],
            Stage::Preparation => &[Stage::Reserve, Stage::NewStart],
            Stage::NewStart => &[Stage::Continuing, Stage::Completed, Stage::Halted],
            Stage::Continuing => &[Stage::Completed, Stage::Halted],
            Stage::Halted => &[Stage::Continuing, Stage::Completed],
            Stage::Completed => &[],
        }
    }

    /// Whether a change from `self` to `to` is allowed (staying put always is).
    pub fn can_move_to(self, to: Stage) -> bool {
        self == to || self.next_stages().contains(&to)
    }
}

/// The editable fields of a project, as entered in a form or an import row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectFields {
    /// 项目编码, unique.
    pub code: String,
    /// 项目名称.
    pub name: String,
    /// 包抓领导.
    pub leader: String,
    /// 项目类别.
    pub category: Category,
    /// 建设阶段.
    pub stage: Stage,
    /// 总投资.
    pub total_investment: Yuan,
    /// 计划年度.
    pub plan_year: i32,
    /// 年度计划投资 for `plan_year`.
    pub annual_plan: Yuan,
    /// 计划开工日期.
    pub planned_start: Option<Date>,
    /// 计划竣工日期.
    pub planned_finish: Option<Date>,
    /// 实际开工日期.
    pub actual_start: Option<Date>,
    /// 集中开工批次 (free text such as "2026年第一批").
    pub batch: String,
    /// 所属行业, tested by the admission rules.
    pub industry: String,
    /// 环评状态, tested by the admission rules.
    pub env_approval: EnvApproval,
    /// 策划年度: the year the project was planned and packaged (策划包装) into the library, counted
    /// against that year's planning quota of its unit; none for a project not planned under a quota.
    #[serde(default)]
    pub planning_year: Option<i32>,
    /// 入库日期: the day the project entered the library. Left empty on input it is the day it is
    /// saved; a project read back always has one.
    #[serde(default)]
    pub entered_on: Option<Date>,
}

/// A consistency problem with a project's fields: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The Chinese column/field name, as in the templates.
    pub field: &'static str,
    /// The reason, in Chinese.
    pub message: String,
}

impl FieldError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

/// Checks the rules between fields: code and name present, the actual start date required exactly for
/// the stages where construction has begun, finish not before start, annual plan within the total.
pub fn check_fields(p: &ProjectFields) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let code = p.code.trim();
    if code.is_empty() {
        errs.push(FieldError::new("项目编码", "不能为空"));
    } else if code.chars().count() > 40
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        errs.push(FieldError::new(
            "项目编码",
            format!("“{code}”只能由字母、数字、- 和 _ 组成，最长 40 位"),
        ));
    }
    if p.name.trim().is_empty() {
        errs.push(FieldError::new("项目名称", "不能为空"));
    } else if p.name.chars().count() > 200 {
        errs.push(FieldError::new("项目名称", "不能超过 200 个字"));
    }
    // Control characters never belong in a name, and the store uses two of them to pack rows.
    for (field, text) in [
        ("项目名称", &p.name),
        ("包抓领导", &p.leader),
        ("集中开工批次", &p.batch),
        ("所属行业", &p.industry),
    ] {
        if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            errs.push(FieldError::new(field, "不能含有控制字符"));
        }
    }
    if !(2000..=2100).contains(&p.plan_year) {
        errs.push(FieldError::new(
            "计划年度",
            format!("{} 不是有效年度", p.plan_year),
        ));
    }
    match (p.stage.requires_actual_start(), p.actual_start) {
        (true, None) => errs.push(FieldError::new(
            "实际开工日期",
            format!("建设阶段为“{}”时必须填写实际开工日期", p.stage.zh()),
        )),
        (false, Some(_)) => errs.push(FieldError::new(
            "实际开工日期",
            format!(
                "建设阶段为“{}”的项目尚未开工，不应填写实际开工日期",
                p.stage.zh()
            ),
        )),
        _ => {}
    }
    if let (Some(s), Some(f)) = (p.planned_start, p.planned_finish) {
        if f < s {
            errs.push(FieldError::new("计划竣工日期", "不能早于计划开工日期"));
        }
    }
    if p.annual_plan > p.total_investment {
        errs.push(FieldError::new("年度计划投资(万元)", "不能大于总投资"));
    }
    if p.total_investment.0 > crate::money::MAX_YUAN {
        errs.push(FieldError::new(
            "总投资(万元)",
            "不能超过 1 万亿元（100000000 万元）",
        ));
    }
    for (field, text, max) in [
        ("包抓领导", &p.leader, TEXT_SHORT),
        ("集中开工批次", &p.batch, TEXT_SHORT),
        ("所属行业", &p.industry, TEXT_SHORT),
    ] {
        if text.chars().count() > max {
            errs.push(FieldError::new(field, format!("不能超过 {max} 个字")));
        }
    }
    for (field, d) in [
        ("计划开工日期", p.planned_start),
        ("计划竣工日期", p.planned_finish),
        ("实际开工日期", p.actual_start),
    ] {
        if let Some(d) = d.filter(|d| !DATES.contains(d)) {
            errs.push(FieldError::new(
                field,
                format!(
                    "{} 不在 {} 至 {} 之间",
                    crate::period::fmt_date(d),
                    crate::period::fmt_date(*DATES.start()),
                    crate::period::fmt_date(*DATES.end())
                ),
            ));
        }
    }
    if let Some(y) = p.planning_year.filter(|y| !(2000..=2100).contains(y)) {
        errs.push(FieldError::new("策划年度", format!("{y} 不是有效年度")));
    }
    if let Some(d) = p.entered_on.filter(|d| !DATES.contains(d)) {
        errs.push(FieldError::new(
            "入库日期",
            format!(
                "{} 不在 {} 至 {} 之间",
                crate::period::fmt_date(d),
                crate::period::fmt_date(*DATES.start()),
                crate::period::fmt_date(*DATES.end())
            ),
        ));
    }
    errs
}

/// The order of concentrated-start batches (集中开工批次) as an office reads them: by year, then by
/// the batch's number written in Chinese or in digits (`2026年第二批` before `2026年第十批`), then
/// as text. Sorting by code point would put 第三批 before 第二批.
pub fn batch_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn key(s: &str) -> (String, u32, String) {
        match s.split_once('第') {
            Some((head, rest)) => {
                let (num, tail) = rest.split_once('批').unwrap_or((rest, ""));
                (
                    head.to_string(),
                    chinese_number(num).unwrap_or(u32::MAX),
                    tail.to_string(),
                )
            }
            None => (s.to_string(), 0, String::new()),
        }
    }
    key(a).cmp(&key(b)).then_with(|| a.cmp(b))
}

/// A number written in digits or in Chinese numerals up to 99 (`三`, `十二`, `二十`, `12`).
fn chinese_number(s: &str) -> Option<u32> {
    if let Ok(n) = s.trim().parse::<u32>() {
        return Some(n);
    }
    let digit = |c: char| {
        "零一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u32)
    };
    let chars: Vec<char> = s.trim().chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => digit(*u).map(|u| 10 + u),
        [t, '十'] => digit(*t).map(|t| t * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

/// Longest short text field of a project (leader, batch, industry), in characters.
pub const TEXT_SHORT: usize = 50;

/// Longest 形象进度 (physical progress) or 存在问题 (problems) of a progress report, in characters,
/// whichever door the report comes through.
pub const REPORT_TEXT: usize = 2000;

/// The dates a project's plan and start may take.
pub const DATES: std::ops::RangeInclusive<time::Date> =
    time::macros::date!(1990 - 01 - 01)..=time::macros::date!(2100 - 12 - 31);

/// [`check_fields`], and a start that cannot have happened yet: the actual start date is not after
/// `today`.
pub fn check_fields_on(p: &ProjectFields, today: time::Date) -> Vec<FieldError> {
    let mut errs = check_fields(p);
    if let Some(a) = p.actual_start.filter(|a| *a > today) {
        errs.push(FieldError::new(
            "实际开工日期",
            format!(
                "{} 晚于今天，实际开工日期不能是将来的日期",
                crate::period::fmt_date(a)
            ),
        ));
    }
    if let Some(e) = p.entered_on.filter(|e| *e > today) {
        errs.push(FieldError::new(
            "入库日期",
            format!(
                "{} 晚于今天，入库日期不能是将来的日期",
                crate::period::fmt_date(e)
            ),
        ));
    }
    errs
}

/// How an admission rule tests a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "keywords")]
pub enum AdmissionTest {
    /// Refuse when the environmental approval was rejected (环评未通过).
    EnvRejected,
    /// Refuse when the project's industry contains any of these words (落后产能, 产能过剩 …).
    IndustryIn(Vec<String>),
}

/// A refusal rule the city configures for admission to the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmissionRule {
    /// Short code, e.g. `env`.
    pub code: String,
    /// The name quoted in the refusal, e.g. 环评未通过.
    pub name: String,
    /// What it tests.
    pub test: AdmissionTest,
}

impl AdmissionRule {
    /// Whether the project fails this rule.
    pub fn refuses(&self, p: &ProjectFields) -> bool {
        match &self.test {
            AdmissionTest::EnvRejected => p.env_approval == EnvApproval::Rejected,
            AdmissionTest::IndustryIn(words) => {
                let ind = p.industry.trim();
                !ind.is_empty()
                    && words
                        .iter()
                        .map(|w| w.trim())
                        .any(|w| !w.is_empty() && ind.contains(w))
            }
        }
    }
}

/// The first rule (in the configured order) that refuses the project, if any.
pub fn admission_check<'a>(
    rules: &'a [AdmissionRule],
    p: &ProjectFields,
) -> Option<&'a AdmissionRule> {
    rules.iter().find(|r| r.refuses(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    pub(crate) fn sample() -> ProjectFields {
        ProjectFields {
            code: "P-001".into(),
            name: "示例项目".into(),
            leader: "张三".into(),
            category: Category::Industry,
            stage: Stage::Continuing,
            total_investment: Yuan(100_000_000),
            plan_year: 2026,
            annual_plan: Yuan(10_000_000),
            planned_start: Some(date!(2026 - 03 - 01)),
            planned_finish: Some(date!(2027 - 12 - 31)),
            actual_start: Some(date!(2026 - 03 - 05)),
            batch: String::new(),
            industry: "装备制造".into(),
            env_approval: EnvApproval::Approved,
            planning_year: None,
            entered_on: None,
        }
    }

    #[test]
    fn codes_and_names_round_trip() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.zh()), Some(*s));
            assert_eq!(Stage::parse(s.code()), Some(*s));
        }
        assert_eq!(Category::parse("基础设施"), Some(Category::Infrastructure));
        assert_eq!(Category::parse("农业"), None);
    }

    #[test]
    fn transitions() {
        assert!(Stage::Reserve.can_move_to(Stage::Preparation));
        assert!(!Stage::Reserve.can_move_to(Stage::NewStart));
        assert!(Stage::Halted.can_move_to(Stage::Continuing));
        assert!(!Stage::Completed.can_move_to(Stage::Continuing));
        assert!(Stage::Completed.can_move_to(Stage::Completed));
    }

    #[test]
    fn actual_start_follows_stage() {
        let mut p = sample();
        assert!(check_fields(&p).is_empty());
        p.actual_start = None;
        assert_eq!(check_fields(&p)[0].field, "实际开工日期");
        p.stage = Stage::Preparation;
        assert!(check_fields(&p).is_empty());
        p.actual_start = Some(date!(2026 - 01 - 01));
        assert_eq!(check_fields(&p)[0].field, "实际开工日期");
    }

    #[test]
    fn other_field_rules() {
        let mut p = sample();
        p.planned_finish = Some(date!(2025 - 01 - 01));
        p.annual_plan = Yuan(200_000_000);
        p.code = "P 1".into();
        let fields: Vec<_> = check_fields(&p).iter().map(|e| e.field).collect();
        assert_eq!(fields, ["项目编码", "计划竣工日期", "年度计划投资(万元)"]);
    }

    #[test]
    fn admission() {
        let rules = vec![
            AdmissionRule {
                code: "env".into(),
                name: "环评未通过".into(),
                test: AdmissionTest::EnvRejected,
            },
            AdmissionRule {
                code: "backward".into(),
                name: "落后产能".into(),
                test: AdmissionTest::IndustryIn(vec!["小水泥".into(), "小钢铁".into()]),
            },
        ];
        let mut p = sample();
        assert!(admission_check(&rules, &p).is_none());
        p.industry = "新型小水泥熟料".into();
        assert_eq!(admission_check(&rules, &p).unwrap().code, "backward");
        p.env_approval = EnvApproval::Rejected;
        assert_eq!(admission_check(&rules, &p).unwrap().name, "环评未通过");
    }

    #[test]
    fn batches_read_in_their_order() {
        let mut b = vec![
            "2026年第三批",
            "2026年第十批",
            "2025年第二批",
            "2026年第二批",
            "2026年第一批",
            "2026年第12批",
        ];
        b.sort_by(|x, y| super::batch_order(x, y));
        assert_eq!(
            b,
            [
                "2025年第二批",
                "2026年第一批",
                "2026年第二批",
                "2026年第三批",
                "2026年第十批",
                "2026年第12批"
            ]
        );
    }
}
