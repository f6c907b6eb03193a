//! Weekly figures kept for trends (`status_snapshots`): per unit, its own projects stalled, not
//! started past their planned start, and red, as of a Sunday.

use std::collections::HashMap;

use diaodu_domain::access::Scope;
use diaodu_domain::period::{fmt_date, parse_date};
use diaodu_domain::status::Light;
use time::Date;

use crate::{ProjectFilter, Reports, Result, UnitTree};

/// A unit's figures on a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// 开而未建.
    pub stalled: u32,
    /// Not started past the planned start.
    pub late_start: u32,
    /// Red.
    pub red: u32,
}

impl Reports<'_> {
    /// The figures of the units' own projects on each of `days` (from the statuses as of that
    /// day), by day, then unit id. A day before `keep_before` — the first day whose reports may
    /// still arrive, late or corrected — is computed once for every unit and kept, as the week
    /// stood when it closed; a later day is computed for the units of `scope` alone from their
    /// cached statuses (brought up to date by the reports since) each time and never kept, so a
    /// week still being reported (or a day to come) is not frozen early.
    pub async fn snapshots(
        self,
        tree: &UnitTree,
        scope: Scope,
        days: &[Date],
        keep_before: Date,
    ) -> Result<HashMap<Date, HashMap<i64, Snapshot>>> {
        let mut out: HashMap<Date, HashMap<i64, Snapshot>> = HashMap::new();
        if days.is_empty() {
            return Ok(out);
        }
        let lo = days.iter().min().copied().expect("days");
        let hi = days.iter().max().copied().expect("days");
        let rows: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT day, unit_id, stalled, late_start, red FROM status_snapshots \
             WHERE day >= $1 AND day <= $2 AND day < $3",
        )
        .bind(fmt_date(lo))
        .bind(fmt_date(hi))
        .bind(fmt_date(keep_before))
        .fetch_all(&self.pool)
        .await?;
        let mut kept: std::collections::HashSet<Date> = std::collections::HashSet::new();
        for (day, unit, s, l, r) in rows {
            let Ok(day) = parse_date(&day) else { continue };
            kept.insert(day);
            out.entry(day).or_default().insert(
                unit,
                Snapshot {
                    stalled: s as u32,
                    late_start: l as u32,
                    red: r as u32,
                },
            );
        }
        let settings = self.status_settings().await?;
        for d in days.iter().filter(|d| !kept.contains(d)) {
            let keep = *d < keep_before;
            let statuses = if keep {
                // Computed past the statuses' cache: a dozen past Sundays would push out the
                // entries the pages live on.
                self.projects()
                    .statuses_via(
                        tree,
                        Scope::All,
                        &ProjectFilter::default(),
                        *d,
                        &settings,
                        crate::SumsVia::Totals,
                    )
                    .await?
            } else {
                self.projects()
                    .statuses(tree, scope, &ProjectFilter::default(), *d)
                    .await?
            };
            let mut by_unit: HashMap<i64, Snapshot> = HashMap::new();
            for r in &statuses {
                let e = by_unit.entry(r.project.unit_id).or_default();
                if r.status.started && r.status.stalled {
                    e.stalled += 1;
                }
                if r.status.not_started_past_plan {
                    e.late_start += 1;
                }
                if r.status.light == Light::Red {
                    e.red += 1;
                }
            }
            if keep {
                let mut tx = self.begin().await?;
                for (unit, s) in &by_unit {
                    sqlx::query(
                        "INSERT INTO status_snapshots (day, unit_id, stalled, late_start, red) VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (day, unit_id) DO UPDATE SET stalled = excluded.stalled, \
                         late_start = excluded.late_start, red = excluded.red",
                    )
                    .bind(fmt_date(*d))
                    .bind(unit)
                    .bind(i64::from(s.stalled))
                    .bind(i64::from(s.late_start))
                    .bind(i64::from(s.red))
                    .execute(&mut *tx)
                    .await?;
                }
                // The kept figures are what was just computed from the data as it is: no cached
                // value changes, so the data's version is not raised (that would make every
                // instance compute its statuses afresh).
                tx.commit_outside_cache().await?;
            }
            out.insert(*d, by_unit);
        }
        Ok(out)
    }
}
