//! Supervision notices (督办单): issue, sign (签收), reply (反馈), verify (核查: close 办结 or send back
//! 退回), the escalation ladder by days overdue, and accountability records (问责). Every step is an
//! event with its time and author, and an audit record in the same transaction.

use crate::Notices;
use diaodu_domain::access::Scope;
use std::collections::HashMap;

use diaodu_domain::notice::{days_overdue, Escalation, Ladder, NoticeState};
use diaodu_domain::period::fmt_date;
use serde::Serialize;
use time::Date;

use crate::{audit, now_ts, s2d, Actor, Result, Store, StoreError, UnitTree};

/// A notice to issue.
#[derive(Debug, Clone)]
pub struct NewNotice {
    /// What it is about: `task`, `project`, `finding` or `other`.
    pub subject_kind: String,
    /// The task, project or finding id.
    pub subject_id: Option<i64>,
    /// The unit it goes to.
    pub unit_id: i64,
    /// Title.
    pub title: String,
    /// Content: what must be done.
    pub content: String,
    /// Reply deadline.
    pub reply_by: Date,
}

/// What a notice went through: the times (UTC) of its replies, and the ladder steps it reached with
/// the day each took effect.
pub type NoticeHistory = (Vec<String>, Vec<(Escalation, Date)>);

/// A stored notice.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Notice {
    /// Id.
    pub id: i64,
    /// Code (DB2026-001).
    pub code: String,
    /// Subject kind.
    pub subject_kind: String,
    /// Subject id.
    pub subject_id: Option<i64>,
    /// Unit.
    pub unit_id: i64,
    /// Unit name.
    pub unit_name: String,
    /// Title.
    pub title: String,
    /// Content.
    pub content: String,
    /// Reply deadline.
    pub reply_by: Date,
    /// State.
    pub state: NoticeState,
    /// Highest escalation step reached.
    pub escalation: Escalation,
    /// Issued (UTC).
    pub issued_at: String,
    /// Days past the reply deadline as of the query date.
    pub days_overdue: i64,
}

/// One step in a notice's life.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeEvent {
    /// issue, sign, reply, send_back, close, escalate:<step>.
    pub kind: String,
    /// Text (reply, reason, note).
    pub body: String,
    /// Who (login).
    pub user_login: String,
    /// Who, by name: the user's name, 系统自动 for the server's own runs, 命令行 for the command line.
    pub user_name: String,
    /// The day an escalation step took effect (the reply deadline plus its days); none for the
    /// other events.
    pub effective_on: Option<String>,
    /// When (UTC).
    pub at: String,
}

/// An accountability record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Accountability {
    /// Id.
    pub id: i64,
    /// The notice it follows from.
    pub notice_id: Option<i64>,
    /// Unit.
    pub unit_id: Option<i64>,
    /// Person held accountable (name and post).
    pub person: String,
    /// For what.
    pub what: String,
    /// Decision (诫勉谈话, 通报批评 …).
    pub decision: String,
    /// Date of the decision.
    pub decided_on: Date,
}

/// A notice as the database holds it (the columns of [`COLS`]).
#[derive(sqlx::FromRow)]
struct NoticeRecord {
    id: i64,
    code: String,
    subject_kind: String,
    subject_id: Option<i64>,
    unit_id: i64,
    title: String,
    content: String,
    reply_by: String,
    state: String,
    escalation: String,
    issued_at: String,
}

impl NoticeRecord {
    /// The notice as of `d`, its unit named from `tree`.
    fn notice(self, tree: &UnitTree, d: Date) -> Notice {
        let state = NoticeState::parse(&self.state).unwrap_or(NoticeState::Issued);
        let reply_by = s2d(Some(self.reply_by)).unwrap_or(Date::MIN);
        Notice {
            id: self.id,
            code: self.code,
            subject_kind: self.subject_kind,
            subject_id: self.subject_id,
            unit_id: self.unit_id,
            unit_name: tree
                .get(self.unit_id)
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            title: self.title,
            content: self.content,
            reply_by,
            state,
            escalation: Escalation::parse(&self.escalation).unwrap_or(Escalation::None),
            issued_at: self.issued_at,
            days_overdue: days_overdue(state, reply_by, d),
        }
    }
}

