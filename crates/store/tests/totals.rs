//! The running totals of reports (`report_totals`): status read from them equals status summed from the
//! reports on every day of two years, and every write path keeps them in step. Runs on SQLite and, with
//! `DIAODU_TEST_DB`, on PostgreSQL.

mod common;

use diaodu_domain::access::{Scope, UnitKind};
use diaodu_domain::import::ReportRow;
use diaodu_domain::project::{Category, EnvApproval, ProjectFields, Stage};
use diaodu_domain::status::StatusSettings;
use diaodu_domain::{Period, Yuan};
use diaodu_store::testing::fresh_store;
use diaodu_store::{Actor, ProjectFilter, RawReport, ReportInput, Store, SumsVia};
use time::macros::date;
use time::{Date, Duration};

fn fields(code: &str, stage: Stage, start: Option<Date>) -> ProjectFields {
    ProjectFields {
        code: code.into(),
        name: format!("项目{code}"),
        leader: "王副市长".into(),
        category: Category::Industry,
        stage,
        total_investment: Yuan(1_000_000_000),
        plan_year: 2026,
        annual_plan: Yuan(20_000_000),
        planned_start: Some(date!(2025 - 01 - 05)),
        planned_finish: Some(date!(2027 - 12 - 31)),
        actual_start: start,
        batch: String::new(),
        industry: "装备制造".into(),
        env_approval: EnvApproval::Approved,
        planning_year: None,
        entered_on: None,
    }
}

async fn district(store: &Store) -> (i64, i64) {
    let city = common::unit(store, "C", "云川市", None, UnitKind::City).await;
    let d = common::unit(store, "D1", "东城区", Some(city), UnitKind::District).await;
    (city, d)
}

/// A fresh store with a city, a district and one continuing project started on `start`.
async fn one_project(code: &str, start: Date) -> (Store, i64, i64, diaodu_store::Project) {
    let store = fresh_store().await;
    let (city, d1) = district(&store).await;
    let p = store
        .projects()
        .create(
            &Actor::cli(),
            d1,
            fields(code, Stage::Continuing, Some(start)),
        )
        .await
        .unwrap();
    (store, city, d1, p)
}

/// As [`one_project`], with a second project of the district started the same day.
async fn two_projects(
    a: &str,
    b: &str,
) -> (
    Store,
    i64,
    i64,
    diaodu_store::Project,
    diaodu_store::Project,
) {
    let start = date!(2026 - 01 - 05);
    let (store, city, d1, p) = one_project(a, start).await;
    let q = store
        .projects()
        .create(&Actor::cli(), d1, fields(b, Stage::Continuing, Some(start)))
        .await
        .unwrap();
    (store, city, d1, p, q)
}

/// A small deterministic generator (no dependency for a test's dice).
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn report(pid: i64, period: &str, inv: i64, on_time: bool) -> RawReport {
    RawReport {
        project_id: pid,
        period: Period::parse(period).unwrap(),
        investment: Yuan(inv),
        progress: String::new(),
        problems: String::new(),
        on_time,
        submitted_at: "2026-01-01T00:00:00.000000Z".into(),
    }
}

/// Projects of every kind of start, weekly reports over two years with gaps, zeros and late ones,
/// and a few monthly reports; then status by both ways on every day of 2025 and 2026.
#[tokio::test]
async fn totals_give_the_same_status_as_the_reports_on_every_day() {
    let store = fresh_store().await;
    let city = two_years_of_reports(&store).await;
    assert!(store.reports().check_totals().await.unwrap().is_empty());

    for settings in [
        StatusSettings::default(),
        StatusSettings {
            stall_days: 45,
            ..StatusSettings::default()
        },
    ] {
        let step = if settings.stall_days == 28 { 1 } else { 5 };
        let days = (0..)
            .map(|i| date!(2025 - 01 - 01) + Duration::days(i * step))
            .take_while(|d| *d <= date!(2026 - 12 - 31));
        let stalled_days = statuses_agree_both_ways(&store, city, &settings, days).await;
        assert!(stalled_days > 0, "the data must exercise the stall rule");
    }
}

/// The reporting calendar moves the weeks due: with the week's report due on the Friday after at
/// 17:00 and the 2026 holidays entered, the statuses read from the totals still equal those summed from
/// the reports on every day of 2026, and the reports due are exactly the weeks the calendar says are
/// due.
#[tokio::test]
async fn a_later_deadline_and_the_holidays_give_the_same_status_both_ways() {
    use diaodu_domain::calendar::{parse_year, EXAMPLE_2026};
    let store = fresh_store().await;
    let city = two_years_of_reports(&store).await;
    let a = Actor::cli();
    store
        .reports()
        .set_calendar_year(&a, 2026, &parse_year(2026, EXAMPLE_2026).unwrap())
        .await
        .unwrap();
    store
        .set_setting(&a, "reporting.weekly_due_day", "12")
        .await
        .unwrap();
    store
        .set_setting(&a, "reporting.due_hour", "17")
        .await
        .unwrap();
    let cal = store.reports().calendar().await.unwrap();
    assert_eq!(cal.rules.weekly_day, 12);
    let settings = StatusSettings::default();
    let days: Vec<Date> = (0..)
        .map(|i| date!(2026 - 01 - 01) + Duration::days(i))
        .take_while(|d| *d <= date!(2026 - 12 - 31))
        .collect();
    statuses_agree_both_ways(&store, city, &settings, days.iter().copied()).await;
    // The weeks due, counted week by week from the calendar.
    let tree = store.units().await.unwrap();
    for d in days.iter().step_by(3) {
        let rows = store
            .projects()
            .statuses_via(
                &tree,
                Scope::Subtree(city),
                &ProjectFilter::default(),
                *d,
                &settings,
                SumsVia::Reports,
            )
            .await
            .unwrap();
        for r in rows {
            let f = &r.project.fields;
            if !diaodu_domain::status::stage_reports_weekly(f.stage) {
                continue;
            }
            let Some(start) = f.actual_start else {
                continue;
            };
            let lo = start.max(date!(2026 - 01 - 01));
            let mut n = 0;
            let mut p = Period::week_of(lo);
            while p.last_day().year() <= 2026 && p.last_day() <= *d {
                if p.last_day() >= lo && cal.due_by(p, *d) {
                    n += 1;
                }
                p = Period::week_of(p.last_day() + Duration::days(1));
            }
            assert_eq!(r.status.reports_due, n, "{} as of {d}", f.code);
        }
    }
}

