//! Gathers what the scorecard of a region needs — its peers' values for the period, the previous
//! period and the previous year, the target, the parent's figure — and lets the domain compute it.

use crate::Indicators;
use std::collections::HashMap;

use diaodu_domain::access::UnitKind;
use diaodu_domain::indicator::{IndicatorKind, StatPeriod};
use diaodu_domain::scorecard::{card, rank_of, summary, CardInput, IndicatorCard, Peer};
use serde::Serialize;

use crate::{Result, Store, StoreError, Unit, UnitTree};

/// How many periods the rank history covers.
pub const HISTORY: usize = 6;

/// One indicator of a scorecard, with what the charts need.
#[derive(Debug, Clone, Serialize)]
pub struct CardWithCharts {
    /// The card.
    #[serde(flatten)]
    pub card: IndicatorCard,
    /// All peers' metrics for the period, best first (bar chart).
    #[serde(skip)]
    pub peers: Vec<Peer>,
    /// R's rank over the last periods of the same kind, oldest first (None where there is no data).
    #[serde(skip)]
    pub history: Vec<(StatPeriod, Option<u32>, u32)>,
    /// Whether the metric is the growth rate.
    #[serde(skip)]
    pub growth_kind: bool,
}

/// The scorecard of a region for a period.
#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    /// The region.
    pub region: Unit,
    /// Its parent, if any.
    #[serde(skip)]
    pub parent: Option<Unit>,
    /// The period.
    pub period: StatPeriod,
    /// The opening paragraph.
    pub summary: String,
    /// One card per indicator of the catalogue.
    pub indicators: Vec<CardWithCharts>,
}

/// How a parent is named in a sentence (全省, 全市, 全区) and what its children are called.
pub fn parent_word(kind: Option<UnitKind>) -> &'static str {
    match kind {
        Some(UnitKind::Province) => "全省",
        Some(UnitKind::City) => "全市",
        Some(UnitKind::District) => "全区",
        Some(UnitKind::Park) => "全园区",
        Some(UnitKind::Department) => "本部门",
        None => "全部",
    }
}

/// What a region of this kind is called among its peers.
pub fn peer_noun(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Province => "省",
        UnitKind::City => "市",
        UnitKind::District => "县区",
        UnitKind::Park => "园区",
        UnitKind::Department => "部门",
    }
}

type Values = HashMap<(i64, StatPeriod), (Option<f64>, Option<f64>)>;

impl Store {
    async fn values_for_periods(
        &self,
        indicator_id: i64,
        periods: &[StatPeriod],
    ) -> Result<Values> {
        let mut sql = String::from("SELECT unit_id, period, level, growth FROM indicator_values WHERE indicator_id = $1 AND period IN (");
        for i in 0..periods.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", i + 2));
        }
        sql.push(')');
        let mut q = sqlx::query_as::<_, (i64, String, Option<f64>, Option<f64>)>(
            sqlx::AssertSqlSafe(sql.as_str()),
        )
        .bind(indicator_id);
        for p in periods {
            q = q.bind(p.to_string());
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut out = HashMap::new();
        for (unit, period, level, growth) in rows {
            if let Ok(p) = StatPeriod::parse(&period) {
                out.insert((unit, p), (level, growth));
            }
        }
        Ok(out)
    }
}

impl Indicators<'_> {
    /// Everything the scorecards of `period` read: the catalogue, the targets, and every value of the
    /// periods a scorecard looks at (the period, its history, the one before, last year's total).
    pub async fn scorecard_data(self, period: StatPeriod) -> Result<ScorecardData> {
        let y = period.year();
        // B of the catch-up formula: the whole previous year, whichever period kind holds it.
        let prev_year = [
            StatPeriod::Year { year: y - 1 },
            StatPeriod::Quarter {
                year: y - 1,
                quarter: 4,
            },
            StatPeriod::Half {
                year: y - 1,
                half: 2,
            },
            StatPeriod::Month {
                year: y - 1,
                month: 12,
            },
        ];
        let mut wanted: Vec<StatPeriod> = period.history(HISTORY);
        wanted.push(period.prev());
        wanted.extend(prev_year);
        wanted.sort();
        wanted.dedup();
        let indicators = self.indicators().list().await?;
        let mut values = Vec::with_capacity(indicators.len());
        for ind in &indicators {
            values.push(self.values_for_periods(ind.id, &wanted).await?);
        }
        Ok(ScorecardData {
            period,
            prev_year,
            indicators,
            targets: self.indicators().targets().await?,
            values,
        })
    }

    /// The scorecard of `region_id` for `period`: one card per indicator, ranked among the units with
    /// the same parent.
    pub async fn scorecard(
        self,
        tree: &UnitTree,
        region_id: i64,
        period: StatPeriod,
    ) -> Result<Scorecard> {
        let data = self.indicators().scorecard_data(period).await?;
        scorecard_from(tree, &data, region_id)
    }

    /// The scorecards of many regions for one period, from a single read of the values.
    pub async fn scorecards(
        self,
        tree: &UnitTree,
        regions: &[i64],
        period: StatPeriod,
    ) -> Result<Vec<Scorecard>> {
        let data = self.indicators().scorecard_data(period).await?;
        regions
            .iter()
            .map(|r| scorecard_from(tree, &data, *r))
            .collect()
    }
}

