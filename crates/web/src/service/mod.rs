//! The actions that act on the city's records, each one function that the pages and the API call
//! (and the command line, where it has the action), so that their checks cannot drift apart. Each
//! asks, in order: may the role do this at all; is the record within the caller's scope; where the
//! action is the unit's own (reporting a task's progress, signing, replying — docs/roles.md rule 4),
//! does it belong to the caller's own unit (a supervisor above may read, verify and send back, never
//! act in the unit's name); and, where it takes a date, is that today or before. A project's progress
//! report is not such an action: the development and reform commission files and imports them for
//! the units in its scope, as it collects their weekly sheets.

pub mod assessment;
pub mod calendar;
pub mod cockpit;
pub mod documents;
pub mod error;
pub mod imports;
pub mod instructions;
pub mod library;
pub mod map;
pub mod notify;
pub mod planning;
pub mod reminders;
pub mod reporting;
pub mod scope;
pub mod units;
pub mod users;

use diaodu_domain::access::Action;
use diaodu_store::{TaskReportInput, UnitTree};
use time::Date;

use crate::auth::Current;
use crate::AppState;
pub use error::Error;

/// The date a write acts on: today, or an earlier `as_of` (replaying a past day); a date after
/// `today` is refused — no write may record events dated in the future.
pub fn write_date(today: Date, as_of: Option<&str>) -> Result<Date, Error> {
    let Some(text) = as_of.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(today);
    };
    let d = diaodu_domain::period::parse_date(text)
        .map_err(|e| Error::invalid("统计日期", e.to_string()))?;
    if d > today {
        return Err(Error::invalid(
            "统计日期",
            format!(
                "{} 晚于今天（{}），写入操作只能按今天或以前的日期执行",
                diaodu_domain::period::fmt_date(d),
                diaodu_domain::period::fmt_date(today)
            ),
        ));
    }
    Ok(d)
}

/// Whether the caller acts for `unit_id`: it belongs to that unit itself. What a unit files, signs or
/// replies is done by its own users.
pub fn acts_for(c: &Current, unit_id: i64) -> bool {
    c.user.unit_id == unit_id
}

/// Fails with 403, saying why, unless the caller [`acts_for`] `unit_id`.
pub fn own_unit(c: &Current, tree: &UnitTree, unit_id: i64, what: &str) -> Result<(), Error> {
    if acts_for(c, unit_id) {
        return Ok(());
    }
    let name = tree
        .get(unit_id)
        .map(|u| u.name.as_str())
        .unwrap_or("该单位");
    Err(Error::ForbiddenBecause(format!(
        "只有{name}的用户可以{what}；上级单位可以查看、核查和退回，不能代为{what}"
    )))
}

/// Climbs the escalation ladder for the overdue notices within the caller's scope, as of today or an
/// earlier `as_of`. Returns the number of steps taken.
pub async fn escalate_notices(
    state: &AppState,
    c: &Current,
    as_of: Option<&str>,
) -> Result<usize, Error> {
    c.require(Action::IssueNotices)?;
    let d = write_date(state.today(), as_of)?;
    let tree = state.store.units().await?;
    Ok(
        crate::notify::escalate_and_tell(&state.store, &c.actor(), d, Some((&tree, c.scope)))
            .await?,
    )
}

/// Records a decision of a meeting within the caller's scope, and the task it hands out.
pub async fn add_decision(
    state: &AppState,
    c: &Current,
    meeting_id: i64,
    f: &crate::service::scope::DecisionForm,
) -> Result<(i64, i64), Error> {
    c.require(Action::ManageTasks)?;
    let m = state
        .store
        .meetings()
        .get(meeting_id)
        .await?
        .ok_or_else(|| Error::NotFound("调度会".into()))?;
    let tree = state.store.units().await?;
    if !tree.in_scope(m.unit_id, c.scope) {
        return Err(Error::Forbidden);
    }
    let task = crate::service::scope::decision_task(&m, &tree, c, f)?;
    Ok(state
        .store
        .meetings()
        .add_decision(&c.actor(), meeting_id, &f.content, task)
        .await?)
}

/// Signs for a notice sent to the caller's own unit.
pub async fn sign_notice(state: &AppState, c: &Current, id: i64) -> Result<(), Error> {
    c.require(Action::AnswerNotices)?;
    let (n, _, tree) = crate::service::scope::load_notice(state, c, id).await?;
    own_unit(c, &tree, n.unit_id, "签收督办单")?;
    Ok(state.store.notices().sign(&c.actor(), id).await?)
}

/// Replies to a notice sent to the caller's own unit.
pub async fn reply_notice(state: &AppState, c: &Current, id: i64, text: &str) -> Result<(), Error> {
    c.require(Action::AnswerNotices)?;
    let (n, _, tree) = crate::service::scope::load_notice(state, c, id).await?;
    own_unit(c, &tree, n.unit_id, "反馈督办单")?;
    Ok(state.store.notices().reply(&c.actor(), id, text).await?)
}

