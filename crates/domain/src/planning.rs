//! Project planning (策划包装): the development and reform commission hands each unit a yearly quota of
//! projects to plan and package into the library — how many, their total investment, how many big ones
//! (大块头) — and names each unit's progress every month; the city's named investment plans (such as
//! 千亿百项, a hundred projects and a hundred billion yuan) are followed the same way.
//!
//! A unit's progress for year Y as of day D counts the projects of the unit and of the units below it
//! whose planning year is Y and which had entered the library by D: their number, total investment,
//! big ones (total investment at least the threshold), and how many had moved past 储备 on D
//! (converted, 转化). Each is set against the quota as a percentage rounded half up to one decimal,
//! computed on integers so that a hand calculation gives the same digit; a quota of zero gives none.

use std::collections::HashMap;

use time::Date;

use crate::money::Yuan;
use crate::project::Stage;

/// The default threshold of a big project (大块头): 100,000 万元 = 10 亿元 of total investment.
pub const DEFAULT_BIG_THRESHOLD_WAN: i64 = 100_000;

/// A unit's planning quota for a year (策划包装任务).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quota {
    /// Projects to plan (策划项目数).
    pub projects: i64,
    /// Their total investment (策划总投资).
    pub investment: Yuan,
    /// Big projects among them (大块头项目数).
    pub big_projects: i64,
}

impl Quota {
    /// The sum of two quotas (a city's total of its units').
    fn plus(self, o: Quota) -> Quota {
        Quota {
            projects: self.projects.saturating_add(o.projects),
            investment: Yuan(self.investment.0.saturating_add(o.investment.0)),
            big_projects: self.big_projects.saturating_add(o.big_projects),
        }
    }
}

/// What the progress counts of one project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedProject {
    /// The owning unit.
    pub unit_id: i64,
    /// 总投资.
    pub total_investment: Yuan,
    /// 入库日期.
    pub entered_on: Date,
    /// Its construction stage on the day of the count (see [`stage_on`]).
    pub stage: Stage,
}

/// A change of a project's construction stage, on a (Beijing) day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageChange {
    /// The stage before.
    pub from: Stage,
    /// The stage after.
    pub to: Stage,
    /// The day of the change.
    pub on: Date,
}

/// A project's stage at the end of day `d`, given its stage now and its changes in the order they
/// were made: the stage left by the first change made after `d`, or the current one when none was.
pub fn stage_on(current: Stage, changes: &[StageChange], d: Date) -> Stage {
    changes
        .iter()
        .find(|c| c.on > d)
        .map_or(current, |c| c.from)
}

/// Whether a project on this stage has been converted (转化): moved past 储备 into preparation or
/// construction.
pub fn converted(stage: Stage) -> bool {
    stage != Stage::Reserve
}

/// Whether construction has begun on this stage (开工).
pub fn started(stage: Stage) -> bool {
    stage.requires_actual_start()
}

/// `part / whole × 100`, rounded half up to one decimal, as tenths of a percent; `None` when `whole`
/// is zero or below (no quota, nothing to measure against).
pub fn pct_tenths(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| {
        let (p, w) = (i128::from(part.max(0)), i128::from(whole));
        ((2 * p * 1000 + w) / (2 * w)) as i64
    })
}

/// Tenths of a percent as the percentage (`923` → 92.3).
pub fn tenths(t: i64) -> f64 {
    t as f64 / 10.0
}

/// What a set of planned projects adds up to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// 已策划项目数.
    pub planned: i64,
    /// Their total investment.
    pub investment: Yuan,
    /// 大块头 among them.
    pub big: i64,
    /// Converted (转化) among them.
    pub converted: i64,
    /// Started (开工) among them.
    pub started: i64,
}

impl Tally {
    fn add(&mut self, p: &PlannedProject, big_threshold: Yuan) {
        self.planned += 1;
        self.investment = Yuan(self.investment.0.saturating_add(p.total_investment.0));
        if p.total_investment >= big_threshold {
            self.big += 1;
        }
        if converted(p.stage) {
            self.converted += 1;
        }
        if started(p.stage) {
            self.started += 1;
        }
    }
}

/// Where a unit's planning falls short of time: below half of its quota in proportion to the days of
/// the year gone (`quota × ordinal(D) / days in the year`), by count or by investment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Behind {
    /// Planned projects below half the time-proportional count.
    pub projects: bool,
    /// Planned investment below half the time-proportional investment.
    pub investment: bool,
}

impl Behind {
    /// Either.
    pub fn any(self) -> bool {
        self.projects || self.investment
    }
}

