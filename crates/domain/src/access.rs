//! Units, roles and the one place that decides who may do what (`docs/roles.md` holds the same table).
//!
//! Two questions are asked of every request: may this role perform this action at all
//! ([`allows`]), and is the target inside the user's scope ([`Scope`]) — the user's own unit and the
//! units below it, or everything for the administrator.

use serde::{Deserialize, Serialize};

use crate::project::coded_enum;

coded_enum! {
    /// Kind of a unit in the organisation tree (单位类型).
    UnitKind {
        /// 省
        Province = ("province", "省"),
        /// 市
        City = ("city", "市"),
        /// 区县
        District = ("district", "区县"),
        /// 园区
        Park = ("park", "园区"),
        /// 部门
        Department = ("department", "部门"),
    }
}

coded_enum! {
    /// A user's role.
    Role {
        /// 系统管理员
        Admin = ("admin", "系统管理员"),
        /// 督查室
        Supervision = ("supervision", "督查室"),
        /// 发改委
        Drc = ("drc", "发改委"),
        /// 统计局
        Statistics = ("statistics", "统计局"),
        /// 责任单位填报员
        Reporter = ("reporter", "责任单位填报员"),
        /// 领导
        Leader = ("leader", "领导"),
        /// 驻工地专员
        Commissioner = ("commissioner", "驻工地专员"),
    }
}

/// Things a user may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read projects, reports, status and rankings (within scope).
    ViewProjects,
    /// Create or edit a project, change its stage.
    EditProject,
    /// File or edit a progress report.
    SubmitReport,
    /// Log a site visit.
    LogSiteVisit,
    /// Configure admission rules.
    ManageAdmissionRules,
    /// See admission refusals.
    ViewRefusals,
    /// Import projects from a file.
    ImportProjects,
    /// Import progress reports from a file.
    ImportReports,
    /// Import or edit units.
    ManageUnits,
    /// Manage users.
    ManageUsers,
    /// Change the system settings (light thresholds, the escalation ladder, sessions).
    ManageSettings,
    /// Read the audit log.
    ViewAudit,
    /// Export ledgers.
    Export,
    /// Maintain the indicator catalogue and targets, enter and import indicator values.
    ManageIndicators,
    /// Read scorecards (within the indicator scope).
    ViewScorecard,
    /// Create key tasks, split them, add milestones.
    ManageTasks,
    /// Report progress on a task of the own unit (the lead unit).
    ReportTasks,
    /// Verify a claimed task: close it (销号) or send it back.
    VerifyTasks,
    /// Issue supervision notices, verify replies, record accountability.
    IssueNotices,
    /// Sign for and reply to notices sent to the own unit.
    AnswerNotices,
    /// Read dispatch meetings and their briefings (city-wide documents).
    ViewMeetings,
    /// Take part in inspection campaigns: read them and record findings.
    Inspect,
    /// Write a leader's instruction (领导批示) on a project, task or notice.
    Instruct,
    /// Remind units to file their reports (催报).
    ChaseReports,
    /// Upload reference documents to the library (材料库).
    UploadDocuments,
    /// Set the units' planning quotas and the investment plans, issue the planning notice.
    ManagePlanning,
    /// Keep the assessment scheme, enter bonuses and deductions, issue the assessment notice.
    ManageAssessment,
}

impl Action {
    /// Every action, in the order of the table in `docs/roles.md`.
    pub const ALL: [Action; 27] = [
        Action::ViewProjects,
        Action::EditProject,
        Action::SubmitReport,
        Action::LogSiteVisit,
        Action::ManageAdmissionRules,
        Action::ViewRefusals,
        Action::ImportProjects,
        Action::ImportReports,
        Action::ManageUnits,
        Action::ManageUsers,
        Action::ManageSettings,
        Action::ViewAudit,
        Action::Export,
        Action::ManageIndicators,
        Action::ViewScorecard,
        Action::ManageTasks,
        Action::ReportTasks,
        Action::VerifyTasks,
        Action::IssueNotices,
        Action::AnswerNotices,
        Action::ViewMeetings,
        Action::Inspect,
        Action::Instruct,
        Action::ChaseReports,
        Action::UploadDocuments,
        Action::ManagePlanning,
        Action::ManageAssessment,
    ];