/// Files progress on a task the caller's own unit leads (a cooperating unit reports on the part it
/// leads, a sub-task). 100 % claims completion.
pub async fn report_task(
    state: &AppState,
    c: &Current,
    id: i64,
    input: &TaskReportInput,
) -> Result<(), Error> {
    c.require(Action::ReportTasks)?;
    let (t, _, tree) = crate::service::scope::load_task(state, c, id).await?;
    own_unit(c, &tree, t.lead_unit_id, "报送任务进度")?;
    Ok(state
        .store
        .tasks()
        .submit_report(&c.actor(), id, input, state.today())
        .await?)
}

/// Files or edits a project's report for a period: a project within the caller's scope; above the
/// year's plan only when `confirm_unusual`. Returns the report and whether it was created.
pub async fn submit_report(
    state: &AppState,
    c: &Current,
    project_id: i64,
    input: &diaodu_store::ReportInput,
    confirm_unusual: bool,
) -> Result<(diaodu_store::ReportRow, bool), Error> {
    c.require(Action::SubmitReport)?;
    crate::service::scope::load_in_scope(state, c, project_id).await?;
    Ok(state
        .store
        .reports()
        .submit(&c.actor(), project_id, input, confirm_unusual)
        .await?)
}

/// Issues a notice to a unit within the caller's scope. Returns its id.
pub async fn issue_notice(
    state: &AppState,
    c: &Current,
    n: diaodu_store::NewNotice,
) -> Result<i64, Error> {
    c.require(Action::IssueNotices)?;
    let tree = state.store.units().await?;
    if !tree.in_scope(n.unit_id, c.scope) {
        return Err(Error::Forbidden);
    }
    Ok(state
        .store
        .notices()
        .issue(&c.actor(), n, state.today())
        .await?)
}

/// The office's verification of a reply to a notice within its scope: close it, or send it back.
pub async fn verify_notice(
    state: &AppState,
    c: &Current,
    id: i64,
    accept: bool,
    note: &str,
) -> Result<(), Error> {
    c.require(Action::IssueNotices)?;
    crate::service::scope::load_notice(state, c, id).await?;
    Ok(state
        .store
        .notices()
        .verify(&c.actor(), id, accept, note)
        .await?)
}

/// Records an accountability decision (问责) on a notice within the caller's scope, decided today or
/// before. Returns its id.
#[allow(clippy::too_many_arguments)]
pub async fn add_accountability(
    state: &AppState,
    c: &Current,
    notice_id: i64,
    person: String,
    what: String,
    decision: String,
    decided_on: &str,
) -> Result<i64, Error> {
    c.require(Action::IssueNotices)?;
    let (n, _, _) = crate::service::scope::load_notice(state, c, notice_id).await?;
    let d = diaodu_domain::period::parse_date(decided_on)
        .map_err(|e| Error::invalid("决定日期", e.to_string()))?;
    if d > state.today() {
        return Err(Error::invalid("决定日期", "不能晚于今天"));
    }
    Ok(state
        .store
        .notices()
        .add_accountability(
            &c.actor(),
            &diaodu_store::Accountability {
                id: 0,
                notice_id: Some(notice_id),
                unit_id: Some(n.unit_id),
                person,
                what,
                decision,
                decided_on: d,
            },
        )
        .await?)
}

/// Whether the caller may read the accountability records: the supervision office that records
/// them, and the leaders who call for them.
pub fn sees_accountability(c: &Current) -> bool {
    c.can(Action::IssueNotices) || c.can(Action::Instruct)
}

/// The accountability records of units within the caller's scope (a record without a unit is the
/// administrator's to see).
pub async fn accountability_in_scope(
    state: &AppState,
    c: &Current,
) -> Result<Vec<diaodu_store::Accountability>, Error> {
    if !sees_accountability(c) {
        return Err(Error::Forbidden);
    }
    let tree = state.store.units().await?;
    Ok(state
        .store
        .notices()
        .accountability(None)
        .await?
        .into_iter()
        .filter(|a| match a.unit_id {
            Some(u) => tree.in_scope(u, c.scope),
            None => c.scope == diaodu_domain::access::Scope::All,
        })
        .collect())
}

/// The office's verification of a task within its scope claimed done: close it (销号), or send it
/// back.
pub async fn verify_task(
    state: &AppState,
    c: &Current,
    id: i64,
    accept: bool,
    note: &str,
) -> Result<diaodu_store::Task, Error> {
    c.require(Action::VerifyTasks)?;
    crate::service::scope::load_task(state, c, id).await?;
    Ok(state
        .store
        .tasks()
        .verify(&c.actor(), id, accept, note)
        .await?)
}

