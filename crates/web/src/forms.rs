//! The forms and queries the pages and the API both take — a project, a progress report, the project
//! list's filters — with their parsing into the store's inputs, every field's error at once.

use diaodu_domain::indicator::{parse_number, Direction};
use diaodu_domain::period::{fmt_date, parse_date};
use diaodu_domain::project::{Category, EnvApproval, ProjectFields, Stage};
use diaodu_domain::status::Light;
use diaodu_domain::task::{Cadence, QuantTarget};
use diaodu_domain::{Period, Yuan};
use diaodu_store::{NewTask, Project, ProjectFilter, ReportInput, UnitTree};
use serde::Deserialize;
use time::Date;

use crate::auth::Current;
use crate::{AppError, AppState};

/// Text of an optional field, trimmed; `None` when absent or blank.
pub fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Parses an optional as-of date, defaulting to the server's today.
pub fn as_of(state: &AppState, s: Option<&str>) -> Result<Date, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(state.today()),
        Some(s) => diaodu_domain::period::parse_date(s)
            .map_err(|e| AppError::invalid("统计日期", e.to_string())),
    }
}

/// Query of the project list.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct ListQuery {
    /// Unit id (subtree).
    pub unit: Option<String>,
    /// Stage code.
    pub stage: Option<String>,
    /// Category code.
    pub category: Option<String>,
    /// Batch.
    pub batch: Option<String>,
    /// Light code.
    pub light: Option<String>,
    /// `stalled` (开而未建) or `late_start` (逾期未开工).
    pub flag: Option<String>,
    /// Search words.
    pub q: Option<String>,
    /// Page, from 1.
    #[serde(default, deserialize_with = "crate::params::opt_usize")]
    pub page: Option<usize>,
    /// Status date.
    pub as_of: Option<String>,
    /// Column to sort by (`plan`, `ytd`, `completion`, `lag`, `name`, `unit`, `code`), `-` before it
    /// for descending; by code when absent.
    pub sort: Option<String>,
}

impl ListQuery {
    /// The store filter; unknown values are a 400, a unit outside the scope a 403.
    pub fn filter(&self, tree: &UnitTree, c: &Current) -> Result<ProjectFilter, AppError> {
        let unit_id = match nonempty(&self.unit) {
            None => None,
            Some(u) => {
                let id: i64 = u
                    .parse()
                    .map_err(|_| AppError::invalid("单位", "无效的单位"))?;
                if !tree.in_scope(id, c.scope) {
                    return Err(AppError::Forbidden);
                }
                Some(id)
            }
        };
        let parse = |v: &Option<String>, f: fn(&str) -> bool, what: &str| -> Result<(), AppError> {
            match nonempty(v) {
                Some(s) if !f(s) => Err(AppError::invalid(what, format!("“{s}”不是有效值"))),
                _ => Ok(()),
            }
        };
        parse(&self.stage, |s| Stage::parse(s).is_some(), "建设阶段")?;
        parse(&self.category, |s| Category::parse(s).is_some(), "项目类别")?;
        parse(&self.light, |s| Light::parse(s).is_some(), "亮灯")?;
        parse(
            &self.flag,
            |s| diaodu_store::StatusFlag::parse(s).is_some(),
            "状态",
        )?;
        Ok(ProjectFilter {
            unit_id,
            stage: nonempty(&self.stage).and_then(Stage::parse),
            category: nonempty(&self.category).and_then(Category::parse),
            batch: nonempty(&self.batch).map(String::from),
            light: nonempty(&self.light).and_then(Light::parse),
            q: nonempty(&self.q).map(String::from),
            project_id: None,
            project_ids: None,
            flag: nonempty(&self.flag).and_then(diaodu_store::StatusFlag::parse),
        })
    }