/// A step of a notice's log as the database holds it, with its user's name when there is one.
#[derive(sqlx::FromRow)]
struct EventRecord {
    kind: String,
    body: String,
    user_login: String,
    user_name: Option<String>,
    at: String,
    effective_on: Option<String>,
}

impl From<EventRecord> for NoticeEvent {
    fn from(r: EventRecord) -> NoticeEvent {
        NoticeEvent {
            kind: r.kind,
            body: r.body,
            user_name: r.user_name.unwrap_or_else(|| match r.user_login.as_str() {
                "system" => "系统自动".into(),
                "cli" => "命令行".into(),
                other => other.to_string(),
            }),
            user_login: r.user_login,
            at: r.at,
            effective_on: r.effective_on,
        }
    }
}

/// An accountability record as the database holds it.
#[derive(sqlx::FromRow)]
struct AccountabilityRecord {
    id: i64,
    notice_id: Option<i64>,
    unit_id: Option<i64>,
    person: String,
    what: String,
    decision: String,
    decided_on: String,
}

impl From<AccountabilityRecord> for Accountability {
    fn from(r: AccountabilityRecord) -> Accountability {
        Accountability {
            id: r.id,
            notice_id: r.notice_id,
            unit_id: r.unit_id,
            person: r.person,
            what: r.what,
            decision: r.decision,
            decided_on: s2d(Some(r.decided_on)).unwrap_or(Date::MIN),
        }
    }
}

const COLS: &str = "id, code, subject_kind, subject_id, unit_id, title, content, reply_by, state, escalation, issued_at";

async fn event(
    tx: &mut sqlx::AnyConnection,
    notice_id: i64,
    kind: &str,
    body: &str,
    actor: &Actor,
    at: &str,
) -> Result<()> {
    event_on(tx, notice_id, kind, body, actor, at, None).await
}

