//! Storage contract tests. They run on SQLite by default and on PostgreSQL when `DIAODU_TEST_DB`
//! names a server (CI runs the suite both ways).

mod common;

use diaodu_domain::access::{Role, Scope, UnitKind};
use diaodu_domain::import::UnitRow;
use diaodu_domain::project::{
    AdmissionRule, AdmissionTest, Category, EnvApproval, ProjectFields, Stage,
};
use diaodu_domain::status::Light;
use diaodu_domain::{Period, Yuan};
use diaodu_store::testing::fresh_store;
use diaodu_store::{Actor, AuditFilter, ProjectFilter, ReportInput, Store, StoreError};
use time::macros::date;

fn fields(code: &str) -> ProjectFields {
    ProjectFields {
        code: code.into(),
        name: format!("项目{code}"),
        leader: "王副市长".into(),
        category: Category::Industry,
        stage: Stage::Continuing,
        total_investment: Yuan(1_000_000_000),
        plan_year: 2026,
        annual_plan: Yuan(10_000_000),
        planned_start: Some(date!(2026 - 01 - 05)),
        planned_finish: Some(date!(2027 - 12 - 31)),
        actual_start: Some(date!(2026 - 01 - 10)),
        batch: "2026年第一批".into(),
        industry: "装备制造".into(),
        env_approval: EnvApproval::Approved,
        planning_year: None,
        entered_on: None,
    }
}

async fn city(store: &Store) -> (i64, i64, i64) {
    let city = common::unit(store, "C", "云川市", None, UnitKind::City).await;
    let d1 = common::unit(store, "D1", "东城区", Some(city), UnitKind::District).await;
    let d2 = common::unit(store, "D2", "西城区", Some(city), UnitKind::District).await;
    (city, d1, d2)
}

