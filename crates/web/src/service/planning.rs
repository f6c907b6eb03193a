//! Project planning (策划包装) as the page, the API and the command line use it: the units' progress
//! against their quotas, setting a quota, the investment plans, and the monthly planning notice
//! (项目策划包装情况通报). Reading is for everyone within their scope; setting quotas and plans and
//! issuing the notice are the commission's (`ManagePlanning`).

use std::collections::HashMap;

use diaodu_domain::access::Action;
use diaodu_domain::planning::{tenths, PlanProgress, PlanTarget, Progress, Quota, UnitProgress};
use diaodu_domain::Yuan;
use diaodu_office::docx::OfficialDoc;
use diaodu_store::planning::{InvestmentPlan, PlannedLine};
use diaodu_store::{Actor, Store, UnitTree};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

use super::documents::{doc_setting, Issued};
use super::Error;
use crate::auth::Current;
use crate::AppState;

/// Query of the planning progress: a year and a day.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanningQuery {
    /// 策划年度 (default: this year).
    pub year: Option<String>,
    /// The day of the count, YYYY-MM-DD (default: today, or the year's last day for a past year).
    pub as_of: Option<String>,
}

/// The year a query names (default: `today`'s).
pub fn year_of(today: Date, year: &Option<String>) -> Result<i32, Error> {
    match crate::forms::nonempty(year) {
        None => Ok(today.year()),
        Some(y) => y
            .trim_end_matches('年')
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| Error::invalid("year", "应为年份，如 2026")),
    }
}

/// The year and day a query asks for.
pub fn year_and_day(today: Date, q: &PlanningQuery) -> Result<(i32, Date), Error> {
    let year = year_of(today, &q.year)?;
    let d = match crate::forms::nonempty(&q.as_of) {
        Some(s) => diaodu_domain::period::parse_date(s)
            .map_err(|e| Error::invalid("as_of", e.to_string()))?,
        None => {
            let dec31 = Date::from_calendar_date(year, time::Month::December, 31).expect("valid");
            today.min(dec31)
        }
    };
    Ok((year, d))
}

/// A quota as the API shows and takes it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
pub struct QuotaOut {
    /// 策划项目数.
    pub projects: i64,
    /// 策划总投资, 万元.
    pub investment_wan: f64,
    /// 大块头项目数.
    pub big_projects: i64,
}

impl QuotaOut {
    fn of(q: &Quota) -> QuotaOut {
        QuotaOut {
            projects: q.projects,
            investment_wan: q.investment.wan(),
            big_projects: q.big_projects,
        }
    }
}

/// A unit's planning progress.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitProgressOut {
    /// Rank by `projects_pct` (ties share a rank); none without a percentage.
    pub rank: Option<u32>,
    /// The unit.
    pub unit_id: i64,
    /// Its name.
    pub unit: String,
    /// Its quota for the year.
    pub quota: QuotaOut,
    /// Projects of the year's planning in the library on the day (the unit's and those below it).
    pub planned: i64,
    /// Their total investment, 万元.
    pub planned_investment_wan: f64,
    /// Big projects (大块头) among them.
    pub big: i64,
    /// Converted (转化): past 储备 on the day.
    pub converted: i64,
    /// Started (开工) on the day.
    pub started: i64,
    /// `planned` against the quota, %, one decimal (none for a quota of zero).
    pub projects_pct: Option<f64>,
    /// Investment against the quota, %.
    pub investment_pct: Option<f64>,
    /// Big projects against the quota, %.
    pub big_pct: Option<f64>,
    /// Converted against planned (转化率), %.
    pub converted_pct: Option<f64>,
    /// Below half of the time-proportional quota by count.
    pub behind_projects: bool,
    /// Below half of the time-proportional quota by investment.
    pub behind_investment: bool,
}

