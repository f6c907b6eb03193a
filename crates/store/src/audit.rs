//! The audit log (留痕): append-only, written in the same transaction as the change it records.

use crate::Audit;
use serde::Serialize;
use serde_json::Value;

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

/// An audit record as the database holds it, its states as JSON text.
#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: String,
    user_login: String,
    action: String,
    entity: String,
    entity_id: String,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl From<AuditRow> for AuditRecord {
    fn from(r: AuditRow) -> AuditRecord {
        let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        AuditRecord {
            id: r.id,
            at: r.at,
            user_login: r.user_login,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            before: parse(r.before_json),
            after: parse(r.after_json),
        }
    }
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
    /// One query of [`Audit::list`]: records of `from` (a `SELECT {cols} FROM … a` with a
    /// preamble, or the plain table when empty) meeting `base`, the conditions in `args` (each bound
    /// as a parameter) and the filter's user, action, dates and page, newest first.
    async fn audit_query(
        &self,
        from: &str,
        base: &str,
        mut args: Vec<(String, String)>,
        f: &AuditFilter,
        limit: i64,
    ) -> Result<Vec<AuditRecord>> {
        let cols = "a.id, a.at, a.user_login, a.action, a.entity, a.entity_id, a.before_json, a.after_json";
        let mut sql = if from.is_empty() {
            format!("SELECT {cols} FROM audit a")
        } else {
            from.replace("{cols}", cols)
        };
        sql.push_str(&format!(" WHERE {base}"));
        if let Some(v) = f.user_login.clone().filter(|s| !s.is_empty()) {
            args.push(("a.user_login =".to_string(), v));
        }
        if let Some(v) = f.action.clone().filter(|s| !s.is_empty()) {
            args.push(("a.action =".to_string(), v));
        }
        if let Some(v) = f.from.clone().filter(|s| !s.is_empty()) {
            args.push(("a.at >=".to_string(), v));
        }
        if let Some(v) = f.to.clone().filter(|s| !s.is_empty()) {
            // Inclusive date: everything before the next day's first instant.
            args.push(("a.at <=".to_string(), format!("{v}T99")));
        }
        for (k, (cond, _)) in args.iter().enumerate() {
            sql.push_str(&format!(" AND {cond} ${}", k + 1));
        }
        if let Some(b) = f.before_id {
            sql.push_str(&format!(" AND a.id < {b}"));
        }
        sql.push_str(&format!(" ORDER BY a.id DESC LIMIT {limit}"));
        let mut q = sqlx::query_as::<_, AuditRow>(sqlx::AssertSqlSafe(sql.as_str()));
        for (_, a) in &args {
            q = q.bind(a);
        }
        let rows = q.fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(AuditRecord::from).collect())
    }
}

impl Audit<'_> {
    /// Lists audit records, newest first.
    ///
    /// Searched by a code, the records are found in two parts, through two indexes (`audit_subject`, `audit_report_period`):
    /// the reports' records by period and then code — a week's import adds its records side by side
    /// there, where an index by code took each at a page of its own — and every other record by code.
    /// The report part visits each period the log holds (a few hundred, found one index step each)
    /// and looks the code up within it.
    pub async fn list(self, f: &AuditFilter) -> Result<Vec<AuditRecord>> {
        let limit = if f.limit <= 0 { 50 } else { f.limit.min(500) };
        let kind = f.entity.as_deref().filter(|s| !s.is_empty());
        let Some(v) = f
            .entity_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        else {
            let mut args = Vec::new();
            // A kind other than reports through the kind index, which leaves the report records
            // out (`audit_kind`); the report kind by id, nearly every record being one.
            let base = match kind {
                Some("report") | None => "1=1",
                Some(_) => "a.entity <> 'report'",
            };
            if let Some(k) = kind {
                args.push(("a.entity =".to_string(), k.to_string()));
            }
            return self.audit_query("", base, args, f, limit).await;
        };
        // A code finds its own records and those under it ("GP000123" → "GP000123/2026-W48"); a full
        // id ("GP000123/2026-W48") only its own.
        let (subject, rest) = match v.split_once('/') {
            Some((s, r)) => (s.to_string(), Some(r.to_string())),
            None => (v.to_string(), None),
        };
        let e = self.engine;
        let (sa, pa) = (
            crate::dialect::audit_subject(e, "a"),
            crate::dialect::audit_period(e, "a"),
        );
        let mut out = Vec::new();
        if kind.is_none_or(|k| k != "report") {
            let mut args = vec![(format!("{sa} ="), subject.clone())];
            if let Some(k) = kind {
                args.push(("a.entity =".to_string(), k.to_string()));
            }
            if rest.is_some() {
                args.push(("a.entity_id =".to_string(), v.to_string()));
            }
            // The code's records are gathered first, through the subject index (a handful), then
            // filtered and ordered: PostgreSQL, estimating hundreds, walked the whole log backwards by
            // id for them instead (the worst case a code with none).
            let from = format!(
                "WITH m AS MATERIALIZED (SELECT a.* FROM audit a \
                 WHERE a.entity <> 'report' AND {sa} = $1) SELECT {{cols}} FROM m a"
            );
            out.extend(self.audit_query(&from, "1=1", args, f, limit).await?);
        }
        if kind.is_none_or(|k| k == "report") {
            let subject_cond = format!("{sa} =");
            let period_cond = format!("{pa} =");
            out.extend(match rest {
                Some(period) => {
                    let args = vec![(period_cond, period), (subject_cond, subject)];
                    self.audit_query("", "a.entity = 'report'", args, f, limit)
                        .await?
                }
                None => {
                    // Every period of the log, one index step each (a loose scan), then the code in each.
                    let p = crate::dialect::audit_period(e, "audit");
                    let periods = format!(
                        "WITH RECURSIVE s(v) AS (SELECT MIN({p}) FROM audit WHERE entity = 'report' \
                         UNION ALL SELECT (SELECT MIN({p}) FROM audit WHERE entity = 'report' AND {p} > s.v) \
                         FROM s WHERE s.v IS NOT NULL) "
                    );
                    // The project's report records are gathered first (a few hundred at most), then
                    // filtered and ordered: PostgreSQL, left to choose, walked the whole log
                    // backwards by id for them.
                    let from = format!(
                        "{periods}, m AS MATERIALIZED (SELECT a.* FROM s CROSS JOIN audit a \
                         WHERE s.v IS NOT NULL AND a.entity = 'report' AND {pa} = s.v AND {sa} = $1) \
                         SELECT {{cols}} FROM m a"
                    );
                    let args = vec![(subject_cond, subject)];
                    self.audit_query(&from, "1=1", args, f, limit).await?
                }
            });
        }
        out.sort_unstable_by_key(|r| std::cmp::Reverse(r.id));
        out.truncate(limit as usize);
        Ok(out)
    }

    /// Number of audit records (for tests and the admin page).
    pub async fn count(self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM audit")
            .fetch_one(&self.pool)
            .await?)
    }
}