#[tokio::test]
async fn units_tree_and_scope() {
    let store = fresh_store().await;
    let (c, d1, d2) = city(&store).await;
    let tree = store.units().await.unwrap();
    assert!(tree.in_scope(d1, Scope::Subtree(c)));
    assert!(!tree.in_scope(d2, Scope::Subtree(d1)));
    assert_eq!(tree.display_path(d1), "云川市 / 东城区");
    let r = store
        .import_units(
            &Actor::cli(),
            &[
                UnitRow {
                    row: 2,
                    code: "P1".into(),
                    name: "高新园区".into(),
                    parent: "东城区".into(),
                    kind: UnitKind::Park,
                },
                UnitRow {
                    row: 3,
                    code: "P2".into(),
                    name: "园区二".into(),
                    parent: "P3".into(),
                    kind: UnitKind::Park,
                },
                UnitRow {
                    row: 4,
                    code: "P3".into(),
                    name: "园区三".into(),
                    parent: "C".into(),
                    kind: UnitKind::Park,
                },
            ],
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(r, Ok(3));
    let tree = store.units().await.unwrap();
    let p2 = tree.find("P2").unwrap();
    assert!(tree.in_scope(p2.id, Scope::Subtree(c)));
    assert_eq!(tree.display_path(p2.id), "云川市 / 园区三 / 园区二");
    // A bad file writes nothing.
    let before = tree.units.len();
    let r = store
        .import_units(
            &Actor::cli(),
            &[
                UnitRow {
                    row: 2,
                    code: "X1".into(),
                    name: "甲".into(),
                    parent: "C".into(),
                    kind: UnitKind::Park,
                },
                UnitRow {
                    row: 3,
                    code: "D1".into(),
                    name: "乙".into(),
                    parent: "无此单位".into(),
                    kind: UnitKind::Park,
                },
            ],
            Vec::new(),
        )
        .await
        .unwrap();
    let errs = r.unwrap_err();
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!(store.units().await.unwrap().units.len(), before);
}

#[tokio::test]
async fn users_sessions_and_throttle() {
    let store = fresh_store().await;
    let (c, _, _) = city(&store).await;
    let u = store
        .users()
        .create(&Actor::cli(), "drc", "发改委", c, Role::Drc, "Passw0rd-123")
        .await
        .unwrap();
    assert!(matches!(
        store
            .users()
            .create(&Actor::cli(), "drc", "x", c, Role::Drc, "Passw0rd-123")
            .await,
        Err(StoreError::Conflict(_))
    ));
    // Logins are the same whatever their case.
    assert!(matches!(
        store
            .users()
            .create(&Actor::cli(), "DRC", "x", c, Role::Drc, "Passw0rd-123")
            .await,
        Err(StoreError::Conflict(_))
    ));
    // The password policy: three classes of four, not the login.
    for bad in ["password123", "Other-2026-x", "Sh0rt!"] {
        assert!(matches!(
            store
                .users()
                .create(&Actor::cli(), "other", "x", c, Role::Drc, bad)
                .await,
            Err(StoreError::Invalid(_))
        ));
    }
    let ok = store
        .users()
        .authenticate("DRC", "Passw0rd-123", "10.0.0.1")
        .await
        .unwrap();
    assert_eq!(ok.user.id, u.id);
    assert!(!ok.must_change_password);
    let (token, csrf) = store
        .users()
        .create_session(u.id, "127.0.0.1", "test")
        .await
        .unwrap();
    let s = store.users().session(&token).await.unwrap().unwrap();
    assert_eq!(s.csrf, csrf);
    assert_eq!(s.user.role, Role::Drc);
    store.users().delete_session(&token).await.unwrap();
    assert!(store.users().session(&token).await.unwrap().is_none());
    for _ in 0..5 {
        assert!(matches!(
            store.users().authenticate("drc", "wrong", "10.6.6.6").await,
            Err(diaodu_store::LoginError::Invalid)
        ));
    }
    // Locked from that address now, even with the right password...
    assert!(matches!(
        store
            .users()
            .authenticate("drc", "Passw0rd-123", "10.6.6.6")
            .await,
        Err(diaodu_store::LoginError::Throttled(_))
    ));
    // ... but not from the user's own.
    assert!(store
        .users()
        .authenticate("drc", "Passw0rd-123", "10.0.0.1")
        .await
        .is_ok());
    // The office unlocks the login; the address may try again.
    store
        .users()
        .unlock_login(&Actor::cli(), u.id)
        .await
        .unwrap();
    assert!(store
        .users()
        .authenticate("drc", "Passw0rd-123", "10.6.6.6")
        .await
        .is_ok());
    // Every attempt is in the log-in log, newest first.
    let log = store
        .users()
        .login_log(Some("drc"), None, 100)
        .await
        .unwrap();
    let results: Vec<&str> = log.iter().map(|a| a.result.as_str()).collect();
    assert_eq!(
        results,
        [
            "ok",
            "unlocked",
            "ok",
            "throttled",
            "wrong_password",
            "wrong_password",
            "wrong_password",
            "wrong_password",
            "wrong_password",
            "ok"
        ]
    );
    assert_eq!(log[3].address, "10.6.6.6");
    // A password the administrator set is changed at the next log-in; the user changes it.
    store.users().require_password_change(u.id).await.unwrap();
    let ok = store
        .users()
        .authenticate("drc", "Passw0rd-123", "10.0.0.1")
        .await
        .unwrap();
    assert!(ok.must_change_password);
    assert!(matches!(
        store
            .users()
            .change_password(u.id, "wrong", "New-Passw0rd")
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store
            .users()
            .change_password(u.id, "Passw0rd-123", "weakpassword")
            .await,
        Err(StoreError::Invalid(_))
    ));
    store
        .users()
        .change_password(u.id, "Passw0rd-123", "New-Passw0rd")
        .await
        .unwrap();
    let ok = store
        .users()
        .authenticate("drc", "New-Passw0rd", "10.0.0.1")
        .await
        .unwrap();
    assert!(!ok.must_change_password);
}

#[tokio::test]
async fn unauthenticated_input_is_bounded_before_anything_is_kept() {
    let store = fresh_store().await;
    let (c, _, _) = city(&store).await;
    store
        .users()
        .create(&Actor::cli(), "drc", "发改委", c, Role::Drc, "Passw0rd-123")
        .await
        .unwrap();
    let long_login = "x".repeat(10 * 1024 * 1024);
    let long_password = "y".repeat(257);
    for (login, password) in [
        (long_login.as_str(), "p"),
        ("drc", long_password.as_str()),
        ("a\u{0}", "p"),
        ("", "p"),
    ] {
        assert!(matches!(
            store
                .users()
                .authenticate(login, password, "10.0.0.9")
                .await,
            Err(diaodu_store::LoginError::Malformed(_))
        ));
    }
    assert!(store
        .users()
        .login_log(None, None, 100)
        .await
        .unwrap()
        .is_empty());
    // Twenty failures from one address across twenty logins use up that address.
    for i in 0..20 {
        assert!(matches!(
            store
                .users()
                .authenticate(&format!("guess{i}"), "x", "10.0.0.9")
                .await,
            Err(diaodu_store::LoginError::Invalid)
        ));
    }
    assert!(matches!(
        store
            .users()
            .authenticate("drc", "Passw0rd-123", "10.0.0.9")
            .await,
        Err(diaodu_store::LoginError::Throttled(_))
    ));
    assert!(store
        .users()
        .authenticate("drc", "Passw0rd-123", "10.0.0.10")
        .await
        .is_ok());
}

#[tokio::test]
async fn project_rules_versions_and_audit() {
    let store = fresh_store().await;
    let (_, d1, _) = city(&store).await;
    let a = Actor::cli();
    let p = store
        .projects()
        .create(&a, d1, fields("P001"))
        .await
        .unwrap();
    assert_eq!(p.version, 1);
    assert!(matches!(
        store.projects().create(&a, d1, fields("P001")).await,
        Err(StoreError::Conflict(_))
    ));
    // Inconsistent stage and dates.
    let mut bad = fields("P002");
    bad.actual_start = None;
    match store.projects().create(&a, d1, bad).await {
        Err(StoreError::Invalid(e)) => assert_eq!(e[0].0, "实际开工日期"),
        other => panic!("{other:?}"),
    }
    // Transition continuing → reserve is not allowed.
    let mut f = p.fields.clone();
    f.stage = Stage::Reserve;
    f.actual_start = None;
    assert!(matches!(
        store.projects().update(&a, p.id, 1, d1, f).await,
        Err(StoreError::Invalid(_))
    ));
    // A stale version is refused.
    let mut f = p.fields.clone();
    f.name = "新名称".into();
    let p2 = store
        .projects()
        .update(&a, p.id, 1, d1, f.clone())
        .await
        .unwrap();
    assert_eq!(p2.version, 2);
    assert!(matches!(
        store.projects().update(&a, p.id, 1, d1, f).await,
        Err(StoreError::Conflict(_))
    ));
    let log = store
        .audit()
        .list(&AuditFilter {
            entity: Some("project".into()),
            entity_id: Some("P001".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].action, "update");
    assert_eq!(log[0].before.as_ref().unwrap()["name"], "项目P001");
    assert_eq!(log[0].after.as_ref().unwrap()["name"], "新名称");
}

#[tokio::test]
async fn audit_log_is_append_only() {
    let store = fresh_store().await;
    city(&store).await;
    let n = store.audit().count().await.unwrap();
    assert!(n >= 3);
    assert!(sqlx::query("UPDATE audit SET user_login = 'x'")
        .execute(store.pool())
        .await
        .is_err());
    assert!(sqlx::query("DELETE FROM audit")
        .execute(store.pool())
        .await
        .is_err());
    assert_eq!(store.audit().count().await.unwrap(), n);
}

#[tokio::test]
async fn admission_refusal_is_recorded() {
    let store = fresh_store().await;
    let (_, d1, _) = city(&store).await;
    let a = Actor::cli();
    store
        .projects()
        .add_admission_rule(
            &a,
            &AdmissionRule {
                code: "env".into(),
                name: "环评未通过".into(),
                test: AdmissionTest::EnvRejected,
            },
        )
        .await
        .unwrap();
    store
        .projects()
        .add_admission_rule(
            &a,
            &AdmissionRule {
                code: "over".into(),
                name: "产能过剩".into(),
                test: AdmissionTest::IndustryIn(vec!["电解铝".into()]),
            },
        )
        .await
        .unwrap();
    let mut f = fields("P009");
    f.industry = "电解铝".into();
    match store.projects().create(&a, d1, f).await {
        Err(StoreError::Refused { rule_name, .. }) => assert_eq!(rule_name, "产能过剩"),
        other => panic!("{other:?}"),
    }
    assert!(store.projects().by_code("P009").await.unwrap().is_none());
    let r = store.projects().refusals(10).await.unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].rule_code, "over");
}

