//! Project planning (策划包装): the units' yearly planning quotas, the named investment plans and the
//! planned projects they are followed on (see `diaodu_domain::planning` for the counting rules).

use std::collections::{BTreeSet, HashMap};

use diaodu_domain::access::Scope;
use diaodu_domain::import::{ImportError, QuotaRow};
use diaodu_domain::period::{fmt_date, parse_date};
use diaodu_domain::planning::{
    self, PlanProgress, PlanTarget, PlannedProject, Progress, Quota, StageChange,
};
use diaodu_domain::project::Stage;
use diaodu_domain::Yuan;
use serde_json::json;
use time::Date;

use crate::{audit, now_ts, Actor, Planning, Result, StoreError, UnitTree};

/// The most projects a quota or a plan may name: far above any city's yearly planning.
pub const MAX_COUNT: i64 = 100_000;

/// A unit's quota for a year as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredQuota {
    /// The unit.
    pub unit_id: i64,
    /// The year.
    pub year: i32,
    /// The quota.
    pub quota: Quota,
    /// When it was last set.
    pub updated_at: String,
}

/// A named investment plan (e.g. 千亿百项).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvestmentPlan {
    /// Id.
    pub id: i64,
    /// The year it is for.
    pub year: i32,
    /// Its name.
    pub name: String,
    /// Its targets.
    pub target: PlanTarget,
    /// How many projects it lists.
    pub listed: i64,
}

/// A planned project as the progress lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedLine {
    /// Id.
    pub id: i64,
    /// 项目编码.
    pub code: String,
    /// 项目名称.
    pub name: String,
    /// 策划年度.
    pub planning_year: Option<i32>,
    /// What the counting rules read (the stage is the one on the day asked).
    pub counted: PlannedProject,
}

/// The columns of a planned project the counting reads.
#[derive(sqlx::FromRow)]
struct PlannedRecord {
    id: i64,
    code: String,
    name: String,
    unit_id: i64,
    total_investment: i64,
    entered_on: String,
    stage: String,
    planning_year: Option<i64>,
}

/// Checks a quota's numbers: whole, not negative, the big ones among the projects.
pub fn check_quota(q: &Quota) -> std::result::Result<(), (&'static str, String)> {
    if !(0..=MAX_COUNT).contains(&q.projects) {
        return Err(("策划项目数", format!("应为 0 至 {MAX_COUNT} 之间的整数")));
    }
    if !(0..=diaodu_domain::money::MAX_YUAN).contains(&q.investment.0) {
        return Err((
            "策划总投资(万元)",
            "应为 0 至 100000000 万元之间的金额".into(),
        ));
    }
    if !(0..=MAX_COUNT).contains(&q.big_projects) {
        return Err(("大块头项目数", format!("应为 0 至 {MAX_COUNT} 之间的整数")));
    }
    if q.big_projects > q.projects {
        return Err((
            "大块头项目数",
            format!(
                "{} 个大于策划项目数 {} 个（大块头项目是策划项目中的一部分）",
                q.big_projects, q.projects
            ),
        ));
    }
    Ok(())
}

fn check_year(year: i32) -> Result<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(StoreError::invalid("年度", format!("{year} 不是有效年度")))
    }
}

fn quota_json(q: &Quota) -> serde_json::Value {
    json!({
        "projects": q.projects,
        "quota_investment_wan": q.investment.wan(),
        "big_projects": q.big_projects,
    })
}

async fn upsert_quota(
    tx: &mut sqlx::AnyConnection,
    actor: &Actor,
    unit_id: i64,
    year: i32,
    q: &Quota,
    now: &str,
) -> Result<()> {
    let before: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT projects, investment, big_projects FROM planning_quotas WHERE unit_id = $1 AND year = $2",
    )
    .bind(unit_id)
    .bind(i64::from(year))
    .fetch_optional(&mut *tx)
    .await?;
    let before = before.map(|(p, i, b)| Quota {
        projects: p,
        investment: Yuan(i),
        big_projects: b,
    });
    if before.as_ref() == Some(q) {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO planning_quotas (unit_id, year, projects, investment, big_projects, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (unit_id, year) DO UPDATE SET projects = excluded.projects, \
         investment = excluded.investment, big_projects = excluded.big_projects, updated_at = excluded.updated_at",
    )
    .bind(unit_id)
    .bind(i64::from(year))
    .bind(q.projects)
    .bind(q.investment.0)
    .bind(q.big_projects)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        tx,
        actor,
        if before.is_some() { "update" } else { "create" },
        "planning_quota",
        &format!("{unit_id}/{year}"),
        before.as_ref().map(quota_json),
        Some(quota_json(q)),
    )
    .await?;
    Ok(())
}

