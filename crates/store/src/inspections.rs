//! Inspection campaigns (督查活动): a scope (a concentrated-start batch, the red projects of a unit, a list
//! of tasks or projects), a checklist and the inspectors; each item gets findings and a severity; findings
//! become supervision notices in bulk. Also the attachments of any record (metadata here, bytes on disk).

use diaodu_domain::access::Scope;
use diaodu_domain::period::fmt_date;
use diaodu_domain::status::Light;
use serde::Serialize;
use time::Date;

use crate::{
    audit, now_ts, s2d, Actor, NewNotice, Notices, ProjectFilter, Result, StoreError, UnitTree,
};

/// A campaign to launch.
#[derive(Debug, Clone)]
pub struct NewInspection {
    /// Title (e.g. 重点项目拉网式督查).
    pub title: String,
    /// `batch` (a concentrated-start batch), `red` (the red projects of a unit), `projects` or `tasks`
    /// (lists of codes).
    pub scope_kind: String,
    /// The batch name, the unit id, or the codes separated by commas.
    pub scope_value: String,
    /// The checklist, one check a line.
    pub checklist: String,
    /// Inspectors.
    pub inspectors: String,
    /// Start.
    pub start: Date,
    /// End.
    pub end: Date,
    /// The unit running it (the city).
    pub unit_id: i64,
}

/// A stored campaign.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Inspection {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Scope kind.
    pub scope_kind: String,
    /// Scope value.
    pub scope_value: String,
    /// Checklist.
    pub checklist: String,
    /// Inspectors.
    pub inspectors: String,
    /// Start.
    pub start: Date,
    /// End.
    pub end: Date,
    /// `open` or `finished`.
    pub state: String,
    /// Running unit.
    pub unit_id: i64,
}

/// One item of a campaign.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct InspectionItem {
    /// Id.
    pub id: i64,
    /// `project` or `task`.
    pub subject_kind: String,
    /// The project or task.
    pub subject_id: i64,
    /// Its unit.
    pub unit_id: i64,
    /// Its code and name.
    pub label: String,
    /// Findings.
    pub findings: String,
    /// `none` (no problem), `minor`, `major`, `critical`; empty until checked.
    pub severity: String,
    /// When checked (UTC).
    pub checked_at: Option<String>,
    /// The notice made from the finding.
    pub notice_id: Option<i64>,
}

/// Severity names.
pub fn severity_zh(s: &str) -> &'static str {
    match s {
        "none" => "无问题",
        "minor" => "一般问题",
        "major" => "较重问题",
        "critical" => "严重问题",
        _ => "未检查",
    }
}

/// An uploaded file's record.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Attachment {
    /// Id.
    pub id: i64,
    /// What it belongs to: `notice`, `task`, `inspection_item`, `report`, `site_visit`.
    pub owner_kind: String,
    /// The record.
    pub owner_id: i64,
    /// Name as uploaded.
    pub file_name: String,
    /// Type detected from the content.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// Name on disk (under the attachments directory).
    #[serde(skip)]
    pub stored_name: String,
    /// Uploaded (UTC).
    pub uploaded_at: String,
}

/// A campaign as the database holds it (the columns of [`COLS`]).
#[derive(sqlx::FromRow)]
struct InspectionRecord {
    id: i64,
    title: String,
    scope_kind: String,
    scope_value: String,
    checklist: String,
    inspectors: String,
    start_date: String,
    end_date: String,
    state: String,
    unit_id: i64,
}

impl From<InspectionRecord> for Inspection {
    fn from(r: InspectionRecord) -> Inspection {
        Inspection {
            id: r.id,
            title: r.title,
            scope_kind: r.scope_kind,
            scope_value: r.scope_value,
            checklist: r.checklist,
            inspectors: r.inspectors,
            start: s2d(Some(r.start_date)).unwrap_or(Date::MIN),
            end: s2d(Some(r.end_date)).unwrap_or(Date::MIN),
            state: r.state,
            unit_id: r.unit_id,
        }
    }
}

/// The columns of an attachment.
const ATTACHMENT_COLS: &str =
    "id, owner_kind, owner_id, file_name, content_type, size, sha256, stored_name, uploaded_at";

const COLS: &str = "id, title, scope_kind, scope_value, checklist, inspectors, start_date, end_date, state, unit_id";