    /// Chinese description.
    pub fn zh(self) -> &'static str {
        match self {
            Action::ViewProjects => "查看项目、填报、状态与排名",
            Action::EditProject => "新增、修改项目，变更建设阶段",
            Action::SubmitReport => "进度填报",
            Action::LogSiteVisit => "记录现场督导",
            Action::ManageAdmissionRules => "配置准入规则",
            Action::ViewRefusals => "查看准入拒绝记录",
            Action::ImportProjects => "导入项目",
            Action::ImportReports => "导入进度填报",
            Action::ManageUnits => "导入、维护单位",
            Action::ManageUsers => "管理用户",
            Action::ManageSettings => "修改系统设置",
            Action::ViewAudit => "查看操作留痕",
            Action::Export => "导出台账",
            Action::ManageIndicators => "维护指标目录与目标，录入、导入指标数值",
            Action::ViewScorecard => "查看指标成绩单",
            Action::ManageTasks => "下达、分解重点工作任务",
            Action::ReportTasks => "报送本单位牵头任务进度",
            Action::VerifyTasks => "核验销号或退回任务",
            Action::IssueNotices => "下发督办单、核查反馈、记录问责",
            Action::AnswerNotices => "签收、反馈本单位督办单",
            Action::ViewMeetings => "查看调度会及会议材料",
            Action::Inspect => "参加督查活动、记录督查发现",
            Action::Instruct => "对项目、任务、督办单作出领导批示",
            Action::ChaseReports => "催报：提醒单位填报进度",
            Action::UploadDocuments => "向材料库上传参考材料",
            Action::ManagePlanning => "下达项目策划包装任务、维护投资计划、发布策划通报",
            Action::ManageAssessment => "维护考核方案、录入加减分、发布考核通报",
        }
    }
}

/// Whether `role` may perform `action` at all. Scope is checked separately.
pub fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        ViewProjects | Export | ViewScorecard => true,
        ManageIndicators => matches!(role, Admin | Statistics),
        ManageTasks | VerifyTasks | IssueNotices => matches!(role, Admin | Supervision),
        AnswerNotices => matches!(role, Admin | Drc | Statistics | Reporter),
        ViewMeetings => matches!(role, Admin | Supervision | Drc | Statistics | Leader),
        Inspect => matches!(role, Admin | Supervision | Commissioner),
        ReportTasks => matches!(role, Admin | Drc | Statistics | Reporter),
        EditProject | ImportProjects | ManageAdmissionRules => matches!(role, Admin | Drc),
        SubmitReport | ImportReports => matches!(role, Admin | Drc | Reporter),
        LogSiteVisit => matches!(role, Admin | Commissioner),
        ViewRefusals => matches!(role, Admin | Drc | Supervision),
        ManageUnits | ManageUsers | ManageSettings => role == Admin,
        ViewAudit => matches!(role, Admin | Supervision),
        Instruct => matches!(role, Admin | Leader),
        ChaseReports => matches!(role, Admin | Supervision | Drc),
        UploadDocuments => matches!(role, Admin | Supervision | Drc | Statistics),
        ManagePlanning => matches!(role, Admin | Drc),
        ManageAssessment => matches!(role, Admin | Supervision),
    }
}

/// Which units' records a user may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every unit (administrator).
    All,
    /// This unit and every unit below it.
    Subtree(i64),
}

impl Scope {
    /// The scope of a user of `role` attached to unit `unit_id`. Only the administrator reaches beyond
    /// the own subtree; city-level offices are attached to the city unit, which covers the whole city.
    pub fn of(role: Role, unit_id: i64) -> Scope {
        if role == Role::Admin {
            Scope::All
        } else {
            Scope::Subtree(unit_id)
        }
    }

    /// The scope for indicators: a region is ranked among its peers, so a user works with the units
    /// under the unit above its own — a city's statistics bureau enters the values of the province,
    /// its peer cities and their districts. The administrator reaches everything.
    pub fn indicators(role: Role, unit_id: i64, parent_id: Option<i64>) -> Scope {
        if role == Role::Admin {
            Scope::All
        } else {
            Scope::Subtree(parent_id.unwrap_or(unit_id))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reporter_cannot_edit_projects_but_can_report() {
        assert!(!allows(Role::Reporter, Action::EditProject));
        assert!(allows(Role::Reporter, Action::SubmitReport));
        assert!(!allows(Role::Leader, Action::SubmitReport));
        assert!(allows(Role::Commissioner, Action::LogSiteVisit));
        assert!(!allows(Role::Drc, Action::ViewAudit));
        for a in Action::ALL {
            assert!(allows(Role::Admin, a), "admin may {a:?}");
        }
    }

    #[test]
    fn indicator_scope_is_the_unit_above() {
        assert_eq!(
            Scope::indicators(Role::Statistics, 5, Some(1)),
            Scope::Subtree(1)
        );
        assert_eq!(
            Scope::indicators(Role::Statistics, 1, None),
            Scope::Subtree(1)
        );
        assert_eq!(Scope::indicators(Role::Admin, 5, Some(1)), Scope::All);
    }

    #[test]
    fn scope() {
        assert_eq!(Scope::of(Role::Admin, 3), Scope::All);
        assert_eq!(Scope::of(Role::Reporter, 3), Scope::Subtree(3));
    }
}
