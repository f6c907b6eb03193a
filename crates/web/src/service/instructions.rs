//! Leaders' instructions (领导批示), for the pages and the API alike: who may write, answer, close
//! or send back, and on what. The steps themselves are the store's (`Notices::write_instruction` …).

use super::Error;
use diaodu_domain::access::Action;
use diaodu_domain::instruction::InstructionSubject;
use diaodu_store::{Instruction, NewInstruction, UnitTree};

use super::own_unit;
use crate::auth::Current;
use crate::AppState;

/// An instruction within the caller's scope, with the unit tree; 404 for one that does not exist,
/// 403 for one outside the scope.
pub async fn load(
    state: &AppState,
    c: &Current,
    id: i64,
) -> Result<(Instruction, UnitTree), Error> {
    let tree = state.store.units().await?;
    let i = state
        .store
        .notices()
        .instruction(&tree, id, state.today())
        .await?
        .ok_or_else(|| Error::NotFound("批示".into()))?;
    if !tree.in_scope(i.unit_id, c.scope) {
        return Err(Error::Forbidden);
    }
    Ok((i, tree))
}

/// Writes an instruction: a leader (`Instruct`), on a project, task or notice whose unit is within
/// the leader's scope. Returns its id.
pub async fn write(state: &AppState, c: &Current, n: &NewInstruction) -> Result<i64, Error> {
    c.require(Action::Instruct)?;
    let tree = state.store.units().await?;
    if let Some(unit) = state
        .store
        .notices()
        .subject_unit(n.subject, n.subject_id)
        .await?
    {
        if !tree.in_scope(unit, c.scope) {
            return Err(Error::Forbidden);
        }
    }
    Ok(state
        .store
        .notices()
        .write_instruction(&c.actor(), &c.user.name, n, state.today())
        .await?)
}

/// The instructions on one subject the caller can see (none outside its scope).
pub async fn about(
    state: &AppState,
    c: &Current,
    subject: InstructionSubject,
    id: i64,
) -> Result<Vec<Instruction>, Error> {
    let tree = state.store.units().await?;
    Ok(state
        .store
        .notices()
        .instructions_about(&tree, subject, id, state.today())
        .await?
        .into_iter()
        .filter(|i| tree.in_scope(i.unit_id, c.scope))
        .collect())
}

/// Answers an instruction: a user of the unit it is addressed to who answers the unit's notices
/// (`AnswerNotices`); an office above may read it, not answer for the unit.
pub async fn reply(state: &AppState, c: &Current, id: i64, text: &str) -> Result<(), Error> {
    c.require(Action::AnswerNotices)?;
    let (i, tree) = load(state, c, id).await?;
    own_unit(c, &tree, i.unit_id, "反馈领导批示")?;
    Ok(state
        .store
        .notices()
        .reply_instruction(&c.actor(), id, &c.user.name, text)
        .await?)
}

/// Whether the caller may close an instruction or send it back: the leader who wrote it, while a
/// leader (`Instruct`), or the supervision office (`IssueNotices`), which follows leaders'
/// instructions up.
pub fn may_decide(c: &Current, i: &Instruction) -> bool {
    (c.can(Action::Instruct) && i.leader_id == Some(c.user.id)) || c.can(Action::IssueNotices)
}

/// Closes an answered instruction (`accept`) or sends it back with what remains to be done.
pub async fn decide(
    state: &AppState,
    c: &Current,
    id: i64,
    accept: bool,
    note: &str,
) -> Result<(), Error> {
    let (i, _) = load(state, c, id).await?;
    if !may_decide(c, &i) {
        return Err(Error::ForbiddenBecause(
            "只有作出批示的领导或督查室可以办结、退回批示".into(),
        ));
    }
    Ok(state
        .store
        .notices()
        .decide_instruction(&c.actor(), id, accept, note)
        .await?)
}
