//! The outbox (消息推送) and the sends that fill it: in-app messages and the deliveries to channels
//! outside the platform are written together, in one transaction with the audit record of the send
//! (and, for the reminder pass, with the mark that says this reminder went out), so that an event
//! never tells one channel and not another, and a reminder is never sent twice. A worker takes due
//! deliveries under a lease and records each channel's answer.

use serde::Serialize;
use time::OffsetDateTime;

use crate::{audit, now_ts, ts, Actor, Messages, NewMessage, Result, StoreError};

/// A delivery to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    /// `email`, `dingtalk`, `wecom` or `webhook`.
    pub channel: String,
    /// The address (e-mail), or the unit whose own robot is configured (`unit:12`; empty: the city's).
    pub target: String,
    /// The unit it concerns.
    pub unit_id: Option<i64>,
    /// What it is (`chase`, `reminder`, `ladder`, `test` …).
    pub kind: String,
    /// Title.
    pub title: String,
    /// Text (markdown for the robots).
    pub body: String,
    /// Where it leads (a path of the site).
    pub link: String,
    /// Mobile numbers to @ in the group (DingTalk).
    pub mentions: Vec<String>,
    /// Not before this time (quiet hours); none: at once.
    pub not_before: Option<OffsetDateTime>,
}

/// A delivery as stored.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Delivery {
    /// Id.
    pub id: i64,
    /// Channel.
    pub channel: String,
    /// Address or robot (see [`NewDelivery::target`]).
    pub target: String,
    /// The unit it concerns.
    pub unit_id: Option<i64>,
    /// What it is.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Where it leads.
    pub link: String,
    /// Mobile numbers to @, comma-separated.
    pub mentions: String,
    /// `pending`, `sending`, `delivered` or `failed`.
    pub state: String,
    /// Attempts so far.
    pub attempts: i64,
    /// The next attempt (UTC).
    pub next_at: String,
    /// The channel's last answer, or the error.
    pub answer: String,
    /// Written (UTC).
    pub created_at: String,
    /// Delivered (UTC).
    pub delivered_at: Option<String>,
}

const COLS: &str = "id, channel, target, unit_id, kind, title, body, link, mentions, state, \
                    attempts, next_at, answer, created_at, delivered_at";

/// One send: the messages and deliveries of one event, about one unit.
#[derive(Debug, Clone, Default)]
pub struct Dispatch {
    /// The unit it concerns (audited against it).
    pub unit_id: Option<i64>,
    /// The audit action (`chase`, `reminder` …).
    pub kind: String,
    /// A key sent once only for the unit (the reminder pass): a second send with it is skipped.
    pub once_key: Option<String>,
    /// In-app messages.
    pub messages: Vec<NewMessage>,
    /// Deliveries to the channels.
    pub deliveries: Vec<NewDelivery>,
}

/// What [`Messages::dispatch`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dispatched {
    /// Sends written.
    pub sent: usize,
    /// Sends skipped: their once-key was sent before.
    pub skipped: usize,
    /// In-app messages written.
    pub messages: usize,
    /// Deliveries written.
    pub deliveries: usize,
}

/// Attempts before a delivery is given up as failed.
pub const MAX_ATTEMPTS: i64 = 6;

/// The wait before attempt `n + 1` after `n` failed: a minute, then 5, 15, 60 and 240.
pub fn backoff(attempts: i64) -> time::Duration {
    let mins = [1, 5, 15, 60, 240];
    time::Duration::minutes(mins[(attempts.max(1) as usize - 1).min(mins.len() - 1)])
}

/// Tells of a notice's climb up the ladder (督办升级), composed by the caller, written with the climb.
pub trait Notifier: Sync {
    /// The sends for a notice that reached `step` (the highest of a climb; one send set per climb).
    fn escalated(&self, e: &Escalated) -> Vec<Dispatch>;
}

/// A notice that climbed the ladder.
#[derive(Debug, Clone)]
pub struct Escalated {
    /// Its id.
    pub notice_id: i64,
    /// Its number.
    pub code: String,
    /// Its title.
    pub title: String,
    /// The unit it is sent to.
    pub unit_id: i64,
    /// The step reached.
    pub step: diaodu_domain::notice::Escalation,
    /// Days past the reply date.
    pub days_overdue: i64,
}

