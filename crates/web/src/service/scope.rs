//! Loading a record for the caller: it exists (404 otherwise) and it is within the caller's scope
//! (403 otherwise). Every page, API handler and use case that acts on one record starts here.

use diaodu_domain::period::parse_date;
use diaodu_domain::task::Cadence;
use diaodu_store::{Meeting, NewTask, Notice, Project, UnitTree};
use serde::Deserialize;

use crate::auth::Current;
use crate::{AppError, AppState};

/// Loads a notice the user may see: its unit must be within the user's scope.
pub async fn load_notice(
    state: &AppState,
    c: &Current,
    id: i64,
) -> Result<(Notice, Vec<diaodu_store::NoticeEvent>, UnitTree), AppError> {
    let tree = state.store.units().await?;
    let (n, ev) = state.store.notice(&tree, id, state.today()).await?;
    if !tree.in_scope(n.unit_id, c.scope) {
        return Err(AppError::Forbidden);
    }
    Ok((n, ev, tree))
}

/// Loads a task the user may see (403 otherwise).
pub async fn load_task(
    state: &AppState,
    c: &Current,
    id: i64,
) -> Result<(diaodu_store::Task, Vec<i64>, UnitTree), AppError> {
    let t = state
        .store
        .task(id)
        .await?
        .ok_or_else(|| AppError::NotFound("任务".into()))?;
    let units = state.store.task_units(id).await?;
    let tree = state.store.units().await?;
    if units.iter().any(|u| tree.in_scope(*u, c.scope)) {
        Ok((t, units, tree))
    } else {
        Err(AppError::Forbidden)
    }
}

/// Loads a project and checks it is within the user's scope (403 otherwise, whatever the id).
pub async fn load_in_scope(
    state: &AppState,
    c: &Current,
    id: i64,
) -> Result<(Project, UnitTree), AppError> {
    let p = state
        .store
        .project(id)
        .await?
        .ok_or_else(|| AppError::NotFound("项目".into()))?;
    let tree = state.check_scope(c.scope, p.unit_id).await?;
    Ok((p, tree))
}

/// The campaign of an inspection item, which must be within the user's scope.
pub async fn item_inspection(state: &AppState, c: &Current, item: i64) -> Result<i64, AppError> {
    let insp: Option<i64> = state.store.inspection_of_item(item).await?;
    let id = insp.ok_or_else(|| AppError::NotFound("督查对象".into()))?;
    let (i, _) = state.store.inspection(id).await?;
    let tree = state.store.units().await?;
    if !tree.in_scope(i.unit_id, c.scope) {
        return Err(AppError::Forbidden);
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
) -> Result<NewTask, AppError> {
    let lead: i64 = f
        .lead_unit_id
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("牵头单位", "请选择"))?;
    if tree.get(lead).is_none() || !tree.in_scope(lead, c.scope) {
        return Err(AppError::invalid("牵头单位", "请选择权限范围内的单位"));
    }
    let deadline =
        parse_date(&f.deadline).map_err(|e| AppError::invalid("完成时限", e.to_string()))?;
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
