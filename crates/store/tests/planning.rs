//! Project planning (策划包装): quotas set and imported, progress counted by the day of entry and the
//! stage on the day asked, investment plans followed. Run on SQLite by default and on PostgreSQL when
//! `DIAODU_TEST_DB` names a server; the numbers are computed by hand in the comments.

mod common;

use diaodu_domain::access::{Scope, UnitKind};
use diaodu_domain::import::QuotaRow;
use diaodu_domain::planning::{PlanTarget, Quota};
use diaodu_domain::project::{Category, EnvApproval, ProjectFields, Stage};
use diaodu_domain::Yuan;
use diaodu_store::testing::fresh_store;
use diaodu_store::{Actor, Store, StoreError};
use time::macros::date;
use time::{Date, Duration};

const WAN: i64 = 10_000;

fn project(
    code: &str,
    wan: i64,
    stage: Stage,
    py: Option<i32>,
    entered: Option<Date>,
) -> ProjectFields {
    let started = stage.requires_actual_start();
    ProjectFields {
        code: code.into(),
        name: format!("策划项目{code}"),
        leader: String::new(),
        category: Category::Industry,
        stage,
        total_investment: Yuan(wan * WAN),
        plan_year: 2026,
        annual_plan: Yuan(0),
        planned_start: None,
        planned_finish: None,
        actual_start: started.then_some(date!(2026 - 05 - 01)),
        batch: String::new(),
        industry: String::new(),
        env_approval: EnvApproval::Approved,
        planning_year: py,
        entered_on: entered,
    }
}

fn quota(projects: i64, wan: i64, big: i64) -> Quota {
    Quota {
        projects,
        investment: Yuan(wan * WAN),
        big_projects: big,
    }
}

struct City {
    store: Store,
    city: i64,
    d1: i64,
    d2: i64,
    t1: i64,
}

/// A city with two districts and a town under the first; quotas for 2026: 东城区 3 projects, 250,000
/// 万元, 1 big; 西城区 2, 50,000 万元, none big; 城关镇 1. Six projects, four of them planned in 2026.
async fn city() -> City {
    let store = fresh_store().await;
    let a = Actor::cli();
    let city = common::unit(&store, "C", "云川市", None, UnitKind::City).await;
    let d1 = common::unit(&store, "D1", "东城区", Some(city), UnitKind::District).await;
    let d2 = common::unit(&store, "D2", "西城区", Some(city), UnitKind::District).await;
    let t1 = common::unit(&store, "T1", "城关镇", Some(d1), UnitKind::Department).await;
    let tree = store.units().await.unwrap();
    let pl = store.planning();
    pl.set_quota(&a, &tree, d1, 2026, quota(3, 250_000, 1))
        .await
        .unwrap();
    pl.set_quota(&a, &tree, d2, 2026, quota(2, 50_000, 0))
        .await
        .unwrap();
    pl.set_quota(&a, &tree, t1, 2026, quota(1, 0, 0))
        .await
        .unwrap();
    let ps = store.projects();
    for (unit, f) in [
        (
            d1,
            project(
                "P1",
                120_000,
                Stage::Reserve,
                Some(2026),
                Some(date!(2026 - 02 - 01)),
            ),
        ),
        (
            t1,
            project(
                "P2",
                30_000,
                Stage::Preparation,
                Some(2026),
                Some(date!(2026 - 03 - 15)),
            ),
        ),
        (
            d2,
            project(
                "P3",
                20_000,
                Stage::Reserve,
                Some(2026),
                Some(date!(2026 - 04 - 01)),
            ),
        ),
        (
            d2,
            project(
                "P4",
                10_000,
                Stage::Reserve,
                Some(2025),
                Some(date!(2025 - 06 - 01)),
            ),
        ),
        (
            d1,
            project(
                "P5",
                80_000,
                Stage::Continuing,
                None,
                Some(date!(2024 - 01 - 01)),
            ),
        ),
        (d2, project("P6", 5_000, Stage::Reserve, Some(2026), None)),
    ] {
        ps.create(&a, unit, f).await.unwrap();
    }
    City {
        store,
        city,
        d1,
        d2,
        t1,
    }
}

