//! The scorecard (成绩单) of a region for one indicator and period: rank among its peers, the gaps to the
//! regions just above and below, the leader, the count above the threshold, the gap to the parent's
//! own figure, the change of rank, the catch-up arithmetic (追赶测算) — and the Chinese paragraph that
//! says it the way a statistics notice does. Definitions are in `docs/scorecard.md`.

use serde::Serialize;

use crate::indicator::{Direction, Indicator, IndicatorKind, StatPeriod};

/// A peer region's metric (growth rate for growth indicators, value for level ones).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Peer {
    /// Unit id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// The metric.
    pub metric: f64,
}

/// Everything the scorecard of one indicator needs, gathered by the caller.
#[derive(Debug, Clone)]
pub struct CardInput<'a> {
    /// The indicator.
    pub indicator: &'a Indicator,
    /// The period.
    pub period: StatPeriod,
    /// The region R.
    pub region_id: i64,
    /// R's name.
    pub region_name: String,
    /// R's level value for the period.
    pub value: Option<f64>,
    /// R's growth rate for the period, in percent.
    pub growth: Option<f64>,
    /// Units with the same parent as R that have a metric for the period, R included.
    pub peers: Vec<Peer>,
    /// How the parent is named in a sentence: 全省, 全市.
    pub parent_word: String,
    /// What a peer is called: 市, 县区.
    pub peer_noun: String,
    /// The parent's own metric for the period.
    pub parent_metric: Option<f64>,
    /// The indicator's target for the period's year.
    pub target: Option<f64>,
    /// Peers' metrics in the previous period of the same kind (for the rank change).
    pub prev_peers: Vec<Peer>,
    /// R's level for the whole previous year (B of the catch-up formula).
    pub prev_year_level: Option<f64>,
}

/// The regions on one side and the gap to them.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Side {
    /// Names (several when tied).
    pub names: Vec<String>,
    /// Their rank.
    #[serde(skip)]
    pub rank: u32,
    /// Absolute difference of the metric.
    pub gap_pp: f64,
}

/// The best peers.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Leader {
    /// Names (several when tied).
    pub names: Vec<String>,
    /// Their metric.
    pub metric: f64,
}

/// The scorecard of one indicator.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IndicatorCard {
    /// 指标编码.
    pub code: String,
    /// 指标名称.
    pub name: String,
    /// 计量单位.
    pub unit: String,
    /// R's level value.
    pub value: Option<f64>,
    /// R's growth rate.
    pub growth_pct: Option<f64>,
    /// 1 + peers strictly better; null when R has no metric.
    pub rank: Option<u32>,
    /// Number of peers with a metric.
    pub peer_count: u32,
    /// The best of those strictly worse than R; null when R is last.
    pub below: Option<Side>,
    /// The worst of those strictly better than R; null when R is first.
    pub above: Option<Side>,
    /// The best peers.
    pub leader: Option<Leader>,
    /// The target when set, else the parent's metric, else null.
    pub threshold: Option<f64>,
    /// Where the threshold came from: `target`, `parent` or null.
    pub threshold_source: Option<&'static str>,
    /// Peers strictly better than the threshold.
    pub count_above_threshold: Option<u32>,
    /// The parent's metric.
    pub parent_metric: Option<f64>,
    /// R's metric − the parent's.
    pub gap_to_parent_pp: Option<f64>,
    /// Previous rank − rank now (positive = moved up).
    pub rank_change: Option<i64>,
    /// The growth the rest of the year needs to reach the target.
    pub needed_growth_pct: Option<f64>,
    /// The paragraph.
    pub text: String,
}

