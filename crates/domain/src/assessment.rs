//! The units' assessment (目标责任考核): a yearly scheme of items with points, each item scored from
//! what the platform already knows — start rate, investment against time, reports on time, tasks,
//! supervision notices, accountability, planning quotas, indicator ranks — plus the office's manual
//! bonuses and deductions; every unit scored with the figures and the rule in words, and ranked
//! among its peers (the units of the same kind under the same parent).
//!
//! Points are kept in hundredths (`Centi`) and every division rounds half up, so that a hand
//! calculation from the figures shown gives the same digits (`docs/assessment.md`).

use serde::{Deserialize, Serialize};

use crate::access::UnitKind;
use crate::money::Yuan;
use crate::planning::pct_tenths;

/// Points in hundredths (`925` = 9.25 points).
pub type Centi = i64;

/// `a × b / c` rounded half up, for non-negative operands; `c` must be positive.
fn mul_div(a: i64, b: i64, c: i64) -> i64 {
    let (a, b, c) = (i128::from(a), i128::from(b), i128::from(c));
    ((2 * a * b + c) / (2 * c)) as i64
}

/// Points as an office writes them: `9.2`, `10`, `13.75`.
pub fn points_text(c: Centi) -> String {
    let sign = if c < 0 { "-" } else { "" };
    let a = c.unsigned_abs();
    let s = format!("{sign}{}.{:02}", a / 100, a % 100);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Tenths of a percent as text with one decimal (`925` → `92.5%`).
fn pct_text(t: i64) -> String {
    format!("{}.{}%", t / 10, t % 10)
}

macro_rules! item_kinds {
    ($($(#[$m:meta])* $var:ident = ($code:literal, $zh:literal)),+ $(,)?) => {
        /// What an item scores (a new kind needs code; its points and parameters are data).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ItemKind { $($(#[$m])* $var),+ }

        impl ItemKind {
            /// Every kind, in the default scheme's order.
            pub const ALL: &'static [ItemKind] = &[$(ItemKind::$var),+];
            /// Stable code.
            pub fn code(self) -> &'static str { match self { $(ItemKind::$var => $code),+ } }
            /// Chinese name of the rule.
            pub fn zh(self) -> &'static str { match self { $(ItemKind::$var => $zh),+ } }
            /// Parses the code.
            pub fn parse(s: &str) -> Option<ItemKind> {
                match s.trim() { $($code => Some(ItemKind::$var),)+ _ => None }
            }
        }
    };
}

item_kinds! {
    /// 项目开工率: points × started ÷ due to start.
    StartRate = ("start_rate", "项目开工率"),
    /// 投资完成进度: full points when the year's completion reaches the time progress, else in
    /// proportion.
    Investment = ("investment", "投资完成率对比时序进度"),
    /// 项目按时填报率: points × weekly reports on time ÷ due.
    ReportsOnTime = ("reports_on_time", "项目按时填报率"),
    /// 重点任务: green and verified-on-time tasks count whole, yellow and verified-late ones a share,
    /// red none.
    Tasks = ("tasks", "重点任务推进"),
    /// 督办事项: deductions for each notice answered late and each ladder step reached.
    Notices = ("notices", "督办事项办理"),
    /// 问责: a deduction for each accountability record of the year.
    Accountability = ("accountability", "问责情况"),
    /// 项目策划包装: the mean of the quota's count and investment shares, each at most 100 %.
    Planning = ("planning", "项目策划包装"),
    /// 主要指标排位: the peers beaten among the peers there are, over the headline indicators.
    IndicatorRanks = ("indicator_ranks", "主要指标排位"),
    /// 加减分: the office's bonuses and deductions with their reasons, within ± the item's points.
    Manual = ("manual", "加减分"),
}

/// One item of a scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Item {
    /// What it scores.
    pub kind: ItemKind,
    /// Its name as printed.
    pub name: String,
    /// Its full points (for `notices` and `accountability`, the points deductions start from; for
    /// `manual`, the bound of the bonuses and of the deductions), in hundredths.
    pub points: Centi,
    /// The unit kinds it applies to.
    pub applies_to: Vec<UnitKind>,
    /// `notices`: hundredths deducted for each notice answered late; `accountability`: for each
    /// record.
    #[serde(default)]
    pub per_case: Centi,
    /// `notices`: hundredths deducted for each ladder step a notice reached (提醒 1 … 问责 5).
    #[serde(default)]
    pub per_step: Centi,
    /// `tasks`: the share, in percent, a yellow task or one verified after its deadline counts for.
    #[serde(default)]
    pub partial_pct: i64,
}

/// A year's scheme: its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Scheme {
    /// The items, in the order printed.
    pub items: Vec<Item>,
}

const AREAS: [UnitKind; 3] = [UnitKind::District, UnitKind::Park, UnitKind::Department];

impl Scheme {
    /// The default scheme (`docs/assessment.md`): 100 points for a district, indicator ranks only
    /// for districts (the regions a city ranks), and ± 5 points of bonuses and deductions. A
    /// province's office adds 市 to the items it scores its cities on.
    pub fn default_scheme() -> Scheme {
        let item = |kind: ItemKind, points: Centi, applies: &[UnitKind]| Item {
            kind,
            name: kind.zh().to_string(),
            points,
            applies_to: applies.to_vec(),
            per_case: 0,
            per_step: 0,
            partial_pct: 0,
        };
        let all = &AREAS[..];
        Scheme {
            items: vec![
                item(ItemKind::StartRate, 1500, all),
                item(ItemKind::Investment, 2000, all),
                item(ItemKind::ReportsOnTime, 1000, all),
                Item {
                    partial_pct: 50,
                    ..item(ItemKind::Tasks, 2000, all)
                },
                Item {
                    per_case: 100,
                    per_step: 50,
                    ..item(ItemKind::Notices, 1000, all)
                },
                Item {
                    per_case: 250,
                    ..item(ItemKind::Accountability, 500, all)
                },
                item(ItemKind::Planning, 1000, all),
                item(ItemKind::IndicatorRanks, 1000, &[UnitKind::District]),
                item(ItemKind::Manual, 500, all),
            ],
        }
    }

    /// Checks the scheme: named items, points from 0 to 100, deductions within the points, shares
    /// within 0–100 %, each kind once; the reason in Chinese naming the item.
    pub fn check(&self) -> Result<(), String> {
        if self.items.is_empty() {
            return Err("考核方案至少要有一项".into());
        }
        let mut seen = std::collections::HashSet::new();
        for (i, it) in self.items.iter().enumerate() {
            let at = format!("第{}项“{}”", i + 1, it.name.trim());
            if it.name.trim().is_empty() || it.name.chars().count() > 30 {
                return Err(format!("第{}项：名称不能为空，不超过 30 个字", i + 1));
            }
            if it.name.chars().any(crate::import::forbidden_char) {
                return Err(format!("{at}：名称不能含有控制字符"));
            }
            if !seen.insert(it.kind) {
                return Err(format!("{at}：“{}”重复", it.kind.zh()));
            }
            if !(0..=10_000).contains(&it.points) {
                return Err(format!("{at}：分值应在 0 至 100 之间"));
            }
            if !(0..=it.points.max(0)).contains(&it.per_case)
                || !(0..=it.points.max(0)).contains(&it.per_step)
            {
                return Err(format!("{at}：每次扣分应在 0 至该项分值之间"));
            }
            if !(0..=100).contains(&it.partial_pct) {
                return Err(format!("{at}：折算比例应在 0 至 100 之间"));
            }
        }
        Ok(())
    }
}

/// A task as the assessment counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskOutcome {
    /// Green: on track.
    Green,
    /// Yellow: behind time or near its deadline.
    Yellow,
    /// Red.
    Red,
    /// Verified and closed by its deadline.
    DoneOnTime,
    /// Verified and closed after its deadline.
    DoneLate,
}

