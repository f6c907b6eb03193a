//! Leaders' instructions (领导批示): written on a project, task or notice, answered by the subject's
//! unit, closed or sent back by the leader or the supervision office. Every step is audited in the
//! same transaction. The rules of the text, the date and lateness are in
//! `diaodu_domain::instruction`; who may take each step is the service's (`web::service`).

use diaodu_domain::access::Scope;
use diaodu_domain::instruction::{
    check, days_overdue, text_error, InstructionState, InstructionSubject,
};
use diaodu_domain::period::fmt_date;
use serde::Serialize;
use time::Date;

use crate::{audit, now_ts, s2d, Actor, Notices, Result, StoreError, UnitTree};

/// An instruction to write.
#[derive(Debug, Clone)]
pub struct NewInstruction {
    /// What it is written on.
    pub subject: InstructionSubject,
    /// The project, task or notice id.
    pub subject_id: i64,
    /// The leader's words.
    pub body: String,
    /// The date the unit answers by.
    pub due_on: Date,
}

/// A stored instruction, with its subject's code and title and its unit's name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Instruction {
    /// Id.
    pub id: i64,
    /// What it is written on.
    pub subject: InstructionSubject,
    /// The project, task or notice id.
    pub subject_id: i64,
    /// The subject's code (project code, task code, notice number).
    pub subject_code: String,
    /// The subject's name or title.
    pub subject_title: String,
    /// The unit that answers.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// The leader who wrote it (user id).
    pub leader_id: Option<i64>,
    /// The leader's name as written.
    pub leader_name: String,
    /// The instruction.
    pub body: String,
    /// The date the unit answers by.
    pub due_on: Date,
    /// Where it stands.
    pub state: InstructionState,
    /// The unit's answer.
    pub reply: String,
    /// Who answered (name).
    pub replied_by: String,
    /// When (UTC).
    pub replied_at: Option<String>,
    /// The closing or sending-back note.
    pub closed_note: String,
    /// When it was closed (UTC).
    pub closed_at: Option<String>,
    /// When it was written (UTC).
    pub created_at: String,
    /// Days past its date as of the query date, while the answer is owed.
    pub days_overdue: i64,
}

/// An instruction as the database holds it.
#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    subject_kind: String,
    subject_id: i64,
    subject_code: String,
    subject_title: String,
    unit_id: i64,
    leader_id: Option<i64>,
    leader_name: String,
    body: String,
    due_on: String,
    state: String,
    reply: String,
    replied_by: String,
    replied_at: Option<String>,
    closed_note: String,
    closed_at: Option<String>,
    created_at: String,
}

impl Row {
    fn into_instruction(self, tree: &UnitTree, d: Date) -> Instruction {
        let state = InstructionState::parse(&self.state).unwrap_or(InstructionState::Open);
        let due_on = s2d(Some(self.due_on)).unwrap_or(Date::MIN);
        Instruction {
            id: self.id,
            subject: InstructionSubject::parse(&self.subject_kind)
                .unwrap_or(InstructionSubject::Project),
            subject_id: self.subject_id,
            subject_code: self.subject_code,
            subject_title: self.subject_title,
            unit_id: self.unit_id,
            unit_name: tree
                .get(self.unit_id)
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            leader_id: self.leader_id,
            leader_name: self.leader_name,
            body: self.body,
            due_on,
            state,
            reply: self.reply,
            replied_by: self.replied_by,
            replied_at: self.replied_at,
            closed_note: self.closed_note,
            closed_at: self.closed_at,
            created_at: self.created_at,
            days_overdue: days_overdue(state, due_on, d),
        }
    }
}

/// Whose outstanding instructions a home page lists.
#[derive(Debug, Clone, Copy)]
pub enum Outstanding {
    /// A leader's own, not yet closed (awaiting the unit's answer or the leader's decision).
    WrittenBy(i64),
    /// A unit's, awaiting its answer.
    AddressedTo(i64),
}

/// The unit an instruction is addressed to now (see [`SELECT`]).
macro_rules! addressee {
    () => {
        "COALESCE(p.unit_id, t.lead_unit_id, n.unit_id, i.unit_id)"
    };
}

/// The instructions with their subject's code and title (one of the three joins matches). An
/// instruction is addressed to its subject's unit as it is now — the project's unit, the task's lead
/// unit, the notice's unit — so a project moved to another unit takes its instructions along; the
/// unit stored is the one it was first addressed to, read only when the subject is gone.
const SELECT: &str = concat!(
    "SELECT i.id, i.subject_kind, i.subject_id, \
     COALESCE(p.code, t.code, n.code, '') AS subject_code, \
     COALESCE(p.name, t.title, n.title, '') AS subject_title, ",
    addressee!(),
    " AS unit_id, i.leader_id, i.leader_name, i.body, i.due_on, i.state, i.reply, i.replied_by, \
     i.replied_at, i.closed_note, i.closed_at, i.created_at \
     FROM instructions i \
     LEFT JOIN projects p ON i.subject_kind = 'project' AND p.id = i.subject_id \
     LEFT JOIN tasks t ON i.subject_kind = 'task' AND t.id = i.subject_id \
     LEFT JOIN notices n ON i.subject_kind = 'notice' AND n.id = i.subject_id"
);

