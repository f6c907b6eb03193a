//! The indicator catalogue (指标), yearly targets and the values of every region and period, with
//! all-or-nothing imports like the project library's.

use std::collections::HashMap;

use diaodu_domain::import::{
    sort_errors, ImportError, IndicatorImportRow, IndicatorValueRow, TargetRow,
};
use diaodu_domain::indicator::{Direction, Indicator, IndicatorKind, StatPeriod};
use serde::Serialize;

use crate::{audit, now_ts, Actor, Indicators, Result, StoreError, UnitTree};

/// A stored indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorRow {
    /// Id.
    pub id: i64,
    /// The indicator.
    #[serde(flatten)]
    pub indicator: Indicator,
}

/// One region's value as entered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueInput {
    /// Unit.
    pub unit_id: i64,
    /// 数值 (level).
    pub level: Option<f64>,
    /// 增速 (%).
    pub growth: Option<f64>,
}

fn indicator_json(i: &Indicator) -> serde_json::Value {
    serde_json::json!({"code": i.code, "name": i.name, "unit": i.unit, "kind": i.kind.code(), "direction": i.direction.code()})
}

fn check_indicator(i: &Indicator) -> Vec<(&'static str, String)> {
    let mut e = Vec::new();
    let code = i.code.trim();
    if code.is_empty()
        || code.len() > 40
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        e.push((
            "指标编码",
            "只能由字母、数字、- 和 _ 组成，不能为空，最长 40 位".to_string(),
        ));
    }
    if i.name.trim().is_empty() {
        e.push(("指标名称", "不能为空".to_string()));
    }
    e
}