/// The reports of the open days stay out of the totals, wherever the first open day is, and the
/// statuses read from the totals still equal those summed from the reports on the days around it:
/// before, on and after it. Moving the first open day forward adds the days it closes, back takes them
/// out again — within a month, across a year's end and over several years at once; a report filed on
/// an open day leaves the totals as they were.
#[tokio::test]
async fn the_open_days_stay_out_of_the_totals_until_they_close() {
    let store = fresh_store().await;
    let city = two_years_of_reports(&store).await;
    let settings = StatusSettings::default();
    for open in [
        date!(2026 - 03 - 01),
        date!(2026 - 07 - 13), // a Monday in mid-month
        date!(2025 - 12 - 22), // open days in both years: week 52 ends on the 28th
        date!(2025 - 12 - 29), // the Monday of the week that ends in the new year
        date!(2026 - 01 - 01),
        date!(2024 - 06 - 01), // before every report: nothing closed
        date!(2026 - 11 - 18), // a Wednesday
        date!(2027 - 02 - 01), // after every report
        date!(2026 - 03 - 30),
    ] {
        assert!(store.reports().move_open_from(open).await.unwrap());
        assert_eq!(store.reports().open_from().await.unwrap(), Some(open));
        assert!(
            store.reports().check_totals().await.unwrap().is_empty(),
            "open from {open}"
        );
        let days = (-40..=45)
            .step_by(2)
            .map(|k| open + Duration::days(k))
            .filter(|d| d.year() >= 2025 && d.year() <= 2026);
        statuses_agree_both_ways(&store, city, &settings, days).await;
    }
    // The first open day stays put when asked for it again.
    assert!(!store
        .reports()
        .move_open_from(date!(2026 - 03 - 30))
        .await
        .unwrap());

    // Writes while the days from Monday 30 March 2026 are open: a report ending on an open day leaves
    // the totals as they are; one ending on a closed day changes them.
    let pid = store.projects().by_code("T3").await.unwrap().unwrap().id;
    let before = store.reports().totals(pid).await.unwrap();
    let submit = |period: &'static str, inv: i64| submit_as_cli(&store, pid, period, inv);
    submit("2026-W15", 77_000).await; // ends 12 April
    submit("2026-04", 1_000).await;
    submit("2026-W15", 0).await; // an open report's investment taken away
    assert_eq!(store.reports().totals(pid).await.unwrap(), before);
    submit("2026-W12", 5_000).await; // ends 22 March
    submit("2026-W13", 0).await; // ends 29 March
    assert_ne!(store.reports().totals(pid).await.unwrap(), before);
    assert!(store.reports().check_totals().await.unwrap().is_empty());
    let tree = store.units().await.unwrap();
    let row = |n: usize, period: &str, inv: i64| ReportRow {
        row: n,
        project_code: if n < 6 { "T3" } else { "T1" }.into(),
        period: Period::parse(period).unwrap(),
        investment: Yuan(inv),
        progress: String::new(),
        problems: String::new(),
    };
    let rows = vec![
        row(2, "2026-W14", 0),       // ends 5 April: open
        row(3, "2026-W12", 0),       // closed, investment taken away
        row(4, "2026-W16", 3_000),   // open
        row(5, "2026-W10", 9_000),   // closed
        row(6, "2026-W15", 123_000), // open, added to nothing
        row(7, "2026-W16", 45_000),
        row(8, "2026-W11", 6_000), // closed, added in place
    ];
    store
        .reports()
        .import(
            &Actor::cli(),
            &tree,
            Scope::Subtree(city),
            &rows,
            Vec::new(),
            false,
        )
        .await
        .unwrap()
        .unwrap();
    assert!(store.reports().check_totals().await.unwrap().is_empty());
    let days = (0..60).map(|k| date!(2026 - 03 - 01) + Duration::days(k));
    statuses_agree_both_ways(&store, city, &settings, days.clone()).await;
    // April's weeks close: their reports are added in, and the statuses stay as they were.
    assert!(store
        .reports()
        .move_open_from(date!(2026 - 05 - 04))
        .await
        .unwrap());
    assert!(store.reports().check_totals().await.unwrap().is_empty());
    statuses_agree_both_ways(&store, city, &settings, days).await;
    // By itself the first open day only moves forward, to the Monday of last week.
    assert!(store.reports().keep_open_from_current().await.unwrap());
    let monday = store.reports().open_from().await.unwrap().unwrap();
    let today = diaodu_store::today_local();
    assert_eq!(monday.weekday(), time::Weekday::Monday);
    assert!((7..14).contains(&(today - monday).whole_days()));
    assert!(store.reports().check_totals().await.unwrap().is_empty());
    assert!(store
        .reports()
        .move_open_from(date!(2099 - 01 - 01))
        .await
        .unwrap());
    assert!(!store.reports().keep_open_from_current().await.unwrap());
    assert!(store.reports().check_totals().await.unwrap().is_empty());
}

/// Files (or edits) a project's report of `period` through the form's path, as the CLI actor.
async fn submit_as_cli(store: &Store, project_id: i64, period: &str, inv: i64) {
    let input = ReportInput {
        period: Period::parse(period).unwrap(),
        investment: Yuan(inv),
        progress: String::new(),
        problems: String::new(),
    };
    store
        .reports()
        .submit(&Actor::cli(), project_id, &input, false)
        .await
        .unwrap();
}