/// Adds a project to a unit within the caller's scope (the admission rules apply).
pub async fn create_project(
    state: &AppState,
    c: &Current,
    unit_id: i64,
    fields: diaodu_domain::project::ProjectFields,
) -> Result<diaodu_store::Project, Error> {
    c.require(Action::EditProject)?;
    let tree = state.check_scope(c.scope, unit_id).await?;
    in_service(&tree, "责任单位", &[unit_id])?;
    Ok(state
        .store
        .projects()
        .create(&c.actor(), unit_id, fields)
        .await?)
}

/// Changes a project within the caller's scope, which stays (or moves) within it; `version` is the
/// one the caller read.
pub async fn update_project(
    state: &AppState,
    c: &Current,
    id: i64,
    version: i64,
    unit_id: i64,
    fields: diaodu_domain::project::ProjectFields,
) -> Result<diaodu_store::Project, Error> {
    c.require(Action::EditProject)?;
    let (p, _) = crate::service::scope::load_in_scope(state, c, id).await?;
    let tree = state.check_scope(c.scope, unit_id).await?;
    if unit_id != p.unit_id {
        in_service(&tree, "责任单位", &[unit_id])?;
    }
    Ok(state
        .store
        .projects()
        .update(&c.actor(), id, version, unit_id, fields)
        .await?)
}

/// Refuses a retired unit for a new record: it keeps what it had, and takes nothing new.
fn in_service(tree: &diaodu_store::UnitTree, field: &str, units: &[i64]) -> Result<(), Error> {
    match units
        .iter()
        .filter_map(|u| tree.get(*u))
        .find(|u| u.retired_on.is_some())
    {
        Some(u) => Err(Error::invalid(field, format!("{}已撤销", u.name))),
        None => Ok(()),
    }
}

/// Hands out a task whose lead and cooperating units are within the caller's scope (a sub-task: of
/// a task the caller sees).
pub async fn create_task(
    state: &AppState,
    c: &Current,
    t: diaodu_store::NewTask,
) -> Result<diaodu_store::Task, Error> {
    c.require(Action::ManageTasks)?;
    let tree = state.store.units().await?;
    if !std::iter::once(&t.lead_unit_id)
        .chain(&t.cooperating)
        .all(|u| tree.in_scope(*u, c.scope))
    {
        return Err(Error::Forbidden);
    }
    let units: Vec<i64> = std::iter::once(t.lead_unit_id)
        .chain(t.cooperating.iter().copied())
        .collect();
    in_service(&tree, "牵头或配合单位", &units)?;
    if let Some(parent) = t.parent_id {
        crate::service::scope::load_task(state, c, parent).await?;
    }
    Ok(state.store.tasks().create(&c.actor(), t).await?)
}

/// Calls a dispatch meeting of the caller's own level (the unit at the root of its scope). Returns its
/// id.
pub async fn create_meeting(
    state: &AppState,
    c: &Current,
    mut m: diaodu_store::NewMeeting,
) -> Result<i64, Error> {
    c.require(Action::ManageTasks)?;
    m.unit_id = crate::service::scope::scope_root(c);
    Ok(state.store.meetings().create(&c.actor(), m).await?)
}

/// Records the findings of an inspection item, of a campaign within the caller's scope. Returns the
/// campaign's id.
pub async fn record_finding(
    state: &AppState,
    c: &Current,
    item: i64,
    findings: &str,
    severity: &str,
) -> Result<i64, Error> {
    c.require(Action::Inspect)?;
    let id = crate::service::scope::item_inspection(state, c, item).await?;
    state
        .store
        .notices()
        .record_finding(&c.actor(), item, findings, severity)
        .await?;
    Ok(id)
}

/// Writes indicator values for several regions, all or nothing, the API's and the import file's
/// door alike. Rule: a user enters values for its own region and the regions below it (the scope
/// of `crate::service::scope::indicator_write_scope`, which the value grid checks the same way);
/// a row for any other known region is an error naming the row, and nothing is written. `errors`
/// are the caller's parse errors, reported with these.
pub async fn write_indicator_values(
    store: &diaodu_store::Store,
    actor: &diaodu_store::Actor,
    tree: &UnitTree,
    scope: diaodu_domain::access::Scope,
    rows: &[diaodu_domain::import::IndicatorValueRow],
    mut errors: Vec<diaodu_domain::import::ImportError>,
) -> Result<Result<usize, Vec<diaodu_domain::import::ImportError>>, Error> {
    errors.extend(rows.iter().filter_map(|r| {
        tree.find(&r.region)
            .filter(|u| !tree.in_scope(u.id, scope))
            .map(|_| {
                diaodu_domain::import::ImportError::new(
                    r.row,
                    "地区",
                    format!("{}“{}”的指标数值", NOT_YOURS, r.region),
                )
            })
    }));
    Ok(store
        .indicators()
        .import_indicator_values(actor, tree, rows, errors)
        .await?)
}

/// How a refusal of another region's value begins (the API answers such a batch with 403).
pub const NOT_YOURS: &str = "无权录入";