/// Removes float noise from a difference of two one- or two-decimal figures (8.5 − 7.3 = 1.2, not
/// 1.2000000000000002).
fn clean(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

/// Competition rank of `metric` among `peers`: 1 + the number strictly better.
pub fn rank_of(peers: &[Peer], metric: f64, dir: Direction) -> u32 {
    1 + peers
        .iter()
        .filter(|p| dir.better(p.metric, metric))
        .count() as u32
}

/// 追赶测算: the growth the rest of the year needs so that the year reaches target `t` %, given the
/// cumulative level `l` and growth `g` % of the period and the whole previous year's level `b`.
/// Last year's same-period level is `l0 = l ÷ (1 + g/100)`; the rest of last year was `b − l0`; the rest
/// of this year must bring `b·(1 + t/100) − l`. Null when `b − l0 ≤ 0` (nothing of the year is left).
pub fn needed_growth(l: f64, g: f64, b: f64, t: f64) -> Option<f64> {
    if g <= -100.0 {
        return None;
    }
    let l0 = l / (1.0 + g / 100.0);
    let rest_last_year = b - l0;
    if rest_last_year <= 0.0 || !rest_last_year.is_finite() {
        return None;
    }
    Some(clean(
        (b * (1.0 + t / 100.0) - l) / rest_last_year * 100.0 - 100.0,
    ))
}

/// One decimal, never "-0.0".
pub fn d1(x: f64) -> String {
    let s = format!("{x:.1}");
    if s == "-0.0" {
        "0.0".into()
    } else {
        s
    }
}

fn names_of(peers: &[&Peer]) -> Vec<String> {
    let mut v: Vec<String> = peers.iter().map(|p| p.name.clone()).collect();
    v.sort();
    v
}

fn join(names: &[String]) -> String {
    names.join("、")
}

/// "the rest of the year" for a period: 后三个季度, 下半年, 四季度, 后 N 个月.
fn rest_of_year(p: StatPeriod) -> Option<String> {
    match p {
        StatPeriod::Quarter { quarter: 1, .. } => Some("后三个季度".into()),
        StatPeriod::Quarter { quarter: 2, .. } | StatPeriod::Half { half: 1, .. } => {
            Some("下半年".into())
        }
        StatPeriod::Quarter { quarter: 3, .. } => Some("四季度".into()),
        StatPeriod::Month { month, .. } if month < 12 => Some(format!("后{}个月", 12 - month)),
        _ => None,
    }
}

/// Computes the scorecard of one indicator and writes its paragraph.
pub fn card(inp: &CardInput) -> IndicatorCard {
    let ind = inp.indicator;
    let dir = ind.direction;
    let growth_kind = ind.kind == IndicatorKind::Growth;
    let metric = if growth_kind { inp.growth } else { inp.value };
    let peers = &inp.peers;
    let peer_count = peers.len() as u32;
    // Differences of rates are percentage points; of amounts, the indicator's own unit.
    let unit_gap = if growth_kind || ind.unit.trim() == "%" {
        "个百分点".to_string()
    } else {
        ind.unit.clone()
    };

    let rank = metric.map(|m| rank_of(peers, m, dir));
    let side = |pick_better: bool| -> Option<Side> {
        let m = metric?;
        let group: Vec<&Peer> = peers
            .iter()
            .filter(|p| {
                if pick_better {
                    dir.better(p.metric, m)
                } else {
                    dir.better(m, p.metric)
                }
            })
            .collect();
        // Above: the worst of the better ones; below: the best of the worse ones.
        let edge = group.iter().map(|p| p.metric).reduce(|a, b| {
            let a_better = dir.better(a, b);
            match (pick_better, a_better) {
                (true, true) | (false, false) => b,
                _ => a,
            }
        })?;
        let at: Vec<&Peer> = group.into_iter().filter(|p| p.metric == edge).collect();
        Some(Side {
            names: names_of(&at),
            rank: rank_of(peers, edge, dir),
            gap_pp: clean((m - edge).abs()),
        })
    };
    let above = side(true);
    let below = side(false);
    let leader = peers
        .iter()
        .map(|p| p.metric)
        .reduce(|a, b| if dir.better(b, a) { b } else { a })
        .map(|best| Leader {
            names: names_of(
                &peers
                    .iter()
                    .filter(|p| p.metric == best)
                    .collect::<Vec<_>>(),
            ),
            metric: best,
        });
    let (threshold, threshold_source) = match (inp.target, inp.parent_metric) {
        (Some(t), _) => (Some(t), Some("target")),
        (None, Some(p)) => (Some(p), Some("parent")),
        _ => (None, None),
    };
    let count_above_threshold =
        threshold.map(|t| peers.iter().filter(|p| dir.better(p.metric, t)).count() as u32);
    let gap_to_parent_pp = match (metric, inp.parent_metric) {
        (Some(m), Some(p)) => Some(clean(m - p)),
        _ => None,
    };
    let prev_rank = inp
        .prev_peers
        .iter()
        .find(|p| p.id == inp.region_id)
        .map(|p| rank_of(&inp.prev_peers, p.metric, dir));
    let rank_change = match (prev_rank, rank) {
        (Some(a), Some(b)) => Some(i64::from(a) - i64::from(b)),
        _ => None,
    };
    let needed_growth_pct = match (
        growth_kind,
        inp.target,
        inp.value,
        inp.growth,
        inp.prev_year_level,
    ) {
        (true, Some(t), Some(l), Some(g), Some(b)) => needed_growth(l, g, b, t),
        _ => None,
    };

    let mut c = IndicatorCard {
        code: ind.code.clone(),
        name: ind.name.clone(),
        unit: ind.unit.clone(),
        value: inp.value,
        growth_pct: inp.growth,
        rank,
        peer_count,
        below,
        above,
        leader,
        threshold,
        threshold_source,
        count_above_threshold,
        parent_metric: inp.parent_metric,
        gap_to_parent_pp,
        rank_change,
        needed_growth_pct,
        text: String::new(),
    };
    c.text = paragraph(inp, &c, &unit_gap, prev_rank.is_some());
    c
}

/// What the ranked metric is called: 增速 for growth indicators, 总量 for amounts, 水平 for rates and
/// other levels (a 失业率 has no 总量).
fn metric_word(ind: &Indicator) -> &'static str {
    match ind.kind {
        IndicatorKind::Growth => "增速",
        IndicatorKind::Level
            if ind.unit.contains('元')
                || ind.unit.contains("千瓦时")
                || ind.unit.contains('吨') =>
        {
            "总量"
        }
        IndicatorKind::Level => "水平",
    }
}