/// Seven projects of every kind of start in a city's district, with weekly reports over 2025 and
/// 2026 (to week 48) with gaps, zeros and late ones, and a few monthly reports; gives the city.
async fn two_years_of_reports(store: &Store) -> i64 {
    let (city, d1) = district(store).await;
    let a = Actor::cli();
    let starts = [
        (Stage::Continuing, Some(date!(2024 - 11 - 15))),
        (Stage::Continuing, Some(date!(2025 - 06 - 01))),
        (Stage::NewStart, Some(date!(2025 - 12 - 30))),
        (Stage::NewStart, Some(date!(2026 - 03 - 01))),
        (Stage::Halted, Some(date!(2025 - 02 - 01))),
        (Stage::Preparation, None),
        (Stage::Completed, Some(date!(2024 - 01 - 01))),
    ];
    let mut dice = Dice(7);
    let mut raw = Vec::new();
    for (i, (stage, start)) in starts.iter().enumerate() {
        let p = store
            .projects()
            .create(&a, d1, fields(&format!("T{i}"), *stage, *start))
            .await
            .unwrap();
        for year in [2025, 2026] {
            let weeks = if year == 2025 { 52 } else { 48 };
            for w in 1..=weeks {
                // Some weeks unreported, some with nothing invested (the stall rule), some late.
                if dice.below(6) == 0 {
                    continue;
                }
                let inv = if dice.below(4) == 0 {
                    0
                } else {
                    dice.below(500) as i64 * 1_000
                };
                raw.push(report(
                    p.id,
                    &format!("{year}-W{w:02}"),
                    inv,
                    dice.below(5) != 0,
                ));
            }
            for m in [3, 6, 10] {
                raw.push(report(p.id, &format!("{year}-{m:02}"), 7_000, true));
            }
        }
    }
    // A stretch without investment long enough to light 开而未建 in both years.
    raw.retain(|r| {
        !(r.project_id % 2 == 0
            && r.period.last_day() > date!(2025 - 12 - 01)
            && r.period.last_day() < date!(2026 - 02 - 10))
    });
    store.reports().insert_raw(&a, raw).await.unwrap();
    city
}

/// Compares, on each of `days`, the city's statuses read from the running totals with those summed
/// from the reports; gives the number of stalled project-days seen.
async fn statuses_agree_both_ways(
    store: &Store,
    city: i64,
    settings: &StatusSettings,
    days: impl IntoIterator<Item = Date>,
) -> usize {
    let tree = store.units().await.unwrap();
    let filter = ProjectFilter::default();
    let scope = Scope::Subtree(city);
    let mut stalled = 0;
    for d in days {
        let fast = store
            .projects()
            .statuses_via(&tree, scope, &filter, d, settings, SumsVia::Totals)
            .await
            .unwrap();
        let slow = store
            .projects()
            .statuses_via(&tree, scope, &filter, d, settings, SumsVia::Reports)
            .await
            .unwrap();
        assert_eq!(fast.len(), slow.len());
        for (f, s) in fast.iter().zip(&slow) {
            assert_eq!(f.facts, s.facts, "{} as of {d}", f.project.fields.code);
            assert_eq!(f.status.light, s.status.light);
            stalled += usize::from(f.status.stalled);
        }
    }
    stalled
}

/// A week filed before it ends, by hundreds of projects (a Friday of a province): in the second half
/// of the month the month's totals then hold an investment ending after D, and the latest one up to D
/// must be read from the reports — for that many projects PostgreSQL reads the stall window once rather
/// than project by project. Both give the status summed from the reports.
#[tokio::test]
async fn a_week_filed_early_by_many_projects_gives_the_same_status() {
    let store = fresh_store().await;
    let (city, d1) = district(&store).await;
    let a = Actor::cli();
    let mut dice = Dice(11);
    let mut raw = Vec::new();
    for i in 0..240 {
        let p = store
            .projects()
            .create(
                &a,
                d1,
                fields(
                    &format!("E{i:03}"),
                    Stage::Continuing,
                    Some(date!(2026 - 01 - 05)),
                ),
            )
            .await
            .unwrap();
        // Weeks 38 to 48 (the 48th ends on Sunday 29 November), a stretch of weeks without
        // investment before the last one for some, so that the latest investment up to D falls in
        // different weeks or before the stall window.
        let gap = dice.below(6);
        for w in 38..=48u64 {
            let inv = if w < 48 && w + gap >= 48 {
                0
            } else {
                1_000 + dice.below(90) as i64 * 1_000
            };
            raw.push(report(
                p.id,
                &format!("2026-W{w:02}"),
                inv,
                dice.below(5) != 0,
            ));
        }
    }
    store.reports().insert_raw(&a, raw).await.unwrap();
    for settings in [
        StatusSettings::default(),
        StatusSettings {
            stall_days: 14,
            ..StatusSettings::default()
        },
    ] {
        let days = (16..=30).map(|day| date!(2026 - 11 - 01) + Duration::days(day - 1));
        let stalled = statuses_agree_both_ways(&store, city, &settings, days).await;
        assert!(stalled > 0, "the data must exercise the stall rule");
    }
}