#[tokio::test]
async fn reports_edit_and_status() {
    let store = fresh_store().await;
    let (c, d1, _) = city(&store).await;
    let a = Actor::cli();
    let p = store
        .projects()
        .create(&a, d1, fields("P100"))
        .await
        .unwrap();
    let input = |period: &str, wan: &str| ReportInput {
        period: Period::parse(period).unwrap(),
        investment: Yuan::parse_wan(wan).unwrap(),
        progress: "主体施工".into(),
        problems: String::new(),
    };
    let (_, created) = store
        .reports()
        .submit(&a, p.id, &input("2026-W02", "30"), false)
        .await
        .unwrap();
    assert!(created);
    let (r, created) = store
        .reports()
        .submit(&a, p.id, &input("2026-W02", "40"), false)
        .await
        .unwrap();
    assert!(!created, "second report for the same period is an edit");
    assert_eq!(r.investment, Yuan(400_000));
    // The same figures again (the texts as typed, with spaces): nothing changes, nothing is recorded.
    let again = ReportInput {
        progress: " 主体施工 ".into(),
        ..input("2026-W02", "40")
    };
    let (same, created) = store
        .reports()
        .submit(&a, p.id, &again, false)
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(same, r);
    store
        .reports()
        .submit(&a, p.id, &input("2026-02", "10"), false)
        .await
        .unwrap();
    assert_eq!(store.reports().list(p.id).await.unwrap().len(), 2);
    let log = store
        .audit()
        .list(&AuditFilter {
            entity: Some("report".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(log.len(), 3);
    assert_eq!(log[1].action, "update");
    assert_eq!(log[1].before.as_ref().unwrap()["investment_wan"], "30.00");
    // Status as of 2026-03-14 (20 % of the year): plan 1000 万, ytd 50 万 = 5 % → lag 15 → yellow.
    let tree = store.units().await.unwrap();
    let rows = store
        .projects()
        .statuses(
            &tree,
            Scope::Subtree(c),
            &ProjectFilter::default(),
            date!(2026 - 03 - 14),
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let s = &rows[0].status;
    assert_eq!(s.ytd_investment, Yuan(500_000));
    assert_eq!(s.annual_completion_pct, Some(5.0));
    // Last investment 2026-02-28, within 28 days of 03-14: not stalled.
    assert!(!s.stalled);
    assert_eq!(s.light, Light::Yellow);
    // Filtering by light.
    let red = store
        .projects()
        .statuses(
            &tree,
            Scope::All,
            &ProjectFilter {
                light: Some(Light::Red),
                ..Default::default()
            },
            date!(2026 - 03 - 14),
        )
        .await
        .unwrap();
    assert!(red.is_empty());
    // A future period is refused.
    assert!(store
        .reports()
        .submit(&a, p.id, &input("2099-01", "1"), false)
        .await
        .is_err());
}

/// The status sums are computed by SQL; these edges run on both engines.
#[tokio::test]
async fn status_edges_through_sql() {
    let store = fresh_store().await;
    let (c, d1, _) = city(&store).await;
    let a = Actor::cli();
    let mut f = fields("E1");
    f.actual_start = Some(date!(2025 - 06 - 01));
    f.annual_plan = Yuan(0);
    let p = store.projects().create(&a, d1, f).await.unwrap();
    let rows = vec![
        // 2025-W52 ends 2025-12-28 (counts in 2025); 2026-W01 ends 2026-01-04 (counts in 2026).
        diaodu_store::RawReport {
            project_id: p.id,
            period: Period::parse("2025-W52").unwrap(),
            investment: Yuan(50_000),
            progress: String::new(),
            problems: String::new(),
            on_time: true,
            submitted_at: "2025-12-29T01:00:00.000000Z".to_string(),
        },
        diaodu_store::RawReport {
            project_id: p.id,
            period: Period::parse("2026-W01").unwrap(),
            investment: Yuan(30_000),
            progress: String::new(),
            problems: String::new(),
            on_time: true,
            submitted_at: "2026-01-05T01:00:00.000000Z".to_string(),
        },
        // 2026-W10 ends 2026-03-08.
        diaodu_store::RawReport {
            project_id: p.id,
            period: Period::parse("2026-W10").unwrap(),
            investment: Yuan(10_000),
            progress: String::new(),
            problems: String::new(),
            on_time: false,
            submitted_at: "2026-03-12T01:00:00.000000Z".to_string(),
        },
    ];
    store.reports().insert_raw(&a, rows).await.unwrap();
    let tree = store.units().await.unwrap();
    let at = |d| {
        let store = store.clone();
        let tree = tree.clone();
        async move {
            store
                .projects()
                .statuses(&tree, Scope::Subtree(c), &ProjectFilter::default(), d)
                .await
                .unwrap()
                .remove(0)
        }
    };
    // ISO week 1 that starts in December counts in its own year; the week before does not.
    let r = at(date!(2026 - 01 - 10)).await;
    assert_eq!(r.status.ytd_investment, Yuan(30_000));
    // Plan of 0: completion and lag are null.
    assert_eq!(r.status.annual_completion_pct, None);
    assert_eq!(r.status.lag_pp, None);
    // Last investment ends 03-08. On D = 04-05 it is exactly D − 28: outside the window → stalled.
    assert!(at(date!(2026 - 04 - 05)).await.status.stalled);
    // One day earlier it is inside → not stalled.
    assert!(!at(date!(2026 - 04 - 04)).await.status.stalled);
    assert_eq!(
        at(date!(2026 - 04 - 04)).await.status.ytd_investment,
        Yuan(40_000)
    );
    // Due weekly reports and on-time ones, 2026-01-01 .. D − 2 = 03-09: ten Sundays; W01 was on time,
    // W10 late.
    let r = at(date!(2026 - 03 - 11)).await;
    assert_eq!(r.status.reports_due, 10);
    assert_eq!(r.status.reports_on_time, 1);
    // A leap year: as of 2024-12-31 the time progress is exactly 100 and nothing of 2026 counts.
    let r = at(date!(2024 - 12 - 31)).await;
    assert!((r.status.time_progress_pct - 100.0).abs() < 1e-12);
    assert_eq!(r.status.ytd_investment, Yuan(0));
}

/// Every kind of change leaves its audit record.
#[tokio::test]
async fn every_change_is_audited() {
    let store = fresh_store().await;
    let (_, d1, _) = city(&store).await;
    let a = Actor::cli();
    store
        .users()
        .create(&a, "u1", "用户", d1, Role::Reporter, "Passw0rd-123")
        .await
        .unwrap();
    let p = store
        .projects()
        .create(&a, d1, fields("AU1"))
        .await
        .unwrap();
    store
        .reports()
        .submit(
            &a,
            p.id,
            &ReportInput {
                period: Period::parse("2026-W03").unwrap(),
                investment: Yuan(100),
                progress: String::new(),
                problems: String::new(),
            },
            false,
        )
        .await
        .unwrap();
    store
        .reports()
        .add_site_visit(&a, p.id, date!(2026 - 03 - 01), "现场停工", "")
        .await
        .unwrap();
    let rule = AdmissionRule {
        code: "env".into(),
        name: "环评未通过".into(),
        test: AdmissionTest::EnvRejected,
    };
    store
        .projects()
        .add_admission_rule(&a, &rule)
        .await
        .unwrap();
    store
        .projects()
        .delete_admission_rule(&a, "env")
        .await
        .unwrap();
    store.set_setting(&a, "status.red_lag", "20").await.unwrap();
    store
        .set_setting(&a, "status.yellow_lag", "7.5")
        .await
        .unwrap();
    store
        .set_setting(&a, "status.stall_days", "35")
        .await
        .unwrap();
    let settings = store.status_settings().await.unwrap();
    assert_eq!(
        (
            settings.red_lag_centi_pp,
            settings.yellow_lag_centi_pp,
            settings.stall_days
        ),
        (2000, 750, 35)
    );
    let all = store
        .audit()
        .list(&AuditFilter {
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap();
    let kinds: std::collections::BTreeSet<(String, String)> = all
        .iter()
        .map(|r| (r.entity.clone(), r.action.clone()))
        .collect();
    for want in [
        ("unit", "create"),
        ("user", "create"),
        ("project", "create"),
        ("report", "create"),
        ("site_visit", "create"),
        ("admission_rule", "create"),
        ("admission_rule", "delete"),
        ("setting", "create"),
    ] {
        assert!(
            kinds.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} missing in {kinds:?}"
        );
    }
    let user = all.iter().find(|r| r.entity == "user").unwrap();
    assert!(
        !user.after.as_ref().unwrap().to_string().contains("argon2"),
        "no password hash in the log"
    );
}

/// Many reports written at once all land (SQLite takes one writer at a time; none may fail).
#[tokio::test]
async fn concurrent_report_submissions_all_land() {
    let store = fresh_store().await;
    let (_, d1, _) = city(&store).await;
    let a = Actor::cli();
    let mut ids = Vec::new();
    for i in 0..8 {
        ids.push(
            store
                .projects()
                .create(&a, d1, fields(&format!("C{i:03}")))
                .await
                .unwrap()
                .id,
        );
    }
    let mut handles = Vec::new();
    for (k, id) in ids.iter().enumerate() {
        for w in 1..=4 {
            let s = store.clone();
            let id = *id;
            handles.push(tokio::spawn(async move {
                let input = ReportInput {
                    period: Period::parse(&format!("2026-W{w:02}")).unwrap(),
                    investment: Yuan((k as i64 + 1) * 10_000),
                    progress: String::new(),
                    problems: String::new(),
                };
                s.reports()
                    .submit(&Actor::cli(), id, &input, false)
                    .await
                    .map(|_| ())
            }));
        }
    }
    for h in handles {
        h.await.unwrap().unwrap();
    }
    assert_eq!(store.reports().count().await.unwrap(), 32);
    // Four reports of each project arrived at once: its running totals hold all four.
    assert!(store.reports().check_totals().await.unwrap().is_empty());
}

/// Imports travel to the engine as one JSON document per batch (`bulk.rs`): text with quotes,
/// backslashes, line breaks, tabs, CJK and characters outside the BMP, empty text and large amounts must
/// come back exactly, in file order, on both engines.
#[tokio::test]
async fn bulk_imports_keep_text_and_amounts_exactly() {
    use diaodu_domain::import::{ProjectRow, ReportRow};
    let store = fresh_store().await;
    let (_, d1, _) = city(&store).await;
    let a = Actor::cli();
    let mut rows = Vec::new();
    for (i, name) in [
        "引号\"项目\"",
        "反斜杠\\路径\\",
        "单引号'与%_通配",
        "𠀀扩展字",
    ]
    .iter()
    .enumerate()
    {
        let mut f = fields(&format!("J{i}"));
        f.name = (*name).into();
        // The largest total a project may have, to the yuan: an odd amount that a floating-point
        // detour through 万元 would round.
        f.total_investment = Yuan(999_999_999_999);
        rows.push(ProjectRow {
            row: i + 2,
            unit: "东城区".into(),
            fields: f,
        });
    }
    assert_eq!(
        store
            .projects()
            .import(&a, &rows, Vec::new())
            .await
            .unwrap(),
        Ok(4)
    );
    let mut ids = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let p = store
            .projects()
            .by_code(&format!("J{i}"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(p.fields.name, r.fields.name);
        assert_eq!(p.fields.total_investment, Yuan(999_999_999_999));
        assert_eq!(p.unit_id, d1);
        ids.push(p.id);
    }
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids follow file order");
    let texts = [
        ("第一行\n第二行\r\n\t缩进", ""),
        ("“全角引号”与\"半角\"", "问题：\\n 不是换行"),
        ("", "表情😀与𠀀"),
        ("{\"像\": [\"JSON\"]}", "null"),
    ];
    let reports: Vec<ReportRow> = texts
        .iter()
        .enumerate()
        .map(|(i, (progress, problems))| ReportRow {
            row: i + 2,
            project_code: format!("J{i}"),
            period: Period::parse("2026-W02").unwrap(),
            investment: Yuan(i as i64 * 1_234_567_891 + 1),
            progress: (*progress).into(),
            problems: (*problems).into(),
        })
        .collect();
    let tree = store.units().await.unwrap();
    // Above the year's plan: refused unless confirmed.
    let refused = store
        .reports()
        .import(&a, &tree, Scope::All, &reports, Vec::new(), false)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(refused.len(), 3);
    assert!(
        refused[0].message.contains("超过年度计划投资"),
        "{refused:?}"
    );
    assert_eq!(
        store
            .reports()
            .import(&a, &tree, Scope::All, &reports, Vec::new(), true)
            .await
            .unwrap(),
        Ok(4)
    );
    for (i, (progress, problems)) in texts.iter().enumerate() {
        let got = store.reports().list(ids[i]).await.unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].progress, *progress);
        assert_eq!(got[0].problems, *problems);
        assert_eq!(got[0].investment, Yuan(i as i64 * 1_234_567_891 + 1));
    }
    assert!(store.reports().check_totals().await.unwrap().is_empty());
}

/// A row naming a missing unit, project or user is refused, and so is removing a unit, project or user
/// that rows still name: the foreign keys each engine declares and enforces, which no setting of a
/// transaction switches off. The application never tries either, so the statements are raw SQL.
#[tokio::test]
async fn references_hold_on_both_engines() {
    let store = fresh_store().await;
    let (_, d1, _) = city(&store).await;
    let actor = Actor::cli();
    let p = store
        .projects()
        .create(&actor, d1, fields("R1"))
        .await
        .unwrap();
    let user = store
        .users()
        .create(&actor, "ref-user", "张三", d1, Role::Drc, "Passw0rd-123")
        .await
        .unwrap()
        .id;
    let pool = store.pool();
    let report = |project: i64, user: Option<i64>, period: &'static str| {
        sqlx::query(
            "INSERT INTO reports (project_id, period, period_kind, period_end, investment, progress, \
             problems, on_time, submitted_by, created_at, updated_at) \
             VALUES ($1, $2, 'W', '2026-03-08', 0, '', '', 1, $3, 'x', 'x')",
        )
        .bind(project)
        .bind(period)
        .bind(user)
    };
    let refused = |r: Result<sqlx::any::AnyQueryResult, sqlx::Error>, what: &str| {
        let e = r.expect_err(what);
        let kind = e.as_database_error().map(|d| d.kind());
        assert!(
            matches!(kind, Some(sqlx::error::ErrorKind::ForeignKeyViolation)),
            "{what}: {e}"
        );
    };
    refused(
        report(p.id + 1_000, None, "2026-W10").execute(pool).await,
        "a report of a missing project",
    );
    refused(
        report(p.id, Some(user + 1_000), "2026-W10")
            .execute(pool)
            .await,
        "a report by a missing user",
    );
    // One good row and one bad in the same statement: the statement fails whole.
    refused(
        sqlx::query(
            "INSERT INTO reports (project_id, period, period_kind, period_end, investment, progress, \
             problems, on_time, submitted_by, created_at, updated_at) \
             VALUES ($1, '2026-W11', 'W', '2026-03-15', 0, '', '', 1, NULL, 'x', 'x'), \
             ($2, '2026-W11', 'W', '2026-03-15', 0, '', '', 1, NULL, 'x', 'x')",
        )
        .bind(p.id)
        .bind(p.id + 1_000)
        .execute(pool)
        .await,
        "a statement with one bad row",
    );
    report(p.id, Some(user), "2026-W12")
        .execute(pool)
        .await
        .unwrap();
    refused(
        sqlx::query("UPDATE reports SET project_id = $1")
            .bind(p.id + 1_000)
            .execute(pool)
            .await,
        "moving a report to a missing project",
    );
    assert_eq!(store.reports().count().await.unwrap(), 1);
    refused(
        sqlx::query(
            "INSERT INTO projects (code, name, unit_id, leader, category, stage, total_investment, \
             plan_year, annual_plan, batch, industry, env_approval, version, created_at, updated_at) \
             VALUES ('R2', '项目R2', $1, '', '工业', '续建', 0, 2026, 0, '', '', '已批', 1, 'x', 'x')",
        )
        .bind(d1 + 1_000)
        .execute(pool)
        .await,
        "a project of a missing unit",
    );
    refused(
        sqlx::query("DELETE FROM projects WHERE id = $1")
            .bind(p.id)
            .execute(pool)
            .await,
        "deleting a project with a report",
    );
    refused(
        sqlx::query("DELETE FROM units WHERE id = $1")
            .bind(d1)
            .execute(pool)
            .await,
        "deleting a unit with a project",
    );
    refused(
        sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(user)
            .execute(pool)
            .await,
        "deleting a user who filed a report",
    );
    if store.engine() == diaodu_store::Engine::Postgres {
        // No setting of a transaction switches a reference off: the setting that once made
        // PostgreSQL's check trust an import's own locks is now an inert name.
        let mut tx = pool.begin().await.unwrap();
        sqlx::query("SET LOCAL diaodu.parents_locked = 'on'")
            .execute(&mut *tx)
            .await
            .unwrap();
        refused(
            report(p.id + 1_000, None, "2026-W13")
                .execute(&mut *tx)
                .await,
            "a report of a missing project, whatever the transaction's settings",
        );
        drop(tx);
    }
    // Each reference is declared in the schema, on both engines, by the engine's own constraint.
    let declared: Vec<(String, String, String)> = match store.engine() {
        diaodu_store::Engine::Postgres => sqlx::query_as(
            "SELECT tc.table_name::text, kcu.column_name::text, ccu.table_name::text \
             FROM information_schema.table_constraints tc \
             JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name \
              AND kcu.table_schema = tc.table_schema \
             JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name \
              AND ccu.table_schema = tc.table_schema \
             WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        diaodu_store::Engine::Sqlite => sqlx::query_as(
            "SELECT m.name, f.\"from\", f.\"table\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    for (table, column, parent) in [
        ("projects", "unit_id", "units"),
        ("reports", "project_id", "projects"),
        ("reports", "submitted_by", "users"),
        ("report_year_totals", "project_id", "projects"),
        ("users", "unit_id", "units"),
        ("notices", "unit_id", "units"),
        ("tasks", "lead_unit_id", "units"),
    ] {
        assert!(
            declared
                .iter()
                .any(|(t, c, r)| t == table && c == column && r == parent),
            "{table}.{column} references {parent}: {declared:?}"
        );
    }
    let triggers: i64 = match store.engine() {
        diaodu_store::Engine::Postgres => sqlx::query_scalar(
            "SELECT COUNT(*) FROM information_schema.triggers \
             WHERE trigger_schema = current_schema() AND event_object_table <> 'audit'",
        )
        .fetch_one(pool)
        .await
        .unwrap(),
        diaodu_store::Engine::Sqlite => sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name <> 'audit'",
        )
        .fetch_one(pool)
        .await
        .unwrap(),
    };
    assert_eq!(triggers, 0, "no trigger stands in for a declared reference");
    // An import as a user who does not exist writes nothing.
    let ghost = Actor {
        user_id: Some(user + 1_000),
        login: "ghost".into(),
    };
    let tree = store.units().await.unwrap();
    let rows = vec![diaodu_domain::import::ReportRow {
        row: 2,
        project_code: "R1".into(),
        period: Period::parse("2026-W14").unwrap(),
        investment: Yuan(1),
        progress: String::new(),
        problems: String::new(),
    }];
    assert!(store
        .reports()
        .import(&ghost, &tree, Scope::All, &rows, Vec::new(), false)
        .await
        .is_err());
    assert_eq!(store.reports().count().await.unwrap(), 1);
    // A project import checks its units against the tree it was given, which may be a moment old:
    // a unit deleted since (here behind the store's back, so the tree in its cache still holds it)
    // fails the import whole, before anything is written.
    let gone = common::unit(&store, "D9", "撤并区", None, UnitKind::District).await;
    assert!(store.units().await.unwrap().get(gone).is_some());
    sqlx::query("DELETE FROM units WHERE id = $1")
        .bind(gone)
        .execute(pool)
        .await
        .unwrap();
    let projects0 = store.projects().count().await.unwrap();
    let rows: Vec<diaodu_domain::import::ProjectRow> = ["东城区", "撤并区"]
        .iter()
        .enumerate()
        .map(|(i, unit)| diaodu_domain::import::ProjectRow {
            row: i + 2,
            unit: (*unit).into(),
            fields: fields(&format!("R9{i}")),
        })
        .collect();
    let r = store.projects().import(&actor, &rows, Vec::new()).await;
    assert!(
        matches!(r, Err(StoreError::NotFound(_))),
        "an import naming a deleted unit: {r:?}"
    );
    assert_eq!(store.projects().count().await.unwrap(), projects0);
    // Without the rows that name them, they go.
    sqlx::query("DELETE FROM reports")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM projects WHERE id = $1")
        .bind(p.id)
        .execute(pool)
        .await
        .unwrap();
}

/// A project's reports come oldest first — by end date, a month before the week that ends on the same
/// Sunday — with every field, even when a text holds a character the packed read cannot carry.
#[tokio::test]
async fn a_projects_reports_come_whole_and_in_order() {
    let store = fresh_store().await;
    let (_, d1, _) = city(&store).await;
    let actor = Actor::cli();
    let p = store
        .projects()
        .create(&actor, d1, fields("RR1"))
        .await
        .unwrap();
    let submit = |period: &str, inv: i64, problems: &str| {
        let store = store.clone();
        let actor = actor.clone();
        let r = ReportInput {
            period: Period::parse(period).unwrap(),
            investment: Yuan(inv),
            progress: "主体施工".into(),
            problems: problems.into(),
        };
        async move {
            store
                .reports()
                .submit(&actor, p.id, &r, false)
                .await
                .unwrap()
        }
    };
    submit("2026-W22", 2, "").await;
    submit("2026-05", 3, "").await;
    submit("2026-W10", 1, "多行\n问题").await;
    submit("2026-06", 4, "").await;
    let order = |rows: &[diaodu_store::ReportRow]| -> Vec<(String, i64)> {
        rows.iter()
            .map(|r| (r.period.clone(), r.investment.0))
            .collect()
    };
    let rows = store.reports().list(p.id).await.unwrap();
    assert_eq!(
        order(&rows),
        [
            ("2026-W10".into(), 1),
            ("2026-05".into(), 3),
            ("2026-W22".into(), 2),
            ("2026-06".into(), 4)
        ]
    );
    let w10 = &rows[0];
    assert_eq!(w10.problems, "多行\n问题");
    assert_eq!(w10.progress, "主体施工");
    assert_eq!(w10.period_end, date!(2026 - 03 - 08));
    // Every field as stored, in the stored order.
    let stored: Vec<(i64, i64, i64, String, String)> = sqlx::query_as(
        "SELECT id, project_id, on_time, created_at, updated_at FROM reports \
         WHERE project_id = $1 ORDER BY period_end, period_kind",
    )
    .bind(p.id)
    .fetch_all(store.pool())
    .await
    .unwrap();
    let read: Vec<(i64, i64, i64, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r.id,
                r.project_id,
                i64::from(r.on_time),
                r.created_at.clone(),
                r.updated_at.clone(),
            )
        })
        .collect();
    assert_eq!(read, stored);
    // A unit separator in a text (pasted from elsewhere): read row by row instead, the same.
    submit("2026-W10", 1, "坏\u{1f}字").await;
    let rows = store.reports().list(p.id).await.unwrap();
    assert_eq!(rows[0].problems, "坏\u{1f}字");
    assert_eq!(
        order(&rows),
        [
            ("2026-W10".into(), 1),
            ("2026-05".into(), 3),
            ("2026-W22".into(), 2),
            ("2026-06".into(), 4)
        ]
    );
}

/// The audit search by a code finds the project's own records, its site visits' and its reports' in
/// every period (the report records are indexed by period, then code), newest first, in pages that
/// neither repeat nor skip a record; a kind narrows it, a full id gives that record alone, and another
/// project's records in the same periods never come with it.
#[tokio::test]
async fn the_audit_search_finds_a_code_in_every_period() {
    let store = fresh_store().await;
    let (_, d1, _) = city(&store).await;
    let a = Actor::cli();
    let p = store
        .projects()
        .create(&a, d1, fields("AS1"))
        .await
        .unwrap();
    let q = store
        .projects()
        .create(&a, d1, fields("AS10"))
        .await
        .unwrap();
    for w in 2..=9 {
        for (pid, inv) in [(p.id, 1_000), (q.id, 2_000)] {
            let input = ReportInput {
                period: Period::parse(&format!("2026-W{w:02}")).unwrap(),
                investment: Yuan(inv),
                progress: String::new(),
                problems: String::new(),
            };
            store
                .reports()
                .submit(&a, pid, &input, false)
                .await
                .unwrap();
        }
    }
    let monthly = ReportInput {
        period: Period::parse("2026-03").unwrap(),
        investment: Yuan(5),
        progress: String::new(),
        problems: String::new(),
    };
    store
        .reports()
        .submit(&a, p.id, &monthly, false)
        .await
        .unwrap();
    store
        .reports()
        .add_site_visit(&a, p.id, date!(2026 - 03 - 02), "现场推进正常", "")
        .await
        .unwrap();
    let search = |id: &str, entity: Option<&str>, before: Option<i64>, limit: i64| {
        let store = store.clone();
        let f = AuditFilter {
            entity_id: Some(id.into()),
            entity: entity.map(Into::into),
            before_id: before,
            limit,
            ..Default::default()
        };
        async move { store.audit().list(&f).await.unwrap() }
    };
    let all = search("AS1", None, None, 500).await;
    // The project, eight weekly reports and a monthly one, the visit.
    assert_eq!(all.len(), 11, "{all:?}");
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    assert!(all
        .iter()
        .all(|r| r.entity_id == "AS1" || r.entity_id.starts_with("AS1/")));
    assert_eq!(all.iter().filter(|r| r.entity == "report").count(), 9);
    assert_eq!(all.iter().filter(|r| r.entity == "site_visit").count(), 1);
    // Pages of four: the same records, in the same order.
    let mut paged = Vec::new();
    let mut before = None;
    loop {
        let page = search("AS1", None, before, 4).await;
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 4);
        before = page.last().map(|r| r.id);
        paged.extend(page.into_iter().map(|r| r.id));
    }
    assert_eq!(paged, all.iter().map(|r| r.id).collect::<Vec<_>>());
    assert_eq!(search("AS1", Some("report"), None, 500).await.len(), 9);
    assert_eq!(search("AS1", Some("project"), None, 500).await.len(), 1);
    let one = search("AS1/2026-W05", None, None, 500).await;
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].entity_id, "AS1/2026-W05");
    assert!(search("AS", None, None, 500).await.is_empty());
    assert_eq!(search("AS10", None, None, 500).await.len(), 9);
}