impl UnitProgressOut {
    fn of(tree: &UnitTree, u: &UnitProgress) -> UnitProgressOut {
        UnitProgressOut {
            rank: u.rank,
            unit_id: u.unit_id,
            unit: tree
                .get(u.unit_id)
                .map(|x| x.name.clone())
                .unwrap_or_default(),
            quota: QuotaOut::of(&u.quota),
            planned: u.tally.planned,
            planned_investment_wan: u.tally.investment.wan(),
            big: u.tally.big,
            converted: u.tally.converted,
            started: u.tally.started,
            projects_pct: u.projects_pct.map(tenths),
            investment_pct: u.investment_pct.map(tenths),
            big_pct: u.big_pct.map(tenths),
            converted_pct: u.converted_pct.map(tenths),
            behind_projects: u.behind.projects,
            behind_investment: u.behind.investment,
        }
    }
}

/// The planning progress of the caller's scope.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgressOut {
    /// 策划年度.
    pub year: i32,
    /// The day of the count.
    pub as_of: Date,
    /// 大块头 threshold, 万元 (setting `planning.big_threshold_wan`).
    pub big_threshold_wan: f64,
    /// 时序进度 of the day: its ordinal ÷ the days of its year, %.
    pub time_progress_pct: f64,
    /// The whole scope: every planned project in it against the sum of the outermost quotas.
    pub total: UnitProgressOut,
    /// Each unit with a quota, ranked by `projects_pct`.
    pub units: Vec<UnitProgressOut>,
}

/// The planning progress of `root`'s subtree, with the numbers the domain computed.
pub struct ProgressView {
    /// As the API shows it.
    pub out: ProgressOut,
    /// As computed.
    pub progress: Progress,
}

/// The planning progress for `year` as of `d` of `root` (default: the top of the caller's scope),
/// for anyone who views projects, within scope.
pub async fn progress(
    state: &AppState,
    c: &Current,
    root: Option<i64>,
    year: i32,
    d: Date,
) -> Result<(ProgressView, UnitTree), Error> {
    c.require(Action::ViewProjects)?;
    let root = root.unwrap_or_else(|| super::scope::scope_root(c));
    let tree = state.check_scope(c.scope, root).await?;
    let mut view = progress_of(&state.store, &tree, root, year, d).await?;
    // Below the city, each unit keeps the rank it has among all the city's units with a quota —
    // the rank the commission's monthly notice gives it — not a rank among the viewer's own units.
    // (The nearest city above: in a province's deployment a district is ranked in its city.)
    let top = tree
        .get(root)
        .map(|u| {
            u.path
                .split('/')
                .filter_map(|s| s.parse::<i64>().ok())
                .filter_map(|id| tree.get(id))
                .filter(|a| a.kind == diaodu_domain::access::UnitKind::City)
                .map(|a| a.id)
                .next_back()
                .unwrap_or(root)
        })
        .unwrap_or(root);
    if top != root {
        let wide = state.store.planning().progress(&tree, top, year, d).await?;
        let ranks: HashMap<i64, Option<u32>> =
            wide.units.iter().map(|u| (u.unit_id, u.rank)).collect();
        for u in &mut view.progress.units {
            u.rank = ranks.get(&u.unit_id).copied().flatten();
        }
        for u in &mut view.out.units {
            u.rank = ranks.get(&u.unit_id).copied().flatten();
        }
        // Ranked first, best first, as the domain orders them; the tree's order within a rank.
        view.progress
            .units
            .sort_by_key(|u| u.rank.unwrap_or(u32::MAX));
        view.out.units.sort_by_key(|u| u.rank.unwrap_or(u32::MAX));
    }
    Ok((view, tree))
}

/// The progress of `root`'s subtree, unchecked (the command line; callers check scope).
pub async fn progress_of(
    store: &Store,
    tree: &UnitTree,
    root: i64,
    year: i32,
    d: Date,
) -> Result<ProgressView, Error> {
    let progress = store.planning().progress(tree, root, year, d).await?;
    let threshold = store.planning().big_threshold().await?;
    let out = ProgressOut {
        year,
        as_of: d,
        big_threshold_wan: threshold.wan(),
        time_progress_pct: (diaodu_domain::status::time_progress_pct(d) * 10.0).round() / 10.0,
        total: UnitProgressOut::of(tree, &progress.total),
        units: progress
            .units
            .iter()
            .map(|u| UnitProgressOut::of(tree, u))
            .collect(),
    };
    Ok(ProgressView { out, progress })
}