/// Whether `done` is below half of `quota × ordinal(d) / days in d's year`, exactly:
/// `2 · done · days < quota · ordinal`. A quota of zero is never behind.
pub fn below_half_of_time(done: i64, quota: i64, d: Date) -> bool {
    let days = i128::from(crate::period::days_in_year(d.year()));
    let ord = i128::from(d.ordinal());
    quota > 0 && 2 * i128::from(done) * days < i128::from(quota) * ord
}

/// One unit's planning progress against its quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitProgress {
    /// The unit.
    pub unit_id: i64,
    /// Its quota.
    pub quota: Quota,
    /// What it has planned by the day.
    pub tally: Tally,
    /// Planned against the quota's count, in tenths of a percent.
    pub projects_pct: Option<i64>,
    /// Planned investment against the quota's, in tenths of a percent.
    pub investment_pct: Option<i64>,
    /// Big projects against the quota's, in tenths of a percent.
    pub big_pct: Option<i64>,
    /// Converted against planned (转化率), in tenths of a percent.
    pub converted_pct: Option<i64>,
    /// Rank by `projects_pct` among the units counted together, best first; ties share a rank; a unit
    /// without a percentage is not ranked.
    pub rank: Option<u32>,
    /// Below half of the time-proportional quota.
    pub behind: Behind,
}

impl UnitProgress {
    fn of(unit_id: i64, quota: Quota, tally: Tally, d: Date) -> UnitProgress {
        UnitProgress {
            unit_id,
            quota,
            tally,
            projects_pct: pct_tenths(tally.planned, quota.projects),
            investment_pct: pct_tenths(tally.investment.0, quota.investment.0),
            big_pct: pct_tenths(tally.big, quota.big_projects),
            converted_pct: pct_tenths(tally.converted, tally.planned),
            rank: None,
            behind: Behind {
                projects: below_half_of_time(tally.planned, quota.projects, d),
                investment: below_half_of_time(tally.investment.0, quota.investment.0, d),
            },
        }
    }
}

/// The planning progress of a scope for a year as of a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// The day of the count.
    pub as_of: Date,
    /// The whole scope: every planned project in it, against the sum of the quotas of the units
    /// that have one and no unit with a quota above them (a district's quota already holds its
    /// towns').
    pub total: UnitProgress,
    /// Each unit with a quota, ranked by `projects_pct` (then in the order given).
    pub units: Vec<UnitProgress>,
}

/// Computes the progress as of `d` of the units with a quota in `quotas` (in the order the caller
/// shows them), counting `projects` (already those of the year and the scope) entered by `d` for each
/// owner and every unit above it; `parent` gives each unit's parent. The scope's total is reported
/// under `root`.
pub fn progress(
    root: i64,
    parent: &HashMap<i64, Option<i64>>,
    quotas: &[(i64, Quota)],
    projects: &[PlannedProject],
    big_threshold: Yuan,
    d: Date,
) -> Progress {
    let quota_of: HashMap<i64, Quota> = quotas.iter().copied().collect();
    let mut tallies: HashMap<i64, Tally> = HashMap::new();
    let mut total = Tally::default();
    for p in projects.iter().filter(|p| p.entered_on <= d) {
        total.add(p, big_threshold);
        let mut at = Some(p.unit_id);
        let mut hops = 0;
        while let Some(u) = at {
            if quota_of.contains_key(&u) {
                tallies.entry(u).or_default().add(p, big_threshold);
            }
            at = parent.get(&u).copied().flatten();
            hops += 1;
            if hops > 64 {
                break;
            }
        }
    }
    let has_quota_above = |u: i64| {
        let mut at = parent.get(&u).copied().flatten();
        let mut hops = 0;
        while let Some(a) = at {
            if quota_of.contains_key(&a) {
                return true;
            }
            at = parent.get(&a).copied().flatten();
            hops += 1;
            if hops > 64 {
                break;
            }
        }
        false
    };
    let total_quota = quotas
        .iter()
        .filter(|(u, _)| !has_quota_above(*u))
        .fold(Quota::default(), |a, (_, q)| a.plus(*q));
    let mut units: Vec<UnitProgress> = quotas
        .iter()
        .map(|(u, q)| UnitProgress::of(*u, *q, tallies.get(u).copied().unwrap_or_default(), d))
        .collect();
    let ranks = crate::status::rank_desc(
        &units
            .iter()
            .map(|u| u.projects_pct.map(|t| t as f64))
            .collect::<Vec<_>>(),
    );
    for (u, r) in units.iter_mut().zip(ranks) {
        u.rank = r;
    }
    // Ranked first, best first; the unranked after them; the caller's order within a rank.
    units.sort_by_key(|u| u.rank.unwrap_or(u32::MAX));
    Progress {
        as_of: d,
        total: UnitProgress::of(root, total_quota, total, d),
        units,
    }
}