impl Notices<'_> {
    /// Launches a campaign and lists its items from the scope as of `d` (audited).
    pub async fn create_inspection(
        self,
        actor: &Actor,
        tree: &UnitTree,
        n: NewInspection,
        d: Date,
    ) -> Result<i64> {
        if n.title.trim().is_empty() {
            return Err(StoreError::invalid("督查名称", "不能为空"));
        }
        if n.end < n.start {
            return Err(StoreError::invalid("结束日期", "不能早于开始日期"));
        }
        let scope = Scope::Subtree(n.unit_id);
        let codes: Vec<String> = n
            .scope_value
            .split([',', '，', '、', ' ', '\n'])
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        // (kind, id, unit, label)
        let mut items: Vec<(String, i64, i64, String)> = Vec::new();
        match n.scope_kind.as_str() {
            "batch" | "red" | "projects" => {
                let filter = match n.scope_kind.as_str() {
                    "batch" => ProjectFilter {
                        batch: Some(n.scope_value.trim().to_string()),
                        ..Default::default()
                    },
                    "red" => {
                        let unit: i64 = n
                            .scope_value
                            .trim()
                            .parse()
                            .map_err(|_| StoreError::invalid("督查范围", "请选择单位"))?;
                        ProjectFilter {
                            unit_id: Some(unit),
                            light: Some(Light::Red),
                            ..Default::default()
                        }
                    }
                    _ => ProjectFilter::default(),
                };
                for r in self.projects().statuses(tree, scope, &filter, d).await? {
                    if n.scope_kind == "projects" && !codes.contains(&r.project.fields.code) {
                        continue;
                    }
                    let mut label = format!("{} {}", r.project.fields.code, r.project.fields.name);
                    if r.status.stalled {
                        label += "（开而未建）";
                    }
                    items.push(("project".into(), r.project.id, r.project.unit_id, label));
                }
            }
            "tasks" => {
                for t in self.tasks().rows(tree, scope, d).await? {
                    if codes.contains(&t.task.code) {
                        items.push((
                            "task".into(),
                            t.task.id,
                            t.task.lead_unit_id,
                            format!("{} {}", t.task.code, t.task.title),
                        ));
                    }
                }
            }
            _ => return Err(StoreError::invalid("督查范围", "无效的范围类型")),
        }
        if items.is_empty() {
            return Err(StoreError::invalid("督查范围", "范围内没有项目或任务"));
        }
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO inspections (title, scope_kind, scope_value, checklist, inspectors, start_date, end_date, state, unit_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10) RETURNING id",
        )
        .bind(n.title.trim())
        .bind(&n.scope_kind)
        .bind(n.scope_value.trim())
        .bind(n.checklist.trim())
        .bind(n.inspectors.trim())
        .bind(fmt_date(n.start))
        .bind(fmt_date(n.end))
        .bind(n.unit_id)
        .bind(actor.user_id)
        .bind(now_ts())
        .fetch_one(&mut *tx)
        .await?;
        for (kind, sid, unit, label) in &items {
            sqlx::query("INSERT INTO inspection_items (inspection_id, subject_kind, subject_id, unit_id, label, findings, severity) VALUES ($1, $2, $3, $4, $5, '', '')")
                .bind(id)
                .bind(kind)
                .bind(*sid)
                .bind(*unit)
                .bind(label)
                .execute(&mut *tx)
                .await?;
        }
        audit::record(
            &mut tx,
            actor,
            "create",
            "inspection",
            &id.to_string(),
            None,
            Some(serde_json::json!({"title": n.title, "scope": [n.scope_kind, n.scope_value], "items": items.len(), "inspectors": n.inspectors})),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Campaigns, newest first.
    pub async fn inspections(self) -> Result<Vec<Inspection>> {
        let rows: Vec<InspectionRecord> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM inspections ORDER BY id DESC"
        )))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Inspection::from).collect())
    }

    /// A campaign and its items.
    pub async fn inspection(self, id: i64) -> Result<(Inspection, Vec<InspectionItem>)> {
        let r: InspectionRecord = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLS} FROM inspections WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound("督查活动".into()))?;
        let items = sqlx::query_as(
            "SELECT id, subject_kind, subject_id, unit_id, label, findings, severity, checked_at, \
             notice_id FROM inspection_items WHERE inspection_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok((r.into(), items))
    }

    /// Records the findings of one item (audited).
    pub async fn record_finding(
        self,
        actor: &Actor,
        item_id: i64,
        findings: &str,
        severity: &str,
    ) -> Result<()> {
        if !matches!(severity, "none" | "minor" | "major" | "critical") {
            return Err(StoreError::invalid(
                "问题等级",
                "应为 无问题、一般、较重、严重 之一",
            ));
        }
        if severity != "none" && findings.trim().is_empty() {
            return Err(StoreError::invalid(
                "督查发现",
                "有问题时必须写明发现的问题",
            ));
        }
        let state: Option<String> = sqlx::query_scalar("SELECT i.state FROM inspection_items it JOIN inspections i ON i.id = it.inspection_id WHERE it.id = $1")
            .bind(item_id)
            .fetch_optional(&self.pool)
            .await?;
        match state.as_deref() {
            None => return Err(StoreError::NotFound("督查对象".into())),
            Some("finished") => {
                return Err(StoreError::Conflict("督查活动已结束，不能再记录".into()))
            }
            _ => {}
        }
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE inspection_items SET findings = $1, severity = $2, checked_at = $3, checked_by = $4 WHERE id = $5")
            .bind(findings.trim())
            .bind(severity)
            .bind(now_ts())
            .bind(actor.user_id)
            .bind(item_id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "update",
            "inspection_item",
            &item_id.to_string(),
            None,
            Some(serde_json::json!({"findings": findings.trim(), "severity": severity})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Turns the chosen findings into supervision notices, one per item, to the item's unit (the item
    /// keeps the notice's id). Items without a problem or already noticed are skipped. Returns how many.
    pub async fn notices_from_findings(
        self,
        actor: &Actor,
        inspection_id: i64,
        item_ids: &[i64],
        reply_by: Date,
        today: Date,
    ) -> Result<usize> {
        let (insp, items) = self.notices().inspection(inspection_id).await?;
        let mut n = 0;
        for it in items.iter().filter(|i| item_ids.contains(&i.id)) {
            if it.notice_id.is_some()
                || !matches!(it.severity.as_str(), "minor" | "major" | "critical")
            {
                continue;
            }
            let nid = self
                .notices()
                .issue(
                    actor,
                    NewNotice {
                        subject_kind: "finding".into(),
                        subject_id: Some(it.id),
                        unit_id: it.unit_id,
                        title: format!("{}发现问题整改督办：{}", insp.title, it.label),
                        content: format!(
                            "{}（{}）。请限期整改并反馈。",
                            it.findings,
                            severity_zh(&it.severity)
                        ),
                        reply_by,
                    },
                    today,
                )
                .await?;
            sqlx::query("UPDATE inspection_items SET notice_id = $1 WHERE id = $2")
                .bind(nid)
                .bind(it.id)
                .execute(&self.pool)
                .await?;
            n += 1;
        }
        Ok(n)
    }

    /// The campaign an item belongs to.
    pub async fn inspection_of_item(self, item_id: i64) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT inspection_id FROM inspection_items WHERE id = $1")
                .bind(item_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Closes a campaign (audited).
    pub async fn finish_inspection(self, actor: &Actor, id: i64) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE inspections SET state = 'finished' WHERE id = $1 AND state = 'open'",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict("督查活动不存在或已结束".into()));
        }
        audit::record(
            &mut tx,
            actor,
            "update",
            "inspection",
            &id.to_string(),
            Some(serde_json::json!({"state": "open"})),
            Some(serde_json::json!({"state": "finished"})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records uploaded files, all or none (the caller has written the bytes; each audited).
    /// Returns their ids.
    pub async fn add_attachments(self, actor: &Actor, files: &[Attachment]) -> Result<Vec<i64>> {
        let mut tx = self.begin().await?;
        let mut ids = Vec::with_capacity(files.len());
        for a in files {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO attachments (owner_kind, owner_id, file_name, content_type, size, sha256, stored_name, uploaded_by, uploaded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(&a.owner_kind)
            .bind(a.owner_id)
            .bind(&a.file_name)
            .bind(&a.content_type)
            .bind(a.size)
            .bind(&a.sha256)
            .bind(&a.stored_name)
            .bind(actor.user_id)
            .bind(now_ts())
            .fetch_one(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                actor,
                "create",
                "attachment",
                &id.to_string(),
                None,
                Some(serde_json::json!({"owner": [a.owner_kind, a.owner_id], "file_name": a.file_name, "type": a.content_type, "size": a.size, "sha256": a.sha256})),
            )
            .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// The attachments of a record.
    pub async fn attachments(self, owner_kind: &str, owner_id: i64) -> Result<Vec<Attachment>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ATTACHMENT_COLS} FROM attachments WHERE owner_kind = $1 AND owner_id = $2 \
             ORDER BY id"
        )))
        .bind(owner_kind)
        .bind(owner_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The number of attachments of each of `owner_ids` of one kind (owners without any are absent).
    pub async fn attachment_counts(
        self,
        owner_kind: &str,
        owner_ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, i64>> {
        if owner_ids.is_empty() {
            return Ok(Default::default());
        }
        let set = crate::dialect::json_set(self.engine, 2, true);
        let rows: Vec<(i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT owner_id, COUNT(*) FROM attachments WHERE owner_kind = $1 \
             AND owner_id IN ({set}) GROUP BY owner_id"
        )))
        .bind(owner_kind)
        .bind(crate::pack::json_ints(owner_ids))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().collect())
    }

    /// The project a report or a site visit belongs to (`report`, `site_visit`); `None` when the
    /// record does not exist.
    pub async fn project_of(self, kind: &str, id: i64) -> Result<Option<i64>> {
        let sql = match kind {
            "report" => "SELECT project_id FROM reports WHERE id = $1",
            "site_visit" => "SELECT project_id FROM site_visits WHERE id = $1",
            _ => return Ok(None),
        };
        Ok(sqlx::query_scalar(sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// One attachment.
    pub async fn attachment(self, id: i64) -> Result<Option<Attachment>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ATTACHMENT_COLS} FROM attachments WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }
}