    /// The list's link with these filters, at `page`.
    pub fn link(&self, page: usize) -> String {
        let mut v: Vec<(&str, String)> = Vec::new();
        for (k, val) in [
            ("unit", &self.unit),
            ("stage", &self.stage),
            ("category", &self.category),
            ("batch", &self.batch),
            ("light", &self.light),
            ("flag", &self.flag),
            ("q", &self.q),
            ("as_of", &self.as_of),
            ("sort", &self.sort),
        ] {
            if let Some(s) = nonempty(val) {
                v.push((k, s.to_string()));
            }
        }
        v.push(("page", page.to_string()));
        format!(
            "/projects?{}",
            serde_urlencoded::to_string(&v).unwrap_or_default()
        )
    }
}

/// The project form as submitted (all text, parsed with field errors).
#[derive(Debug, Default, Deserialize, Clone)]
pub struct ProjectForm {
    /// Owner unit id.
    pub unit_id: String,
    /// 项目编码.
    pub code: String,
    /// 项目名称.
    pub name: String,
    /// 包抓领导.
    #[serde(default)]
    pub leader: String,
    /// Category code.
    pub category: String,
    /// Stage code.
    pub stage: String,
    /// 总投资 (万元).
    pub total_investment: String,
    /// 计划年度.
    pub plan_year: String,
    /// 年度计划投资 (万元).
    pub annual_plan: String,
    /// Dates.
    #[serde(default)]
    pub planned_start: String,
    /// Dates.
    #[serde(default)]
    pub planned_finish: String,
    /// Dates.
    #[serde(default)]
    pub actual_start: String,
    /// 集中开工批次.
    #[serde(default)]
    pub batch: String,
    /// 所属行业.
    #[serde(default)]
    pub industry: String,
    /// 环评状态 code.
    #[serde(default)]
    pub env_approval: String,
    /// 策划年度, empty for none.
    #[serde(default)]
    pub planning_year: String,
    /// 入库日期, empty for the day of saving (or, editing, the day it has).
    #[serde(default)]
    pub entered_on: String,
    /// Version the edit started from.
    #[serde(default)]
    pub version: Option<i64>,
}

impl ProjectForm {
    pub fn from_project(p: &Project) -> ProjectForm {
        let f = &p.fields;
        let d = |d: Option<time::Date>| d.map(fmt_date).unwrap_or_default();
        ProjectForm {
            unit_id: p.unit_id.to_string(),
            code: f.code.clone(),
            name: f.name.clone(),
            leader: f.leader.clone(),
            category: f.category.code().into(),
            stage: f.stage.code().into(),
            total_investment: f.total_investment.wan_text(),
            plan_year: f.plan_year.to_string(),
            annual_plan: f.annual_plan.wan_text(),
            planned_start: d(f.planned_start),
            planned_finish: d(f.planned_finish),
            actual_start: d(f.actual_start),
            batch: f.batch.clone(),
            industry: f.industry.clone(),
            env_approval: f.env_approval.code().into(),
            planning_year: f.planning_year.map(|y| y.to_string()).unwrap_or_default(),
            entered_on: d(f.entered_on),
            version: Some(p.version),
        }
    }