#[tokio::test]
async fn progress_counts_what_had_entered_and_the_stage_it_was_on() {
    let c = city().await;
    let a = Actor::cli();
    let today = diaodu_store::today_local();
    let yesterday = today - Duration::days(1);
    // P3 leaves 储备 today.
    let p3 = c.store.projects().by_code("P3").await.unwrap().unwrap();
    let mut f = p3.fields.clone();
    f.stage = Stage::Preparation;
    c.store
        .projects()
        .update(&a, p3.id, p3.version, p3.unit_id, f)
        .await
        .unwrap();
    // P6 entered today (left blank, the day it was saved).
    let p6 = c.store.projects().by_code("P6").await.unwrap().unwrap();
    assert_eq!(p6.fields.entered_on, Some(today));

    let tree = c.store.units().await.unwrap();
    let pr = c
        .store
        .planning()
        .progress(&tree, c.city, 2026, yesterday)
        .await
        .unwrap();
    let row = |u: i64| *pr.units.iter().find(|r| r.unit_id == u).unwrap();
    // 东城区: P1 and the town's P2 → 2 of 3 = 66.7 %; 150,000 of 250,000 万元 = 60.0 %; P1 is big
    // (120,000 ≥ 100,000) → 1 of 1 = 100.0 %; P2 in 前期 converted → 1 of 2 = 50.0 %.
    let d1 = row(c.d1);
    assert_eq!(
        (
            d1.tally.planned,
            d1.tally.investment,
            d1.tally.big,
            d1.tally.converted
        ),
        (2, Yuan(150_000 * WAN), 1, 1)
    );
    assert_eq!(
        (
            d1.projects_pct,
            d1.investment_pct,
            d1.big_pct,
            d1.converted_pct
        ),
        (Some(667), Some(600), Some(1000), Some(500))
    );
    // 西城区 yesterday: P3 only (P6 entered today; P4 is 2025's), still 储备 → 1 of 2 = 50.0 %,
    // 20,000 of 50,000 = 40.0 %, none converted; no big quota → none.
    let d2 = row(c.d2);
    assert_eq!((d2.tally.planned, d2.tally.converted), (1, 0));
    assert_eq!(
        (d2.projects_pct, d2.investment_pct, d2.big_pct),
        (Some(500), Some(400), None)
    );
    // 城关镇: P2 → 1 of 1.
    assert_eq!(row(c.t1).projects_pct, Some(1000));
    assert_eq!(
        pr.units
            .iter()
            .map(|r| (r.unit_id, r.rank))
            .collect::<Vec<_>>(),
        vec![(c.t1, Some(1)), (c.d1, Some(2)), (c.d2, Some(3))]
    );
    // The city: 3 planned against 3 + 2 (the town's quota is inside 东城区's).
    assert_eq!(pr.total.tally.planned, 3);
    assert_eq!(pr.total.quota.projects, 5);
    assert_eq!(pr.total.projects_pct, Some(600));

    // Today: 西城区 has P3 (now 前期) and P6 → 2 of 2, 25,000 of 50,000 = 50.0 %, 1 converted;
    // it ties the town at 100 % and both rank first.
    let pr = c
        .store
        .planning()
        .progress(&tree, c.city, 2026, today)
        .await
        .unwrap();
    let d2 = *pr.units.iter().find(|r| r.unit_id == c.d2).unwrap();
    assert_eq!(
        (
            d2.tally.planned,
            d2.tally.converted,
            d2.projects_pct,
            d2.investment_pct
        ),
        (2, 1, Some(1000), Some(500))
    );
    let ranks: Vec<_> = pr.units.iter().map(|r| (r.unit_id, r.rank)).collect();
    assert!(ranks.contains(&(c.d2, Some(1))) && ranks.contains(&(c.t1, Some(1))));
    assert!(ranks.contains(&(c.d1, Some(3))));

    // A district's view holds its own subtree only, ranked within it.
    let pr = c
        .store
        .planning()
        .progress(&tree, c.d1, 2026, today)
        .await
        .unwrap();
    assert_eq!(
        pr.units.iter().map(|r| r.unit_id).collect::<Vec<_>>(),
        vec![c.t1, c.d1]
    );
    assert_eq!(pr.total.tally.planned, 2);
}