/// Form submissions, edits, imports, a moved actual start and removal all leave the totals equal to
/// the totals recomputed from the reports.
#[tokio::test]
async fn every_write_keeps_the_totals_in_step() {
    let (store, city, d1, p) = one_project("W1", date!(2026 - 02 - 01)).await;
    let a = Actor::cli();
    let submit = |period: &'static str, inv: i64| submit_as_cli(&store, p.id, period, inv);
    submit("2026-W10", 30_000).await;
    submit("2025-W50", 10_000).await;
    submit("2026-W10", 0).await; // an edit: investment back to nothing
    submit("2026-04", 5_000).await; // months from March exist: added in place
    assert!(store.reports().check_totals().await.unwrap().is_empty());
    submit("2026-04", 8_000).await; // an edit: the difference added in place
    submit("2026-04", 5_000).await;
    submit("2026-02", 2_000).await; // before the year's first month with a row: rewritten
    submit("2026-02", 0).await;
    let t = store.reports().totals(p.id).await.unwrap();
    // One row for each year with a report, twelve months each; the months before a year's first report
    // (2025 until December) hold nothing.
    assert_eq!(t.len(), 24);
    assert_eq!(t[0].0, "2025-01");
    assert!(t[..11]
        .iter()
        .all(|(_, m)| m.investment == 0 && m.on_time == 0));
    assert_eq!(t[11].1.investment, 10_000);
    let march = &t.iter().find(|(m, _)| m == "2026-03").unwrap().1;
    assert_eq!(march.investment, 0);
    assert_eq!(march.last_investment_end, None);
    assert_eq!(
        t.iter().find(|(m, _)| m == "2026-12").unwrap().1.investment,
        5_000
    );

    let tree = store.units().await.unwrap();
    let rows = vec![
        ReportRow {
            row: 2,
            project_code: "W1".into(),
            period: Period::parse("2026-W11").unwrap(),
            investment: Yuan(40_000),
            progress: String::new(),
            problems: String::new(),
        },
        ReportRow {
            row: 3,
            project_code: "W1".into(),
            period: Period::parse("2026-04").unwrap(),
            investment: Yuan(1_000),
            progress: String::new(),
            problems: String::new(),
        },
    ];
    store
        .reports()
        .import(&a, &tree, Scope::Subtree(city), &rows, Vec::new(), false)
        .await
        .unwrap()
        .unwrap();
    assert!(store.reports().check_totals().await.unwrap().is_empty());
    let dec = store.reports().totals(p.id).await.unwrap();
    assert_eq!(dec.last().unwrap().1.investment, 41_000);

    // Moving the actual start changes which on-time weeks count.
    let raw = (5..=9)
        .map(|w| report(p.id, &format!("2026-W{w:02}"), 1_000, true))
        .collect();
    store.reports().insert_raw(&a, raw).await.unwrap();
    let before = store
        .reports()
        .totals(p.id)
        .await
        .unwrap()
        .last()
        .unwrap()
        .1
        .on_time;
    assert_eq!(before, 5);
    let mut f = store.projects().get(p.id).await.unwrap().unwrap();
    f.fields.actual_start = Some(date!(2026 - 03 - 10));
    store
        .projects()
        .update(&a, p.id, f.version, d1, f.fields)
        .await
        .unwrap();
    assert!(store.reports().check_totals().await.unwrap().is_empty());
    let after = store
        .reports()
        .totals(p.id)
        .await
        .unwrap()
        .last()
        .unwrap()
        .1
        .on_time;
    assert!(
        after < before,
        "W10 ends before the new start: {before} → {after}"
    );

    store.projects().delete_of_unit(d1).await.unwrap();
    assert!(store.reports().totals(p.id).await.unwrap().is_empty());
}

/// An import of reports new to their projects adds them to the totals in place: months before a year's
/// first row, months with rows, a year with rows only from December, several weeks of one project, a
/// project without reports, the current week (on time) of a started and of an unstarted project —
/// while a project with an edited report has its months rewritten. Every project's totals then equal
/// those recomputed from the reports.
#[tokio::test]
async fn imports_add_new_reports_to_the_totals_in_place() {
    let (store, city, d1, a) = one_project("IA", date!(2026 - 03 - 02)).await;
    let actor = Actor::cli();
    let b = store
        .projects()
        .create(&actor, d1, fields("IB", Stage::Preparation, None))
        .await
        .unwrap();
    let c = store
        .projects()
        .create(
            &actor,
            d1,
            fields("IC", Stage::Continuing, Some(date!(2026 - 01 - 05))),
        )
        .await
        .unwrap();
    let raw = vec![
        report(a.id, "2025-W50", 7_000, true),
        report(a.id, "2026-W20", 1_000, true),
        report(a.id, "2026-W21", 2_000, false),
        report(a.id, "2026-06", 4_000, true),
        report(c.id, "2026-W20", 3_000, true),
    ];
    store.reports().insert_raw(&actor, raw).await.unwrap();
    let this_week = Period::week_of(diaodu_store::today_local());
    let row = |n: usize, code: &str, period: Period, inv: i64| ReportRow {
        row: n,
        project_code: code.into(),
        period,
        investment: Yuan(inv),
        progress: "主体施工".into(),
        problems: String::new(),
    };
    let p = |s: &str| Period::parse(s).unwrap();
    let rows = vec![
        row(2, "IA", p("2026-W05"), 500),
        row(3, "IA", p("2026-W30"), 600),
        row(4, "IA", p("2025-W10"), 700),
        row(5, "IA", this_week, 800),
        row(6, "IB", this_week, 900),
        row(7, "IB", this_week.prev().prev(), 0),
        row(8, "IB", p("2026-10"), 1_100),
        row(9, "IC", p("2026-W20"), 3_500),
        row(10, "IC", p("2026-W22"), 100),
    ];
    let tree = store.units().await.unwrap();
    let n = store
        .reports()
        .import(
            &actor,
            &tree,
            Scope::Subtree(city),
            &rows,
            Vec::new(),
            false,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n, 9);
    assert!(store.reports().check_totals().await.unwrap().is_empty());
    // A's 2026: from February (the imported week 5) on; December holds every 2026 report of A.
    let ta = store.reports().totals(a.id).await.unwrap();
    let months: Vec<&str> = ta.iter().map(|(m, _)| m.as_str()).collect();
    assert!(months.contains(&"2025-03") && months.contains(&"2026-02"));
    let at = |m: &str| ta.iter().find(|(k, _)| k == m).unwrap().1;
    // 2025 starts at the imported week 10 (March); 2026's February holds the imported week 5 alone.
    assert_eq!(at("2025-02").investment, 0);
    assert_eq!(at("2025-03").investment, 700);
    assert_eq!(at("2026-01").investment, 0);
    assert_eq!(at("2026-02").investment, 500);
    let dec = |t: &[(String, diaodu_domain::totals::MonthTotal)], y: i32| {
        t.iter().find(|(m, _)| *m == format!("{y}-12")).unwrap().1
    };
    let year = this_week.last_day().year();
    // This week is in the open month, whose reports the totals do not hold yet.
    let open = store
        .reports()
        .open_from()
        .await
        .unwrap()
        .expect("set at connection");
    assert!(this_week.last_day() >= open);
    if year == 2026 {
        assert_eq!(dec(&ta, 2026).investment, 1_000 + 2_000 + 4_000 + 500 + 600);
    }
    assert_eq!(dec(&ta, 2025).investment, 7_000 + 700);
    // C's edited week and its new one.
    let tc = store.reports().totals(c.id).await.unwrap();
    assert_eq!(dec(&tc, 2026).investment, 3_500 + 100);
    // Importing the same file again repeats what was filed: nothing is written or recorded, though
    // every row is accepted.
    let (audit0, reports_a) = (
        store.audit().count().await.unwrap(),
        store.reports().list(a.id).await.unwrap(),
    );
    let n = store
        .reports()
        .import(
            &actor,
            &tree,
            Scope::Subtree(city),
            &rows,
            Vec::new(),
            false,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n, rows.len());
    assert_eq!(store.audit().count().await.unwrap(), audit0);
    assert_eq!(store.reports().list(a.id).await.unwrap(), reports_a);
    assert!(store.reports().check_totals().await.unwrap().is_empty());
    assert_eq!(store.reports().totals(a.id).await.unwrap(), ta);
    assert!(!store.reports().totals(b.id).await.unwrap().is_empty());
    // Codes no project can have — quotes, backslashes, braces, commas, Chinese — are looked up as
    // text and reported missing, row by row; nothing is written.
    let odd = ["I\"A", "IA\\", "{IA}", "IA,IB", "项目IA", "NULL"];
    let rows: Vec<ReportRow> = odd
        .iter()
        .enumerate()
        .map(|(i, c)| row(i + 2, c, this_week, 1))
        .collect();
    let errors = store
        .reports()
        .import(
            &actor,
            &tree,
            Scope::Subtree(city),
            &rows,
            Vec::new(),
            false,
        )
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(errors.len(), odd.len());
    for (e, c) in errors.iter().zip(odd) {
        assert!(e.message.contains(c), "{e:?}");
    }
    assert!(store.reports().check_totals().await.unwrap().is_empty());
    // A dry run checks and writes everything, then takes it back: the count, and nothing changed.
    let before = (
        store.reports().count().await.unwrap(),
        store.audit().count().await.unwrap(),
        store.reports().totals(b.id).await.unwrap(),
    );
    let rows = vec![
        row(2, "IB", p("2026-W05"), 123),
        row(3, "IC", p("2026-W20"), 77), // an edit
    ];
    let n = store
        .reports()
        .import_dry_run(
            &actor,
            &tree,
            Scope::Subtree(city),
            &rows,
            Vec::new(),
            false,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n, 2);
    let after = (
        store.reports().count().await.unwrap(),
        store.audit().count().await.unwrap(),
        store.reports().totals(b.id).await.unwrap(),
    );
    assert_eq!(before, after);
    assert!(store.reports().check_totals().await.unwrap().is_empty());
    // Once the month closes, its reports are added in.
    let next_year = Date::from_calendar_date(year + 1, time::Month::January, 1).unwrap();
    assert!(store.reports().move_open_from(next_year).await.unwrap());
    assert!(store.reports().check_totals().await.unwrap().is_empty());
    let ta = store.reports().totals(a.id).await.unwrap();
    if year == 2026 {
        assert_eq!(
            dec(&ta, 2026).investment,
            1_000 + 2_000 + 4_000 + 500 + 600 + 800
        );
    }
}