    /// Parses into (unit id, fields), collecting every field error.
    pub fn parse(&self) -> Result<(i64, ProjectFields), Vec<(String, String)>> {
        let mut errs: Vec<(String, String)> = Vec::new();
        let mut e = |f: &str, m: String| errs.push((f.to_string(), m));
        let unit_id = self
            .unit_id
            .trim()
            .parse::<i64>()
            .map_err(|_| e("责任单位", "请选择".into()))
            .ok();
        let category = Category::parse(&self.category);
        if category.is_none() {
            e("项目类别", "请选择".into());
        }
        let stage = Stage::parse(&self.stage);
        if stage.is_none() {
            e("建设阶段", "请选择".into());
        }
        let money = |s: &str, f: &str, e: &mut dyn FnMut(&str, String)| {
            Yuan::parse_wan(s).map_err(|x| e(f, x.to_string())).ok()
        };
        let total = money(&self.total_investment, "总投资(万元)", &mut e);
        let plan = money(&self.annual_plan, "年度计划投资(万元)", &mut e);
        let year = self
            .plan_year
            .trim()
            .parse::<i32>()
            .map_err(|_| e("计划年度", "应为年份，如 2026".into()))
            .ok();
        let date =
            |s: &str, f: &str, e: &mut dyn FnMut(&str, String)| -> Option<Option<time::Date>> {
                if s.trim().is_empty() {
                    Some(None)
                } else {
                    parse_date(s)
                        .map(Some)
                        .map_err(|x| e(f, x.to_string()))
                        .ok()
                }
            };
        let ps = date(&self.planned_start, "计划开工日期", &mut e);
        let pf = date(&self.planned_finish, "计划竣工日期", &mut e);
        let a = date(&self.actual_start, "实际开工日期", &mut e);
        let entered = date(&self.entered_on, "入库日期", &mut e);
        let planning_year = if self.planning_year.trim().is_empty() {
            Some(None)
        } else {
            self.planning_year
                .trim()
                .trim_end_matches('年')
                .parse::<i32>()
                .map(Some)
                .map_err(|_| e("策划年度", "应为年份，如 2026；不属策划任务的留空".into()))
                .ok()
        };
        let env = if self.env_approval.trim().is_empty() {
            Some(EnvApproval::Pending)
        } else {
            let v = EnvApproval::parse(&self.env_approval);
            if v.is_none() {
                errs.push((
                    "环评状态".to_string(),
                    format!(
                        "“{}”不是有效值，应为：{}",
                        self.env_approval.trim(),
                        EnvApproval::ALL
                            .iter()
                            .map(|e| format!("{}（{}）", e.zh(), e.code()))
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                ));
            }
            v
        };
        if !errs.is_empty() {
            return Err(errs);
        }
        let fields = ProjectFields {
            code: self.code.trim().into(),
            name: self.name.trim().into(),
            leader: self.leader.trim().into(),
            category: category.expect("checked"),
            stage: stage.expect("checked"),
            total_investment: total.expect("checked"),
            plan_year: year.expect("checked"),
            annual_plan: plan.expect("checked"),
            planned_start: ps.expect("checked"),
            planned_finish: pf.expect("checked"),
            actual_start: a.expect("checked"),
            batch: self.batch.trim().into(),
            industry: self.industry.trim().into(),
            env_approval: env.unwrap_or(EnvApproval::Pending),
            planning_year: planning_year.expect("checked"),
            entered_on: entered.expect("checked"),
        };
        let domain_errs = diaodu_domain::project::check_fields(&fields);
        if !domain_errs.is_empty() {
            return Err(domain_errs
                .into_iter()
                .map(|e| (e.field.to_string(), e.message))
                .collect());
        }
        Ok((unit_id.expect("checked"), fields))
    }
}

/// The report form as submitted.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct ReportForm {
    /// 填报期.
    pub period: String,
    /// 本期完成投资 (万元).
    pub investment: String,
    /// 形象进度.
    #[serde(default)]
    pub progress: String,
    /// 存在问题.
    #[serde(default)]
    pub problems: String,
    /// The second step of a report above the year's plan: the user has checked the figure.
    #[serde(default)]
    pub confirm_unusual: Option<String>,
}

impl ReportForm {
    /// Whether the form carries the confirmation of an unusual figure.
    pub fn confirmed(&self) -> bool {
        self.confirm_unusual
            .as_deref()
            .is_some_and(|v| !v.is_empty())
    }

    /// Parses into a report input, collecting field errors.
    pub fn parse(&self) -> Result<ReportInput, Vec<(String, String)>> {
        let mut errs = Vec::new();
        let period = Period::parse(&self.period)
            .map_err(|e| errs.push(("填报期".to_string(), e.to_string())))
            .ok();
        let investment = Yuan::parse_wan(&self.investment)
            .map_err(|e| errs.push(("本期完成投资(万元)".to_string(), e.to_string())))
            .ok();
        match (period, investment) {
            (Some(period), Some(investment)) if errs.is_empty() => Ok(ReportInput {
                period,
                investment,
                progress: self.progress.trim().to_string(),
                problems: self.problems.trim().to_string(),
            }),
            _ => Err(errs),
        }
    }
}