/// A file imported a chunk at a time is still one file: a (project, period) repeated in a later chunk
/// is an error, and an error in any chunk leaves nothing of the earlier ones.
#[tokio::test]
async fn a_report_file_read_in_chunks_is_written_all_or_nothing() {
    let store = fresh_store().await;
    let (_, d1, _) = city(&store).await;
    let a = Actor::cli();
    store
        .projects()
        .create(&a, d1, fields("K001"))
        .await
        .unwrap();
    let row = |n: usize, period: &str, wan: i64| diaodu_domain::import::ReportRow {
        row: n,
        project_code: "K001".into(),
        period: Period::parse(period).unwrap(),
        investment: Yuan(wan * 10_000),
        progress: String::new(),
        problems: String::new(),
    };
    let tree = store.units().await.unwrap();
    let before = store.audit().count().await.unwrap();
    let mut import = store
        .reports()
        .report_import(&a, &tree, Scope::All, false)
        .await
        .unwrap();
    import
        .add(&[row(2, "2026-W01", 1), row(3, "2026-W02", 2)], Vec::new())
        .await
        .unwrap();
    assert!(!import.failed());
    import
        .add(&[row(4, "2026-W03", 3), row(5, "2026-W02", 4)], Vec::new())
        .await
        .unwrap();
    let errors = import.finish(true).await.unwrap().unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].row, errors[0].column.as_str()), (5, "填报期"));
    assert!(errors[0].message.contains("同一项目同一期"), "{errors:?}");
    assert_eq!(
        store.reports().count().await.unwrap(),
        0,
        "the first chunk is not kept"
    );
    assert_eq!(store.audit().count().await.unwrap(), before);
    // The same rows without the repeat go in whole, and the running totals agree.
    let mut import = store
        .reports()
        .report_import(&a, &tree, Scope::All, false)
        .await
        .unwrap();
    import
        .add(&[row(2, "2026-W01", 1), row(3, "2026-W02", 2)], Vec::new())
        .await
        .unwrap();
    import
        .add(&[row(4, "2026-W03", 3)], Vec::new())
        .await
        .unwrap();
    assert_eq!(import.finish(true).await.unwrap(), Ok(3));
    assert_eq!(store.reports().count().await.unwrap(), 3);
    assert!(store.reports().check_totals().await.unwrap().is_empty());
}