/// A name holding a packing separator (written behind the store's back: forms and imports refuse
/// control characters) still gives the right status, by the reference way.
#[tokio::test]
async fn a_separator_in_a_name_falls_back_to_the_reference() {
    let (store, city, d1, p) = one_project("S1", date!(2026 - 01 - 05)).await;
    let a = Actor::cli();
    store
        .reports()
        .insert_raw(&a, vec![report(p.id, "2026-W03", 50_000, true)])
        .await
        .unwrap();
    sqlx::query("UPDATE projects SET name = $1 WHERE id = $2")
        .bind("坏\u{1f}名\u{1e}字")
        .bind(p.id)
        .execute(store.pool())
        .await
        .unwrap();
    let tree = store.units().await.unwrap();
    let rows = store
        .projects()
        .statuses(
            &tree,
            Scope::Subtree(city),
            &ProjectFilter::default(),
            date!(2026 - 02 - 01),
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].project.fields.name, "坏\u{1f}名\u{1e}字");
    assert_eq!(rows[0].status.ytd_investment, Yuan(50_000));
    let mut f = fields("S2", Stage::Continuing, None);
    f.name = "坏\u{1f}".into();
    assert!(store.projects().create(&a, d1, f).await.is_err());
}

/// Statuses are reused between requests until the data changes — by this process or another.
#[tokio::test]
async fn reused_statuses_follow_every_change() {
    let (store, city, _, p) = one_project("R1", date!(2026 - 01 - 05)).await;
    let a = Actor::cli();
    let tree = store.units().await.unwrap();
    let d = date!(2026 - 03 - 01);
    let ytd = |s: Store| {
        let tree = tree.clone();
        async move {
            s.projects()
                .statuses(&tree, Scope::Subtree(city), &ProjectFilter::default(), d)
                .await
                .unwrap()[0]
                .status
                .ytd_investment
        }
    };
    assert_eq!(ytd(store.clone()).await, Yuan(0));
    // A write through this handle.
    store
        .reports()
        .insert_raw(&a, vec![report(p.id, "2026-W05", 10_000, true)])
        .await
        .unwrap();
    assert_eq!(ytd(store.clone()).await, Yuan(10_000));
    // A write by another handle (another process): seen through the data version.
    let other = store.connect_again().await.unwrap();
    other
        .reports()
        .submit(
            &a,
            p.id,
            &ReportInput {
                period: Period::parse("2026-W06").unwrap(),
                investment: Yuan(5_000),
                progress: String::new(),
                problems: String::new(),
            },
            false,
        )
        .await
        .unwrap();
    assert_eq!(ytd(store.clone()).await, Yuan(15_000));
    // Filters apply to the reused set.
    let red = ProjectFilter {
        q: Some("r1".into()),
        ..ProjectFilter::default()
    };
    let rows = store
        .projects()
        .statuses(&tree, Scope::Subtree(city), &red, d)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "code matched whatever its case");
}