/// The task form.
#[derive(Debug, Default, Deserialize, Clone, utoipa::ToSchema)]
pub struct TaskForm {
    /// Title.
    pub title: String,
    /// Content.
    #[serde(default)]
    pub content: String,
    /// Lead unit id.
    pub lead_unit_id: String,
    /// Cooperating unit ids, comma separated codes or names.
    #[serde(default)]
    pub cooperating: String,
    /// Leader.
    #[serde(default)]
    pub leader: String,
    /// Start, YYYY-MM-DD.
    #[schema(format = Date)]
    pub start: String,
    /// Deadline, YYYY-MM-DD.
    #[schema(format = Date)]
    pub deadline: String,
    /// weekly / monthly.
    #[schema(example = "monthly")]
    pub cadence: String,
    /// Target value.
    #[serde(default)]
    pub target_value: String,
    /// Target unit.
    #[serde(default)]
    pub target_unit: String,
    /// higher / lower.
    #[serde(default)]
    pub target_direction: String,
    /// Milestones, one a line: `YYYY-MM-DD 内容`.
    #[serde(default)]
    pub milestones: String,
    /// Parent task id (a sub-task).
    #[serde(default)]
    pub parent_id: Option<i64>,
}

impl TaskForm {
    /// Parses into a new task, collecting every field error.
    pub fn parse(&self, tree: &UnitTree) -> Result<NewTask, Vec<(String, String)>> {
        let mut errs: Vec<(String, String)> = Vec::new();
        let lead = self
            .lead_unit_id
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| tree.get(*id).is_some());
        if lead.is_none() {
            errs.push(("牵头单位".into(), "请选择".into()));
        }
        let mut cooperating = Vec::new();
        for name in self
            .cooperating
            .split(['、', ',', '，', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match tree.resolve(name) {
                Ok(u) => cooperating.push(u.id),
                Err(m) => errs.push(("配合单位".into(), m)),
            }
        }
        let date = |s: &str, f: &str, errs: &mut Vec<(String, String)>| {
            parse_date(s)
                .map_err(|e| errs.push((f.into(), e.to_string())))
                .ok()
        };
        let start = date(&self.start, "开始日期", &mut errs);
        let deadline = date(&self.deadline, "截止日期", &mut errs);
        let cadence = Cadence::parse(&self.cadence);
        if cadence.is_none() {
            errs.push(("填报频次".into(), "请选择".into()));
        }
        let target = if self.target_value.trim().is_empty() {
            None
        } else {
            match parse_number(&self.target_value) {
                Some(value) => Some(QuantTarget {
                    value,
                    unit: self.target_unit.trim().into(),
                    direction: Direction::parse(&self.target_direction)
                        .unwrap_or(Direction::Higher),
                }),
                None => {
                    errs.push((
                        "量化目标".into(),
                        format!("“{}”不是数字", self.target_value.trim()),
                    ));
                    None
                }
            }
        };
        let mut milestones = Vec::new();
        for (i, line) in self
            .milestones
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .enumerate()
        {
            let (d, what) = line.split_once([' ', '\t', '　']).unwrap_or((line, ""));
            match parse_date(d) {
                Ok(d) if !what.trim().is_empty() => milestones.push((d, what.trim().to_string())),
                Ok(_) => errs.push(("节点".into(), format!("第{}行缺少节点内容", i + 1))),
                Err(e) => errs.push(("节点".into(), format!("第{}行：{e}", i + 1))),
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(NewTask {
            code: String::new(),
            title: self.title.trim().into(),
            content: self.content.trim().into(),
            lead_unit_id: lead.expect("checked"),
            cooperating,
            leader: self.leader.trim().into(),
            start: start.expect("checked"),
            deadline: deadline.expect("checked"),
            cadence: cadence.expect("checked"),
            target,
            parent_id: self.parent_id,
            milestones,
        })
    }
}
