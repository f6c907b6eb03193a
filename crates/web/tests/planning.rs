//! 项目策划 as its users meet it: the development and reform commission imports the districts'
//! planning quotas (a bad file first, refused row by row with nothing written), files planned
//! projects with their day of entry, and reads each district's progress on past days to the decimal;
//! a district's reporter sees its own district and may set nothing; the monthly planning notice is
//! issued as a numbered document and kept in the library; an investment plan lists projects by code.
//! Runs on SQLite and, with `DIAODU_TEST_DB`, on PostgreSQL. The figures are computed by hand in the
//! comments.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{json, Value};

fn planned(code: &str, unit: i64, stage: &str, total_wan: i64, entered_on: &str) -> Value {
    let started = !matches!(stage, "reserve" | "preparation");
    json!({
        "unit_id": unit, "code": code, "name": format!("策划项目{code}"), "category": "industry",
        "stage": stage, "total_investment_wan": total_wan, "plan_year": 2026, "annual_plan_wan": 0,
        "actual_start": if started { Some("2026-05-01") } else { None },
        "planning_year": 2026, "entered_on": entered_on,
    })
}

async fn progress(app: &TestApp, token: &str, as_of: &str) -> Value {
    let r = app
        .api(
            Method::GET,
            &format!("/api/v1/planning/progress?year=2026&as_of={as_of}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

fn unit<'a>(p: &'a Value, name: &str) -> &'a Value {
    p["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == name)
        .unwrap_or_else(|| panic!("{name} in {p}"))
}

/// Quotas by import, projects by the API, progress on 30 April and 30 June to the decimal.
#[tokio::test]
async fn the_commission_sets_quotas_and_reads_each_districts_progress() {
    let app = TestApp::new().await;
    let drc = app.login("drc").await;
    let bad = "单位编码,年度,策划项目数,策划总投资(万元),大块头项目数\n\
               D1,2026,4,300000,1\n\
               ZZ,2026,1,1,0\n\
               乙区,2026,1,1,3\n\
               D2,二〇二六,1,1,0\n";
    let r = app
        .upload(&drc, "planning-quotas", "quotas.csv", bad.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("未写入任何数据"));
    for (row, col) in [("3", "单位编码"), ("4", "大块头项目数"), ("5", "年度")] {
        assert!(
            r.body
                .contains(&format!("<td class=\"n\">{row}</td><td>{col}</td>")),
            "row {row} {col}: {}",
            r.body
        );
    }
    let token = app.token("drc").await;
    let quotas = app
        .api(
            Method::GET,
            "/api/v1/planning/quotas?year=2026",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(quotas.json(), json!([]), "nothing written");
    let good = "单位编码,年度,策划项目数,策划总投资(万元),大块头项目数\n\
                D1,2026,4,300000,1\n\
                乙区,2026,2,100000,1\n";
    let r = app
        .upload(&drc, "planning-quotas", "quotas.csv", good.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    for body in [
        planned("PL-1", app.d1, "reserve", 150_000, "2026-02-10"),
        planned("PL-2", app.d1, "preparation", 40_000, "2026-05-20"),
        planned("PL-3", app.d2, "reserve", 60_000, "2026-03-01"),
    ] {
        let r = app
            .api(Method::POST, "/api/v1/projects", Some(&token), Some(body))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["planning_year"], 2026);
    }

    // 30 April: 甲区 has PL-1 → 1 of 4 = 25.0 %, 150,000 of 300,000 万元 = 50.0 %, big 1 of 1, none
    // converted; 乙区 has PL-3 → 1 of 2 = 50.0 %, 60,000 of 100,000 = 60.0 %, big 0 of 1 = 0.0 %.
    let p = progress(&app, &token, "2026-04-30").await;
    let d1 = unit(&p, "甲区");
    assert_eq!(
        (
            &d1["planned"],
            &d1["projects_pct"],
            &d1["investment_pct"],
            &d1["big_pct"],
            &d1["converted"]
        ),
        (
            &json!(1),
            &json!(25.0),
            &json!(50.0),
            &json!(100.0),
            &json!(0)
        )
    );
    let d2 = unit(&p, "乙区");
    assert_eq!(
        (
            &d2["projects_pct"],
            &d2["investment_pct"],
            &d2["big_pct"],
            &d2["rank"]
        ),
        (&json!(50.0), &json!(60.0), &json!(0.0), &json!(1))
    );
    assert_eq!(d1["rank"], 2);
    // The city: 2 of 4 + 2 = 33.3 %.
    assert_eq!(p["total"]["planned"], 2);
    assert_eq!(p["total"]["projects_pct"], 33.3);
    assert_eq!(p["units"][0]["unit"], "乙区", "ranked best first");

    // PL-1 leaves 储备 today: converted from today, not on a past day.
    let p1 = app.store.projects().by_code("PL-1").await.unwrap().unwrap();
    let mut body = planned("PL-1", app.d1, "preparation", 150_000, "2026-02-10");
    body["version"] = json!(p1.version);
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/projects/{}", p1.id),
            Some(&token),
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // 30 June: 甲区 has PL-1 and PL-2 → 2 of 4 = 50.0 %, 190,000 of 300,000 = 63.3 %, PL-2 in 前期
    // converted → 1 of 2 = 50.0 %; 乙区 still 50.0 %: the two share the first place.
    let p = progress(&app, &token, "2026-06-30").await;
    let d1 = unit(&p, "甲区");
    assert_eq!(
        (
            &d1["projects_pct"],
            &d1["investment_pct"],
            &d1["converted"],
            &d1["converted_pct"],
            &d1["rank"]
        ),
        (
            &json!(50.0),
            &json!(63.3),
            &json!(1),
            &json!(50.0),
            &json!(1)
        )
    );
    assert_eq!(unit(&p, "乙区")["rank"], 1);
    let today = diaodu_domain::period::fmt_date(diaodu_store::today_local());
    let p = progress(&app, &token, &today).await;
    assert_eq!(unit(&p, "甲区")["converted"], 2);

    // A district's reporter sees its district only, and may set no quota.
    let rep = app.token("rep1").await;
    let p = progress(&app, &rep, "2026-06-30").await;
    let names: Vec<&str> = p["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["甲区"]);
    // Ranked as the city ranks it: on 30 April 乙区 (50.0 %) leads 甲区 (25.0 %).
    let p = progress(&app, &rep, "2026-04-30").await;
    assert_eq!(unit(&p, "甲区")["rank"], 2, "{p}");
    let r = app
        .api(
            Method::POST,
            "/api/v1/planning/quotas",
            Some(&rep),
            Some(json!({"unit_id": app.d1, "year": 2026, "projects": 1, "investment_wan": 1, "big_projects": 0})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // The commission adjusts a quota through the API; bad numbers are refused by field.
    for (body, field) in [
        (
            json!({"unit_id": app.d2, "year": 2026, "projects": 1, "investment_wan": 1, "big_projects": 2}),
            "大块头项目数",
        ),
        (
            json!({"unit_id": app.d2, "year": 2026, "projects": 1, "investment_wan": "-5", "big_projects": 0}),
            "investment_wan",
        ),
        (
            json!({"unit_id": app.d2, "year": 1899, "projects": 1, "investment_wan": 1, "big_projects": 0}),
            "年度",
        ),
        (
            json!({"unit_id": app.d2, "year": 2026, "projects": -1, "investment_wan": 1, "big_projects": 0}),
            "策划项目数",
        ),
    ] {
        let r = app
            .api(
                Method::POST,
                "/api/v1/planning/quotas",
                Some(&token),
                Some(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(r.body.contains(field), "{field}: {}", r.body);
    }
    let r = app
        .api(
            Method::POST,
            "/api/v1/planning/quotas",
            Some(&token),
            Some(json!({"unit_id": app.d2, "year": 2026, "projects": 4, "investment_wan": "120000.5", "big_projects": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["investment_wan"], 120000.5);
    let r = app
        .api(
            Method::GET,
            "/api/v1/planning/progress?year=abc",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

    // The page: the ranking with its bars, as a leader reads it.
    let leader = app.login("leader").await;
    let page = app
        .get(&leader, "/planning?year=2026&as_of=2026-06-30")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("planning-progress") && page.body.contains("甲区"));
    assert!(!page.body.contains("quota-form"), "a leader sets nothing");
    let page = app.get(&drc, "/planning?year=2026").await;
    assert!(page.body.contains("quota-form") && page.body.contains("planning-notice"));
}

/// The monthly planning notice: numbered, with the units ranked and the ones behind named, kept
/// in the library; issued again, the same number.
#[tokio::test]
async fn the_planning_notice_names_the_units_behind_and_is_kept() {
    let app = TestApp::new().await;
    let token = app.token("drc").await;
    for (u, q) in [(app.d1, 10), (app.d2, 2)] {
        let r = app
            .api(
                Method::POST,
                "/api/v1/planning/quotas",
                Some(&token),
                Some(json!({"unit_id": u, "year": 2026, "projects": q, "investment_wan": 500000, "big_projects": 1})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    for body in [
        planned("PN-1", app.d2, "reserve", 200_000, "2026-01-15"),
        planned("PN-2", app.d2, "preparation", 300_000, "2026-02-15"),
        planned("PN-3", app.d1, "reserve", 20_000, "2026-03-15"),
    ] {
        let r = app
            .api(Method::POST, "/api/v1/projects", Some(&token), Some(body))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let drc = app.login("drc").await;
    let mut numbers = Vec::new();
    for _ in 0..2 {
        let (status, _, bytes) = app
            .get_bytes(&drc, "/planning/notice.docx?month=2026-06")
            .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&bytes)
        );
        let xml = common::docx_xml(&bytes);
        // 30 June, day 181 of 365: 甲区 has 1 of 10 — half its time-proportional quota is
        // 10 × 181 / 365 / 2 = 2.48 — and is named; 乙区 has 2 of 2.
        // The title is set on two lines.
        assert!(xml.contains("关于2026年1—6月全市") && xml.contains("项目策划包装情况的通报"));
        assert!(xml.contains("测试市发展和改革委员会"));
        assert!(xml.contains("甲区（项目数和总投资）"));
        assert!(xml.contains("乙区策划包装进度位居前列"));
        let n = xml
            .split("测发改投资〔")
            .nth(1)
            .map(|s| s.split('号').next().unwrap().to_string())
            .expect("a number");
        numbers.push(n);
    }
    assert_eq!(numbers[0], numbers[1], "the same number each time");
    let r = app
        .api(
            Method::GET,
            "/api/v1/documents?kind=planning_notice",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["total"], 1, "{}", r.body);
    // Only the commission issues it; a month not begun is refused.
    let sup = app.login("sup").await;
    let (status, _, _) = app
        .get_bytes(&sup, "/planning/notice.docx?month=2026-06")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let r = app
        .api(
            Method::GET,
            "/api/v1/planning/notice?month=2100-01",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
}

/// An investment plan lists projects by code; an unknown code is refused by name with nothing
/// saved; followed as of a day.
#[tokio::test]
async fn an_investment_plan_is_followed_by_its_codes() {
    let app = TestApp::new().await;
    let token = app.token("drc").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/projects",
            Some(&token),
            Some(planned("PP-1", app.d1, "reserve", 300_000, "2026-04-01")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let plan = json!({"year": 2026, "name": "千亿百项", "target_projects": 100, "target_investment_wan": 10000000,
                      "projects": ["A001", "PP-1", "NOPE-9"]});
    let r = app
        .api(
            Method::POST,
            "/api/v1/planning/plans",
            Some(&token),
            Some(plan.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("NOPE-9"), "{}", r.body);
    let mut plan = plan;
    plan["projects"] = json!(["A001", "PP-1"]);
    let r = app
        .api(
            Method::POST,
            "/api/v1/planning/plans",
            Some(&token),
            Some(plan),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    // Today the plan has A001 (the fixture's continuing project, entered today) and PP-1: 2 of 100
    // = 2.0 %; started: A001 → 1 of 2 = 50.0 %.
    let today = diaodu_domain::period::fmt_date(diaodu_store::today_local());
    let r = app
        .api(
            Method::GET,
            &format!("/api/v1/planning/plans/{id}?as_of={today}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!(v["plan"]["projects"], 2, "{v}");
    assert_eq!(v["plan"]["projects_pct"], 2.0);
    assert_eq!(v["plan"]["started_pct"], 50.0);
    assert_eq!(v["projects"].as_array().unwrap().len(), 2);
    // On 1 April only PP-1 had entered (A001 entered the library today).
    let r = app
        .api(
            Method::GET,
            "/api/v1/planning/plans?year=2026&as_of=2026-04-01",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.json()[0]["projects"], 1, "{}", r.body);
    let leader = app.login("leader").await;
    let page = app.get(&leader, &format!("/planning/plans/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("PP-1") && !page.body.contains("plan-form"));
}
