//! Loading a record for the caller: it exists (404 otherwise) and it is within the caller's scope
//! (403 otherwise). Every page, API handler and use case that acts on one record starts here; and
//! the other answers to "which units may this caller see or act for" (a ranking's parent unit, the
//! scorecard's region, the indicator scopes, who may read or add attachments).

use super::Error;
use diaodu_domain::access::{Action, Scope};
use diaodu_domain::indicator::StatPeriod;
use diaodu_domain::period::parse_date;
use diaodu_domain::task::Cadence;
use diaodu_store::{Meeting, NewTask, Notice, Project, UnitTree};
use serde::Deserialize;

use crate::auth::Current;
use crate::forms::nonempty;
use crate::AppState;

/// Loads a notice the user may see: its unit must be within the user's scope.
pub async fn load_notice(
    state: &AppState,
    c: &Current,
    id: i64,
) -> Result<(Notice, Vec<diaodu_store::NoticeEvent>, UnitTree), Error> {
    let tree = state.store.units().await?;
    let (n, ev) = state.store.notices().get(&tree, id, state.today()).await?;
    if !tree.in_scope(n.unit_id, c.scope) {
        return Err(Error::Forbidden);
    }
    Ok((n, ev, tree))
}

/// Loads a dispatch meeting the user may see: the role views meetings and the meeting's unit is in
/// scope (403 otherwise; 404 when there is none).
pub async fn load_meeting(
    state: &AppState,
    c: &Current,
    id: i64,
) -> Result<(diaodu_store::Meeting, UnitTree), Error> {
    c.require(diaodu_domain::access::Action::ViewMeetings)?;
    let m = state
        .store
        .meetings()
        .get(id)
        .await?
        .ok_or_else(|| Error::NotFound("调度会".into()))?;
    let tree = state.store.units().await?;
    if !tree.in_scope(m.unit_id, c.scope) {
        return Err(Error::Forbidden);
    }
    Ok((m, tree))
}

/// Loads a task the user may see (403 otherwise).
pub async fn load_task(
    state: &AppState,
    c: &Current,
    id: i64,
) -> Result<(diaodu_store::Task, Vec<i64>, UnitTree), Error> {
    let t = state
        .store
        .tasks()
        .get(id)
        .await?
        .ok_or_else(|| Error::NotFound("任务".into()))?;
    let units = state.store.tasks().task_units(id).await?;
    let tree = state.store.units().await?;
    if units.iter().any(|u| tree.in_scope(*u, c.scope)) {
        Ok((t, units, tree))
    } else {
        Err(Error::Forbidden)
    }
}

/// Loads a project and checks it is within the user's scope (403 otherwise, whatever the id).
pub async fn load_in_scope(
    state: &AppState,
    c: &Current,
    id: i64,
) -> Result<(Project, UnitTree), Error> {
    let p = state
        .store
        .projects()
        .get(id)
        .await?
        .ok_or_else(|| Error::NotFound("项目".into()))?;
    let tree = state.check_scope(c.scope, p.unit_id).await?;
    Ok((p, tree))
}

/// The campaign of an inspection item, which must be within the user's scope.
pub async fn item_inspection(state: &AppState, c: &Current, item: i64) -> Result<i64, Error> {
    let insp: Option<i64> = state.store.notices().inspection_of_item(item).await?;
    let id = insp.ok_or_else(|| Error::NotFound("督查对象".into()))?;
    let (i, _) = state.store.notices().inspection(id).await?;
    let tree = state.store.units().await?;
    if !tree.in_scope(i.unit_id, c.scope) {
        return Err(Error::Forbidden);
    }
    Ok(id)
}

/// The unit at the top of a user's scope (the administrator's own unit for the whole tree).
pub fn scope_root(c: &Current) -> i64 {
    match c.scope {
        diaodu_domain::access::Scope::All => c.user.unit_id,
        diaodu_domain::access::Scope::Subtree(u) => u,
    }
}

/// A decision of a meeting (议定事项), as the meeting page and the API take it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DecisionForm {
    /// The decision.
    pub content: String,
    /// Lead unit id.
    pub lead_unit_id: String,
    /// Deadline, YYYY-MM-DD.
    #[schema(format = Date)]
    pub deadline: String,
    /// weekly / monthly.
    #[serde(default)]
    #[schema(example = "monthly")]
    pub cadence: String,
    /// Leader.
    #[serde(default)]
    pub leader: String,
}

/// Builds the task a decision becomes.
pub fn decision_task(
    m: &Meeting,
    tree: &UnitTree,
    c: &Current,
    f: &DecisionForm,
) -> Result<NewTask, Error> {
    let lead: i64 = f
        .lead_unit_id
        .trim()
        .parse()
        .map_err(|_| Error::invalid("牵头单位", "请选择"))?;
    if tree.get(lead).is_none() || !tree.in_scope(lead, c.scope) {
        return Err(Error::invalid("牵头单位", "请选择权限范围内的单位"));
    }
    let deadline =
        parse_date(&f.deadline).map_err(|e| Error::invalid("完成时限", e.to_string()))?;
    let title: String = f.content.trim().chars().take(60).collect();
    Ok(NewTask {
        code: String::new(),
        title,
        content: format!("{}议定：{}", m.title, f.content.trim()),
        lead_unit_id: lead,
        cooperating: Vec::new(),
        leader: f.leader.trim().into(),
        start: m.date,
        deadline,
        cadence: Cadence::parse(&f.cadence).unwrap_or(Cadence::Weekly),
        target: None,
        parent_id: None,
        milestones: Vec::new(),
    })
}