/// A report submitted through this handle patches the reused statuses in its project alone; any other
/// write in between — by another handle, or one that names no projects — makes them computed afresh.
#[tokio::test]
async fn submissions_patch_the_reused_statuses_in_their_project() {
    let (store, city, d1, p, q) = two_projects("P1", "P2").await;
    let a = Actor::cli();
    let tree = store.units().await.unwrap();
    let d = date!(2026 - 03 - 01);
    let ytd = |s: Store| {
        let tree = tree.clone();
        async move {
            s.projects()
                .statuses(&tree, Scope::Subtree(city), &ProjectFilter::default(), d)
                .await
                .unwrap()
                .iter()
                .map(|r| (r.project.fields.code.clone(), r.status.ytd_investment.0))
                .collect::<Vec<_>>()
        }
    };
    let submit = |s: Store, pid: i64, w: &'static str, inv: i64| async move {
        s.reports()
            .submit(
                &Actor::cli(),
                pid,
                &ReportInput {
                    period: Period::parse(w).unwrap(),
                    investment: Yuan(inv),
                    progress: String::new(),
                    problems: String::new(),
                },
                false,
            )
            .await
            .unwrap();
    };
    let weeks = vec!["2026-W05".to_string(), "2026-W06".to_string()];
    let ids = [p.id, q.id];
    let reported = |s: Store| {
        let tree = tree.clone();
        let weeks = weeks.clone();
        async move {
            let mut v: Vec<(i64, String)> = s
                .reports()
                .reported_in_scope(&tree, Scope::Subtree(city), &ids, &weeks)
                .await
                .unwrap()
                .iter()
                .cloned()
                .collect();
            v.sort();
            v
        }
    };
    assert_eq!(
        ytd(store.clone()).await,
        [("P1".into(), 0), ("P2".into(), 0)]
    );
    assert!(reported(store.clone()).await.is_empty());
    // P2's running totals changed behind the store's back (no audit record, no commit counted): a
    // status computed afresh would show it, a patched one does not.
    let behind = |n: i64| {
        sqlx::query("UPDATE report_year_totals SET inv_2 = inv_2 + $1 WHERE project_id = $2")
            .bind(n)
            .bind(q.id)
            .execute(store.pool())
    };
    submit(store.clone(), q.id, "2026-W05", 1_000).await;
    assert_eq!(
        ytd(store.clone()).await,
        [("P1".into(), 0), ("P2".into(), 1_000)]
    );
    behind(7).await.unwrap();
    submit(store.clone(), p.id, "2026-W05", 10_000).await;
    submit(store.clone(), p.id, "2026-W06", 20_000).await;
    assert_eq!(
        ytd(store.clone()).await,
        [("P1".into(), 30_000), ("P2".into(), 1_000)],
        "P1 recomputed, P2 kept from the reused set"
    );
    // One project (a project page) is taken from the reused set while it is current.
    let one = |pid: i64| {
        let store = store.clone();
        let tree = tree.clone();
        async move {
            let filter = ProjectFilter {
                project_id: Some(pid),
                ..ProjectFilter::default()
            };
            let rows = store
                .projects()
                .statuses(&tree, Scope::Subtree(city), &filter, d)
                .await
                .unwrap();
            assert_eq!(rows.len(), 1);
            rows[0].status.ytd_investment.0
        }
    };
    assert_eq!((one(p.id).await, one(q.id).await), (30_000, 1_000));
    assert_eq!(
        reported(store.clone()).await,
        [
            (p.id, "2026-W05".into()),
            (p.id, "2026-W06".into()),
            (q.id, "2026-W05".into())
        ]
    );
    // An edit patches too.
    submit(store.clone(), p.id, "2026-W06", 5_000).await;
    assert_eq!(
        ytd(store.clone()).await,
        [("P1".into(), 15_000), ("P2".into(), 1_000)]
    );
    // Another handle's (another instance's) submission: found in the shared log of changes and
    // patched in P2 alone — P1's totals changed behind both handles' backs stay unseen.
    let behind_p1 = |n: i64| {
        sqlx::query("UPDATE report_year_totals SET inv_2 = inv_2 + $1 WHERE project_id = $2")
            .bind(n)
            .bind(p.id)
            .execute(store.pool())
    };
    behind_p1(50).await.unwrap();
    let other = store.connect_again().await.unwrap();
    submit(other.clone(), q.id, "2026-W06", 2_000).await;
    assert_eq!(
        ytd(store.clone()).await,
        [("P1".into(), 15_000), ("P2".into(), 3_007)],
        "patched in P2 from the other instance's change"
    );
    assert_eq!(one(q.id).await, 3_007);
    submit(store.clone(), p.id, "2026-W07", 1).await;
    assert_eq!(
        ytd(store.clone()).await,
        [("P1".into(), 15_051), ("P2".into(), 3_007)]
    );
    assert_eq!(reported(store.clone()).await.len(), 4);
    // And the other way round: the other instance's reused statuses patched from this one's.
    let _ = ytd(other.clone()).await;
    submit(store.clone(), q.id, "2026-W07", 3).await;
    assert_eq!(
        ytd(other.clone()).await,
        [("P1".into(), 15_051), ("P2".into(), 3_010)]
    );
    // A write that names no reports (a new project): computed afresh as well.
    behind(100).await.unwrap();
    store
        .projects()
        .create(&a, d1, fields("P3", Stage::Preparation, None))
        .await
        .unwrap();
    submit(store.clone(), p.id, "2026-W08", 1).await;
    assert_eq!(
        ytd(store.clone()).await,
        [
            ("P1".into(), 15_052),
            ("P2".into(), 3_110),
            ("P3".into(), 0)
        ]
    );
}

/// The check behind `diaodu status --check-totals` finds a stored row that no longer matches the
/// reports, and a row left for a project without reports; the rebuild puts both right.
#[tokio::test]
async fn the_check_finds_rows_out_of_step_and_the_rebuild_mends_them() {
    let (store, _, _, p, q) = two_projects("K1", "K2").await;
    let a = Actor::cli();
    for w in ["2026-W03", "2026-W10"] {
        store
            .reports()
            .submit(
                &a,
                p.id,
                &ReportInput {
                    period: Period::parse(w).unwrap(),
                    investment: Yuan(50_000),
                    progress: String::new(),
                    problems: String::new(),
                },
                false,
            )
            .await
            .unwrap();
    }
    assert!(store.reports().check_totals().await.unwrap().is_empty());
    sqlx::query(
        "UPDATE report_year_totals SET inv_5 = inv_5 + 1 WHERE project_id = $1 AND year = 2026",
    )
    .bind(p.id)
    .execute(store.pool())
    .await
    .unwrap();
    sqlx::query("INSERT INTO report_year_totals (project_id, year, inv_12) VALUES ($1, 2026, 1)")
        .bind(q.id)
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(
        store.reports().check_totals().await.unwrap(),
        vec![p.id, q.id]
    );
    assert_eq!(store.reports().rebuild_totals().await.unwrap(), 1);
    assert!(store.reports().check_totals().await.unwrap().is_empty());
}