impl Planning<'_> {
    /// The threshold of a big project (大块头), setting `planning.big_threshold_wan`.
    pub async fn big_threshold(&self) -> Result<Yuan> {
        let wan = self
            .setting("planning.big_threshold_wan")
            .await?
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|w| *w > 0)
            .unwrap_or(planning::DEFAULT_BIG_THRESHOLD_WAN);
        Ok(Yuan(wan.saturating_mul(diaodu_domain::money::YUAN_PER_WAN)))
    }

    /// The quotas of `year`, by unit id.
    pub async fn quotas(self, year: i32) -> Result<Vec<StoredQuota>> {
        let rows: Vec<(i64, i64, i64, i64, String)> = sqlx::query_as(
            "SELECT unit_id, projects, investment, big_projects, updated_at FROM planning_quotas \
             WHERE year = $1 ORDER BY unit_id",
        )
        .bind(i64::from(year))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(unit_id, p, i, b, updated_at)| StoredQuota {
                unit_id,
                year,
                quota: Quota {
                    projects: p,
                    investment: Yuan(i),
                    big_projects: b,
                },
                updated_at,
            })
            .collect())
    }

    /// Sets a unit's quota for a year (created or replaced), audited as `planning_quota` with the
    /// quota before and after. A retired unit takes no new quota.
    pub async fn set_quota(
        self,
        actor: &Actor,
        tree: &UnitTree,
        unit_id: i64,
        year: i32,
        q: Quota,
    ) -> Result<()> {
        check_year(year)?;
        check_quota(&q).map_err(|(f, m)| StoreError::invalid(f, m))?;
        let unit = tree
            .get(unit_id)
            .ok_or_else(|| StoreError::NotFound("单位".into()))?;
        if unit.retired_on.is_some() {
            return Err(StoreError::invalid(
                "单位",
                format!("“{}”已撤销，不再下达策划任务", unit.name),
            ));
        }
        let mut tx = self.begin().await?;
        upsert_quota(&mut tx, actor, unit_id, year, &q, &now_ts()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a unit's quota for a year (a quota given by mistake); whether there was one.
    pub async fn remove_quota(self, actor: &Actor, unit_id: i64, year: i32) -> Result<bool> {
        let mut tx = self.begin().await?;
        let before: Option<(i64, i64, i64)> = sqlx::query_as(
            "SELECT projects, investment, big_projects FROM planning_quotas WHERE unit_id = $1 AND year = $2",
        )
        .bind(unit_id)
        .bind(i64::from(year))
        .fetch_optional(&mut *tx)
        .await?;
        let Some((p, i, b)) = before else {
            return Ok(false);
        };
        sqlx::query("DELETE FROM planning_quotas WHERE unit_id = $1 AND year = $2")
            .bind(unit_id)
            .bind(i64::from(year))
            .execute(&mut *tx)
            .await?;
        let q = Quota {
            projects: p,
            investment: Yuan(i),
            big_projects: b,
        };
        audit::record(
            &mut tx,
            actor,
            "delete",
            "planning_quota",
            &format!("{unit_id}/{year}"),
            Some(quota_json(&q)),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Imports quotas, all or nothing: with the rows that did not parse (`parse_errors`), every row's unit must resolve (code or name), lie within
    /// `scope` and not be retired, each unit and year may appear once, and each quota must pass
    /// [`check_quota`]; otherwise the errors, naming row and column, and nothing is written. Returns
    /// how many rows were written.
    pub async fn import_quotas(
        self,
        actor: &Actor,
        tree: &UnitTree,
        scope: Scope,
        rows: &[QuotaRow],
        parse_errors: Vec<ImportError>,
    ) -> Result<std::result::Result<usize, Vec<ImportError>>> {
        let mut errors = parse_errors;
        let mut ok = Vec::new();
        let mut seen: HashMap<(i64, i32), usize> = HashMap::new();
        for r in rows {
            let mut row_ok = true;
            let unit = match tree.resolve(&r.unit) {
                Ok(u) if !tree.in_scope(u.id, scope) => {
                    errors.push(ImportError::new(
                        r.row,
                        "单位编码",
                        format!("“{}”不在您的管理范围内", u.name),
                    ));
                    None
                }
                Ok(u) if u.retired_on.is_some() => {
                    errors.push(ImportError::new(
                        r.row,
                        "单位编码",
                        format!("“{}”已撤销，不再下达策划任务", u.name),
                    ));
                    None
                }
                Ok(u) => Some(u.id),
                Err(m) => {
                    errors.push(ImportError::new(r.row, "单位编码", m));
                    None
                }
            };
            if !(2000..=2100).contains(&r.year) {
                errors.push(ImportError::new(
                    r.row,
                    "年度",
                    format!("{} 不是有效年度", r.year),
                ));
                row_ok = false;
            }
            if let Err((col, m)) = check_quota(&r.quota) {
                errors.push(ImportError::new(r.row, col, m));
                row_ok = false;
            }
            if let Some(u) = unit {
                if let Some(first) = seen.insert((u, r.year), r.row) {
                    errors.push(ImportError::new(
                        r.row,
                        "单位编码",
                        format!("“{}”{}年度的任务与第{first}行重复", r.unit.trim(), r.year),
                    ));
                    row_ok = false;
                }
                if row_ok {
                    ok.push((u, r.year, r.quota));
                }
            }
        }
        if !errors.is_empty() {
            diaodu_domain::import::sort_errors(&mut errors);
            return Ok(Err(errors));
        }
        let now = now_ts();
        let mut tx = self.begin().await?;
        for (u, y, q) in &ok {
            upsert_quota(&mut tx, actor, *u, *y, q, &now).await?;
        }
        tx.commit().await?;
        Ok(Ok(ok.len()))
    }

    /// The projects planned in `year` (or, for `plan`, those a plan lists), with their stage on `d`.
    async fn planned_lines(
        self,
        year: Option<i32>,
        plan: Option<i64>,
        d: Date,
    ) -> Result<Vec<PlannedLine>> {
        let (filter, key) = match (year, plan) {
            (_, Some(p)) => (
                "p.id IN (SELECT project_id FROM investment_plan_projects WHERE plan_id = $1)",
                p,
            ),
            (Some(y), None) => ("p.planning_year = $1", i64::from(y)),
            (None, None) => return Ok(Vec::new()),
        };
        let rows: Vec<PlannedRecord> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT p.id, p.code, p.name, p.unit_id, p.total_investment, p.entered_on, p.stage, p.planning_year \
                 FROM projects p WHERE {filter} ORDER BY p.code"
            )))
            .bind(key)
            .fetch_all(&self.pool)
            .await?;
        // Only changes after D tell a stage on D apart from the current one.
        let changes: Vec<(i64, String, String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT c.project_id, c.from_stage, c.to_stage, c.changed_on FROM project_stage_changes c \
             JOIN projects p ON p.id = c.project_id WHERE {filter} AND c.changed_on > $2 ORDER BY c.id"
        )))
        .bind(key)
        .bind(fmt_date(d))
        .fetch_all(&self.pool)
        .await?;
        let mut by_project: HashMap<i64, Vec<StageChange>> = HashMap::new();
        for (pid, from, to, on) in changes {
            let (Some(from), Some(to), Ok(on)) =
                (Stage::parse(&from), Stage::parse(&to), parse_date(&on))
            else {
                continue;
            };
            by_project
                .entry(pid)
                .or_default()
                .push(StageChange { from, to, on });
        }
        Ok(rows
            .into_iter()
            .map(|r| {
                let PlannedRecord {
                    id,
                    code,
                    name,
                    unit_id,
                    total_investment: inv,
                    entered_on: entered,
                    stage,
                    planning_year: py,
                } = r;
                let current = Stage::parse(&stage).unwrap_or(Stage::Reserve);
                let changes = by_project.get(&id).map(Vec::as_slice).unwrap_or(&[]);
                PlannedLine {
                    id,
                    code,
                    name,
                    planning_year: py.map(|y| y as i32),
                    counted: PlannedProject {
                        unit_id,
                        total_investment: Yuan(inv),
                        // A row without a day of entry (written around the application) counts as
                        // having always been in the library.
                        entered_on: parse_date(&entered).unwrap_or(Date::MIN),
                        stage: planning::stage_on(current, changes, d),
                    },
                }
            })
            .collect())
    }

    /// The projects of `year`'s planning in the subtree of `root`, with their stage on `d`, whether or
    /// not they had entered the library by then (the caller filters).
    pub async fn planned_projects(
        self,
        tree: &UnitTree,
        root: i64,
        year: i32,
        d: Date,
    ) -> Result<Vec<PlannedLine>> {
        let scope = Scope::Subtree(root);
        Ok(self
            .planned_lines(Some(year), None, d)
            .await?
            .into_iter()
            .filter(|l| tree.in_scope(l.counted.unit_id, scope))
            .collect())
    }

    /// The planning progress for `year` as of `d` of the units with a quota in the subtree of `root`
    /// (in the tree's order), and of the subtree as a whole.
    pub async fn progress(
        self,
        tree: &UnitTree,
        root: i64,
        year: i32,
        d: Date,
    ) -> Result<Progress> {
        let scope = Scope::Subtree(root);
        let parent: HashMap<i64, Option<i64>> = tree
            .within(scope)
            .into_iter()
            .map(|u| (u.id, u.parent_id))
            .collect();
        let quotas: HashMap<i64, Quota> = self
            .quotas(year)
            .await?
            .into_iter()
            .filter(|q| parent.contains_key(&q.unit_id))
            .map(|q| (q.unit_id, q.quota))
            .collect();
        let ordered: Vec<(i64, Quota)> = tree
            .within(scope)
            .into_iter()
            .filter_map(|u| quotas.get(&u.id).map(|q| (u.id, *q)))
            .collect();
        let projects: Vec<PlannedProject> = self
            .planned_projects(tree, root, year, d)
            .await?
            .into_iter()
            .map(|l| l.counted)
            .collect();
        let threshold = self.big_threshold().await?;
        Ok(planning::progress(
            root, &parent, &ordered, &projects, threshold, d,
        ))
    }

    /// The investment plans of `year` (every year when `None`), by year then name.
    pub async fn plans(self, year: Option<i32>) -> Result<Vec<InvestmentPlan>> {
        self.plans_where("$1 = 0 OR p.year = $1", year.map_or(0, i64::from))
            .await
    }

    /// One investment plan.
    pub async fn plan(self, id: i64) -> Result<Option<InvestmentPlan>> {
        Ok(self.plans_where("p.id = $1", id).await?.into_iter().next())
    }

    /// The plans matching `cond` on `p` with `$1` bound to `arg`, with how many projects each lists.
    async fn plans_where(self, cond: &str, arg: i64) -> Result<Vec<InvestmentPlan>> {
        let rows: Vec<(i64, i64, String, i64, i64, i64)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT p.id, p.year, p.name, p.target_projects, p.target_investment, \
             (SELECT COUNT(*) FROM investment_plan_projects x WHERE x.plan_id = p.id) \
             FROM investment_plans p WHERE {cond} ORDER BY p.year DESC, p.name"
            )))
            .bind(arg)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, y, name, tp, ti, listed)| InvestmentPlan {
                id,
                year: y as i32,
                name,
                target: PlanTarget {
                    projects: tp,
                    investment: Yuan(ti),
                },
                listed,
            })
            .collect())
    }

    /// Creates (`id` none) or changes an investment plan's year, name and targets and, with `codes`,
    /// the projects it lists (as [`Self::set_plan_projects`]), in one transaction, audited as
    /// `investment_plan`; its id. A year holds one plan of a name.
    pub async fn save_plan(
        self,
        actor: &Actor,
        id: Option<i64>,
        year: i32,
        name: &str,
        target: PlanTarget,
        codes: Option<&[String]>,
    ) -> Result<i64> {
        check_year(year)?;
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::invalid("计划名称", "不能为空"));
        }
        if name.chars().count() > 60 || name.chars().any(diaodu_domain::import::forbidden_char) {
            return Err(StoreError::invalid(
                "计划名称",
                "不能超过 60 个字，不能含有控制字符",
            ));
        }
        if !(0..=MAX_COUNT).contains(&target.projects) {
            return Err(StoreError::invalid(
                "目标项目数",
                format!("应为 0 至 {MAX_COUNT} 之间的整数"),
            ));
        }
        if !(0..=diaodu_domain::money::MAX_YUAN).contains(&target.investment.0) {
            return Err(StoreError::invalid(
                "目标总投资(万元)",
                "应为 0 至 100000000 万元之间的金额",
            ));
        }
        let mut tx = self.begin().await?;
        let dup: Option<i64> =
            sqlx::query_scalar("SELECT id FROM investment_plans WHERE year = $1 AND name = $2")
                .bind(i64::from(year))
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?;
        if dup.is_some() && dup != id {
            return Err(StoreError::Conflict(format!(
                "{year}年已有名为“{name}”的投资计划"
            )));
        }
        let after = json!({
            "year": year, "name": name, "target_projects": target.projects,
            "target_investment_wan": target.investment.wan(),
        });
        let id = match id {
            Some(id) => {
                let before: Option<(i64, String, i64, i64)> = sqlx::query_as(
                    "SELECT year, name, target_projects, target_investment FROM investment_plans WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((by, bn, bp, bi)) = before else {
                    return Err(StoreError::NotFound("投资计划".into()));
                };
                sqlx::query(
                    "UPDATE investment_plans SET year = $1, name = $2, target_projects = $3, \
                     target_investment = $4 WHERE id = $5",
                )
                .bind(i64::from(year))
                .bind(name)
                .bind(target.projects)
                .bind(target.investment.0)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                audit::record(
                    &mut tx,
                    actor,
                    "update",
                    "investment_plan",
                    &id.to_string(),
                    Some(json!({
                        "year": by, "name": bn, "target_projects": bp,
                        "target_investment_wan": Yuan(bi).wan(),
                    })),
                    Some(after),
                )
                .await?;
                id
            }
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO investment_plans (year, name, target_projects, target_investment, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(i64::from(year))
                .bind(name)
                .bind(target.projects)
                .bind(target.investment.0)
                .bind(now_ts())
                .fetch_one(&mut *tx)
                .await?;
                audit::record(
                    &mut tx,
                    actor,
                    "create",
                    "investment_plan",
                    &id.to_string(),
                    None,
                    Some(after),
                )
                .await?;
                id
            }
        };
        if let Some(codes) = codes {
            list_in(&mut tx, self.engine, actor, id, codes).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces the projects a plan lists with those of `codes` (项目编码, blank and repeated codes
    /// ignored), audited with the codes added and removed. A code not in the library is refused by
    /// name, and nothing changes.
    pub async fn set_plan_projects(
        self,
        actor: &Actor,
        plan: i64,
        codes: &[String],
    ) -> Result<usize> {
        let mut tx = self.begin().await?;
        let n = list_in(&mut tx, self.engine, actor, plan, codes).await?;
        tx.commit().await?;
        Ok(n)
    }
}

/// Replaces, in `tx`, the projects plan `plan` lists (see [`Planning::set_plan_projects`]).
async fn list_in(
    tx: &mut sqlx::AnyConnection,
    engine: crate::Engine,
    actor: &Actor,
    plan: i64,
    codes: &[String],
) -> Result<usize> {
    {
        let wanted: BTreeSet<&str> = codes
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        if let Some(c) = wanted.iter().find(|c| {
            c.chars().any(diaodu_domain::import::forbidden_char) || c.chars().count() > 40
        }) {
            return Err(StoreError::invalid(
                "项目编码",
                format!("“{}”不是有效的项目编码", c.escape_debug()),
            ));
        }
        if wanted.len() as i64 > MAX_COUNT {
            return Err(StoreError::invalid(
                "项目编码",
                format!("一个计划最多列入 {MAX_COUNT} 个项目"),
            ));
        }
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM investment_plans WHERE id = $1")
                .bind(plan)
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound("投资计划".into()));
        }
        let ids = crate::dialect::json_set(engine, 1, false);
        let found: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT code, id FROM projects WHERE code IN ({ids})"
        )))
        .bind(serde_json::to_string(&wanted).expect("json"))
        .fetch_all(&mut *tx)
        .await?;
        let found: HashMap<String, i64> = found.into_iter().collect();
        let missing: Vec<&str> = wanted
            .iter()
            .copied()
            .filter(|c| !found.contains_key(*c))
            .collect();
        if !missing.is_empty() {
            let shown: Vec<&str> = missing.iter().copied().take(10).collect();
            return Err(StoreError::invalid(
                "项目编码",
                format!(
                    "项目库中没有{}{}",
                    shown
                        .iter()
                        .map(|c| format!("“{c}”"))
                        .collect::<Vec<_>>()
                        .join("、"),
                    if missing.len() > shown.len() {
                        format!("等 {} 个编码", missing.len())
                    } else {
                        String::new()
                    }
                ),
            ));
        }
        let before: Vec<(String,)> = sqlx::query_as(
            "SELECT p.code FROM investment_plan_projects x JOIN projects p ON p.id = x.project_id \
             WHERE x.plan_id = $1",
        )
        .bind(plan)
        .fetch_all(&mut *tx)
        .await?;
        let before: BTreeSet<String> = before.into_iter().map(|(c,)| c).collect();
        let added: Vec<&str> = wanted
            .iter()
            .copied()
            .filter(|c| !before.contains(*c))
            .collect();
        let removed: Vec<&String> = before
            .iter()
            .filter(|c| !wanted.contains(c.as_str()))
            .collect();
        if added.is_empty() && removed.is_empty() {
            return Ok(wanted.len());
        }
        sqlx::query("DELETE FROM investment_plan_projects WHERE plan_id = $1")
            .bind(plan)
            .execute(&mut *tx)
            .await?;
        let pids: Vec<i64> = wanted.iter().map(|c| found[*c]).collect();
        let set = crate::dialect::json_set(engine, 2, true);
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO investment_plan_projects (plan_id, project_id) SELECT $1, id FROM projects WHERE id IN ({set})"
        )))
        .bind(plan)
        .bind(crate::pack::json_ints(&pids))
        .execute(&mut *tx)
        .await?;
        audit::record(
            tx,
            actor,
            "update",
            "investment_plan",
            &format!("{plan}/projects"),
            Some(json!({ "removed": removed })),
            Some(json!({ "added": added })),
        )
        .await?;
        Ok(wanted.len())
    }
}

impl Planning<'_> {
    /// A plan's projects in the subtree of `root`, their stage on `d`.
    pub async fn plan_projects(
        self,
        tree: &UnitTree,
        root: i64,
        plan: i64,
        d: Date,
    ) -> Result<Vec<PlannedLine>> {
        let scope = Scope::Subtree(root);
        Ok(self
            .planned_lines(None, Some(plan), d)
            .await?
            .into_iter()
            .filter(|l| tree.in_scope(l.counted.unit_id, scope))
            .collect())
    }

    /// A plan followed as of `d` over its projects in the subtree of `root`.
    pub async fn plan_progress(
        self,
        tree: &UnitTree,
        root: i64,
        plan: &InvestmentPlan,
        d: Date,
    ) -> Result<PlanProgress> {
        let projects: Vec<PlannedProject> = self
            .plan_projects(tree, root, plan.id, d)
            .await?
            .into_iter()
            .map(|l| l.counted)
            .collect();
        let threshold = self.big_threshold().await?;
        Ok(planning::plan_progress(
            plan.target,
            &projects,
            threshold,
            d,
        ))
    }
}
