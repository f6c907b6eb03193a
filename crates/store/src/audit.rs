//! The audit log (留痕): append-only, written in the same transaction as the change it records.

use serde::Serialize;
use serde_json::Value;
use sqlx::Row;

use crate::bulk::Val;
use crate::{now_ts, Actor, Result, Store};

/// One audit record.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRecord {
    /// Id (ascending in time).
    pub id: i64,
    /// When (UTC).
    pub at: String,
    /// Who (login).
    pub user_login: String,
    /// create, update or delete.
    pub action: String,
    /// Entity kind: unit, user, project, report, site_visit, admission_rule, setting.
    pub entity: String,
    /// The entity's id or code.
    pub entity_id: String,
    /// State before (null for a create).
    pub before: Option<Value>,
    /// State after (null for a delete).
    pub after: Option<Value>,
}

/// Filter for the audit page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Entity kind.
    pub entity: Option<String>,
    /// Entity id: a code finds the records of that code and of everything recorded under it (a
    /// project's reports, "code/period"); an id with '/' finds only its own.
    pub entity_id: Option<String>,
    /// Login of the actor.
    pub user_login: Option<String>,
    /// Action.
    pub action: Option<String>,
    /// From this date (inclusive, UTC date prefix).
    pub from: Option<String>,
    /// Up to this date (inclusive).
    pub to: Option<String>,
    /// Records with an id below this (keyset paging, newest first).
    pub before_id: Option<i64>,
    /// Page size.
    pub limit: i64,
}

/// Columns of the audit table, for bulk writes, in the order of [`row`].
pub(crate) const AUDIT_COLUMNS: &[&str] = &[
    "at",
    "user_id",
    "user_login",
    "action",
    "entity",
    "entity_id",
    "before_json",
    "after_json",
];

/// One audit record as a bulk row ([`AUDIT_COLUMNS`]): written `at` by `actor`, the states before and
/// after as JSON text.
pub(crate) fn row(
    at: &str,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: String,
    before: Option<String>,
    after: Option<String>,
) -> Vec<Val> {
    vec![
        Val::T(at.to_string()),
        Val::OI(actor.user_id),
        Val::T(actor.login.clone()),
        Val::T(action.into()),
        Val::T(entity.into()),
        Val::T(entity_id),
        Val::OT(before),
        Val::OT(after),
    ]
}

/// What a record is about: its id up to the first '/' (a project's code for its reports' and site
/// visits' records), written exactly as the `audit_subject` index of each engine (migration 0020).
fn subject_expr(engine: crate::Engine) -> &'static str {
    match engine {
        crate::Engine::Postgres => "split_part(entity_id, '/', 1)",
        crate::Engine::Sqlite => {
            "CASE WHEN instr(entity_id, '/') > 0 THEN substr(entity_id, 1, instr(entity_id, '/') - 1) ELSE entity_id END"
        }
    }
}

/// Writes one audit record inside `tx`, giving its id (a known change names its records, see
/// `cache.rs`).
pub(crate) async fn record(
    tx: &mut sqlx::AnyConnection,
    actor: &Actor,
    action: &str,
    entity: &str,
    entity_id: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO audit (at, user_id, user_login, action, entity, entity_id, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(now_ts())
    .bind(actor.user_id)
    .bind(&actor.login)
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(before.map(|v| v.to_string()))
    .bind(after.map(|v| v.to_string()))
    .fetch_one(&mut *tx)
    .await?)
}

impl Store {
    /// Lists audit records, newest first.
    pub async fn audit_list(&self, f: &AuditFilter) -> Result<Vec<AuditRecord>> {
        let mut sql = String::from(
            "SELECT id, at, user_login, action, entity, entity_id, before_json, after_json FROM audit WHERE 1=1",
        );
        let mut args: Vec<String> = Vec::new();
        let mut push = |cond: &str, v: String, sql: &mut String| {
            args.push(v);
            sql.push_str(&format!(" AND {cond} ${}", args.len()));
        };
        if let Some(v) = f.entity.clone().filter(|s| !s.is_empty()) {
            push("entity =", v, &mut sql);
        }
        if let Some(v) = f
            .entity_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            // Through the subject index (migration 0020): a code finds its own records and those
            // under it ("GP000123" → "GP000123/2026-W48"); a full id ("GP000123/2026-W48") only its.
            let subject = v.split('/').next().unwrap_or(v).to_string();
            push(
                &format!("{} =", subject_expr(self.engine)),
                subject,
                &mut sql,
            );
            if v.contains('/') {
                push("entity_id =", v.to_string(), &mut sql);
            }
        }
        if let Some(v) = f.user_login.clone().filter(|s| !s.is_empty()) {
            push("user_login =", v, &mut sql);
        }
        if let Some(v) = f.action.clone().filter(|s| !s.is_empty()) {
            push("action =", v, &mut sql);
        }
        if let Some(v) = f.from.clone().filter(|s| !s.is_empty()) {
            push("at >=", v, &mut sql);
        }
        if let Some(v) = f.to.clone().filter(|s| !s.is_empty()) {
            // Inclusive date: everything before the next day's first instant.
            push("at <=", format!("{v}T99"), &mut sql);
        }
        if let Some(b) = f.before_id {
            sql.push_str(&format!(" AND id < {b}"));
        }
        let limit = if f.limit <= 0 { 50 } else { f.limit.min(500) };
        sql.push_str(&format!(" ORDER BY id DESC LIMIT {limit}"));
        let mut q = sqlx::query(&sql);
        for a in &args {
            q = q.bind(a);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.into_iter()
            .map(|r| {
                let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
                Ok(AuditRecord {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    user_login: r.try_get("user_login")?,
                    action: r.try_get("action")?,
                    entity: r.try_get("entity")?,
                    entity_id: r.try_get("entity_id")?,
                    before: parse(r.try_get("before_json")?),
                    after: parse(r.try_get("after_json")?),
                })
            })
            .collect()
    }

    /// Number of audit records (for tests and the admin page).
    pub async fn audit_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM audit")
            .fetch_one(&self.pool)
            .await?)
    }
}