/// The unit whose children a ranking lists: the `unit` parameter (which must be in scope, else 403)
/// or the root of the user's scope.
pub fn ranking_parent(tree: &UnitTree, c: &Current, unit: &Option<String>) -> Result<i64, Error> {
    match nonempty(unit) {
        Some(u) => {
            let id: i64 = u
                .parse()
                .map_err(|_| Error::invalid("单位", "无效的单位"))?;
            if tree.in_scope(id, c.scope) {
                Ok(id)
            } else {
                Err(Error::Forbidden)
            }
        }
        None => Ok(scope_root(c)),
    }
}

/// Resolves the region (id, code or name) and checks it is in the user's indicator scope.
pub fn resolve_region(tree: &UnitTree, c: &Current, region: Option<&str>) -> Result<i64, Error> {
    let id = match region {
        Some(r) => match r.parse::<i64>() {
            Ok(id) if tree.get(id).is_some() => id,
            _ => tree.resolve(r).map_err(|m| Error::invalid("地区", m))?.id,
        },
        None => c.user.unit_id,
    };
    if tree.in_scope(id, indicator_scope(tree, c)) {
        Ok(id)
    } else {
        Err(Error::Forbidden)
    }
}

/// The period to show: the given one, or the newest period with values.
pub async fn resolve_period(state: &AppState, p: Option<&str>) -> Result<StatPeriod, Error> {
    match p {
        Some(p) => StatPeriod::parse(p).map_err(|e| Error::invalid("期别", e.to_string())),
        None => {
            let periods = state.store.indicators().value_periods().await?;
            periods
                .iter()
                .filter_map(|p| StatPeriod::parse(p).ok())
                .max_by_key(|p| (p.year(), p.to_string()))
                .ok_or_else(|| Error::NotFound("指标数据".into()))
        }
    }
}

/// The indicator scope of a user: the subtree of the unit above its own (see `docs/roles.md`).
pub fn indicator_scope(tree: &UnitTree, c: &Current) -> Scope {
    let parent = tree.get(c.user.unit_id).and_then(|u| u.parent_id);
    Scope::indicators(c.user.role, c.user.unit_id, parent)
}

/// The regions whose values a user may enter: its own and those below it (the administrator: all).
/// A statistics bureau reads its peers' and its parent's figures for the scorecard, but those are
/// entered by the level that owns them.
pub fn indicator_write_scope(c: &Current) -> Scope {
    c.scope
}

/// Whether the user may read (`write = false`) or add to (`write = true`) the attachments of a record,
/// by the rules of the record itself. Returns the page to go back to.
pub async fn attachment_access(
    state: &AppState,
    c: &Current,
    kind: &str,
    owner: i64,
    write: bool,
) -> Result<String, Error> {
    match kind {
        "notice" => {
            let (n, _, _) = crate::service::scope::load_notice(state, c, owner).await?;
            if write
                && !((c.can(Action::AnswerNotices) && crate::service::acts_for(c, n.unit_id))
                    || c.can(Action::IssueNotices))
            {
                return Err(Error::Forbidden);
            }
            Ok(format!("/notices/{owner}"))
        }
        "task" => {
            let (t, _, _) = crate::service::scope::load_task(state, c, owner).await?;
            if write
                && !(c.can(Action::ManageTasks)
                    || (c.can(Action::ReportTasks) && crate::service::acts_for(c, t.lead_unit_id)))
            {
                return Err(Error::Forbidden);
            }
            Ok(format!("/tasks/{owner}"))
        }
        "inspection_item" => {
            if !(c.can(Action::Inspect) || (!write && c.can(Action::ViewMeetings))) {
                return Err(Error::Forbidden);
            }
            let id = item_inspection(state, c, owner).await?;
            Ok(format!("/inspections/{id}"))
        }
        // Photos of a report or a site visit: seen with the project; added by who files the
        // project's reports (`SubmitReport`) or logs its visits (`LogSiteVisit`).
        "report" | "site_visit" => {
            let project = state
                .store
                .notices()
                .project_of(kind, owner)
                .await?
                .ok_or_else(|| Error::NotFound(photo_owner_zh(kind).into()))?;
            crate::service::scope::load_in_scope(state, c, project).await?;
            let may = if kind == "report" {
                c.can(Action::SubmitReport)
            } else {
                c.can(Action::LogSiteVisit)
            };
            if write && !may {
                return Err(Error::Forbidden);
            }
            Ok(format!("/photos/{kind}/{owner}"))
        }
        _ => Err(Error::invalid("附件", "无效的附件归属")),
    }
}

/// What a photo belongs to, in words.
pub fn photo_owner_zh(kind: &str) -> &'static str {
    if kind == "report" {
        "进度填报"
    } else {
        "现场督导记录"
    }
}