/// 形象进度 and 存在问题 have one bound, whichever door a report comes through: a file's row past it
/// is refused with its row and column, and nothing of the file is written.
#[tokio::test]
async fn report_texts_have_one_bound_through_every_door() {
    let store = fresh_store().await;
    let (_, d1, _) = city(&store).await;
    let actor = Actor::cli();
    store
        .projects()
        .create(&actor, d1, fields("T1"))
        .await
        .unwrap();
    let tree = store.units().await.unwrap();
    let max = diaodu_domain::project::REPORT_TEXT;
    let row = |n: usize, period: &str, problems: String| diaodu_domain::import::ReportRow {
        row: n,
        project_code: "T1".into(),
        period: Period::parse(period).unwrap(),
        investment: Yuan(1),
        progress: String::new(),
        problems,
    };
    let rows = vec![
        row(2, "2026-W10", "正常".into()),
        row(3, "2026-W11", "问".repeat(max + 1)),
    ];
    let errors = store
        .reports()
        .import(&actor, &tree, Scope::All, &rows, Vec::new(), false)
        .await
        .unwrap()
        .expect_err("a text past the bound");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].row, errors[0].column.as_str()), (3, "存在问题"));
    assert!(errors[0].message.contains(&max.to_string()));
    assert_eq!(store.reports().count().await.unwrap(), 0);
    // At the bound it goes through.
    let rows = vec![row(2, "2026-W10", "问".repeat(max))];
    assert_eq!(
        store
            .reports()
            .import(&actor, &tree, Scope::All, &rows, Vec::new(), false)
            .await
            .unwrap(),
        Ok(1)
    );
}