#[tokio::test]
async fn quotas_are_checked_audited_and_imported_all_or_nothing() {
    let c = city().await;
    let a = Actor::cli();
    let tree = c.store.units().await.unwrap();
    let pl = c.store.planning();
    let err = pl
        .set_quota(&a, &tree, c.d1, 2026, quota(1, 0, 2))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(v) if v[0].0 == "大块头项目数"),
        "{err:?}"
    );
    let row = |row: usize, unit: &str, year: i32, q: Quota| QuotaRow {
        row,
        unit: unit.into(),
        year,
        quota: q,
    };
    let bad = pl
        .import_quotas(
            &a,
            &tree,
            Scope::All,
            &[
                row(2, "D1", 2027, quota(10, 500_000, 2)),
                row(3, "NOPE", 2027, quota(1, 1, 0)),
                row(4, "西城区", 2027, quota(2, 1, 3)),
                row(5, "东城区", 2027, quota(1, 1, 0)),
            ],
            Vec::new(),
        )
        .await
        .unwrap()
        .unwrap_err();
    let got: Vec<(usize, &str)> = bad.iter().map(|e| (e.row, e.column.as_str())).collect();
    assert_eq!(
        got,
        vec![(3, "单位编码"), (4, "大块头项目数"), (5, "单位编码")]
    );
    assert!(pl.quotas(2027).await.unwrap().is_empty(), "nothing written");
    // A district may set only its own subtree's.
    let out = pl
        .import_quotas(
            &a,
            &tree,
            Scope::Subtree(c.d1),
            &[row(2, "D2", 2027, quota(1, 1, 0))],
            Vec::new(),
        )
        .await
        .unwrap()
        .unwrap_err();
    assert!(out[0].message.contains("不在您的管理范围内"));
    let n = pl
        .import_quotas(
            &a,
            &tree,
            Scope::All,
            &[
                row(2, "D1", 2027, quota(10, 500_000, 2)),
                row(3, "西城区", 2027, quota(6, 120_000, 1)),
            ],
            Vec::new(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(n, 2);
    let q = pl.quotas(2027).await.unwrap();
    assert_eq!(q.len(), 2);
    assert_eq!(q[0].quota, quota(10, 500_000, 2));
    // Imported again unchanged: no new audit record; changed: one, with before and after.
    let audits = || async {
        c.store
            .audit()
            .list(&diaodu_store::AuditFilter {
                entity: Some("planning_quota".into()),
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap()
            .len()
    };
    let before = audits().await;
    pl.import_quotas(
        &a,
        &tree,
        Scope::All,
        &[row(2, "D1", 2027, quota(10, 500_000, 2))],
        Vec::new(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(audits().await, before);
    pl.set_quota(&a, &tree, c.d1, 2027, quota(12, 500_000, 2))
        .await
        .unwrap();
    assert_eq!(audits().await, before + 1);
    assert!(pl.remove_quota(&a, c.d1, 2027).await.unwrap());
    assert_eq!(pl.quotas(2027).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_investment_plan_is_followed_over_its_listed_projects() {
    let c = city().await;
    let a = Actor::cli();
    let pl = c.store.planning();
    let id = pl
        .save_plan(
            &a,
            None,
            2026,
            "千亿百项",
            PlanTarget {
                projects: 4,
                investment: Yuan(300_000 * WAN),
            },
            None,
        )
        .await
        .unwrap();
    let dup = pl
        .save_plan(&a, None, 2026, " 千亿百项 ", PlanTarget::default(), None)
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::Conflict(_)));
    let err = pl
        .set_plan_projects(&a, id, &["P1".into(), "ZZZ".into()])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("“ZZZ”"), "{err}");
    assert_eq!(pl.plan(id).await.unwrap().unwrap().listed, 0);
    let n = pl
        .set_plan_projects(
            &a,
            id,
            &[
                "P1".into(),
                "P2".into(),
                "P5".into(),
                "P1".into(),
                " ".into(),
            ],
        )
        .await
        .unwrap();
    assert_eq!(n, 3);
    let plan = pl.plan(id).await.unwrap().unwrap();
    let tree = c.store.units().await.unwrap();
    // P1 120,000 储备, P2 30,000 前期, P5 80,000 续建: 3 of 4 = 75.0 %; 230,000 of 300,000 = 76.7 %;
    // started: P5 → 1 of 3 = 33.3 %.
    let pp = pl
        .plan_progress(&tree, c.city, &plan, date!(2026 - 11 - 30))
        .await
        .unwrap();
    assert_eq!(pp.tally.planned, 3);
    assert_eq!(
        (pp.projects_pct, pp.investment_pct, pp.started_pct),
        (Some(750), Some(767), Some(333))
    );
    // On 1 March 2026 only P1 and P5 had entered: 2 of 4 = 50.0 %.
    let pp = pl
        .plan_progress(&tree, c.city, &plan, date!(2026 - 03 - 01))
        .await
        .unwrap();
    assert_eq!(pp.projects_pct, Some(500));
}
