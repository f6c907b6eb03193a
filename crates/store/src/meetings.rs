//! Dispatch meetings (调度会) and their decisions (议定事项). A decision becomes a task in the same
//! transaction, so the next meeting can report on it.

use diaodu_domain::period::fmt_date;
use serde::Serialize;
use time::Date;

use crate::{audit, now_ts, s2d, Actor, Meetings, NewTask, Result, StoreError};

/// A meeting to record.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    /// Title (e.g. 2026年第47周重点工作调度会).
    pub title: String,
    /// Date of the meeting.
    pub date: Date,
    /// The period under review (free text: 2026-W47, 2026年11月).
    pub review_period: String,
    /// The unit holding it (the city).
    pub unit_id: i64,
    /// Attendees.
    pub attendees: String,
    /// Agenda.
    pub agenda: String,
}

/// A stored meeting.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Meeting {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Date.
    pub date: Date,
    /// Period under review.
    pub review_period: String,
    /// Holding unit.
    pub unit_id: i64,
    /// Attendees.
    pub attendees: String,
    /// Agenda.
    pub agenda: String,
    /// Minutes text.
    pub minutes: String,
}

/// A decision and the task it became.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Decision {
    /// Id.
    pub id: i64,
    /// The decision as recorded.
    pub content: String,
    /// The task.
    pub task_id: i64,
}

/// A meeting as the database holds it (the columns of [`COLS`]).
#[derive(sqlx::FromRow)]
struct MeetingRecord {
    id: i64,
    title: String,
    meeting_date: String,
    review_period: String,
    unit_id: i64,
    attendees: String,
    agenda: String,
    minutes: String,
}

impl From<MeetingRecord> for Meeting {
    fn from(r: MeetingRecord) -> Meeting {
        Meeting {
            id: r.id,
            title: r.title,
            date: s2d(Some(r.meeting_date)).unwrap_or(Date::MIN),
            review_period: r.review_period,
            unit_id: r.unit_id,
            attendees: r.attendees,
            agenda: r.agenda,
            minutes: r.minutes,
        }
    }
}

const COLS: &str = "id, title, meeting_date, review_period, unit_id, attendees, agenda, minutes";

impl Meetings<'_> {
    /// Records a meeting (audited).
    pub async fn create(self, actor: &Actor, m: NewMeeting) -> Result<i64> {
        if m.title.trim().is_empty() {
            return Err(StoreError::invalid("会议名称", "不能为空"));
        }
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO meetings (title, meeting_date, review_period, unit_id, attendees, agenda, minutes, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8) RETURNING id",
        )
        .bind(m.title.trim())
        .bind(fmt_date(m.date))
        .bind(m.review_period.trim())
        .bind(m.unit_id)
        .bind(m.attendees.trim())
        .bind(m.agenda.trim())
        .bind(actor.user_id)
        .bind(now_ts())
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "create",
            "meeting",
            &id.to_string(),
            None,
            Some(serde_json::json!({"title": m.title, "date": fmt_date(m.date), "review_period": m.review_period, "attendees": m.attendees, "agenda": m.agenda})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Meetings, newest first.
    pub async fn list(self) -> Result<Vec<Meeting>> {
        let rows: Vec<MeetingRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM meetings ORDER BY meeting_date DESC, id DESC"
        )))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Meeting::from).collect())
    }

    /// A meeting by id.
    pub async fn get(self, id: i64) -> Result<Option<Meeting>> {
        let row: Option<MeetingRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM meetings WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Meeting::from))
    }

    /// The meeting held on `date` (the latest that day), if any.
    pub async fn on(self, date: Date) -> Result<Option<Meeting>> {
        let row: Option<MeetingRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM meetings WHERE meeting_date = $1 ORDER BY id DESC"
        )))
        .bind(fmt_date(date))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Meeting::from))
    }

    /// The meeting before this one (by date, then id).
    pub async fn previous(self, m: &Meeting) -> Result<Option<Meeting>> {
        Ok(self
            .meetings()
            .list()
            .await?
            .into_iter()
            .find(|x| x.date < m.date || (x.date == m.date && x.id < m.id)))
    }

    /// Saves the minutes text (audited).
    pub async fn set_minutes(self, actor: &Actor, id: i64, minutes: &str) -> Result<()> {
        let old = self
            .meetings()
            .get(id)
            .await?
            .ok_or_else(|| StoreError::NotFound("调度会".into()))?;
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE meetings SET minutes = $1 WHERE id = $2")
            .bind(minutes.trim())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "update",
            "meeting",
            &id.to_string(),
            Some(serde_json::json!({"minutes": old.minutes})),
            Some(serde_json::json!({"minutes": minutes.trim()})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a decision (议定事项) and makes it a task in one step.
    pub async fn add_decision(
        self,
        actor: &Actor,
        meeting_id: i64,
        content: &str,
        task: NewTask,
    ) -> Result<(i64, i64)> {
        if content.trim().is_empty() {
            return Err(StoreError::invalid("议定事项", "不能为空"));
        }
        self.meetings()
            .get(meeting_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("调度会".into()))?;
        // The task is created first (its own audited transaction); the decision links to it.
        let t = self.tasks().create(actor, task).await?;
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar("INSERT INTO meeting_decisions (meeting_id, content, task_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(meeting_id)
            .bind(content.trim())
            .bind(t.id)
            .bind(now_ts())
            .fetch_one(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "create",
            "decision",
            &format!("{meeting_id}/{id}"),
            None,
            Some(serde_json::json!({"content": content.trim(), "task": t.code})),
        )
        .await?;
        tx.commit().await?;
        Ok((id, t.id))
    }

    /// A meeting's decisions.
    pub async fn decisions(self, meeting_id: i64) -> Result<Vec<Decision>> {
        Ok(sqlx::query_as(
            "SELECT id, content, task_id FROM meeting_decisions WHERE meeting_id = $1 ORDER BY id",
        )
        .bind(meeting_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