fn growth_phrase(g: f64) -> String {
    if g > 0.0 {
        format!("增长{}%", d1(g))
    } else if g < 0.0 {
        format!("下降{}%", d1(-g))
    } else {
        "与上年持平".into()
    }
}

fn paragraph(inp: &CardInput, c: &IndicatorCard, unit_gap: &str, had_prev: bool) -> String {
    let ind = inp.indicator;
    let growth_kind = ind.kind == IndicatorKind::Growth;
    let lower = ind.direction == Direction::Lower;
    let pw = &inp.parent_word;
    let noun = &inp.peer_noun;
    let mut s = format!("{}，{}{}", inp.period.zh(), inp.region_name, ind.name);
    // The figure itself.
    match (inp.value, inp.growth) {
        (Some(v), Some(g)) if !growth_kind || ind.unit != "%" => {
            s += &format!("{}{}，{}", d1(v), ind.unit, growth_phrase(g));
        }
        (Some(v), None) => s += &format!("{}{}", d1(v), ind.unit),
        (_, Some(g)) => s += &growth_phrase(g),
        (None, None) => {
            s += "暂无数据。";
            return s;
        }
    }
    let (Some(rank), Some(metric)) = (c.rank, if growth_kind { inp.growth } else { inp.value })
    else {
        s += &format!("，{}暂无可比排名数据。", metric_word(ind));
        return s;
    };
    let what = metric_word(ind);
    let ties: Vec<String> = {
        let mut v: Vec<String> = inp
            .peers
            .iter()
            .filter(|p| p.metric == metric && p.id != inp.region_id)
            .map(|p| p.name.clone())
            .collect();
        v.sort();
        v
    };
    let tie = if ties.is_empty() {
        String::new()
    } else {
        format!("与{}并列", join(&ties))
    };
    let n = c.peer_count;
    // Position: first place, last place, or the n-th, with ties.
    if c.above.is_none() {
        s += &format!("，{what}{tie}居{pw}{n}个{noun}首位");
    } else if c.below.is_none() && n > 1 {
        s += &format!("，{what}{tie}居{pw}{n}个{noun}末位");
    } else {
        s += &format!("，{what}{tie}居{pw}{n}个{noun}第{rank}位");
    }
    if lower {
        s += "（逆向指标，越低越好）";
    }
    // Change of rank.
    match c.rank_change {
        Some(0) => s += "，位次与上期持平",
        Some(k) if k > 0 => s += &format!("，较上期前移{k}位"),
        Some(k) => s += &format!("，较上期后移{}位", -k),
        None if !had_prev => s += "（上期无可比数据）",
        None => {}
    }
    // Neighbours: the region just above and just below.
    let higher = |better_is_higher: bool| if better_is_higher { "高" } else { "低" };
    if let Some(a) = &c.above {
        s += &format!(
            "；比第{}位的{}{}{}{}",
            a.rank,
            join(&a.names),
            higher(lower),
            d1(a.gap_pp),
            unit_gap
        );
    }
    if let Some(b) = &c.below {
        let only = if b.gap_pp < 1.0 { "仅" } else { "" };
        s += &format!(
            "，{only}比第{}位的{}{}{}{}",
            b.rank,
            join(&b.names),
            higher(!lower),
            d1(b.gap_pp),
            unit_gap
        );
    }
    // The leader, when it is not R.
    if let Some(l) = &c.leader {
        if c.above.is_some() {
            let best = if growth_kind {
                if lower {
                    "增速最低"
                } else {
                    "增速最快"
                }
                .to_string()
            } else {
                format!("{what}{}", if lower { "最低" } else { "最高" })
            };
            let m = if growth_kind {
                format!("{}%", d1(l.metric))
            } else {
                format!("{}{}", d1(l.metric), ind.unit)
            };
            s += &format!("；{best}的是{}，为{m}", join(&l.names));
        }
    }
    // How many beat the threshold.
    match (c.threshold_source, c.threshold, c.count_above_threshold) {
        (Some("target"), Some(t), Some(k)) => {
            let word = if lower { "优于" } else { "高于" };
            s += &format!(
                "；{pw}有{k}个{noun}{what}{word}全年目标{}{}",
                d1(t),
                if growth_kind { "%" } else { &ind.unit }
            );
        }
        (Some("parent"), Some(_), Some(k)) => {
            let word = if lower { "优于" } else { "高于" };
            s += &format!("；未设定全年目标，{pw}有{k}个{noun}{what}{word}{pw}平均水平");
        }
        _ => s += "；未设定全年目标",
    }
    // Against the parent's own figure, said the way the direction reads.
    if let Some(gap) = c.gap_to_parent_pp {
        if gap == 0.0 {
            s += &format!("，与{pw}持平");
        } else {
            let ahead = (gap > 0.0) != lower;
            s += &format!(
                "，{}{pw}{}{}{}",
                if gap > 0.0 { "高于" } else { "低于" },
                d1(gap.abs()),
                unit_gap,
                if lower {
                    if ahead {
                        "，好于"
                    } else {
                        "，差于"
                    }
                } else {
                    ""
                }
            );
            if lower {
                s += &format!("{pw}水平");
            }
        }
    }
    s += "。";
    // Catch-up arithmetic.
    if let (Some(t), Some(need), Some(rest)) =
        (inp.target, c.needed_growth_pct, rest_of_year(inp.period))
    {
        if growth_kind {
            s += &format!("完成全年增长{}%的目标，{rest}需增长{}%。", d1(t), d1(need));
        }
    }
    s
}