impl Indicators<'_> {
    /// The catalogue, in the order the indicators were created.
    pub async fn list(self) -> Result<Vec<IndicatorRow>> {
        let rows: Vec<(i64, String, String, String, String, String)> = sqlx::query_as(
            "SELECT id, code, name, unit, kind, direction FROM indicators ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, code, name, unit, kind, direction)| IndicatorRow {
                id,
                indicator: Indicator {
                    code,
                    name,
                    unit,
                    kind: IndicatorKind::parse(&kind).unwrap_or(IndicatorKind::Growth),
                    direction: Direction::parse(&direction).unwrap_or(Direction::Higher),
                },
            })
            .collect())
    }

    /// Creates or updates (by code) catalogue entries all or nothing (audited).
    pub async fn import_indicators(
        self,
        actor: &Actor,
        rows: &[IndicatorImportRow],
        mut errors: Vec<ImportError>,
    ) -> Result<std::result::Result<usize, Vec<ImportError>>> {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for r in rows {
            for (f, m) in check_indicator(&r.indicator) {
                errors.push(ImportError::new(r.row, f, m));
            }
            if let Some(first) = seen.insert(r.indicator.code.trim(), r.row) {
                errors.push(ImportError::new(
                    r.row,
                    "指标编码",
                    format!("“{}”与第{first}行重复", r.indicator.code.trim()),
                ));
            }
        }
        if !errors.is_empty() {
            sort_errors(&mut errors);
            return Ok(Err(errors));
        }
        let existing: HashMap<String, IndicatorRow> = self
            .indicators()
            .list()
            .await?
            .into_iter()
            .map(|r| (r.indicator.code.clone(), r))
            .collect();
        let mut tx = self.begin().await?;
        for r in rows {
            let i = &r.indicator;
            let code = i.code.trim();
            match existing.get(code) {
                Some(old) => {
                    if old.indicator == *i {
                        continue;
                    }
                    sqlx::query("UPDATE indicators SET name = $1, unit = $2, kind = $3, direction = $4 WHERE id = $5")
                        .bind(i.name.trim())
                        .bind(i.unit.trim())
                        .bind(i.kind.code())
                        .bind(i.direction.code())
                        .bind(old.id)
                        .execute(&mut *tx)
                        .await?;
                    audit::record(
                        &mut tx,
                        actor,
                        "update",
                        "indicator",
                        code,
                        Some(indicator_json(&old.indicator)),
                        Some(indicator_json(i)),
                    )
                    .await?;
                }
                None => {
                    sqlx::query("INSERT INTO indicators (code, name, unit, kind, direction, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                        .bind(code)
                        .bind(i.name.trim())
                        .bind(i.unit.trim())
                        .bind(i.kind.code())
                        .bind(i.direction.code())
                        .bind(now_ts())
                        .execute(&mut *tx)
                        .await?;
                    audit::record(
                        &mut tx,
                        actor,
                        "create",
                        "indicator",
                        code,
                        None,
                        Some(indicator_json(i)),
                    )
                    .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(Ok(rows.len()))
    }

    /// Targets by (indicator id, year).
    pub async fn targets(self) -> Result<HashMap<(i64, i32), f64>> {
        let rows: Vec<(i64, i64, f64)> =
            sqlx::query_as("SELECT indicator_id, year, target FROM indicator_targets")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(indicator, year, target)| ((indicator, year as i32), target))
            .collect())
    }

    /// Sets yearly targets all or nothing (audited); an existing target for the year is replaced.
    pub async fn import_targets(
        self,
        actor: &Actor,
        rows: &[TargetRow],
        mut errors: Vec<ImportError>,
    ) -> Result<std::result::Result<usize, Vec<ImportError>>> {
        let inds: HashMap<String, i64> = self
            .indicators()
            .list()
            .await?
            .into_iter()
            .map(|r| (r.indicator.code, r.id))
            .collect();
        let mut seen: HashMap<(String, i32), usize> = HashMap::new();
        for r in rows {
            if !inds.contains_key(r.code.trim()) {
                errors.push(ImportError::new(
                    r.row,
                    "指标编码",
                    format!("指标目录中没有“{}”", r.code.trim()),
                ));
            }
            if let Some(first) = seen.insert((r.code.trim().to_string(), r.year), r.row) {
                errors.push(ImportError::new(
                    r.row,
                    "年度",
                    format!("与第{first}行是同一指标同一年度"),
                ));
            }
        }
        if !errors.is_empty() {
            sort_errors(&mut errors);
            return Ok(Err(errors));
        }
        let old = self.indicators().targets().await?;
        let mut tx = self.begin().await?;
        for r in rows {
            let id = inds[r.code.trim()];
            let before = old.get(&(id, r.year)).copied();
            if before.is_some() {
                sqlx::query("UPDATE indicator_targets SET target = $1 WHERE indicator_id = $2 AND year = $3")
                    .bind(r.target)
                    .bind(id)
                    .bind(i64::from(r.year))
                    .execute(&mut *tx)
                    .await?;
            } else {
                sqlx::query("INSERT INTO indicator_targets (indicator_id, year, target) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(i64::from(r.year))
                    .bind(r.target)
                    .execute(&mut *tx)
                    .await?;
            }
            audit::record(
                &mut tx,
                actor,
                if before.is_some() { "update" } else { "create" },
                "indicator_target",
                &format!("{}/{}", r.code.trim(), r.year),
                before.map(|t| serde_json::json!({"target": t})),
                Some(serde_json::json!({"target": r.target})),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Ok(rows.len()))
    }

    /// Values of one indicator and period, by unit.
    pub async fn indicator_values(
        self,
        indicator_id: i64,
        period: StatPeriod,
    ) -> Result<HashMap<i64, (Option<f64>, Option<f64>)>> {
        let rows: Vec<(i64, Option<f64>, Option<f64>)> = sqlx::query_as(
            "SELECT unit_id, level, growth FROM indicator_values \
             WHERE indicator_id = $1 AND period = $2",
        )
        .bind(indicator_id)
        .bind(period.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(unit, level, growth)| (unit, (level, growth)))
            .collect())
    }

    /// The periods for which any value exists, newest first (for pickers).
    pub async fn value_periods(self) -> Result<Vec<String>> {
        let mut v: Vec<String> = sqlx::query_scalar("SELECT DISTINCT period FROM indicator_values")
            .fetch_all(&self.pool)
            .await?;
        v.sort_by(|a, b| b.cmp(a));
        Ok(v)
    }

    /// Saves the grid of one indicator and period (audited per changed unit). A unit whose level and
    /// growth are both empty has its value removed.
    pub async fn save_indicator_values(
        self,
        actor: &Actor,
        indicator_id: i64,
        period: StatPeriod,
        values: &[ValueInput],
    ) -> Result<usize> {
        let ind = self
            .indicators()
            .list()
            .await?
            .into_iter()
            .find(|r| r.id == indicator_id)
            .ok_or_else(|| StoreError::NotFound("指标".into()))?;
        let today = crate::today_local();
        let errs: Vec<(String, String)> = values
            .iter()
            .flat_map(|v| {
                diaodu_domain::indicator::check_value(period, v.level, v.growth, today)
                    .into_iter()
                    .map(|(f, m)| (f.to_string(), m))
            })
            .collect();
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let old = self
            .indicators()
            .indicator_values(indicator_id, period)
            .await?;
        let mut tx = self.begin().await?;
        let mut changed = 0;
        for v in values {
            let before = old.get(&v.unit_id).copied();
            let after = (v.level.is_some() || v.growth.is_some()).then_some((v.level, v.growth));
            if before == after {
                continue;
            }
            changed += 1;
            write_value(
                &mut tx,
                indicator_id,
                v.unit_id,
                period,
                before.is_some(),
                after,
            )
            .await?;
            let j = |x: Option<(Option<f64>, Option<f64>)>| {
                x.map(|(l, g)| serde_json::json!({"value": l, "growth_pct": g}))
            };
            audit::record(
                &mut tx,
                actor,
                match (before.is_some(), after.is_some()) {
                    (false, _) => "create",
                    (true, true) => "update",
                    (true, false) => "delete",
                },
                "indicator_value",
                &format!("{}/{}/{}", ind.indicator.code, v.unit_id, period),
                j(before),
                j(after),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Imports values all or nothing; a value already present for the region, indicator and period is
    /// replaced (audited as an update).
    pub async fn import_indicator_values(
        self,
        actor: &Actor,
        tree: &UnitTree,
        rows: &[IndicatorValueRow],
        mut errors: Vec<ImportError>,
    ) -> Result<std::result::Result<usize, Vec<ImportError>>> {
        let inds = self.indicators().list().await?;
        let find_ind = |s: &str| {
            let t = s.trim();
            inds.iter()
                .find(|r| r.indicator.code == t)
                .or_else(|| inds.iter().find(|r| r.indicator.name == t))
        };
        let mut seen: HashMap<(i64, i64, String), usize> = HashMap::new();
        let today = crate::today_local();
        let mut ok = Vec::new();
        for r in rows {
            let unit = tree
                .resolve(&r.region)
                .map_err(|m| errors.push(ImportError::new(r.row, "地区", m)))
                .ok();
            let ind = find_ind(&r.indicator);
            if ind.is_none() {
                errors.push(ImportError::new(
                    r.row,
                    "指标",
                    format!("指标目录中没有“{}”", r.indicator.trim()),
                ));
            }
            if r.level.is_none() && r.growth.is_none() {
                errors.push(ImportError::new(r.row, "数值", "数值和增速不能都为空"));
            }
            for (f, m) in diaodu_domain::indicator::check_value(r.period, r.level, r.growth, today)
            {
                errors.push(ImportError::new(r.row, f, m));
            }
            if let (Some(u), Some(i)) = (unit, ind) {
                if i.indicator.kind == IndicatorKind::Growth && r.growth.is_none() {
                    errors.push(ImportError::new(
                        r.row,
                        "增速(%)",
                        format!("“{}”按增速排名，增速不能为空", i.indicator.name),
                    ));
                } else if i.indicator.kind == IndicatorKind::Level && r.level.is_none() {
                    errors.push(ImportError::new(
                        r.row,
                        "数值",
                        format!("“{}”按总量排名，数值不能为空", i.indicator.name),
                    ));
                }
                if let Some(first) = seen.insert((u.id, i.id, r.period.to_string()), r.row) {
                    errors.push(ImportError::new(
                        r.row,
                        "期别",
                        format!("与第{first}行是同一地区、同一指标、同一期别"),
                    ));
                }
                ok.push((u.id, i, r));
            }
        }
        if !errors.is_empty() {
            sort_errors(&mut errors);
            return Ok(Err(errors));
        }
        // Group by (indicator, period) so each group costs one read of the existing values.
        let mut groups: HashMap<(i64, StatPeriod), Vec<(i64, &IndicatorValueRow)>> = HashMap::new();
        for (u, i, r) in &ok {
            groups.entry((i.id, r.period)).or_default().push((*u, r));
        }
        let mut existing = HashMap::new();
        for (ind_id, period) in groups.keys() {
            existing.insert(
                (*ind_id, *period),
                self.indicators().indicator_values(*ind_id, *period).await?,
            );
        }
        let code_of: HashMap<i64, &str> = inds
            .iter()
            .map(|r| (r.id, r.indicator.code.as_str()))
            .collect();
        let mut tx = self.begin().await?;
        for ((ind_id, period), items) in &groups {
            let old = &existing[&(*ind_id, *period)];
            for (unit_id, r) in items {
                let before = old.get(unit_id).copied();
                let after = Some((r.level, r.growth));
                if before == after {
                    continue;
                }
                write_value(&mut tx, *ind_id, *unit_id, *period, before.is_some(), after).await?;
                let j = |x: Option<(Option<f64>, Option<f64>)>| {
                    x.map(|(l, g)| serde_json::json!({"value": l, "growth_pct": g}))
                };
                audit::record(
                    &mut tx,
                    actor,
                    if before.is_some() { "update" } else { "create" },
                    "indicator_value",
                    &format!("{}/{}/{}", code_of[ind_id], unit_id, period),
                    j(before),
                    j(after),
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(Ok(ok.len()))
    }
}

/// A float parameter or a literal NULL. The Any driver sends an absent float to PostgreSQL as a typed
/// null that can clash with a statement prepared earlier for a present one ("incorrect binary data
/// format"), so absent floats are written as `NULL` in the SQL text instead of being bound.
fn float_sql(v: Option<f64>, n: &mut usize) -> String {
    match v {
        Some(_) => {
            *n += 1;
            format!("${n}")
        }
        None => "NULL".into(),
    }
}

async fn write_value(
    tx: &mut sqlx::AnyConnection,
    indicator_id: i64,
    unit_id: i64,
    period: StatPeriod,
    exists: bool,
    after: Option<(Option<f64>, Option<f64>)>,
) -> Result<()> {
    match (exists, after) {
        (true, Some((l, g))) => {
            let mut n = 0;
            let (ls, gs) = (float_sql(l, &mut n), float_sql(g, &mut n));
            let sql = format!(
                "UPDATE indicator_values SET level = {ls}, growth = {gs}, updated_at = ${} WHERE indicator_id = ${} AND unit_id = ${} AND period = ${}",
                n + 1,
                n + 2,
                n + 3,
                n + 4
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for v in [l, g].into_iter().flatten() {
                q = q.bind(v);
            }
            q.bind(now_ts())
                .bind(indicator_id)
                .bind(unit_id)
                .bind(period.to_string())
                .execute(&mut *tx)
                .await?;
        }
        (false, Some((l, g))) => {
            let mut n = 4;
            let (ls, gs) = (float_sql(l, &mut n), float_sql(g, &mut n));
            let sql = format!(
                "INSERT INTO indicator_values (indicator_id, unit_id, period, period_kind, level, growth, updated_at) VALUES ($1, $2, $3, $4, {ls}, {gs}, ${})",
                n + 1
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(indicator_id)
                .bind(unit_id)
                .bind(period.to_string())
                .bind(period.kind_code());
            for v in [l, g].into_iter().flatten() {
                q = q.bind(v);
            }
            q.bind(now_ts()).execute(&mut *tx).await?;
        }
        (true, None) => {
            sqlx::query("DELETE FROM indicator_values WHERE indicator_id = $1 AND unit_id = $2 AND period = $3")
                .bind(indicator_id)
                .bind(unit_id)
                .bind(period.to_string())
                .execute(&mut *tx)
                .await?;
        }
        (false, None) => {}
    }
    Ok(())
}