/// A quota as `POST /api/v1/planning/quotas` and the page's form take it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct QuotaIn {
    /// The unit (within the caller's scope).
    pub unit_id: i64,
    /// 年度.
    pub year: i32,
    /// 策划项目数.
    pub projects: i64,
    /// 策划总投资, 万元 (at most two decimals).
    #[schema(value_type = f64)]
    pub investment_wan: crate::api::types::NumOrText,
    /// 大块头项目数 (not more than `projects`).
    pub big_projects: i64,
}

/// Sets a unit's quota for a year: the commission's, for a unit within its scope.
pub async fn set_quota(state: &AppState, c: &Current, q: &QuotaIn) -> Result<(), Error> {
    c.require(Action::ManagePlanning)?;
    let tree = state.check_scope(c.scope, q.unit_id).await?;
    let investment = Yuan::parse_wan(&q.investment_wan.text())
        .map_err(|e| Error::invalid("investment_wan", e.to_string()))?;
    let quota = Quota {
        projects: q.projects,
        investment,
        big_projects: q.big_projects,
    };
    state
        .store
        .planning()
        .set_quota(&c.actor(), &tree, q.unit_id, q.year, quota)
        .await?;
    Ok(())
}

/// Removes a unit's quota for a year (given by mistake).
pub async fn remove_quota(
    state: &AppState,
    c: &Current,
    unit_id: i64,
    year: i32,
) -> Result<bool, Error> {
    c.require(Action::ManagePlanning)?;
    state.check_scope(c.scope, unit_id).await?;
    Ok(state
        .store
        .planning()
        .remove_quota(&c.actor(), unit_id, year)
        .await?)
}

/// A unit's quota as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuotaListed {
    /// The unit.
    pub unit_id: i64,
    /// Its name.
    pub unit: String,
    /// 年度.
    pub year: i32,
    /// 策划项目数.
    pub projects: i64,
    /// 策划总投资, 万元.
    pub investment_wan: f64,
    /// 大块头项目数.
    pub big_projects: i64,
    /// When it was last set (UTC).
    pub updated_at: String,
}

/// The quotas of `year` of the units in the caller's scope, in the tree's order.
pub async fn quotas(state: &AppState, c: &Current, year: i32) -> Result<Vec<QuotaListed>, Error> {
    c.require(Action::ViewProjects)?;
    let tree = state.store.units().await?;
    let rows = state.store.planning().quotas(year).await?;
    let by_unit: std::collections::HashMap<i64, _> =
        rows.into_iter().map(|r| (r.unit_id, r)).collect();
    Ok(tree
        .within(c.scope)
        .into_iter()
        .filter_map(|u| {
            by_unit.get(&u.id).map(|r| QuotaListed {
                unit_id: u.id,
                unit: u.name.clone(),
                year,
                projects: r.quota.projects,
                investment_wan: r.quota.investment.wan(),
                big_projects: r.quota.big_projects,
                updated_at: r.updated_at.clone(),
            })
        })
        .collect())
}

/// An investment plan followed on a day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanOut {
    /// Id.
    pub id: i64,
    /// 年度.
    pub year: i32,
    /// 计划名称.
    pub name: String,
    /// 目标项目数.
    pub target_projects: i64,
    /// 目标总投资, 万元.
    pub target_investment_wan: f64,
    /// Projects it lists (in the caller's scope) that had entered the library by the day.
    pub projects: i64,
    /// Their total investment, 万元.
    pub investment_wan: f64,
    /// Big ones among them.
    pub big: i64,
    /// Past 储备 on the day.
    pub converted: i64,
    /// Started (开工) on the day.
    pub started: i64,
    /// `projects` against the target, %.
    pub projects_pct: Option<f64>,
    /// Investment against the target, %.
    pub investment_pct: Option<f64>,
    /// Started against listed (开工率), %.
    pub started_pct: Option<f64>,
}

impl PlanOut {
    fn of(p: &InvestmentPlan, pp: &PlanProgress) -> PlanOut {
        PlanOut {
            id: p.id,
            year: p.year,
            name: p.name.clone(),
            target_projects: p.target.projects,
            target_investment_wan: p.target.investment.wan(),
            projects: pp.tally.planned,
            investment_wan: pp.tally.investment.wan(),
            big: pp.tally.big,
            converted: pp.tally.converted,
            started: pp.tally.started,
            projects_pct: pp.projects_pct.map(tenths),
            investment_pct: pp.investment_pct.map(tenths),
            started_pct: pp.started_pct.map(tenths),
        }
    }
}