/// A manual bonus (positive) or deduction (negative) with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment {
    /// Hundredths of a point, signed.
    pub points: Centi,
    /// Why.
    pub reason: String,
}

/// What the platform knows of one unit (its own records and those of the units below it), as the
/// items read it. `None` where the unit has nothing of the kind: the item does not apply to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitData {
    /// Projects started and due to start by the day.
    pub start: Option<(u32, u32)>,
    /// The year's investment to the day and the year's plan.
    pub investment: Option<(Yuan, Yuan)>,
    /// Weekly reports on time and due.
    pub reports: Option<(u32, u32)>,
    /// Its tasks (as lead unit).
    pub tasks: Vec<TaskOutcome>,
    /// Its supervision notices of the year: how many, and the ladder level each late one reached
    /// (0 for one overdue but not yet escalated).
    pub notices: Option<(u32, Vec<u8>)>,
    /// Accountability records of the year.
    pub accountability: u32,
    /// Planning quota shares (projects, investment), tenths of a percent; none without a quota.
    pub planning: Option<(Option<i64>, Option<i64>)>,
    /// Headline indicators: (rank, peers with a value).
    pub indicators: Vec<(u32, u32)>,
    /// Bonuses and deductions of the year to the day.
    pub adjustments: Vec<Adjustment>,
}