impl Notices<'_> {
    /// The unit answerable for a subject: a project's unit, a task's lead unit, a notice's unit.
    /// `None` when the record does not exist.
    pub async fn subject_unit(self, subject: InstructionSubject, id: i64) -> Result<Option<i64>> {
        let sql = match subject {
            InstructionSubject::Project => "SELECT unit_id FROM projects WHERE id = $1",
            InstructionSubject::Task => "SELECT lead_unit_id FROM tasks WHERE id = $1",
            InstructionSubject::Notice => "SELECT unit_id FROM notices WHERE id = $1",
        };
        Ok(sqlx::query_scalar(sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Writes an instruction for the subject's unit (audited). `leader_name` is the writer's name
    /// as it will stand on the instruction.
    pub async fn write_instruction(
        self,
        actor: &Actor,
        leader_name: &str,
        n: &NewInstruction,
        today: Date,
    ) -> Result<i64> {
        let mut errs: Vec<(String, String)> = check(&n.body, n.due_on, today)
            .into_iter()
            .map(|(f, m)| (f.to_string(), m))
            .collect();
        let unit = self.notices().subject_unit(n.subject, n.subject_id).await?;
        if unit.is_none() {
            errs.push((
                "批示对象".into(),
                format!("编号 {} 的{}不存在", n.subject_id, n.subject.zh()),
            ));
        }
        let Some(unit) = unit.filter(|_| errs.is_empty()) else {
            return Err(StoreError::Invalid(errs));
        };
        let mut tx = self.begin().await?;
        let now = now_ts();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO instructions (subject_kind, subject_id, unit_id, leader_id, leader_name, \
             body, due_on, state, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) \
             RETURNING id",
        )
        .bind(n.subject.code())
        .bind(n.subject_id)
        .bind(unit)
        .bind(actor.user_id)
        .bind(leader_name)
        .bind(n.body.trim())
        .bind(fmt_date(n.due_on))
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "create",
            "instruction",
            &id.to_string(),
            None,
            Some(serde_json::json!({
                "subject": [n.subject.code(), n.subject_id],
                "unit_id": unit,
                "body": n.body.trim(),
                "due_on": fmt_date(n.due_on),
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Instructions to units within `scope`, newest first, as of `d`.
    pub async fn instructions(
        self,
        tree: &UnitTree,
        scope: Scope,
        d: Date,
    ) -> Result<Vec<Instruction>> {
        let rows: Vec<Row> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY i.id DESC")))
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .filter(|r| tree.in_scope(r.unit_id, scope))
            .map(|r| r.into_instruction(tree, d))
            .collect())
    }

    /// The outstanding instructions of a leader or a unit, newest first: read by their own
    /// condition, not picked from every instruction (a home page asks on every visit).
    pub async fn outstanding_instructions(
        self,
        tree: &UnitTree,
        of: Outstanding,
        d: Date,
    ) -> Result<Vec<Instruction>> {
        let (cond, id) = match of {
            Outstanding::WrittenBy(u) => ("i.leader_id = $1 AND i.state <> 'closed'", u),
            Outstanding::AddressedTo(u) => (concat!(addressee!(), " = $1 AND i.state = 'open'"), u),
        };
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE {cond} ORDER BY i.id DESC"
        )))
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| r.into_instruction(tree, d))
            .collect())
    }

    /// The instructions written on one subject, newest first.
    pub async fn instructions_about(
        self,
        tree: &UnitTree,
        subject: InstructionSubject,
        id: i64,
        d: Date,
    ) -> Result<Vec<Instruction>> {
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE i.subject_kind = $1 AND i.subject_id = $2 ORDER BY i.id DESC"
        )))
        .bind(subject.code())
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| r.into_instruction(tree, d))
            .collect())
    }

    /// One instruction.
    pub async fn instruction(
        self,
        tree: &UnitTree,
        id: i64,
        d: Date,
    ) -> Result<Option<Instruction>> {
        let row: Option<Row> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE i.id = $1")))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|r| r.into_instruction(tree, d)))
    }

    /// The unit answers an instruction that is not closed (audited); a second answer before the
    /// decision replaces the first.
    pub async fn reply_instruction(
        self,
        actor: &Actor,
        id: i64,
        replier: &str,
        text: &str,
    ) -> Result<()> {
        let text = text.trim();
        if let Some(e) = text_error(text, true) {
            return Err(StoreError::invalid("反馈内容", e));
        }
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE instructions SET state = 'replied', reply = $1, replied_by = $2, \
             replied_at = $3 WHERE id = $4 AND state <> 'closed'",
        )
        .bind(text)
        .bind(replier)
        .bind(now_ts())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict("该批示已办结，不能再反馈".into()));
        }
        audit::record(
            &mut tx,
            actor,
            "reply",
            "instruction",
            &id.to_string(),
            None,
            Some(serde_json::json!({"reply": text})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Closes an answered instruction (`accept`), or sends the answer back to the unit (audited).
    pub async fn decide_instruction(
        self,
        actor: &Actor,
        id: i64,
        accept: bool,
        note: &str,
    ) -> Result<()> {
        let note = note.trim();
        if !accept && note.is_empty() {
            return Err(StoreError::invalid("意见", "退回时请写明还需办理的事项"));
        }
        if let Some(e) = text_error(note, false) {
            return Err(StoreError::invalid("意见", e));
        }
        let mut tx = self.begin().await?;
        // Closing stamps the time; sending back opens it again, without one.
        let (state, closed_at) = if accept {
            ("closed", Some(now_ts()))
        } else {
            ("open", None)
        };
        let n = sqlx::query(
            "UPDATE instructions SET state = $1, closed_note = $2, closed_at = $3 \
             WHERE id = $4 AND state = 'replied'",
        )
        .bind(state)
        .bind(note)
        .bind(closed_at)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict(
                "只有已反馈的批示可以办结或退回".into(),
            ));
        }
        audit::record(
            &mut tx,
            actor,
            if accept { "close" } else { "send_back" },
            "instruction",
            &id.to_string(),
            None,
            Some(serde_json::json!({"note": note})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