/// The investment plans of `year`, each followed as of `d` over its projects in the caller's scope.
pub async fn plans(
    state: &AppState,
    c: &Current,
    year: i32,
    d: Date,
) -> Result<Vec<PlanOut>, Error> {
    c.require(Action::ViewProjects)?;
    let tree = state.store.units().await?;
    plans_of(&state.store, &tree, super::scope::scope_root(c), year, d).await
}

/// The plans of `year` followed over `root`'s subtree (callers check scope).
pub async fn plans_of(
    store: &Store,
    tree: &UnitTree,
    root: i64,
    year: i32,
    d: Date,
) -> Result<Vec<PlanOut>, Error> {
    let mut out = Vec::new();
    for p in store.planning().plans(Some(year)).await? {
        let pp = store.planning().plan_progress(tree, root, &p, d).await?;
        out.push(PlanOut::of(&p, &pp));
    }
    Ok(out)
}

/// One plan with its projects, followed as of `d`.
pub async fn plan(
    state: &AppState,
    c: &Current,
    id: i64,
    d: Date,
) -> Result<(PlanOut, Vec<PlannedLine>, UnitTree), Error> {
    c.require(Action::ViewProjects)?;
    let tree = state.store.units().await?;
    let root = super::scope::scope_root(c);
    let p = state
        .store
        .planning()
        .plan(id)
        .await?
        .ok_or_else(|| Error::NotFound("投资计划".into()))?;
    let pp = state
        .store
        .planning()
        .plan_progress(&tree, root, &p, d)
        .await?;
    let lines = state
        .store
        .planning()
        .plan_projects(&tree, root, id, d)
        .await?;
    Ok((PlanOut::of(&p, &pp), lines, tree))
}

/// An investment plan as `POST /api/v1/planning/plans` and the page's form take it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PlanIn {
    /// The plan to change (none: a new one).
    pub id: Option<i64>,
    /// 年度.
    pub year: i32,
    /// 计划名称, e.g. 千亿百项.
    pub name: String,
    /// 目标项目数.
    pub target_projects: i64,
    /// 目标总投资, 万元.
    #[schema(value_type = f64)]
    pub target_investment_wan: crate::api::types::NumOrText,
    /// The projects it lists, by 项目编码 (replacing those it listed); left out, unchanged.
    pub projects: Option<Vec<String>>,
}

/// Creates or changes an investment plan and, when given, the projects it lists, together; its id.
/// The commission's.
pub async fn save_plan(state: &AppState, c: &Current, p: &PlanIn) -> Result<i64, Error> {
    c.require(Action::ManagePlanning)?;
    let investment = Yuan::parse_wan(&p.target_investment_wan.text())
        .map_err(|e| Error::invalid("target_investment_wan", e.to_string()))?;
    let target = PlanTarget {
        projects: p.target_projects,
        investment,
    };
    let pl = state.store.planning();
    if let Some(id) = p.id {
        if pl.plan(id).await?.is_none() {
            return Err(Error::NotFound("投资计划".into()));
        }
    }
    Ok(pl
        .save_plan(
            &c.actor(),
            p.id,
            p.year,
            &p.name,
            target,
            p.projects.as_deref(),
        )
        .await?)
}

/// The monthly planning notice of `month` (YYYY-MM) for the top of the caller's scope: the
/// commission's, for a month begun; kept in the library, one per unit and month.
pub async fn notice_for(state: &AppState, c: &Current, month: &str) -> Result<Issued, Error> {
    c.require(Action::ManagePlanning)?;
    let (year, m) = super::documents::parse_month(month)?;
    let root = super::scope::scope_root(c);
    let tree = state.check_scope(c.scope, root).await?;
    let today = state.today();
    let doc = notice(&state.store, &c.actor(), &tree, root, (year, m), today).await?;
    Issued::titled(doc)
        .kept(state, c, filing(root, (year, m), today))
        .await
}