/// A setting is checked wherever it is set: an unknown key, a value out of its range or one that
/// breaks the order between settings is refused with the setting's Chinese name, and nothing is
/// written or audited; the list shows every setting with the value stored.
#[tokio::test]
async fn settings_are_checked_at_the_store() {
    let store = fresh_store().await;
    let a = Actor::cli();
    let audited = |store: &Store| {
        let store = store.clone();
        async move {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit WHERE entity = 'setting'")
                .fetch_one(store.pool())
                .await
                .unwrap();
            n
        }
    };
    for (key, value, says) in [
        ("status.nothing", "1", "没有设置"),
        ("status.stall_days", "0", "开而未建天数"),
        ("status.red_lag", "3", "黄灯"),
        ("ladder.notice", "2", "催办"),
        ("session.idle_minutes", "abc", "空闲退出"),
    ] {
        match store.set_setting(&a, key, value).await {
            Err(StoreError::Invalid(v)) => {
                let text = format!("{v:?}");
                assert!(text.contains(says), "{key}={value}: {text}");
            }
            other => panic!("{key}={value}: {other:?}"),
        }
    }
    assert_eq!(audited(&store).await, 0);
    store
        .set_setting(&a, "ladder.notice", " 10 ")
        .await
        .unwrap();
    assert_eq!(audited(&store).await, 1);
    let list = store.settings().await.unwrap();
    assert_eq!(list.len(), diaodu_domain::settings::SETTINGS.len());
    let notice = list.iter().find(|(s, _)| s.key == "ladder.notice").unwrap();
    assert_eq!(notice.1.as_deref(), Some("10"));
    assert_eq!(
        store.notices().ladder().await.unwrap().days,
        [1, 3, 10, 15, 30]
    );
}