/// What [`Indicators::scorecard_data`] read.
pub struct ScorecardData {
    period: StatPeriod,
    prev_year: [StatPeriod; 4],
    indicators: Vec<crate::IndicatorRow>,
    targets: HashMap<(i64, i32), f64>,
    /// Per indicator (same order), the values by (unit, period).
    values: Vec<Values>,
}

/// Computes a scorecard from data already read.
pub fn scorecard_from(tree: &UnitTree, data: &ScorecardData, region_id: i64) -> Result<Scorecard> {
    let period = data.period;
    let y = period.year();
    let prev_year = data.prev_year;
    let targets = &data.targets;
    let region = tree
        .get(region_id)
        .cloned()
        .ok_or_else(|| StoreError::NotFound("地区".into()))?;
    let parent = region.parent_id.and_then(|p| tree.get(p)).cloned();
    let siblings: Vec<&Unit> = tree.children(region.parent_id);
    let history = period.history(HISTORY);
    let mut cards = Vec::new();
    for (ind, values) in data.indicators.iter().zip(&data.values) {
        let i = &ind.indicator;
        let metric_of = |u: i64, p: StatPeriod| -> Option<f64> {
            values.get(&(u, p)).and_then(|(l, g)| {
                if i.kind == IndicatorKind::Growth {
                    *g
                } else {
                    *l
                }
            })
        };
        let peers_at = |p: StatPeriod| -> Vec<Peer> {
            siblings
                .iter()
                .filter_map(|u| {
                    metric_of(u.id, p).map(|m| Peer {
                        id: u.id,
                        name: u.name.clone(),
                        metric: m,
                    })
                })
                .collect()
        };
        let peers = peers_at(period);
        let own = values
            .get(&(region.id, period))
            .copied()
            .unwrap_or((None, None));
        let input = CardInput {
            indicator: i,
            period,
            region_id: region.id,
            region_name: region.name.clone(),
            value: own.0,
            growth: own.1,
            peers: peers.clone(),
            parent_word: parent_word(parent.as_ref().map(|p| p.kind)).to_string(),
            peer_noun: peer_noun(region.kind).to_string(),
            parent_metric: parent.as_ref().and_then(|p| metric_of(p.id, period)),
            target: targets.get(&(ind.id, y)).copied(),
            prev_peers: peers_at(period.prev()),
            prev_year_level: prev_year
                .iter()
                .find_map(|p| values.get(&(region.id, *p)).and_then(|v| v.0)),
        };
        let c = card(&input);
        let hist = history
            .iter()
            .map(|p| {
                let ps = peers_at(*p);
                let r = ps
                    .iter()
                    .find(|x| x.id == region.id)
                    .map(|me| rank_of(&ps, me.metric, i.direction));
                (*p, r, ps.len() as u32)
            })
            .collect();
        let mut sorted = peers;
        sorted.sort_by(|a, b| {
            if i.direction.better(a.metric, b.metric) {
                std::cmp::Ordering::Less
            } else if i.direction.better(b.metric, a.metric) {
                std::cmp::Ordering::Greater
            } else {
                a.name.cmp(&b.name)
            }
        });
        cards.push(CardWithCharts {
            card: c,
            peers: sorted,
            history: hist,
            growth_kind: i.kind == IndicatorKind::Growth,
        });
    }
    let plain: Vec<IndicatorCard> = cards.iter().map(|c| c.card.clone()).collect();
    Ok(Scorecard {
        summary: summary(&region.name, period, &plain),
        region,
        parent,
        period,
        indicators: cards,
    })
}
