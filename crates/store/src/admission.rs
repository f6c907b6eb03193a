//! Admission rules (项目准入) configured by the city, and the record of refusals.

use crate::Projects;
use diaodu_domain::project::{AdmissionRule, AdmissionTest, ProjectFields};
use serde::Serialize;

use crate::{audit, now_ts, Actor, Result, Store, StoreError};

/// A refusal kept on record.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Refusal {
    /// Id.
    pub id: i64,
    /// The refused project's code.
    pub project_code: String,
    /// Its name.
    pub project_name: String,
    /// Intended owner unit.
    pub unit_id: Option<i64>,
    /// Rule code.
    pub rule_code: String,
    /// Rule name.
    pub rule_name: String,
    /// Who tried.
    pub user_login: String,
    /// When (UTC).
    pub at: String,
}

fn encode(test: &AdmissionTest) -> (&'static str, String) {
    match test {
        AdmissionTest::EnvRejected => ("env_rejected", String::new()),
        AdmissionTest::IndustryIn(w) => ("industry_in", w.join("、")),
    }
}

/// Splits a keyword list typed by a user (separated by 、 , ， ; or spaces).
pub fn split_keywords(s: &str) -> Vec<String> {
    s.split(['、', ',', '，', ';', '；', ' ', '\n'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

impl Store {
    /// Records that a project was refused at admission.
    pub(crate) async fn record_refusal(
        &self,
        actor: &Actor,
        unit_id: Option<i64>,
        f: &ProjectFields,
        rule: &AdmissionRule,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO admission_refusals (project_code, project_name, unit_id, rule_code, rule_name, fields_json, user_id, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(f.code.trim())
        .bind(f.name.trim())
        .bind(unit_id)
        .bind(&rule.code)
        .bind(&rule.name)
        .bind(serde_json::to_string(f).expect("json"))
        .bind(actor.user_id)
        .bind(now_ts())
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "refuse",
            "project",
            f.code.trim(),
            None,
            Some(serde_json::json!({"rule": rule.code, "rule_name": rule.name, "fields": f})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Projects<'_> {
    /// The admission rules in force, in the order they are checked.
    pub async fn admission_rules(self) -> Result<Vec<AdmissionRule>> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT code, name, test_kind, keywords FROM admission_rules ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(code, name, kind, keywords)| AdmissionRule {
                code,
                name,
                test: if kind == "env_rejected" {
                    AdmissionTest::EnvRejected
                } else {
                    AdmissionTest::IndustryIn(split_keywords(&keywords))
                },
            })
            .collect())
    }

    /// Adds an admission rule (audited).
    pub async fn add_admission_rule(self, actor: &Actor, rule: &AdmissionRule) -> Result<()> {
        if rule.code.trim().is_empty() || rule.name.trim().is_empty() {
            return Err(StoreError::invalid("规则", "编码和名称不能为空"));
        }
        if matches!(&rule.test, AdmissionTest::IndustryIn(w) if w.is_empty()) {
            return Err(StoreError::invalid(
                "关键词",
                "行业限制规则至少需要一个关键词",
            ));
        }
        let (kind, kw) = encode(&rule.test);
        let mut tx = self.begin().await?;
        let dup: Option<i64> = sqlx::query_scalar("SELECT id FROM admission_rules WHERE code = $1")
            .bind(rule.code.trim())
            .fetch_optional(&mut *tx)
            .await?;
        if dup.is_some() {
            return Err(StoreError::Conflict(format!(
                "规则编码“{}”已存在",
                rule.code.trim()
            )));
        }
        sqlx::query("INSERT INTO admission_rules (code, name, test_kind, keywords, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(rule.code.trim())
            .bind(rule.name.trim())
            .bind(kind)
            .bind(&kw)
            .bind(now_ts())
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "create",
            "admission_rule",
            rule.code.trim(),
            None,
            Some(serde_json::to_value(rule).expect("json")),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes an admission rule (audited).
    pub async fn delete_admission_rule(self, actor: &Actor, code: &str) -> Result<()> {
        let rules = self.projects().admission_rules().await?;
        let rule = rules
            .iter()
            .find(|r| r.code == code)
            .ok_or_else(|| StoreError::NotFound("准入规则".into()))?;
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM admission_rules WHERE code = $1")
            .bind(code)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "delete",
            "admission_rule",
            code,
            Some(serde_json::to_value(rule).expect("json")),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Refusals, newest first.
    pub async fn refusals(self, limit: i64) -> Result<Vec<Refusal>> {
        Ok(sqlx::query_as(
            "SELECT r.id, r.project_code, r.project_name, r.unit_id, r.rule_code, r.rule_name, r.at, \
             COALESCE(u.login, 'cli') AS user_login FROM admission_refusals r LEFT JOIN users u ON u.id = r.user_id \
             ORDER BY r.id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}