/// A write that fails half-way gives the writers' turn back only once it is rolled back: the next
/// write, at once and again and again, is not refused with "database is locked" (SQLite refuses a
/// read transaction's upgrade while another connection still holds the write lock).
#[tokio::test]
async fn a_failed_write_does_not_lock_out_the_next() {
    let store = fresh_store().await;
    let (_, d1, _) = city(&store).await;
    let actor = Actor::cli();
    store
        .projects()
        .create(&actor, d1, fields("L1"))
        .await
        .unwrap();
    let ghost = Actor {
        user_id: Some(987_654),
        login: "ghost".into(),
    };
    let tree = store.units().await.unwrap();
    for i in 0..40 {
        let rows = vec![diaodu_domain::import::ReportRow {
            row: 2,
            project_code: "L1".into(),
            period: Period::parse("2026-W14").unwrap(),
            investment: Yuan(1),
            progress: String::new(),
            problems: String::new(),
        }];
        assert!(store
            .reports()
            .import(&ghost, &tree, Scope::All, &rows, Vec::new(), false)
            .await
            .is_err());
        common::unit(
            &store,
            &format!("N{i}"),
            &format!("新单位{i}"),
            Some(d1),
            UnitKind::Park,
        )
        .await;
    }
    assert_eq!(store.reports().count().await.unwrap(), 0);
}

