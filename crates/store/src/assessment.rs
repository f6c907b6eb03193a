//! The units' assessment (目标责任考核): a year's scheme, kept as versions, and the office's
//! bonuses and deductions. The scores are computed from live data by the service
//! (`diaodu_domain::assessment` holds the rules).

use diaodu_domain::assessment::{Centi, Scheme};
use diaodu_domain::period::{fmt_date, parse_date};
use serde::Serialize;
use serde_json::json;
use time::Date;

use crate::{audit, now_ts, Actor, Assessment, Result, StoreError, UnitTree};

/// A version of a year's scheme.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SchemeVersion {
    /// Its number (1, 2, …).
    pub version: i64,
    /// When it was saved (UTC).
    pub created_at: String,
    /// Who saved it.
    pub user_login: String,
}

/// A bonus or deduction to enter.
#[derive(Debug, Clone)]
pub struct NewAdjustment {
    /// The unit.
    pub unit_id: i64,
    /// The day it counts from (its year is the year it counts in).
    pub on: Date,
    /// Hundredths of a point: positive a bonus, negative a deduction.
    pub points: Centi,
    /// Why.
    pub reason: String,
    /// The document behind it (文号 or title), or empty.
    pub document: String,
}

/// A bonus or deduction as stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct StoredAdjustment {
    /// Id.
    pub id: i64,
    /// The unit.
    pub unit_id: i64,
    /// The year it counts in.
    pub year: i64,
    /// The day it counts from.
    pub on_date: String,
    /// Hundredths of a point, signed.
    pub points: i64,
    /// Why.
    pub reason: String,
    /// The document behind it (文号 or title), if any.
    pub document: String,
    /// When it was entered (UTC).
    pub created_at: String,
    /// Who entered it.
    pub user_login: String,
    /// When it was withdrawn, if it was.
    pub withdrawn_at: Option<String>,
}

