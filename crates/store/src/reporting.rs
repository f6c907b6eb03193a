//! Per-unit figures and the sibling ranking, computed from project statuses.

use std::collections::HashMap;

use diaodu_domain::status::{rank_desc, UnitFigures};
use serde::Serialize;
use time::Date;

use crate::{ProjectStatusRow, Unit, UnitTree};

/// One line of the unit table.
#[derive(Debug, Clone, Serialize)]
pub struct UnitLine {
    /// The unit.
    pub unit: Unit,
    /// Its figures (own projects and those of units below it).
    pub figures: UnitFigures,
    /// Rank among its siblings by completion % (ties share a rank); `None` without a plan.
    pub rank: Option<u32>,
}

/// Figures for every unit that has projects in `rows` (or is an ancestor of one), keyed by unit id.
pub fn figures_by_unit(
    tree: &UnitTree,
    rows: &[ProjectStatusRow],
    d: Date,
) -> HashMap<i64, UnitFigures> {
    let mut map: HashMap<i64, UnitFigures> = HashMap::new();
    for r in rows {
        let Some(u) = tree.get(r.project.unit_id) else {
            continue;
        };
        // Every unit on the path — the owner and all units above it — counts the project.
        for id in u.path.split('/').filter_map(|s| s.parse::<i64>().ok()) {
            map.entry(id).or_default().add(&r.facts, &r.status, d);
        }
    }
    for f in map.values_mut() {
        f.finish(d);
    }
    map
}

/// The table of `parent`'s direct children that hold projects (ranked among themselves by completion
/// %), preceded by the parent's own total line (rank `None`). Offices without projects of their own
/// (e.g. the supervision office) are left out rather than listed with zeros.
pub fn unit_table(
    tree: &UnitTree,
    rows: &[ProjectStatusRow],
    parent: i64,
    d: Date,
) -> Vec<UnitLine> {
    let map = figures_by_unit(tree, rows, d);
    let mut lines: Vec<UnitLine> = tree
        .children(Some(parent))
        .into_iter()
        .filter(|u| map.get(&u.id).is_some_and(|f| f.projects > 0))
        .map(|u| UnitLine {
            unit: u.clone(),
            figures: map.get(&u.id).cloned().unwrap_or_else(|| {
                let mut f = UnitFigures::default();
                f.finish(d);
                f
            }),
            rank: None,
        })
        .collect();
    let ranks = rank_desc(
        &lines
            .iter()
            .map(|l| l.figures.completion_pct)
            .collect::<Vec<_>>(),
    );
    for (l, r) in lines.iter_mut().zip(ranks) {
        l.rank = r;
    }
    lines.sort_by(|a, b| {
        a.rank
            .unwrap_or(u32::MAX)
            .cmp(&b.rank.unwrap_or(u32::MAX))
            .then_with(|| a.unit.code.cmp(&b.unit.code))
    });
    if let Some(p) = tree.get(parent) {
        let mut total = map.get(&parent).cloned().unwrap_or_default();
        if total.projects == 0 {
            total.finish(d);
        }
        lines.insert(
            0,
            UnitLine {
                unit: p.clone(),
                figures: total,
                rank: None,
            },
        );
    }
    lines
}