/// 发文字号: one sequence per prefix and year, a number given once — to the same document again when
/// it is produced again, never to another, even when several documents are numbered at once.
#[tokio::test]
async fn document_numbers_are_given_once_in_order() {
    let store = fresh_store().await;
    let a = Actor::cli();
    let docs = store.documents();
    let mut handles = Vec::new();
    for i in 0..8 {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            let a = Actor::cli();
            store
                .documents()
                .number(
                    &a,
                    "云政督",
                    2026,
                    "notice",
                    &format!("n/{i}"),
                    "关于…的通知",
                )
                .await
                .unwrap()
                .seq
        }));
    }
    let mut seqs = Vec::new();
    for h in handles {
        seqs.push(h.await.unwrap());
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=8).collect::<Vec<_>>());
    let again = docs
        .number(&a, "另一代字", 2026, "notice", "n/3", "不同标题")
        .await
        .unwrap();
    assert_eq!(
        again.prefix, "云政督",
        "the number given before, whatever the prefix now"
    );
    assert_eq!(
        docs.number(&a, "云政督", 2027, "notice", "n/next-year", "t")
            .await
            .unwrap()
            .zh(),
        "云政督〔2027〕1号"
    );
    assert!(docs
        .number(&a, " ", 2026, "notice", "x", "t")
        .await
        .is_err());
}