/// A named investment plan's targets (e.g. 千亿百项).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanTarget {
    /// Projects in the plan, as targeted.
    pub projects: i64,
    /// Their total investment, as targeted.
    pub investment: Yuan,
}

/// A named investment plan followed on a day: its projects entered by then, against its targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanProgress {
    /// What its projects add up to.
    pub tally: Tally,
    /// Projects against the target, in tenths of a percent.
    pub projects_pct: Option<i64>,
    /// Investment against the target, in tenths of a percent.
    pub investment_pct: Option<i64>,
    /// Started (开工) against the projects in it (开工率), in tenths of a percent.
    pub started_pct: Option<i64>,
}

/// Follows a plan as of `d` over its `projects`.
pub fn plan_progress(
    target: PlanTarget,
    projects: &[PlannedProject],
    big_threshold: Yuan,
    d: Date,
) -> PlanProgress {
    let mut tally = Tally::default();
    for p in projects.iter().filter(|p| p.entered_on <= d) {
        tally.add(p, big_threshold);
    }
    PlanProgress {
        tally,
        projects_pct: pct_tenths(tally.planned, target.projects),
        investment_pct: pct_tenths(tally.investment.0, target.investment.0),
        started_pct: pct_tenths(tally.started, tally.planned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const WAN: i64 = 10_000;

    fn p(unit_id: i64, wan: i64, entered_on: Date, stage: Stage) -> PlannedProject {
        PlannedProject {
            unit_id,
            total_investment: Yuan(wan * WAN),
            entered_on,
            stage,
        }
    }

    #[test]
    fn percentages_round_half_up_on_integers() {
        assert_eq!(pct_tenths(2, 3), Some(667));
        assert_eq!(pct_tenths(1, 8), Some(125)); // 12.5 exactly
        assert_eq!(pct_tenths(1, 16), Some(63)); // 6.25 → 6.3
        assert_eq!(pct_tenths(1, 0), None);
        assert_eq!(pct_tenths(7, 5), Some(1400));
        assert_eq!(pct_tenths(0, 5), Some(0));
    }

    #[test]
    fn stage_on_a_past_day_is_the_stage_left_by_the_next_change() {
        let changes = [
            StageChange {
                from: Stage::Reserve,
                to: Stage::Preparation,
                on: date!(2026 - 03 - 10),
            },
            StageChange {
                from: Stage::Preparation,
                to: Stage::NewStart,
                on: date!(2026 - 06 - 01),
            },
        ];
        assert_eq!(
            stage_on(Stage::NewStart, &changes, date!(2026 - 03 - 09)),
            Stage::Reserve
        );
        assert_eq!(
            stage_on(Stage::NewStart, &changes, date!(2026 - 03 - 10)),
            Stage::Preparation
        );
        assert_eq!(
            stage_on(Stage::NewStart, &changes, date!(2026 - 06 - 01)),
            Stage::NewStart
        );
        assert_eq!(
            stage_on(Stage::Reserve, &[], date!(2020 - 01 - 01)),
            Stage::Reserve
        );
    }

    /// A city (1) with two districts (2, 3), a town (4) under district 2 and a department (5)
    /// without a quota; computed by hand.
    #[test]
    fn progress_counts_the_subtree_entered_by_the_day() {
        let parent: HashMap<i64, Option<i64>> = [
            (1, None),
            (2, Some(1)),
            (3, Some(1)),
            (4, Some(2)),
            (5, Some(1)),
        ]
        .into_iter()
        .collect();
        let q = |projects, wan, big| Quota {
            projects,
            investment: Yuan(wan * WAN),
            big_projects: big,
        };
        let quotas = [
            (2, q(8, 400_000, 2)),
            (3, q(4, 100_000, 1)),
            (4, q(2, 0, 0)),
        ];
        let d = date!(2026 - 06 - 30);
        let projects = [
            p(2, 150_000, date!(2026 - 02 - 01), Stage::Preparation),
            p(4, 20_000, date!(2026 - 05 - 01), Stage::Reserve),
            p(4, 100_000, date!(2026 - 06 - 30), Stage::NewStart),
            p(2, 30_000, date!(2026 - 07 - 01), Stage::Reserve), // entered after D
            p(3, 5_000, date!(2026 - 01 - 05), Stage::Reserve),
            p(5, 200_000, date!(2026 - 03 - 01), Stage::Continuing),
        ];
        let pr = progress(1, &parent, &quotas, &projects, Yuan(100_000 * WAN), d);
        // District 2: its own first project and the town's two: 3 of 8 = 37.5 %; 270,000 of 400,000
        // 万元 = 67.5 %; big: 150,000 and 100,000 → 2 of 2; converted: 2 of 3 = 66.7 %.
        let d2 = pr.units.iter().find(|u| u.unit_id == 2).unwrap();
        assert_eq!(d2.tally.planned, 3);
        assert_eq!(d2.tally.investment, Yuan(270_000 * WAN));
        assert_eq!(
            (
                d2.projects_pct,
                d2.investment_pct,
                d2.big_pct,
                d2.converted_pct
            ),
            (Some(375), Some(675), Some(1000), Some(667))
        );
        // Town 4: 2 of 2 = 100 %; investment quota 0 → none.
        let t4 = pr.units.iter().find(|u| u.unit_id == 4).unwrap();
        assert_eq!((t4.projects_pct, t4.investment_pct), (Some(1000), None));
        // District 3: 1 of 4 = 25 %.
        let d3 = pr.units.iter().find(|u| u.unit_id == 3).unwrap();
        assert_eq!(d3.projects_pct, Some(250));
        assert_eq!(
            pr.units
                .iter()
                .map(|u| (u.unit_id, u.rank))
                .collect::<Vec<_>>(),
            vec![(4, Some(1)), (2, Some(2)), (3, Some(3))]
        );
        // 30 June 2026 is day 181 of 365: half the time-proportional count of district 3 is
        // 4 × 181 / 365 / 2 = 0.99, and it has 1 — not behind; district 2 needs 8 × 181/365/2 = 1.98.
        assert!(!d3.behind.projects);
        assert!(!d2.behind.projects);
        // The city: 5 projects entered by D (the department's too), against 8 + 4 (the town's quota
        // is inside district 2's) = 12 → 41.7 %.
        assert_eq!(pr.total.tally.planned, 5);
        assert_eq!(pr.total.quota.projects, 12);
        assert_eq!(pr.total.projects_pct, Some(417));
        assert_eq!(pr.total.tally.big, 3);
    }

    #[test]
    fn ties_share_a_rank_and_units_without_a_percentage_come_last() {
        let parent: HashMap<i64, Option<i64>> =
            [(1, None), (2, Some(1)), (3, Some(1)), (4, Some(1))]
                .into_iter()
                .collect();
        let q = |projects| Quota {
            projects,
            ..Quota::default()
        };
        let d = date!(2026 - 12 - 31);
        let projects = [
            p(2, 1, d, Stage::Reserve),
            p(3, 1, d, Stage::Reserve),
            p(3, 1, d, Stage::Reserve),
        ];
        let pr = progress(
            1,
            &parent,
            &[(4, q(0)), (2, q(2)), (3, q(4))],
            &projects,
            Yuan(WAN),
            d,
        );
        assert_eq!(
            pr.units
                .iter()
                .map(|u| (u.unit_id, u.projects_pct, u.rank))
                .collect::<Vec<_>>(),
            vec![
                (2, Some(500), Some(1)),
                (3, Some(500), Some(1)),
                (4, None, None)
            ]
        );
    }

    #[test]
    fn behind_is_half_of_the_time_proportional_quota() {
        // 31 March 2026 is day 90 of 365; a quota of 12: 12 × 90 / 365 = 2.96, half 1.48.
        let d = date!(2026 - 03 - 31);
        assert!(below_half_of_time(1, 12, d));
        assert!(!below_half_of_time(2, 12, d));
        assert!(!below_half_of_time(0, 0, d));
    }

    #[test]
    fn a_plan_counts_started_projects() {
        let d = date!(2026 - 09 - 30);
        let projects = [
            p(2, 600_000, date!(2026 - 01 - 10), Stage::NewStart),
            p(3, 300_000, date!(2026 - 02 - 10), Stage::Preparation),
            p(3, 300_000, date!(2026 - 10 - 10), Stage::Reserve),
        ];
        let target = PlanTarget {
            projects: 100,
            investment: Yuan(10_000_000 * WAN),
        };
        let pp = plan_progress(target, &projects, Yuan(100_000 * WAN), d);
        assert_eq!(pp.tally.planned, 2);
        assert_eq!(pp.projects_pct, Some(20));
        assert_eq!(pp.investment_pct, Some(90));
        assert_eq!(pp.started_pct, Some(500));
    }
}