/// [`Messages::dispatch`] inside the caller's transaction (an event and what it tells, together).
pub(crate) async fn dispatch_in(
    tx: &mut sqlx::AnyConnection,
    actor: &Actor,
    sends: &[Dispatch],
) -> Result<Dispatched> {
    let mut out = Dispatched::default();
    let now = now_ts();
    for s in sends {
        if let (Some(key), Some(unit)) = (&s.once_key, s.unit_id) {
            let fresh = sqlx::query(
                "INSERT INTO reminder_log (unit_id, key, sent_at) VALUES ($1, $2, $3) \
                     ON CONFLICT DO NOTHING",
            )
            .bind(unit)
            .bind(key)
            .bind(&now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if fresh == 0 {
                out.skipped += 1;
                continue;
            }
        }
        for m in &s.messages {
            sqlx::query(
                "INSERT INTO messages (user_id, kind, title, body, link, sender_name, unit_id, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(m.user_id)
            .bind(&m.kind)
            .bind(&m.title)
            .bind(&m.body)
            .bind(&m.link)
            .bind(&m.sender_name)
            .bind(m.unit_id)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        for d in &s.deliveries {
            sqlx::query(
                "INSERT INTO outbox (channel, target, unit_id, kind, title, body, link, mentions, \
                     next_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&d.channel)
            .bind(&d.target)
            .bind(d.unit_id)
            .bind(&d.kind)
            .bind(&d.title)
            .bind(&d.body)
            .bind(&d.link)
            .bind(d.mentions.join(","))
            .bind(d.not_before.map(ts).unwrap_or_else(|| now.clone()))
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(unit) = s.unit_id {
            audit::record(
                    tx,
                    actor,
                    &s.kind,
                    "unit",
                    &unit.to_string(),
                    None,
                    Some(serde_json::json!({
                        "recipients": s.messages.len(),
                        "deliveries": s.deliveries.iter().map(|d| d.channel.as_str()).collect::<Vec<_>>(),
                        "message": s.messages.first().map(|m| m.body.as_str())
                            .or_else(|| s.deliveries.first().map(|d| d.body.as_str())).unwrap_or(""),
                        "key": s.once_key,
                    })),
                )
                .await?;
        }
        out.sent += 1;
        out.messages += s.messages.len();
        out.deliveries += s.deliveries.len();
    }
    Ok(out)
}

impl Messages<'_> {
    /// Writes sends in one transaction: for each, its once-key (if any; a key sent before skips the
    /// send), its messages, its deliveries and one audit record against its unit.
    pub async fn dispatch(self, actor: &Actor, sends: &[Dispatch]) -> Result<Dispatched> {
        if sends.is_empty() {
            return Ok(Dispatched::default());
        }
        let mut tx = self.begin().await?;
        let out = dispatch_in(&mut tx, actor, sends).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Takes up to `limit` deliveries due at `now` for `lease` (state `sending`, one attempt more):
    /// those pending, and those whose lease ran out. On PostgreSQL rows another worker holds are
    /// skipped (`FOR UPDATE SKIP LOCKED`); SQLite has one writer at a time.
    pub async fn claim_deliveries(
        self,
        limit: i64,
        lease: time::Duration,
        now: OffsetDateTime,
    ) -> Result<Vec<Delivery>> {
        let now_s = ts(now);
        let until = ts(now + lease);
        let lock = crate::dialect::row_lock(self.engine, " FOR UPDATE SKIP LOCKED");
        let sql = format!(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, locked_until = $2 \
             WHERE id IN (SELECT id FROM outbox WHERE next_at <= $1 \
               AND (state = 'pending' OR (state = 'sending' AND locked_until < $1)) \
               ORDER BY next_at, id LIMIT $3{lock}) \
             RETURNING {COLS}"
        );
        let mut tx = self.begin().await?;
        // Built from constants only (the columns and the engine's lock clause).
        let mut rows: Vec<Delivery> = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(&now_s)
            .bind(&until)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        // Delivery states are in no cached value.
        tx.commit_outside_cache().await?;
        rows.sort_by_key(|d| d.id);
        Ok(rows)
    }

    /// Records the outcome of an attempt on a delivery this worker holds: delivered, or failed with
    /// the answer — again after [`backoff`] unless `final_` or [`MAX_ATTEMPTS`] are reached.
    pub async fn finish_delivery(
        self,
        d: &Delivery,
        delivered: bool,
        answer: &str,
        final_: bool,
        now: OffsetDateTime,
    ) -> Result<()> {
        let answer: String = answer.chars().take(1000).collect();
        let (state, next) = if delivered {
            ("delivered", ts(now))
        } else if final_ || d.attempts >= MAX_ATTEMPTS {
            ("failed", ts(now))
        } else {
            ("pending", ts(now + backoff(d.attempts)))
        };
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE outbox SET state = $2, answer = $3, next_at = $4, locked_until = NULL, \
             delivered_at = $5 WHERE id = $1 AND state = 'sending'",
        )
        .bind(d.id)
        .bind(state)
        .bind(&answer)
        .bind(&next)
        .bind(delivered.then(|| ts(now)))
        .execute(&mut *tx)
        .await?;
        tx.commit_outside_cache().await?;
        Ok(())
    }

    /// Deliveries, newest first, of one state or all, at most `limit`.
    pub async fn deliveries(self, state: Option<&str>, limit: i64) -> Result<Vec<Delivery>> {
        let sql = format!(
            "SELECT {COLS} FROM outbox WHERE ($1 = '' OR state = $1) ORDER BY id DESC LIMIT $2"
        );
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(state.unwrap_or(""))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
    }

    /// How many deliveries are in each state.
    pub async fn delivery_counts(self) -> Result<Vec<(String, i64)>> {
        Ok(
            sqlx::query_as("SELECT state, COUNT(*) FROM outbox GROUP BY state ORDER BY state")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Puts a failed delivery back in the queue at once (audited).
    pub async fn retry_delivery(self, actor: &Actor, id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE outbox SET state = 'pending', attempts = 0, next_at = $2 \
             WHERE id = $1 AND state = 'failed'",
        )
        .bind(id)
        .bind(now_ts())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::invalid(
                "推送记录",
                "不存在，或不是发送失败的记录",
            ));
        }
        audit::record(
            &mut tx,
            actor,
            "retry",
            "delivery",
            &id.to_string(),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The settings one unit overrides, as (unit id, key, value).
    pub async fn unit_settings(self) -> Result<Vec<(i64, String, String)>> {
        Ok(
            sqlx::query_as("SELECT unit_id, key, value FROM unit_settings ORDER BY unit_id, key")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Sets (or, with an empty value, removes) a unit's own value of `key` (audited). The caller
    /// checks the key and the value.
    pub async fn set_unit_setting(
        self,
        actor: &Actor,
        unit_id: i64,
        key: &str,
        value: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let before: Option<String> =
            sqlx::query_scalar("SELECT value FROM unit_settings WHERE unit_id = $1 AND key = $2")
                .bind(unit_id)
                .bind(key)
                .fetch_optional(&mut *tx)
                .await?;
        sqlx::query("DELETE FROM unit_settings WHERE unit_id = $1 AND key = $2")
            .bind(unit_id)
            .bind(key)
            .execute(&mut *tx)
            .await?;
        if !value.is_empty() {
            sqlx::query("INSERT INTO unit_settings (unit_id, key, value) VALUES ($1, $2, $3)")
                .bind(unit_id)
                .bind(key)
                .bind(value)
                .execute(&mut *tx)
                .await?;
        }
        // Secrets are audited as set or cleared, never by value.
        let shown = |v: Option<&str>| {
            v.map(|v| {
                if diaodu_domain::settings::is_secret(key) {
                    serde_json::Value::String("（已设置）".into())
                } else {
                    serde_json::Value::String(v.to_string())
                }
            })
        };
        audit::record(
            &mut tx,
            actor,
            "update",
            "unit_setting",
            &format!("{unit_id}/{key}"),
            shown(before.as_deref()),
            shown(Some(value).filter(|v| !v.is_empty())),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