/// A week's import naming more projects than the store probes one by one: the reports already filed
/// for the week are found all the same and edited in place (with their audit's before), the rest are
/// added, and a month of the same projects filed earlier is left alone.
#[tokio::test]
async fn a_large_weekly_import_edits_what_was_filed_and_adds_the_rest() {
    let store = fresh_store().await;
    let (city, _) = district(&store).await;
    let actor = Actor::cli();
    let n = 1_200;
    let projects: Vec<diaodu_domain::import::ProjectRow> = (0..n)
        .map(|i| diaodu_domain::import::ProjectRow {
            row: i + 2,
            unit: "D1".into(),
            fields: fields(
                &format!("WK{i:04}"),
                Stage::Continuing,
                Some(date!(2025 - 01 - 06)),
            ),
        })
        .collect();
    store
        .projects()
        .import(&actor, &projects, Vec::new())
        .await
        .unwrap()
        .unwrap();
    let ids = store.projects().ids().await.unwrap();
    let week = Period::week_of(diaodu_store::today_local()).prev();
    let month = Period::parse("2025-06").unwrap();
    // Every third project has filed the week already, every fifth a month.
    let mut raw = Vec::new();
    for i in 0..n {
        let pid = ids[&format!("WK{i:04}")];
        if i % 3 == 0 {
            // Filed late by every other one of them: an edit keeps how the report was first filed.
            let mut r = report(pid, &week.to_string(), 1_000, i % 2 == 0);
            if i == 3 {
                // A stored text holding the packed reads' field separator (as written before input
                // refused control characters): the import reads that week row by row instead.
                r.progress = "旧\u{1f}进度".into();
            }
            raw.push(r);
        }
        if i % 5 == 0 {
            raw.push(report(pid, &month.to_string(), 9_000, true));
        }
    }
    store.reports().insert_raw(&actor, raw).await.unwrap();
    let (reports0, audit0) = (
        store.reports().count().await.unwrap(),
        store.audit().count().await.unwrap(),
    );
    let rows: Vec<ReportRow> = (0..n)
        .map(|i| ReportRow {
            row: i + 2,
            project_code: format!("WK{i:04}"),
            period: week,
            investment: Yuan(2_000 + i as i64),
            progress: "主体施工".into(),
            problems: String::new(),
        })
        .collect();
    let tree = store.units().await.unwrap();
    let done = store
        .reports()
        .import(
            &actor,
            &tree,
            Scope::Subtree(city),
            &rows,
            Vec::new(),
            false,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done, n);
    // 400 edits, 800 new reports; one audit record per row.
    assert_eq!(
        store.reports().count().await.unwrap(),
        reports0 + (n - n.div_ceil(3)) as i64
    );
    assert_eq!(store.audit().count().await.unwrap(), audit0 + n as i64);
    let updates = store
        .audit()
        .list(&diaodu_store::AuditFilter {
            action: Some("update".into()),
            entity: Some("report".into()),
            limit: 10_000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(updates.len(), n.div_ceil(3));
    let edited = updates
        .iter()
        .find(|r| r.entity_id == format!("WK0003/{week}"))
        .expect("WK0003's edit is audited");
    let before = edited
        .before
        .as_ref()
        .expect("an edit keeps what was there");
    assert_eq!(before["investment_wan"], Yuan(1_000).wan_text().as_str());
    assert_eq!(before["progress"], "旧\u{1f}进度");
    // Every project's week holds the imported figure, edited or new; the month is untouched. An
    // edited report keeps when it was first filed and whether that was on time (PostgreSQL replaces
    // the row: see `emit_updates`).
    for i in [0, 1, 3, 5, 1_199] {
        let reps = store
            .reports()
            .list(ids[&format!("WK{i:04}")])
            .await
            .unwrap();
        let w = reps.iter().find(|r| r.period == week.to_string()).unwrap();
        assert_eq!(w.investment, Yuan(2_000 + i as i64), "WK{i:04}");
        assert_eq!(w.progress, "主体施工", "WK{i:04}");
        if i % 3 == 0 {
            assert_eq!(w.created_at, "2026-01-01T00:00:00.000000Z", "WK{i:04}");
            assert_eq!(w.on_time, i % 2 == 0, "WK{i:04}");
            assert_ne!(w.updated_at, w.created_at, "WK{i:04}");
        }
        let m = reps.iter().find(|r| r.period == month.to_string());
        assert_eq!(m.map(|m| m.investment), (i % 5 == 0).then_some(Yuan(9_000)));
    }
    assert!(store.reports().check_totals().await.unwrap().is_empty());
    // The same week corrected twice: every row an edit. Edits add their difference to the running
    // totals, except those that take a report's investment away (the latest investment date may move
    // back: rewritten from the reports); then the zeros are given back.
    let corrected = |f: fn(usize) -> i64| -> Vec<ReportRow> {
        rows.iter()
            .enumerate()
            .map(|(i, r)| ReportRow {
                investment: Yuan(f(i)),
                ..r.clone()
            })
            .collect()
    };
    for file in [
        corrected(|i| match i % 4 {
            0 => 0,
            1 => 500,
            _ => 2_001 + i as i64,
        }),
        corrected(|i| 700 + i as i64),
    ] {
        let audit1 = store.audit().count().await.unwrap();
        store
            .reports()
            .import(
                &actor,
                &tree,
                Scope::Subtree(city),
                &file,
                Vec::new(),
                false,
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(store.audit().count().await.unwrap(), audit1 + n as i64);
        assert!(store.reports().check_totals().await.unwrap().is_empty());
        let reps = store.reports().list(ids["WK0004"]).await.unwrap();
        let w = reps.iter().find(|r| r.period == week.to_string()).unwrap();
        assert_eq!(w.investment, file[4].investment);
    }
    assert_eq!(
        store.reports().count().await.unwrap(),
        reports0 + (n - n.div_ceil(3)) as i64
    );
}

/// A page of the project list, as of days never computed, is the same page the whole list gives —
/// counted and ordered by code, with the same statuses — whatever the filter, and a narrower list
/// than the scope gives the same rows as the whole list filtered.
#[tokio::test]
async fn a_page_of_the_list_is_the_same_page_of_the_whole_list() {
    let store = fresh_store().await;
    let (city, d1) = district(&store).await;
    let d2 = common::unit(&store, "D2", "西城区", Some(city), UnitKind::District).await;
    let actor = Actor::cli();
    let mut dice = Dice(7);
    let mut ids = Vec::new();
    // Codes out of insertion order, two districts, started and not.
    for i in 0..37 {
        let code = format!("P{:03}", (i * 17) % 37);
        let stage = if i % 4 == 0 {
            Stage::Preparation
        } else {
            Stage::Continuing
        };
        let start = (stage == Stage::Continuing).then_some(date!(2026 - 02 - 02));
        let mut f = fields(&code, stage, start);
        if i % 3 == 0 {
            f.name = format!("道路{code}");
        }
        let unit = if i % 2 == 0 { d1 } else { d2 };
        let p = store.projects().create(&actor, unit, f).await.unwrap();
        ids.push(p.id);
    }
    let mut raw = Vec::new();
    for &pid in &ids {
        for w in 6..40 {
            if dice.below(3) > 0 {
                let inv = (dice.below(5) as i64) * 100_000;
                raw.push(report(
                    pid,
                    &format!("2026-W{w:02}"),
                    inv,
                    dice.below(4) > 0,
                ));
            }
        }
    }
    store.reports().insert_raw(&actor, raw).await.unwrap();
    let tree = store.units().await.unwrap();
    let filters = [
        ProjectFilter::default(),
        ProjectFilter {
            unit_id: Some(d2),
            ..Default::default()
        },
        ProjectFilter {
            stage: Some(Stage::Continuing),
            q: Some("道路".into()),
            ..Default::default()
        },
        ProjectFilter {
            light: Some(diaodu_domain::status::Light::Red),
            ..Default::default()
        },
        // Words of the names in another case, with a unit: read by the database, matched by
        // the same test as the whole list's.
        ProjectFilter {
            unit_id: Some(d1),
            q: Some(" 路p0".into()),
            ..Default::default()
        },
    ];
    for (k, d) in [
        date!(2026 - 05 - 20),
        date!(2026 - 08 - 31),
        date!(2026 - 09 - 15),
        date!(2026 - 10 - 12),
        date!(2026 - 07 - 01),
    ]
    .into_iter()
    .enumerate()
    {
        let filter = &filters[k % filters.len()];
        // Pages first, while nothing is computed for the day; then the whole list.
        let mut pages = Vec::new();
        for (offset, limit) in [(0, 10), (10, 10), (30, 10), (40, 5)] {
            pages.push(
                store
                    .projects()
                    .status_page(&tree, Scope::Subtree(city), filter, d, offset, limit)
                    .await
                    .unwrap(),
            );
        }
        let narrow = store
            .projects()
            .statuses(&tree, Scope::Subtree(city), filter, d)
            .await
            .unwrap();
        let whole = store
            .projects()
            .statuses(&tree, Scope::Subtree(city), &ProjectFilter::default(), d)
            .await
            .unwrap();
        assert_eq!(whole.len(), 37);
        let expected: Vec<_> = whole
            .iter()
            .filter(|r| filter.unit_id.is_none_or(|u| r.project.unit_id == u))
            .filter(|r| filter.stage.is_none_or(|s| r.project.fields.stage == s))
            .filter(|r| filter.light.is_none_or(|l| r.status.light == l))
            .filter(|r| {
                filter.q.as_deref().map(str::trim).is_none_or(|q| {
                    let q = q.to_lowercase();
                    r.project.fields.name.to_lowercase().contains(&q)
                        || r.project.fields.code.to_lowercase().contains(&q)
                })
            })
            .collect();
        let key = |r: &diaodu_store::ProjectStatusRow| {
            (
                r.project.id,
                r.project.fields.code.clone(),
                format!("{:?}", r.status),
            )
        };
        assert_eq!(
            narrow.iter().map(key).collect::<Vec<_>>(),
            expected.iter().map(|r| key(r)).collect::<Vec<_>>(),
            "{d}: the narrower list"
        );
        for ((total, rows), (offset, limit)) in
            pages.iter().zip([(0, 10), (10, 10), (30, 10), (40, 5)])
        {
            assert_eq!(*total, expected.len(), "{d}");
            let want: Vec<_> = expected
                .iter()
                .skip(offset)
                .take(limit)
                .map(|r| key(r))
                .collect();
            assert_eq!(
                rows.iter().map(key).collect::<Vec<_>>(),
                want,
                "{d} page at {offset}"
            );
        }
    }
}

/// A value derived apart from reports (the cockpit's tasks and notices) is reused while only
/// reports arrive — this handle's or another instance's — and derived again after any other write.
#[tokio::test]
async fn a_value_apart_from_reports_is_reused_across_reports_only() {
    let (store, _city, d1, p, _q) = two_projects("P1", "P2").await;
    let derivations = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let get = |s: Store| {
        let n = derivations.clone();
        async move {
            s.derive_apart_from_reports("apart-test", || async {
                Ok::<_, diaodu_store::StoreError>(
                    n.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1,
                )
            })
            .await
            .unwrap()
        }
    };
    let submit = |s: Store, w: &'static str, inv: i64| async move {
        s.reports()
            .submit(
                &Actor::cli(),
                p.id,
                &ReportInput {
                    period: Period::parse(w).unwrap(),
                    investment: Yuan(inv),
                    progress: String::new(),
                    problems: String::new(),
                },
                false,
            )
            .await
            .unwrap();
    };
    assert_eq!(*get(store.clone()).await, 1);
    submit(store.clone(), "2026-W05", 1_000).await;
    assert_eq!(
        *get(store.clone()).await,
        1,
        "reused across this handle's report"
    );
    let other = store.connect_again().await.unwrap();
    submit(other.clone(), "2026-W06", 2_000).await;
    assert_eq!(
        *get(store.clone()).await,
        1,
        "reused across another instance's report"
    );
    // A write of another kind: a new project.
    store
        .projects()
        .create(&Actor::cli(), d1, fields("P3", Stage::Reserve, None))
        .await
        .unwrap();
    assert_eq!(
        *get(store.clone()).await,
        2,
        "derived again after another write"
    );
}
