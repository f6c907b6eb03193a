//! The reminder pass (自动提醒): before a deadline, on its day and after it, the reporters of each unit
//! with reports still missing get one digest — however many projects and tasks it names — in the
//! inbox and through the channels configured. Run by `serve` every few minutes and by `diaodu
//! reminders run`.
//!
//! Three reminders per deadline and unit: **before** (within setting `reminder.before_hours` of the
//! deadline), **due** (on the deadline day, before its hour) and **late** (once a day after it, until
//! the reports are in; deadlines of the last [`LATE_WEEKS`] weeks). Each is sent once: the pass
//! records its key with the send (`reminder_log`), so a pass run again, or by a second server, sends
//! nothing twice. Nothing is composed in quiet hours; what the channels would send at night waits for
//! the morning in the outbox.

use std::collections::{BTreeMap, HashMap, HashSet};

use diaodu_domain::access::Scope;
use diaodu_domain::calendar::Deadline;
use diaodu_domain::period::fmt_date;
use diaodu_domain::status::stage_reports_weekly;
use diaodu_domain::task::{Cadence, TaskState};
use diaodu_domain::Period;
use diaodu_store::{Dispatch, ProjectFilter, Store, StoreError};
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

use crate::notify::{compose, Config, Contact, Tell};

/// How far back overdue reports are chased daily, in weeks.
pub const LATE_WEEKS: i64 = 4;

/// How many items a reminder names; the rest are counted.
const NAMED: usize = 10;

/// The stage of a reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Within the hours before the deadline.
    Before,
    /// The deadline's own day.
    Due,
    /// After the deadline (daily).
    Late,
}

impl Stage {
    fn code(self) -> &'static str {
        match self {
            Stage::Before => "before",
            Stage::Due => "due",
            Stage::Late => "late",
        }
    }
}

/// One reminder the pass would send: a unit, a stage, what is missing.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The unit.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// Before, due or late.
    pub stage: Stage,
    /// The key it is sent once under.
    pub key: String,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Items missing.
    pub items: usize,
    /// Reporters told.
    pub recipients: usize,
}

/// What a pass did.
#[derive(Debug, Clone, Default)]
pub struct PassOutcome {
    /// The reminders due in this pass (sent before or not).
    pub planned: Vec<Planned>,
    /// Units with something missing but no reporter to tell.
    pub without_reporters: usize,
    /// Reminders written now.
    pub sent: usize,
    /// Reminders already sent by an earlier pass.
    pub skipped: usize,
    /// Deliveries to the channels written.
    pub deliveries: usize,
    /// Quiet hours: nothing was composed.
    pub quiet: bool,
}

/// Something missing for a unit: the deadline it belongs to and how it reads in a digest.
struct Missing {
    deadline: Deadline,
    text: String,
}

fn stage_of(deadline: Deadline, now: PrimitiveDateTime, before: Duration) -> Option<Stage> {
    let at = deadline.instant();
    if now >= at {
        Some(Stage::Late)
    } else if now.date() == deadline.day {
        Some(Stage::Due)
    } else if at - now <= before {
        Some(Stage::Before)
    } else {
        None
    }
}

/// Runs the pass at `now`: plans the reminders and, unless `dry_run`, sends those not sent before.
pub async fn run(
    store: &Store,
    now: OffsetDateTime,
    dry_run: bool,
) -> Result<PassOutcome, StoreError> {
    let (mut out, sends) = plan(store, now).await?;
    if !dry_run && !sends.is_empty() {
        let actor = diaodu_store::Actor {
            user_id: None,
            login: "system".into(),
        };
        let done = store.messages().dispatch(&actor, &sends).await?;
        out.sent = done.sent;
        out.skipped = done.skipped;
        out.deliveries = done.deliveries;
    }
    Ok(out)
}

/// The reminders due at `now` and their sends (each with its once-key), not yet written.
pub async fn plan(
    store: &Store,
    now: OffsetDateTime,
) -> Result<(PassOutcome, Vec<Dispatch>), StoreError> {
    plan_with(store, &Config::load(store).await?, now).await
}