/// As [`event`], with the day the event took effect when it is not the day it is recorded.
async fn event_on(
    tx: &mut sqlx::AnyConnection,
    notice_id: i64,
    kind: &str,
    body: &str,
    actor: &Actor,
    at: &str,
    effective_on: Option<String>,
) -> Result<()> {
    sqlx::query("INSERT INTO notice_events (notice_id, kind, body, user_id, user_login, at, effective_on) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(notice_id)
        .bind(kind)
        .bind(body)
        .bind(actor.user_id)
        .bind(&actor.login)
        .bind(at)
        .bind(effective_on)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The longest time a notice may give for its reply.
pub const REPLY_WITHIN_DAYS: i64 = 365;

impl Store {
    /// What is wrong with a notice's subject, if anything: its kind is one of `project`, `task`,
    /// `finding` (with the record's id) or `other` (without), the record exists, and it concerns the
    /// unit the notice is sent to (a project of that unit or below it, a task it leads or cooperates
    /// on, an inspection finding about it).
    async fn subject_error(&self, tree: &UnitTree, n: &NewNotice) -> Result<Option<String>> {
        let id = match (n.subject_kind.as_str(), n.subject_id) {
            ("other" | "", None) => return Ok(None),
            ("other" | "", Some(_)) => return Ok(Some("“其他”类督办不应指定对象编号".into())),
            ("project" | "task" | "finding", None) => {
                return Ok(Some("请指定督办对象（项目、任务或督查发现）的编号".into()))
            }
            ("project" | "task" | "finding", Some(id)) => id,
            (k, _) => {
                return Ok(Some(format!(
                    "“{k}”不是督办对象类型，应为 project、task、finding 或 other"
                )))
            }
        };
        let units: Vec<i64> = match n.subject_kind.as_str() {
            "project" => {
                sqlx::query_scalar("SELECT unit_id FROM projects WHERE id = $1")
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?
            }
            "task" => {
                sqlx::query_scalar(
                    "SELECT lead_unit_id FROM tasks WHERE id = $1 \
                 UNION SELECT unit_id FROM task_units WHERE task_id = $1",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?
            }
            _ => {
                sqlx::query_scalar("SELECT unit_id FROM inspection_items WHERE id = $1")
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        if units.is_empty() {
            return Ok(Some(format!("编号 {id} 的督办对象不存在")));
        }
        let concerns = units.iter().any(|u| {
            *u == n.unit_id
                || (n.subject_kind == "project" && tree.in_scope(*u, Scope::Subtree(n.unit_id)))
        });
        if !concerns {
            return Ok(Some("督办对象不属于被督办单位".into()));
        }
        Ok(None)
    }

    async fn move_notice(
        &self,
        actor: &Actor,
        id: i64,
        from: &[NoticeState],
        to: NoticeState,
        kind: &str,
        body: &str,
    ) -> Result<()> {
        let (code, state): (String, String) =
            sqlx::query_as("SELECT code, state FROM notices WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| StoreError::NotFound("督办单".into()))?;
        let state = NoticeState::parse(&state).unwrap_or(NoticeState::Issued);
        if !from.contains(&state) {
            return Err(StoreError::Conflict(format!(
                "督办单当前状态为“{}”，不能进行此操作",
                state.zh()
            )));
        }
        let now = now_ts();
        let mut tx = self.begin().await?;
        // The state is checked again in the UPDATE so that two people acting at once cannot both win.
        let n = sqlx::query(
            "UPDATE notices SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
        )
        .bind(to.code())
        .bind(&now)
        .bind(id)
        .bind(state.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict("督办单已被他人处理，请刷新".into()));
        }
        event(&mut tx, id, kind, body.trim(), actor, &now).await?;
        audit::record(
            &mut tx,
            actor,
            kind,
            "notice",
            &code,
            Some(serde_json::json!({"state": state.code()})),
            Some(serde_json::json!({"state": to.code(), "text": body.trim()})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Notices<'_> {
    /// The escalation ladder in force (settings `ladder.reminder`, `ladder.urging`, `ladder.notice`,
    /// `ladder.interview`, `ladder.accountability`, in days overdue).
    pub async fn ladder(self) -> Result<Ladder> {
        let mut l = Ladder::default();
        for (i, k) in [
            "reminder",
            "urging",
            "notice",
            "interview",
            "accountability",
        ]
        .iter()
        .enumerate()
        {
            if let Some(v) = self
                .setting(&format!("ladder.{k}"))
                .await?
                .and_then(|v| v.trim().parse().ok())
            {
                l.days[i] = v;
            }
        }
        // Steps must rise with the days; settings changed one at a time can leave them out of order, in
        // which case the default ladder holds until they are put right.
        if !l.valid() {
            tracing::warn!(days = ?l.days, "ladder settings out of order; using the default ladder");
            return Ok(Ladder::default());
        }
        Ok(l)
    }

    /// Issues a notice (audited; the first event of its log). A reply date on a day off (a weekend
    /// or a holiday of the reporting calendar) moves to the next working day.
    pub async fn issue(self, actor: &Actor, mut n: NewNotice, today: Date) -> Result<i64> {
        let tree = self.units().await?;
        if tree.get(n.unit_id).is_none() {
            return Err(StoreError::invalid("责任单位", "不存在"));
        }
        let mut errs = Vec::new();
        if n.title.trim().is_empty() {
            errs.push(("标题".to_string(), "不能为空".to_string()));
        }
        if n.content.trim().is_empty() {
            errs.push(("督办内容".to_string(), "不能为空".to_string()));
        }
        if n.reply_by < today {
            errs.push(("反馈期限".to_string(), "不能早于今天".to_string()));
        }
        if n.reply_by > today + time::Duration::days(REPLY_WITHIN_DAYS) {
            errs.push((
                "反馈期限".to_string(),
                format!("不能晚于今天起 {REPLY_WITHIN_DAYS} 天"),
            ));
        }
        if n.title.chars().count() > 200 {
            errs.push(("标题".to_string(), "不能超过 200 个字".to_string()));
        }
        if n.content.chars().count() > 5000 {
            errs.push(("督办内容".to_string(), "不能超过 5000 个字".to_string()));
        }
        if let Some(e) = self.subject_error(&tree, &n).await? {
            errs.push(("督办对象".to_string(), e));
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let mut tx = self.begin().await?;
        n.reply_by = crate::calendar::calendar_in(&mut tx)
            .await?
            .next_working(n.reply_by)
            .0;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notices")
            .fetch_one(&mut *tx)
            .await?;
        let code = format!("DB{}-{:03}", today.year(), count + 1);
        let now = now_ts();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO notices (code, subject_kind, subject_id, unit_id, title, content, reply_by, state, escalation, issued_by, issued_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'issued', 'none', $8, $9, $9) RETURNING id",
        )
        .bind(&code)
        .bind(&n.subject_kind)
        .bind(n.subject_id)
        .bind(n.unit_id)
        .bind(n.title.trim())
        .bind(n.content.trim())
        .bind(fmt_date(n.reply_by))
        .bind(actor.user_id)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        event(&mut tx, id, "issue", n.content.trim(), actor, &now).await?;
        audit::record(
            &mut tx,
            actor,
            "create",
            "notice",
            &code,
            None,
            Some(serde_json::json!({"unit_id": n.unit_id, "title": n.title, "content": n.content, "reply_by": fmt_date(n.reply_by), "subject": [n.subject_kind, n.subject_id]})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Notices to units within `scope`, newest first, as of `d`.
    pub async fn list(self, tree: &UnitTree, scope: Scope, d: Date) -> Result<Vec<Notice>> {
        let rows: Vec<NoticeRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM notices ORDER BY id DESC"
        )))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter(|r| tree.in_scope(r.unit_id, scope))
            .map(|r| r.notice(tree, d))
            .collect())
    }

    /// The notices in `scope` about one record (`project`, `task`, `finding` and its id), newest
    /// first, found through the subject index rather than among every notice.
    pub async fn about(
        self,
        tree: &UnitTree,
        scope: Scope,
        subject_kind: &str,
        subject_id: i64,
        d: Date,
    ) -> Result<Vec<Notice>> {
        let rows: Vec<NoticeRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM notices WHERE subject_kind = $1 AND subject_id = $2 ORDER BY id DESC"
        )))
        .bind(subject_kind)
        .bind(subject_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter(|r| tree.in_scope(r.unit_id, scope))
            .map(|r| r.notice(tree, d))
            .collect())
    }

    /// One notice with its event log.
    pub async fn get(
        self,
        tree: &UnitTree,
        id: i64,
        d: Date,
    ) -> Result<(Notice, Vec<NoticeEvent>)> {
        let n = sqlx::query_as::<_, NoticeRecord>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM notices WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound("督办单".into()))?
        .notice(tree, d);
        let events = sqlx::query_as::<_, EventRecord>(
            "SELECT e.kind, e.body, e.user_login, e.at, e.effective_on, u.name AS user_name \
             FROM notice_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.notice_id = $1 ORDER BY e.id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(NoticeEvent::from)
        .collect();
        Ok((n, events))
    }

    /// What the notices issued from `since` (UTC timestamp prefix) on went through, by notice: the
    /// times (UTC) of their replies and the ladder steps they reached with the day each took
    /// effect, in order — so that whether a notice was answered late, and how far it climbed, can be
    /// told as of any past day.
    pub async fn replies_and_steps(self, since: &str) -> Result<HashMap<i64, NoticeHistory>> {
        let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
            "SELECT e.notice_id, e.kind, e.at, e.effective_on FROM notice_events e \
             JOIN notices n ON n.id = e.notice_id \
             WHERE n.issued_at >= $1 AND (e.kind = 'reply' OR e.kind LIKE 'escalate:%') ORDER BY e.id",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        let mut out: HashMap<i64, NoticeHistory> = HashMap::new();
        for (id, kind, at, effective) in rows {
            let e = out.entry(id).or_default();
            match kind.strip_prefix("escalate:") {
                None => e.0.push(at),
                Some(step) => {
                    // In effect from the later of the day its days ran out and the day it was
                    // recorded (Beijing time): a step recorded after a send-back was not reached
                    // on the days before, though its days count from the reply date.
                    let effective = effective
                        .as_deref()
                        .and_then(|d| diaodu_domain::period::parse_date(d).ok());
                    let recorded = crate::local_day(&at);
                    let on = match (effective, recorded) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        (a, b) => a.or(b),
                    };
                    if let (Some(step), Some(on)) = (Escalation::parse(step), on) {
                        e.1.push((step, on));
                    }
                }
            }
        }
        Ok(out)
    }

    /// The unit signs for a notice (签收).
    pub async fn sign(self, actor: &Actor, id: i64) -> Result<()> {
        self.move_notice(
            actor,
            id,
            &[NoticeState::Issued],
            NoticeState::Signed,
            "sign",
            "",
        )
        .await
    }

    /// The unit replies (反馈); signing is implied when it had not signed yet.
    pub async fn reply(self, actor: &Actor, id: i64, text: &str) -> Result<()> {
        if text.trim().is_empty() {
            return Err(StoreError::invalid("反馈内容", "不能为空"));
        }
        self.move_notice(
            actor,
            id,
            &[
                NoticeState::Issued,
                NoticeState::Signed,
                NoticeState::Returned,
            ],
            NoticeState::Replied,
            "reply",
            text,
        )
        .await
    }

    /// The office verifies a reply (核查): close it (办结) or send it back with a reason (退回). Whoever
    /// wrote the reply cannot verify it.
    pub async fn verify(self, actor: &Actor, id: i64, accept: bool, note: &str) -> Result<()> {
        let last_reply: Option<Option<i64>> =
            sqlx::query_scalar("SELECT user_id FROM notice_events WHERE notice_id = $1 AND kind = 'reply' ORDER BY id DESC LIMIT 1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        if actor.user_id.is_some() && last_reply.flatten() == actor.user_id {
            return Err(StoreError::Conflict("不能核查本人的反馈".into()));
        }
        if accept {
            self.move_notice(
                actor,
                id,
                &[NoticeState::Replied],
                NoticeState::Closed,
                "close",
                note,
            )
            .await
        } else {
            if note.trim().is_empty() {
                return Err(StoreError::invalid("退回理由", "退回时必须说明理由"));
            }
            self.move_notice(
                actor,
                id,
                &[NoticeState::Replied],
                NoticeState::Returned,
                "send_back",
                note,
            )
            .await
        }
    }

    /// Climbs the ladder for every notice still owing a reply as of `d`: each step newly reached is
    /// recorded as its own event (提醒, then 催办, …) and audited. Returns how many steps were taken.
    /// Run by the server every hour and by `diaodu notices escalate`.
    pub async fn escalate(self, actor: &Actor, d: Date) -> Result<usize> {
        self.notices().escalate_in(actor, d, None, None).await
    }

    /// [`Notices::escalate`] for the notices sent to units within `within` (a tree and a
    /// scope) only (`None`: every notice), each climb told through `notify` in its own transaction.
    pub async fn escalate_in(
        self,
        actor: &Actor,
        d: Date,
        within: Option<(&crate::UnitTree, diaodu_domain::access::Scope)>,
        notify: Option<&dyn crate::outbox::Notifier>,
    ) -> Result<usize> {
        let ladder = self.notices().ladder().await?;
        let rows: Vec<(i64, String, i64, String, String, String, String)> = sqlx::query_as(
            "SELECT id, code, unit_id, state, escalation, reply_by, title FROM notices \
             WHERE state IN ('issued', 'signed', 'returned')",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut steps = 0;
        for (id, code, unit_id, state, escalation, reply_by, title) in &rows {
            let (id, code) = (*id, code.clone());
            if let Some((tree, scope)) = within {
                if !tree.in_scope(*unit_id, scope) {
                    continue;
                }
            }
            let state = NoticeState::parse(state).unwrap_or(NoticeState::Issued);
            let current = Escalation::parse(escalation).unwrap_or(Escalation::None);
            let reply_by = s2d(Some(reply_by.clone())).unwrap_or(Date::MAX);
            let due = ladder.step_for(days_overdue(state, reply_by, d));
            if due.level() <= current.level() {
                continue;
            }
            let now = now_ts();
            let mut tx = self.begin().await?;
            let n = sqlx::query("UPDATE notices SET escalation = $1, updated_at = $2 WHERE id = $3 AND escalation = $4")
                .bind(due.code())
                .bind(&now)
                .bind(id)
                .bind(current.code())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                continue;
            }
            for step in Escalation::LADDER
                .iter()
                .filter(|s| s.level() > current.level() && s.level() <= due.level())
            {
                let days = ladder.days[step.level() as usize - 1];
                let effective = reply_by
                    .checked_add(time::Duration::days(days))
                    .map(fmt_date);
                event_on(
                    &mut tx,
                    id,
                    &format!("escalate:{}", step.code()),
                    &format!("逾期{days}天，升级为{}", step.zh()),
                    actor,
                    &now,
                    effective,
                )
                .await?;
                steps += 1;
            }
            audit::record(
                &mut tx,
                actor,
                "escalate",
                "notice",
                &code,
                Some(serde_json::json!({"escalation": current.code()})),
                Some(serde_json::json!({"escalation": due.code(), "as_of": fmt_date(d)})),
            )
            .await?;
            if let Some(n) = notify {
                let sends = n.escalated(&crate::outbox::Escalated {
                    notice_id: id,
                    code: code.clone(),
                    title: title.clone(),
                    unit_id: *unit_id,
                    step: due,
                    days_overdue: days_overdue(state, reply_by, d),
                });
                crate::outbox::dispatch_in(&mut tx, actor, &sends).await?;
            }
            tx.commit().await?;
        }
        Ok(steps)
    }

    /// Records an accountability decision (问责), linked to a notice (audited).
    pub async fn add_accountability(self, actor: &Actor, a: &Accountability) -> Result<i64> {
        let (notice_id, unit_id, person, what, decision, decided_on) = (
            a.notice_id,
            a.unit_id,
            a.person.as_str(),
            a.what.as_str(),
            a.decision.as_str(),
            a.decided_on,
        );
        if person.trim().is_empty() || what.trim().is_empty() || decision.trim().is_empty() {
            return Err(StoreError::invalid(
                "问责记录",
                "被问责人、问责事由和处理决定都不能为空",
            ));
        }
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO accountability (notice_id, unit_id, person, what, decision, decided_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(notice_id)
        .bind(unit_id)
        .bind(person.trim())
        .bind(what.trim())
        .bind(decision.trim())
        .bind(fmt_date(decided_on))
        .bind(actor.user_id)
        .bind(now_ts())
        .fetch_one(&mut *tx)
        .await?;
        if let Some(n) = notice_id {
            event(
                &mut tx,
                n,
                "accountability",
                &format!("{}：{}（{}）", person.trim(), decision.trim(), what.trim()),
                actor,
                &now_ts(),
            )
            .await?;
        }
        audit::record(
            &mut tx,
            actor,
            "create",
            "accountability",
            &id.to_string(),
            None,
            Some(serde_json::json!({"notice_id": notice_id, "person": person, "what": what, "decision": decision, "decided_on": fmt_date(decided_on)})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Accountability records, newest first (optionally of one notice).
    pub async fn accountability(self, notice_id: Option<i64>) -> Result<Vec<Accountability>> {
        const COLUMNS: &str = "id, notice_id, unit_id, person, what, decision, decided_on";
        let rows: Vec<AccountabilityRecord> = match notice_id {
            Some(n) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM accountability WHERE notice_id = $1 ORDER BY id DESC"
                )))
                .bind(n)
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM accountability ORDER BY id DESC"
                )))
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(rows.into_iter().map(Accountability::from).collect())
    }
}