/// Where the planning notice of `unit` for `(year, month)` is kept: one per unit and month, dated
/// the month's last day, or `today` while the month runs.
pub fn filing(unit: i64, (year, month): (i32, u8), today: Date) -> super::library::Filing {
    let last = diaodu_domain::Period::Month { year, month }.last_day();
    super::library::Filing {
        kind: "planning_notice",
        subject: format!("planning:{unit}:{year}-{month:02}"),
        date: Some(last.min(today)),
        unit_id: unit,
        series: format!("planning:{unit}"),
        ..Default::default()
    }
}

fn pct_text(v: Option<i64>) -> String {
    v.map_or_else(|| "—".into(), |t| format!("{:.1}%", tenths(t)))
}

fn yi(y: Yuan) -> String {
    format!("{:.2}", y.0 as f64 / 100_000_000.0)
}

/// A threshold in 亿元 as an office writes it: `10` rather than `10.00`.
fn yi_round(y: Yuan) -> String {
    let t = yi(y);
    t.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The monthly planning notice (项目策划包装情况通报) of `unit`'s subtree for `(year, month)`, as of
/// the month's last day or `today` while it runs: the totals against the summed quotas and time, the
/// units ranked by their share of the quota's count, the units below half of their time-proportional
/// quota named, big projects, conversion, and the investment plans of the year; issued under the
/// commission's mark (`document.planning_issuer`) with the next number of its prefix
/// (`document.planning_prefix`), the same number each time this month's notice is produced.
pub async fn notice(
    store: &Store,
    actor: &Actor,
    tree: &UnitTree,
    unit_id: i64,
    (year, month): (i32, u8),
    today: Date,
) -> Result<OfficialDoc, Error> {
    let (unit, d) = super::documents::notice_month(tree, unit_id, (year, month), today)?;
    let view = progress_of(store, tree, unit.id, year, d).await?;
    let p = &view.progress;
    let threshold = store.planning().big_threshold().await?;
    let t = &p.total;
    let time_pct = diaodu_domain::status::time_progress_pct(d);

    // A city's notice speaks of 全市; a district's, of itself.
    let region = if unit.kind == diaodu_domain::access::UnitKind::City {
        "全市".to_string()
    } else {
        unit.name.clone()
    };
    let mut doc = OfficialDoc::new();
    let title = format!("关于{year}年1—{month}月{region}项目策划包装情况的通报");
    doc.title(title.clone());
    doc.addressee("各县区人民政府、园区管委会，市直各有关部门");
    doc.para(format!(
        "为抓实项目策划包装工作、充盈项目库，现将{year}年1—{month}月各单位项目策划包装任务完成情况通报如下。"
    ));
    doc.h1("总体情况");
    let mut overall = format!(
        "截至{}，{region}{year}年度策划包装入库项目{}个、总投资{}亿元，其中总投资{}亿元以上的大块头项目{}个；",
        diaodu_domain::period::fmt_date_zh(d),
        t.tally.planned,
        yi(t.tally.investment),
        yi_round(threshold),
        t.tally.big,
    );
    if t.quota.projects > 0 || t.quota.investment.0 > 0 {
        overall.push_str(&format!(
            "分别完成年度任务（{}个、{}亿元、大块头{}个）的{}、{}和{}，时序进度{:.1}%。",
            t.quota.projects,
            yi(t.quota.investment),
            t.quota.big_projects,
            pct_text(t.projects_pct),
            pct_text(t.investment_pct),
            pct_text(t.big_pct),
            time_pct,
        ));
    } else {
        overall.push_str("本年度尚未下达策划包装任务。");
    }
    overall.push_str(&format!(
        "已转入前期或开工的项目{}个，转化率{}。",
        t.tally.converted,
        pct_text(t.converted_pct)
    ));
    doc.para(overall);

    doc.h1("各单位完成情况");
    if p.units.is_empty() {
        doc.para("本年度尚未向各单位下达策划包装任务。");
    } else {
        doc.para("按策划项目数完成比例排序（并列者名次相同）。");
        doc.table(
            [
                "名次",
                "单位",
                "任务(个)",
                "入库(个)",
                "完成率",
                "任务投资(亿元)",
                "入库投资(亿元)",
                "完成率",
                "大块头(个)",
                "转化(个)",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            p.units
                .iter()
                .map(|u| {
                    vec![
                        u.rank.map_or_else(|| "—".into(), |r| r.to_string()),
                        tree.get(u.unit_id)
                            .map(|x| x.name.clone())
                            .unwrap_or_default(),
                        u.quota.projects.to_string(),
                        u.tally.planned.to_string(),
                        pct_text(u.projects_pct),
                        yi(u.quota.investment),
                        yi(u.tally.investment),
                        pct_text(u.investment_pct),
                        format!("{}/{}", u.tally.big, u.quota.big_projects),
                        u.tally.converted.to_string(),
                    ]
                })
                .collect(),
        );
        let leaders: Vec<String> = p
            .units
            .iter()
            .filter(|u| u.rank == Some(1))
            .map(|u| {
                tree.get(u.unit_id)
                    .map(|x| x.name.clone())
                    .unwrap_or_default()
            })
            .collect();
        if !leaders.is_empty() {
            doc.para(format!(
                "{}策划包装进度位居前列，予以通报表扬。",
                leaders.join("、")
            ));
        }
    }

    let behind: Vec<&UnitProgress> = p.units.iter().filter(|u| u.behind.any()).collect();
    doc.h1("进度滞后单位");
    if behind.is_empty() {
        doc.para("各单位策划包装进度均达到时序进度要求的一半以上。");
    } else {
        let names: Vec<String> = behind
            .iter()
            .map(|u| {
                let name = tree
                    .get(u.unit_id)
                    .map(|x| x.name.clone())
                    .unwrap_or_default();
                let what = match (u.behind.projects, u.behind.investment) {
                    (true, true) => "项目数和总投资",
                    (true, false) => "项目数",
                    _ => "总投资",
                };
                format!("{name}（{what}）")
            })
            .collect();
        doc.para(format!(
            "按时序进度{:.1}%测算，以下{}个单位策划包装完成情况不足时序任务的一半，进度严重滞后：{}。请上述单位主要负责同志亲自研究、专题调度，尽快补齐差距。",
            time_pct,
            behind.len(),
            names.join("、")
        ));
    }

    let plans = plans_of(store, tree, unit.id, year, d).await?;
    if !plans.is_empty() {
        doc.h1("重大投资计划推进情况");
        for pl in &plans {
            doc.para(format!(
                "“{}”计划：目标{}个项目、总投资{:.2}亿元，已入库{}个、总投资{:.2}亿元，分别完成目标的{}和{}；已开工{}个，开工率{}。",
                pl.name,
                pl.target_projects,
                pl.target_investment_wan / 10_000.0,
                pl.projects,
                pl.investment_wan / 10_000.0,
                pl.projects_pct.map_or_else(|| "—".into(), |v| format!("{v:.1}%")),
                pl.investment_pct.map_or_else(|| "—".into(), |v| format!("{v:.1}%")),
                pl.started,
                pl.started_pct.map_or_else(|| "—".into(), |v| format!("{v:.1}%")),
            ));
        }
    }

    doc.h1("下一步工作要求");
    doc.para(format!(
        "各单位要对照年度策划包装任务，聚焦产业链延链补链强链和基础设施、社会民生短板，特别要在策划包装总投资{}亿元以上的大块头项目上下功夫，让项目库充盈起来；加快储备项目前期工作，推动策划项目尽快转化落地。市发展改革委将每月通报各单位策划包装情况。",
        yi_round(threshold)
    ));
    let issuer = doc_setting(store, "document.planning_issuer", || {
        format!("{}发展和改革委员会", unit.name)
    })
    .await?;
    let prefix = doc_setting(store, "document.planning_prefix", || {
        format!("{}发改投资", unit.name.chars().next().unwrap_or('市'))
    })
    .await?;
    super::documents::sign_and_number(
        store,
        actor,
        &mut doc,
        super::documents::Issuer {
            name: issuer,
            prefix,
        },
        (
            "planning_notice",
            &format!("{}/{year}-{month:02}", unit.code),
        ),
        today,
    )
    .await?;
    Ok(doc)
}