/// The opening paragraph over all indicators: how many are in the top and the bottom third of their
/// peers, and the weakest one (the worst rank relative to the number of peers).
pub fn summary(region: &str, period: StatPeriod, cards: &[IndicatorCard]) -> String {
    let ranked: Vec<&IndicatorCard> = cards
        .iter()
        .filter(|c| c.rank.is_some() && c.peer_count > 0)
        .collect();
    if ranked.is_empty() {
        return format!("{}，{}暂无可比的指标数据。", period.zh(), region);
    }
    // Top third: rank × 3 ≤ peers; bottom third: rank × 3 > 2 × peers.
    let top = ranked
        .iter()
        .filter(|c| c.rank.unwrap_or(0) * 3 <= c.peer_count)
        .count();
    let bottom = ranked
        .iter()
        .filter(|c| c.rank.unwrap_or(0) * 3 > 2 * c.peer_count)
        .count();
    // The weakest: the highest rank relative to the number of peers; on a tie the first in the
    // catalogue's order.
    let rel = |c: &IndicatorCard| f64::from(c.rank.unwrap_or(0)) / f64::from(c.peer_count);
    let weakest = ranked
        .iter()
        .copied()
        .reduce(|w, c| if rel(c) > rel(w) { c } else { w })
        .expect("non-empty");
    let mut s = format!(
        "{}，{}参与排名的{}项主要指标中，",
        period.zh(),
        region,
        ranked.len()
    );
    s += &match (top, bottom) {
        (0, 0) => "没有指标进入前三分之一，也没有指标落入后三分之一".to_string(),
        (t, 0) => format!("{t}项居前三分之一，没有指标落入后三分之一"),
        (0, b) => format!("没有指标进入前三分之一，{b}项居后三分之一"),
        (t, b) => format!("{t}项居前三分之一，{b}项居后三分之一"),
    };
    s += &format!(
        "；排位最靠后的是{}，居第{}位（共{}个）。",
        weakest.name,
        weakest.rank.unwrap_or(0),
        weakest.peer_count
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(kind: IndicatorKind, dir: Direction) -> Indicator {
        Indicator {
            code: "GDP".into(),
            name: "地区生产总值".into(),
            unit: "亿元".into(),
            kind,
            direction: dir,
        }
    }

    fn peers(v: &[(i64, &str, f64)]) -> Vec<Peer> {
        v.iter()
            .map(|(id, n, m)| Peer {
                id: *id,
                name: n.to_string(),
                metric: *m,
            })
            .collect()
    }

    fn input<'a>(i: &'a Indicator, region: i64, ps: Vec<Peer>) -> CardInput<'a> {
        let me = ps.iter().find(|p| p.id == region).cloned();
        CardInput {
            indicator: i,
            period: StatPeriod::parse("2026-Q1").unwrap(),
            region_id: region,
            region_name: me.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
            value: Some(500.0),
            growth: me.map(|p| p.metric),
            peers: ps,
            parent_word: "全省".into(),
            peer_noun: "市".into(),
            parent_metric: None,
            target: None,
            prev_peers: Vec::new(),
            prev_year_level: None,
        }
    }

    const CITIES: &[(i64, &str, f64)] = &[
        (1, "甲市", 6.2),
        (2, "乙市", 7.0),
        (3, "丙市", 6.2),
        (4, "丁市", 5.1),
        (5, "戊市", 8.1),
    ];

    #[test]
    fn middle_with_a_tie() {
        let i = ind(IndicatorKind::Growth, Direction::Higher);
        let c = card(&input(&i, 1, peers(CITIES)));
        assert_eq!(c.rank, Some(3));
        assert_eq!(c.peer_count, 5);
        assert_eq!(c.above.as_ref().unwrap().names, ["乙市"]);
        assert_eq!(c.above.as_ref().unwrap().gap_pp, 0.8);
        assert_eq!(c.below.as_ref().unwrap().names, ["丁市"]);
        assert_eq!(c.below.as_ref().unwrap().gap_pp, 1.1);
        assert_eq!(c.leader.as_ref().unwrap().names, ["戊市"]);
        assert!(c.text.contains("与丙市并列居全省5个市第3位"), "{}", c.text);
        assert!(c.text.contains("比第2位的乙市低0.8个百分点"), "{}", c.text);
        assert!(c.text.contains("比第5位的丁市高1.1个百分点"), "{}", c.text);
        assert!(c.text.contains("增速最快的是戊市，为8.1%"), "{}", c.text);
        assert!(c.text.contains("未设定全年目标"), "{}", c.text);
        assert!(c.text.contains("上期无可比数据"), "{}", c.text);
    }

    #[test]
    fn ties_at_the_top_and_the_bottom() {
        let i = ind(IndicatorKind::Growth, Direction::Higher);
        let ps = peers(&[
            (1, "甲市", 8.0),
            (2, "乙市", 8.0),
            (3, "丙市", 5.0),
            (4, "丁市", 5.0),
        ]);
        let c = card(&input(&i, 1, ps.clone()));
        assert_eq!(c.rank, Some(1));
        assert!(c.above.is_none());
        assert_eq!(c.below.as_ref().unwrap().names, ["丁市", "丙市"]);
        assert_eq!(c.leader.as_ref().unwrap().names.len(), 2);
        assert!(c.text.contains("与乙市并列居全省4个市首位"), "{}", c.text);
        assert!(
            !c.text.contains("增速最快的是"),
            "R leads: no leader clause"
        );
        let c = card(&input(&i, 3, ps));
        assert_eq!(c.rank, Some(3));
        assert!(c.below.is_none());
        assert!(c.text.contains("与丁市并列居全省4个市末位"), "{}", c.text);
        assert_eq!(c.above.as_ref().unwrap().rank, 1);
        assert_eq!(c.above.as_ref().unwrap().gap_pp, 3.0);
    }

    #[test]
    fn first_and_last_alone_and_falls() {
        let i = ind(IndicatorKind::Growth, Direction::Higher);
        let ps = peers(&[(1, "甲市", 3.0), (2, "乙市", -1.5), (3, "丙市", 0.0)]);
        let c = card(&input(&i, 1, ps.clone()));
        assert!(
            c.text.contains("增长3.0%，增速居全省3个市首位"),
            "{}",
            c.text
        );
        let c = card(&input(&i, 2, ps.clone()));
        assert!(
            c.text.contains("下降1.5%，增速居全省3个市末位"),
            "{}",
            c.text
        );
        assert!(!c.text.contains("仅比"), "last place has no one below");
        let c = card(&input(&i, 3, ps));
        assert!(c.text.contains("与上年持平"), "{}", c.text);
    }

    #[test]
    fn lower_is_better() {
        let mut i = ind(IndicatorKind::Growth, Direction::Lower);
        i.name = "单位生产总值能耗".into();
        let ps = peers(&[(1, "甲市", -3.0), (2, "乙市", -1.0), (3, "丙市", -4.5)]);
        let mut inp = input(&i, 1, ps);
        inp.parent_metric = Some(-2.0);
        inp.target = Some(-2.5);
        let c = card(&inp);
        assert_eq!(c.rank, Some(2));
        assert_eq!(c.above.as_ref().unwrap().names, ["丙市"]);
        assert_eq!(c.below.as_ref().unwrap().names, ["乙市"]);
        assert_eq!(c.leader.as_ref().unwrap().metric, -4.5);
        assert_eq!(
            c.count_above_threshold,
            Some(2),
            "−3.0 and −4.5 are better than −2.5"
        );
        assert_eq!(c.gap_to_parent_pp, Some(-1.0));
        assert!(c.text.contains("逆向指标"), "{}", c.text);
        assert!(
            c.text.contains("低于全省1.0个百分点，好于全省水平"),
            "{}",
            c.text
        );
        assert!(c.text.contains("比第1位的丙市高1.5个百分点"), "{}", c.text);
        assert!(c.text.contains("比第3位的乙市低2.0个百分点"), "{}", c.text);
    }

    #[test]
    fn threshold_falls_back_to_the_parent_and_rank_change() {
        let i = ind(IndicatorKind::Growth, Direction::Higher);
        let mut inp = input(&i, 1, peers(CITIES));
        inp.parent_metric = Some(6.5);
        inp.prev_peers = peers(&[
            (1, "甲市", 5.0),
            (2, "乙市", 7.0),
            (3, "丙市", 6.0),
            (4, "丁市", 5.5),
            (5, "戊市", 8.0),
        ]);
        let c = card(&inp);
        assert_eq!(c.threshold, Some(6.5));
        assert_eq!(c.threshold_source, Some("parent"));
        assert_eq!(c.count_above_threshold, Some(2));
        assert_eq!(c.rank_change, Some(2), "5th → 3rd");
        assert!(c.text.contains("较上期前移2位"));
        assert!(
            c.text
                .contains("未设定全年目标，全省有2个市增速高于全省平均水平"),
            "{}",
            c.text
        );
        assert!(c.text.contains("低于全省0.3个百分点"), "{}", c.text);
        inp.target = Some(6.0);
        let c = card(&inp);
        assert_eq!(c.threshold_source, Some("target"));
        assert_eq!(c.count_above_threshold, Some(4));
        assert!(
            c.text.contains("全省有4个市增速高于全年目标6.0%"),
            "{}",
            c.text
        );
        // Without target and parent: no threshold.
        inp.target = None;
        inp.parent_metric = None;
        let c = card(&inp);
        assert_eq!(
            (c.threshold, c.count_above_threshold, c.gap_to_parent_pp),
            (None, None, None)
        );
    }

    #[test]
    fn rank_down_and_unchanged() {
        let i = ind(IndicatorKind::Growth, Direction::Higher);
        let mut inp = input(&i, 1, peers(CITIES));
        // Previously first, now third: down two places.
        inp.prev_peers = peers(&[(1, "甲市", 9.0), (2, "乙市", 7.0)]);
        let c = card(&inp);
        assert_eq!(c.rank_change, Some(-2));
        assert!(c.text.contains("较上期后移2位"), "{}", c.text);
        // Previously third among the same values: unchanged.
        inp.prev_peers = peers(CITIES);
        let c = card(&inp);
        assert_eq!(c.rank_change, Some(0));
        assert!(c.text.contains("位次与上期持平"), "{}", c.text);
        // R had no value in the previous period although others did: no change, no claim.
        inp.prev_peers = peers(&[(2, "乙市", 7.0)]);
        assert_eq!(card(&inp).rank_change, None);
    }

    #[test]
    fn catch_up_formula_by_hand() {
        // L = 240 (Q1 cumulative), g = 6 % → L0 = 226.4151; B = 1000 (last year's total); T = 7.
        // Needed: (1000 × 1.07 − 240) ÷ (1000 − 226.4151) × 100 − 100 = 830 ÷ 773.5849 × 100 − 100 = 7.2927 %.
        let v = needed_growth(240.0, 6.0, 1000.0, 7.0).unwrap();
        assert!((v - 7.292682926829).abs() < 1e-6, "{v}");
        assert_eq!(
            needed_growth(1000.0, 5.0, 900.0, 7.0),
            None,
            "nothing left of the year"
        );
        let i = ind(IndicatorKind::Growth, Direction::Higher);
        let mut inp = input(&i, 1, peers(CITIES));
        inp.value = Some(240.0);
        inp.growth = Some(6.0);
        inp.peers[0].metric = 6.0;
        inp.target = Some(7.0);
        inp.prev_year_level = Some(1000.0);
        let c = card(&inp);
        assert!((c.needed_growth_pct.unwrap() - 7.2927).abs() < 1e-3);
        assert!(
            c.text
                .contains("完成全年增长7.0%的目标，后三个季度需增长7.3%"),
            "{}",
            c.text
        );
        // Missing B: null.
        inp.prev_year_level = None;
        assert_eq!(card(&inp).needed_growth_pct, None);
    }

    #[test]
    fn level_indicators_rank_on_value() {
        let mut i = ind(IndicatorKind::Level, Direction::Higher);
        i.name = "地方一般公共预算收入".into();
        let ps = peers(&[(1, "甲市", 52.3), (2, "乙市", 60.0), (3, "丙市", 41.0)]);
        let mut inp = input(&i, 1, ps);
        inp.value = Some(52.3);
        inp.growth = Some(4.1);
        let c = card(&inp);
        assert_eq!(c.rank, Some(2));
        assert!(
            c.text.contains("52.3亿元，增长4.1%，总量居全省3个市第2位"),
            "{}",
            c.text
        );
        assert!(c.text.contains("比第1位的乙市低7.7亿元"), "{}", c.text);
        assert!(
            c.text.contains("总量最高的是乙市，为60.0亿元"),
            "{}",
            c.text
        );
    }

    #[test]
    fn a_rate_where_lower_is_better() {
        let i = Indicator {
            code: "UNEMP".into(),
            name: "城镇调查失业率".into(),
            unit: "%".into(),
            kind: IndicatorKind::Level,
            direction: Direction::Lower,
        };
        let ps = peers(&[(1, "甲市", 5.7), (2, "乙市", 5.2), (3, "丙市", 5.9)]);
        let mut inp = input(&i, 1, ps);
        inp.value = Some(5.7);
        inp.growth = None;
        inp.parent_metric = Some(5.2);
        let c = card(&inp);
        assert_eq!(c.rank, Some(2));
        assert!(
            c.text
                .contains("城镇调查失业率5.7%，水平居全省3个市第2位（逆向指标，越低越好）"),
            "{}",
            c.text
        );
        assert!(c.text.contains("比第1位的乙市高0.5个百分点"), "{}", c.text);
        assert!(
            c.text.contains("高于全省0.5个百分点，差于全省水平"),
            "{}",
            c.text
        );
        assert!(c.text.contains("水平最低的是乙市，为5.2%"), "{}", c.text);
    }

    #[test]
    fn no_data() {
        let i = ind(IndicatorKind::Growth, Direction::Higher);
        let mut inp = input(&i, 9, peers(CITIES));
        inp.region_name = "己市".into();
        inp.value = None;
        inp.growth = None;
        let c = card(&inp);
        assert_eq!(c.rank, None);
        assert!(c.above.is_none() && c.below.is_none());
        assert!(c.text.ends_with("暂无数据。"));
    }

    #[test]
    fn summary_thirds_and_weakest() {
        let mk = |name: &str, rank, n| IndicatorCard {
            code: name.into(),
            name: name.into(),
            unit: String::new(),
            value: None,
            growth_pct: None,
            rank: Some(rank),
            peer_count: n,
            below: None,
            above: None,
            leader: None,
            threshold: None,
            threshold_source: None,
            count_above_threshold: None,
            parent_metric: None,
            gap_to_parent_pp: None,
            rank_change: None,
            needed_growth_pct: None,
            text: String::new(),
        };
        let s = summary(
            "甲市",
            StatPeriod::parse("2026-Q1").unwrap(),
            &[
                mk("A", 1, 9),
                mk("B", 3, 9),
                mk("C", 7, 9),
                mk("D", 9, 9),
                mk("E", 5, 9),
            ],
        );
        assert!(
            s.contains("5项主要指标中，2项居前三分之一，2项居后三分之一"),
            "{s}"
        );
        assert!(s.contains("排位最靠后的是D，居第9位"), "{s}");
    }
}