/// One item's result for a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ItemScore {
    /// The item's kind.
    pub kind: ItemKind,
    /// Its name.
    pub name: String,
    /// Its full points (hundredths); 0 for `manual`, which lies outside the full score.
    pub full: Centi,
    /// The points scored (hundredths); none when the item does not apply.
    pub points: Option<Centi>,
    /// The figures and the rule in words: `开工率 92.0%（已开工 23 个，应开工 25 个），得 13.8 分（满分 15 分）`.
    pub text: String,
}

/// A unit's score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitScore {
    /// The items, in the scheme's order (those of the unit's kind).
    pub items: Vec<ItemScore>,
    /// Points of the items that apply (hundredths).
    pub earned: Centi,
    /// Their full points.
    pub possible: Centi,
    /// Bonuses and deductions (hundredths).
    pub adjustment: Centi,
    /// The score: `earned ÷ possible × 100` (hundredths, rounded half up) plus `adjustment`; none
    /// when no item applies.
    pub total: Option<Centi>,
}

/// Scores a unit of kind `kind` on day `d`'s data by `scheme`; `time_tenths` is the day's time
/// progress in tenths of a percent (as shown).
pub fn score(scheme: &Scheme, kind: UnitKind, data: &UnitData, time_tenths: i64) -> UnitScore {
    let mut items = Vec::new();
    let (mut earned, mut possible, mut adjustment) = (0, 0, 0);
    for it in scheme.items.iter().filter(|i| i.applies_to.contains(&kind)) {
        let full = it.points;
        let of = |p: Centi| format!("得 {} 分（满分 {} 分）", points_text(p), points_text(full));
        let (points, text): (Option<Centi>, String) = match it.kind {
            ItemKind::StartRate => match data.start {
                Some((started, base)) if base > 0 => {
                    let t = pct_tenths(i64::from(started), i64::from(base))
                        .unwrap_or(0)
                        .min(1000);
                    let p = mul_div(full, t, 1000);
                    (
                        Some(p),
                        format!(
                            "开工率 {}（已开工 {started} 个，应开工 {base} 个），{}",
                            pct_text(t),
                            of(p)
                        ),
                    )
                }
                _ => (None, "无应开工项目，不参与本项考核".into()),
            },
            ItemKind::Investment => match data.investment {
                Some((ytd, plan)) if plan.0 > 0 => {
                    let c = pct_tenths(ytd.0, plan.0).unwrap_or(0);
                    let p = if c >= time_tenths || time_tenths <= 0 {
                        full
                    } else {
                        mul_div(full, c, time_tenths)
                    };
                    (
                        Some(p),
                        format!(
                            "年度投资完成率 {}（完成 {} 万元，计划 {} 万元），时序进度 {}，{}",
                            pct_text(c),
                            ytd.wan_text(),
                            plan.wan_text(),
                            pct_text(time_tenths),
                            of(p)
                        ),
                    )
                }
                _ => (None, "无年度计划投资，不参与本项考核".into()),
            },
            ItemKind::ReportsOnTime => match data.reports {
                Some((on, due)) if due > 0 => {
                    let t = pct_tenths(i64::from(on), i64::from(due))
                        .unwrap_or(0)
                        .min(1000);
                    let p = mul_div(full, t, 1000);
                    (
                        Some(p),
                        format!(
                            "周报按时填报率 {}（按时 {on} 次，应报 {due} 次），{}",
                            pct_text(t),
                            of(p)
                        ),
                    )
                }
                _ => (None, "无应报周报，不参与本项考核".into()),
            },
            ItemKind::Tasks => {
                if data.tasks.is_empty() {
                    (None, "无牵头重点任务，不参与本项考核".into())
                } else {
                    let count = |o: TaskOutcome| data.tasks.iter().filter(|t| **t == o).count();
                    let part = it.partial_pct;
                    let credit: i64 = data
                        .tasks
                        .iter()
                        .map(|t| match t {
                            TaskOutcome::Green | TaskOutcome::DoneOnTime => 100,
                            TaskOutcome::Yellow | TaskOutcome::DoneLate => part,
                            TaskOutcome::Red => 0,
                        })
                        .sum();
                    let n = data.tasks.len() as i64;
                    let p = mul_div(full, credit, 100 * n);
                    (
                        Some(p),
                        format!(
                            "牵头重点任务 {n} 项：按期销号 {}、绿灯 {}、黄灯 {}、逾期销号 {}、红灯 {}（黄灯和逾期销号按 {part}% 计），{}",
                            count(TaskOutcome::DoneOnTime),
                            count(TaskOutcome::Green),
                            count(TaskOutcome::Yellow),
                            count(TaskOutcome::DoneLate),
                            count(TaskOutcome::Red),
                            of(p)
                        ),
                    )
                }
            }
            ItemKind::Notices => {
                let (n, late) = data.notices.clone().unwrap_or_default();
                let steps: i64 = late.iter().map(|l| i64::from(*l)).sum();
                let cut = it.per_case * late.len() as i64 + it.per_step * steps;
                let p = (full - cut).max(0);
                (
                    Some(p),
                    format!(
                        "督办事项 {n} 件，逾期反馈 {} 件（每件扣 {} 分），累计升级 {steps} 级（每级扣 {} 分），扣 {} 分，{}",
                        late.len(),
                        points_text(it.per_case),
                        points_text(it.per_step),
                        points_text(full - p),
                        of(p)
                    ),
                )
            }
            ItemKind::Accountability => {
                let n = i64::from(data.accountability);
                let p = (full - it.per_case * n).max(0);
                (
                    Some(p),
                    format!(
                        "本年问责 {n} 人次（每人次扣 {} 分），{}",
                        points_text(it.per_case),
                        of(p)
                    ),
                )
            }
            ItemKind::Planning => match data.planning {
                Some((Some(pp), inv)) => {
                    let a = pp.min(1000);
                    let b = inv.map_or(a, |i| i.min(1000));
                    let p = mul_div(full, a + b, 2000);
                    (
                        Some(p),
                        format!(
                            "策划包装项目数完成 {}、总投资完成 {}（各以 100% 为限，取平均），{}",
                            pct_text(pp),
                            inv.map_or_else(|| "—".into(), pct_text),
                            of(p)
                        ),
                    )
                }
                _ => (None, "未下达策划包装任务，不参与本项考核".into()),
            },
            ItemKind::IndicatorRanks => {
                let ranked: Vec<&(u32, u32)> =
                    data.indicators.iter().filter(|(_, n)| *n > 0).collect();
                if ranked.is_empty() {
                    (None, "无指标排位数据，不参与本项考核".into())
                } else {
                    let beaten: i64 = ranked
                        .iter()
                        .map(|(r, n)| i64::from(n.saturating_sub(*r)))
                        .sum();
                    let beatable: i64 = ranked.iter().map(|(_, n)| i64::from(n - 1)).sum();
                    let p = if beatable == 0 {
                        full
                    } else {
                        mul_div(full, beaten, beatable)
                    };
                    let firsts = ranked.iter().filter(|(r, _)| *r == 1).count();
                    (
                        Some(p),
                        format!(
                            "主要指标 {} 项，领先同级 {beaten} 个次（可领先 {beatable} 个次），其中居首 {firsts} 项，{}",
                            ranked.len(),
                            of(p)
                        ),
                    )
                }
            }
            ItemKind::Manual => {
                let sum: Centi = data.adjustments.iter().map(|a| a.points).sum();
                let p = sum.clamp(-full, full);
                adjustment = p;
                let reasons: Vec<String> = data
                    .adjustments
                    .iter()
                    .map(|a| {
                        format!(
                            "{}{}分：{}",
                            if a.points >= 0 { "加" } else { "减" },
                            points_text(a.points.abs()),
                            a.reason
                        )
                    })
                    .collect();
                let text = if reasons.is_empty() {
                    "无加减分".to_string()
                } else {
                    format!(
                        "{}；合计{}{} 分（以 ±{} 分为限）",
                        reasons.join("；"),
                        if p >= 0 { "加" } else { "减" },
                        points_text(p.abs()),
                        points_text(full)
                    )
                };
                items.push(ItemScore {
                    kind: it.kind,
                    name: it.name.clone(),
                    full: 0,
                    points: Some(p),
                    text,
                });
                continue;
            }
        };
        if let Some(p) = points {
            earned += p;
            possible += full;
        }
        items.push(ItemScore {
            kind: it.kind,
            name: it.name.clone(),
            full,
            points,
            text,
        });
    }
    let total = (possible > 0).then(|| mul_div(earned, 10_000, possible) + adjustment);
    UnitScore {
        items,
        earned,
        possible,
        adjustment,
        total,
    }
}