/// [`plan`] with the channels' configuration given rather than read (the benchmark's receiver).
pub async fn plan_with(
    store: &Store,
    cfg: &Config,
    now: OffsetDateTime,
) -> Result<(PassOutcome, Vec<Dispatch>), StoreError> {
    let mut out = PassOutcome::default();
    if cfg.quiet_until(now).is_some() {
        out.quiet = true;
        return Ok((out, Vec::new()));
    }
    let local = diaodu_store::local_datetime(now);
    let d = local.date();
    let cal = store.reports().calendar().await?;
    let before_hours: i64 = store
        .setting("reminder.before_hours")
        .await?
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(24);
    let before = Duration::hours(before_hours);
    let tree = store.units().await?;

    // Weekly project reports: this week back to LATE_WEEKS weeks ago, each week's deadline staged.
    let mut weeks: Vec<(Period, Deadline, Stage)> = Vec::new();
    for back in 0..=LATE_WEEKS + 2 {
        let w = Period::week_of(d - Duration::days(7 * back));
        let dl = cal.deadline(w);
        if let Some(st) = stage_of(dl, local, before) {
            if st != Stage::Late || (d - dl.day).whole_days() <= 7 * LATE_WEEKS {
                weeks.push((w, dl, st));
            }
        }
    }
    let mut missing: BTreeMap<(i64, Stage), Vec<Missing>> = BTreeMap::new();
    if !weeks.is_empty() {
        let rows = store
            .projects()
            .statuses(&tree, Scope::All, &ProjectFilter::default(), d)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.project.id).collect();
        let periods: Vec<String> = weeks.iter().map(|w| w.0.to_string()).collect();
        let done = store
            .reports()
            .reported_in_scope(&tree, Scope::All, &ids, &periods)
            .await?;
        for r in &rows {
            let f = &r.project.fields;
            if !stage_reports_weekly(f.stage) {
                continue;
            }
            for (w, dl, st) in &weeks {
                if f.actual_start.is_none_or(|a| a > w.last_day())
                    || done.contains(&(r.project.id, w.to_string()))
                {
                    continue;
                }
                missing
                    .entry((r.project.unit_id, *st))
                    .or_default()
                    .push(Missing {
                        deadline: *dl,
                        text: format!("{}（{} 周报，{}截止）", f.name, w, dl.zh()),
                    });
            }
        }
    }

    // Task reports by each open task's cadence, to the lead unit.
    for t in store.tasks().rows(&tree, Scope::All, d).await? {
        let task = &t.task;
        if task.state != TaskState::Open {
            continue;
        }
        let reported: HashSet<Period> = t.reported.iter().copied().collect();
        let periods: Vec<Period> = match task.cadence {
            Cadence::Weekly => (0..=LATE_WEEKS + 2)
                .map(|b| Period::week_of(d - Duration::days(7 * b)))
                .collect(),
            Cadence::Monthly => {
                let this = Period::month_of(d);
                vec![this, this.prev(), this.prev().prev()]
            }
        };
        for p in periods {
            if p.last_day() < task.start || p.first_day() > task.deadline || reported.contains(&p) {
                continue;
            }
            let dl = cal.deadline(p);
            let Some(st) = stage_of(dl, local, before) else {
                continue;
            };
            if st == Stage::Late && (d - dl.day).whole_days() > 7 * LATE_WEEKS {
                continue;
            }
            missing
                .entry((task.lead_unit_id, st))
                .or_default()
                .push(Missing {
                    deadline: dl,
                    text: format!("任务“{}”（{} 进展，{}截止）", task.title, p, dl.zh()),
                });
        }
    }

    // One digest per unit and stage, keyed by the stage and its deadlines (late: by the day).
    let mut contacts: HashMap<i64, Vec<Contact>> = HashMap::new();
    let mut sends: Vec<Dispatch> = Vec::new();
    for ((unit, stage), items) in missing {
        let key = match stage {
            Stage::Late => format!("late:{}", fmt_date(d)),
            _ => {
                let mut days: Vec<String> =
                    items.iter().map(|m| fmt_date(m.deadline.day)).collect();
                days.sort();
                days.dedup();
                format!("{}:{}", stage.code(), days.join(","))
            }
        };
        if let std::collections::hash_map::Entry::Vacant(e) = contacts.entry(unit) {
            e.insert(crate::notify::reporters(store, unit).await?);
        }
        let to = &contacts[&unit];
        if to.is_empty() {
            out.without_reporters += 1;
            continue;
        }
        let unit_name = tree.get(unit).map_or_else(String::new, |u| u.name.clone());
        let (title, lead) = match stage {
            Stage::Before => ("提醒：填报即将截止", "以下填报即将截止"),
            Stage::Due => ("提醒：今日填报截止", "以下填报今日截止"),
            Stage::Late => ("催报：填报已逾期", "以下填报已逾期，请尽快补报"),
        };
        let named: Vec<&str> = items.iter().take(NAMED).map(|m| m.text.as_str()).collect();
        let rest = items.len().saturating_sub(NAMED);
        let body = format!(
            "{unit_name}{lead}（共 {} 项）：{}{}。",
            items.len(),
            named.join("；"),
            if rest > 0 {
                format!("；另有 {rest} 项")
            } else {
                String::new()
            }
        );
        let tell = Tell {
            kind: "reminder".into(),
            title: title.into(),
            body: body.clone(),
            link: "/calendar".into(),
            unit_id: Some(unit),
            sender_name: "填报日历".into(),
        };
        let mut send = compose(cfg, &tree, &tell, to, now);
        send.once_key = Some(key.clone());
        out.planned.push(Planned {
            unit_id: unit,
            unit_name,
            stage,
            key,
            title: title.into(),
            body,
            items: items.len(),
            recipients: to.len(),
        });
        sends.push(send);
    }
    Ok((out, sends))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_deadline_is_before_then_due_then_late() {
        let dl = Deadline {
            day: date!(2026 - 12 - 07),
            hour: 17,
            moved: false,
        };
        let h24 = Duration::hours(24);
        assert_eq!(stage_of(dl, datetime!(2026-12-06 16:00), h24), None);
        assert_eq!(
            stage_of(dl, datetime!(2026-12-06 17:00), h24),
            Some(Stage::Before)
        );
        assert_eq!(
            stage_of(dl, datetime!(2026-12-07 08:00), h24),
            Some(Stage::Due)
        );
        assert_eq!(
            stage_of(dl, datetime!(2026-12-07 17:00), h24),
            Some(Stage::Late)
        );
        assert_eq!(
            stage_of(dl, datetime!(2026-12-06 20:00), Duration::ZERO),
            None
        );
    }
}