impl Assessment<'_> {
    /// The scheme in force for `year`: its newest version; while none has been saved for the year,
    /// the newest of the latest earlier year that has one (a scheme carries on from year to year
    /// until the office changes it), else the default scheme — both with no version of the year.
    pub async fn scheme(self, year: i32) -> Result<(Scheme, Option<i64>)> {
        let row: Option<(i64, i64, String)> = sqlx::query_as(
            "SELECT year, version, items FROM assessment_schemes WHERE year <= $1 \
             ORDER BY year DESC, version DESC LIMIT 1",
        )
        .bind(i64::from(year))
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some((y, v, items)) => {
                let scheme: Scheme = serde_json::from_str(&items).map_err(|e| {
                    StoreError::Db(sqlx::Error::Decode(
                        format!("assessment scheme {y} version {v} unreadable: {e}").into(),
                    ))
                })?;
                (scheme, (y == i64::from(year)).then_some(v))
            }
            None => (Scheme::default_scheme(), None),
        })
    }

    /// A year's saved versions, newest first.
    pub async fn versions(self, year: i32) -> Result<Vec<SchemeVersion>> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT version, created_at, user_login FROM assessment_schemes WHERE year = $1 ORDER BY version DESC",
        )
        .bind(i64::from(year))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(version, created_at, user_login)| SchemeVersion {
                version,
                created_at,
                user_login,
            })
            .collect())
    }

    /// Saves `scheme` as `year`'s next version (checked by [`Scheme::check`]), audited as
    /// `assessment_scheme` with the scheme before and after; its version number. Saving the scheme
    /// in force unchanged writes nothing.
    pub async fn save_scheme(self, actor: &Actor, year: i32, scheme: &Scheme) -> Result<i64> {
        if !(2000..=2100).contains(&year) {
            return Err(StoreError::invalid("年度", format!("{year} 不是有效年度")));
        }
        scheme
            .check()
            .map_err(|m| StoreError::invalid("考核方案", m))?;
        // What was in force: an earlier year's scheme carried on, or the default.
        // (One that cannot be read is replaced: saving is how it is mended.)
        let in_force = self
            .assessment()
            .scheme(year)
            .await
            .map_or_else(|_| Scheme::default_scheme(), |(s, _)| s);
        let mut tx = self.begin().await?;
        let last: Option<(i64, String)> = sqlx::query_as(
            "SELECT version, items FROM assessment_schemes WHERE year = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(i64::from(year))
        .fetch_optional(&mut *tx)
        .await?;
        let before: Scheme = last
            .as_ref()
            .and_then(|(_, i)| serde_json::from_str(i).ok())
            .unwrap_or(in_force);
        if &before == scheme {
            if let Some((v, _)) = last {
                return Ok(v);
            }
        }
        let version = last.map_or(1, |(v, _)| v + 1);
        let items = serde_json::to_string(scheme).expect("json");
        sqlx::query(
            "INSERT INTO assessment_schemes (year, version, items, created_at, user_login) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(i64::from(year))
        .bind(version)
        .bind(&items)
        .bind(now_ts())
        .bind(&actor.login)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            if version == 1 { "create" } else { "update" },
            "assessment_scheme",
            &format!("{year}/v{version}"),
            Some(serde_json::to_value(&before).expect("json")),
            Some(serde_json::to_value(scheme).expect("json")),
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// The bonuses and deductions of `year` not withdrawn, by unit then day.
    pub async fn adjustments(self, year: i32) -> Result<Vec<StoredAdjustment>> {
        Ok(sqlx::query_as(
            "SELECT id, unit_id, year, on_date, points, reason, document, created_at, user_login, withdrawn_at \
             FROM assessment_adjustments WHERE year = $1 AND withdrawn_at IS NULL ORDER BY unit_id, on_date, id",
        )
        .bind(i64::from(year))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Enters a bonus (positive points) or deduction for a unit, counting from its day in that day's
    /// year: hundredths of a point, at most 100 points either way, never zero; a reason and the
    /// document behind it (文件依据: its 文号 or title), each at most 200 characters. Audited as
    /// `assessment_adjustment`.
    pub async fn add_adjustment(
        self,
        actor: &Actor,
        tree: &UnitTree,
        a: &NewAdjustment,
    ) -> Result<i64> {
        let (unit_id, on, points) = (a.unit_id, a.on, a.points);
        if tree.get(unit_id).is_none() {
            return Err(StoreError::NotFound("单位".into()));
        }
        if points == 0 || !(-10_000..=10_000).contains(&points) {
            return Err(StoreError::invalid(
                "分值",
                "应为 -100 至 100 之间、不为 0 的分数（最多两位小数）",
            ));
        }
        let (reason, document) = (a.reason.trim(), a.document.trim());
        for (field, text, need) in [("事由", reason, true), ("依据文件", document, true)] {
            if need && text.is_empty() {
                return Err(StoreError::invalid(field, "不能为空"));
            }
            if text.chars().count() > 200 || text.chars().any(diaodu_domain::import::forbidden_char)
            {
                return Err(StoreError::invalid(
                    field,
                    "不能超过 200 个字，不能含有控制字符",
                ));
            }
        }
        if !(2000..=2100).contains(&on.year()) {
            return Err(StoreError::invalid("日期", "不是有效日期"));
        }
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO assessment_adjustments (unit_id, year, on_date, points, reason, document, created_at, user_login) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(unit_id)
        .bind(i64::from(on.year()))
        .bind(fmt_date(on))
        .bind(points)
        .bind(reason)
        .bind(document)
        .bind(now_ts())
        .bind(&actor.login)
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "create",
            "assessment_adjustment",
            &id.to_string(),
            None,
            Some(json!({
                "unit_id": unit_id, "on_date": fmt_date(on),
                "points": diaodu_domain::assessment::points_text(points),
                "reason": reason, "document": document,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Withdraws a bonus or deduction (entered by mistake); whether it was in force.
    pub async fn withdraw_adjustment(self, actor: &Actor, id: i64) -> Result<bool> {
        let before = self.assessment().adjustment(id).await?;
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE assessment_adjustments SET withdrawn_at = $1 WHERE id = $2 AND withdrawn_at IS NULL",
        )
        .bind(now_ts())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        audit::record(
            &mut tx,
            actor,
            "withdraw",
            "assessment_adjustment",
            &id.to_string(),
            before.map(|a| {
                json!({
                    "unit_id": a.unit_id, "on_date": a.on_date,
                    "points": diaodu_domain::assessment::points_text(a.points),
                    "reason": a.reason, "document": a.document,
                })
            }),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// One adjustment, withdrawn or not.
    pub async fn adjustment(self, id: i64) -> Result<Option<StoredAdjustment>> {
        Ok(sqlx::query_as(
            "SELECT id, unit_id, year, on_date, points, reason, document, created_at, user_login, withdrawn_at \
             FROM assessment_adjustments WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }
}

/// The day an adjustment counts from.
pub fn adjustment_day(a: &StoredAdjustment) -> Option<Date> {
    parse_date(&a.on_date).ok()
}