/// Competition ranks of `totals`, best first; ties share a rank; none for none.
pub fn ranks(totals: &[Option<Centi>]) -> Vec<Option<u32>> {
    totals
        .iter()
        .map(|t| t.map(|x| 1 + totals.iter().filter(|o| o.is_some_and(|y| y > x)).count() as u32))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAN: i64 = 10_000;

    /// The first worked example of `docs/assessment.md`: 东城区 on 30 September 2026 (day 273 of
    /// 365, time progress 74.8 %).
    fn dongcheng() -> UnitData {
        UnitData {
            start: Some((23, 25)),
            investment: Some((Yuan(450_000 * WAN), Yuan(700_000 * WAN))),
            reports: Some((180, 200)),
            tasks: vec![
                TaskOutcome::DoneOnTime,
                TaskOutcome::Green,
                TaskOutcome::Green,
                TaskOutcome::Yellow,
                TaskOutcome::Red,
            ],
            notices: Some((6, vec![2, 0])),
            accountability: 1,
            planning: Some((Some(800), Some(1100))),
            indicators: vec![(2, 6), (1, 6), (6, 6)],
            adjustments: vec![
                Adjustment {
                    points: 200,
                    reason: "获省级表彰".into(),
                },
                Adjustment {
                    points: -50,
                    reason: "信息报送迟报".into(),
                },
            ],
        }
    }

    #[test]
    fn the_worked_example_scores_to_the_hundredth() {
        let s = score(
            &Scheme::default_scheme(),
            UnitKind::District,
            &dongcheng(),
            748,
        );
        let pts: Vec<Option<Centi>> = s.items.iter().map(|i| i.points).collect();
        // 开工率 23/25 = 92.0 % → 15 × 0.920 = 13.80.
        // 投资 450,000/700,000 = 64.3 % against 74.8 % → 20 × 643/748 = 17.19 (17.192…).
        // 填报 180/200 = 90.0 % → 9.00.
        // 任务 (100 + 100 + 100 + 50 + 0) / 500 → 20 × 350/500 = 14.00.
        // 督办 10 − 2 × 1 − (2 + 0) × 0.5 = 7.00.
        // 问责 5 − 2.5 = 2.50.
        // 策划 (800 + min(1100, 1000)) / 2000 → 10 × 0.9 = 9.00.
        // 指标 beaten (6−2) + (6−1) + (6−6) = 9 of 15 → 10 × 9/15 = 6.00.
        // 加减分 +2 − 0.5 = +1.50.
        assert_eq!(
            pts,
            vec![
                Some(1380),
                Some(1719),
                Some(900),
                Some(1400),
                Some(700),
                Some(250),
                Some(900),
                Some(600),
                Some(150)
            ]
        );
        assert_eq!((s.earned, s.possible), (7849, 10_000));
        assert_eq!(s.total, Some(7999));
        assert_eq!(
            s.items[0].text,
            "开工率 92.0%（已开工 23 个，应开工 25 个），得 13.8 分（满分 15 分）"
        );
    }

    #[test]
    fn items_that_do_not_apply_leave_the_score_on_a_hundred_points() {
        // A department: no indicator item; no tasks, no planning quota, no projects: only notices
        // (10) and accountability (5) apply — 10 − 1 − 0.5 = 8.5, and 5: 13.5 of 15 → 90.00.
        let data = UnitData {
            notices: Some((3, vec![1])),
            ..UnitData::default()
        };
        let s = score(&Scheme::default_scheme(), UnitKind::Department, &data, 500);
        assert_eq!((s.earned, s.possible), (1350, 1500));
        assert_eq!(s.total, Some(9000));
        assert!(s.items.iter().all(|i| i.kind != ItemKind::IndicatorRanks));
        let none = s.items.iter().find(|i| i.kind == ItemKind::Tasks).unwrap();
        assert_eq!(none.points, None);
    }

    #[test]
    fn deductions_stop_at_zero_and_adjustments_at_their_bound() {
        let data = UnitData {
            notices: Some((9, vec![5, 5, 5])),
            accountability: 4,
            adjustments: vec![Adjustment {
                points: 800,
                reason: "x".into(),
            }],
            ..UnitData::default()
        };
        let s = score(&Scheme::default_scheme(), UnitKind::Park, &data, 500);
        let p = |k: ItemKind| s.items.iter().find(|i| i.kind == k).unwrap().points;
        assert_eq!(p(ItemKind::Notices), Some(0));
        assert_eq!(p(ItemKind::Accountability), Some(0));
        assert_eq!(p(ItemKind::Manual), Some(500));
        assert_eq!(s.total, Some(500));
    }

    #[test]
    fn ranks_share_ties() {
        assert_eq!(
            ranks(&[Some(8000), Some(9000), Some(8000), None]),
            vec![Some(2), Some(1), Some(2), None]
        );
    }

    #[test]
    fn a_scheme_is_checked() {
        assert!(Scheme::default_scheme().check().is_ok());
        let mut s = Scheme::default_scheme();
        s.items[1].points = 20_000;
        assert!(s.check().unwrap_err().contains("分值"));
        let mut s = Scheme::default_scheme();
        s.items.push(s.items[0].clone());
        assert!(s.check().unwrap_err().contains("重复"));
        assert_eq!(points_text(1380), "13.8");
        assert_eq!(points_text(1000), "10");
        assert_eq!(points_text(-50), "-0.5");
    }
}
