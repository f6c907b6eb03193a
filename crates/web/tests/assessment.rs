//! 目标考核 as its users meet it: the supervision office (the assessment office) sets the year's
//! scheme — saved as a version, a bad one refused by item — records an accountability case and a
//! bonus, and reads every district's score to the hundredth with the figures and the rule in words;
//! a district's reporter sees its own score and rank among its peers and may change nothing; the
//! table goes to Excel and the quarterly notice is issued as a numbered document kept in the
//! library. Runs on SQLite and, with `DIAODU_TEST_DB`, on PostgreSQL. The figures are computed by
//! hand in the comments.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use diaodu_store::{Accountability, Actor};
use serde_json::{json, Value};
use time::macros::date;

/// Four items for districts: start rate 15, notices 10 (1 a late notice, 0.5 a ladder step),
/// accountability 5 (2.5 a case), bonuses and deductions within ±5.
fn scheme() -> Value {
    let d = json!(["district"]);
    json!({"items": [
        {"kind": "start_rate", "name": "项目开工率", "points": 1500, "applies_to": d},
        {"kind": "notices", "name": "督办事项办理", "points": 1000, "applies_to": d, "per_case": 100, "per_step": 50},
        {"kind": "accountability", "name": "问责情况", "points": 500, "applies_to": d, "per_case": 250},
        {"kind": "manual", "name": "加减分", "points": 500, "applies_to": d},
    ]})
}

fn unit<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == name)
        .unwrap_or_else(|| panic!("{name} in {v}"))
}

#[tokio::test]
async fn the_office_scores_the_districts_and_each_sees_why() {
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let put = |body: Value| {
        let app = &app;
        let sup = sup.clone();
        async move {
            app.api(
                Method::PUT,
                "/api/v1/assessment/scheme?year=2026",
                Some(&sup),
                Some(body),
            )
            .await
        }
    };
    let r = put(scheme()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["version"], 1);
    let r = put(scheme()).await;
    assert_eq!(
        r.json()["version"],
        1,
        "the same scheme again is no new version"
    );
    let mut bad = scheme();
    bad["items"][1]["points"] = json!(20_000);
    let r = put(bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body.contains("督办事项办理") && r.body.contains("分值"),
        "{}",
        r.body
    );
    let rep = app.token("rep1").await;
    let r = app
        .api(
            Method::PUT,
            "/api/v1/assessment/scheme?year=2026",
            Some(&rep),
            Some(scheme()),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // 甲区: one accountability case (1 March) and a bonus of 1.5 (1 February).
    app.store
        .notices()
        .add_accountability(
            &Actor::cli(),
            &Accountability {
                id: 0,
                notice_id: None,
                unit_id: Some(app.d1),
                person: "张某（甲区住建局副局长）".into(),
                what: "项目推进不力".into(),
                decision: "诫勉谈话".into(),
                decided_on: date!(2026 - 03 - 01),
            },
        )
        .await
        .unwrap();
    for (body, field) in [
        (
            json!({"unit_id": app.d1, "points": "abc", "reason": "x"}),
            "分值",
        ),
        (
            json!({"unit_id": app.d1, "points": 1, "reason": " "}),
            "事由",
        ),
        (
            json!({"unit_id": app.d1, "points": 0, "reason": "x"}),
            "分值",
        ),
        (
            json!({"unit_id": app.d1, "points": "1.234", "reason": "x"}),
            "分值",
        ),
        (
            json!({"unit_id": app.d1, "points": 1, "reason": "x", "on_date": "2999-01-01"}),
            "统计日期",
        ),
    ] {
        let r = app
            .api(
                Method::POST,
                "/api/v1/assessment/adjustments",
                Some(&sup),
                Some(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(r.body.contains(field), "{field}: {}", r.body);
    }
    let r = app
        .api(
            Method::POST,
            "/api/v1/assessment/adjustments",
            Some(&sup),
            Some(json!({"unit_id": app.d1, "points": "1.5", "reason": "获省级表彰", "document": "云政发〔2026〕3号", "on_date": "2026-02-01"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app
        .api(
            Method::POST,
            "/api/v1/assessment/adjustments",
            Some(&rep),
            Some(json!({"unit_id": app.d1, "points": 5, "reason": "自评"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // 30 June. 甲区: A001 started (1 of 1) → 15; no notices → 10; one case → 5 − 2.5 = 2.5;
    // 27.5 of 30 → 91.666… → 91.67, + 1.5 = 93.17. 乙区: 30 of 30 → 100.
    let r = app
        .api(
            Method::GET,
            "/api/v1/assessment?year=2026&as_of=2026-06-30",
            Some(&sup),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!(v["scheme_version"], 1);
    assert_eq!(v["previous_as_of"], "2026-03-31");
    let d1 = unit(&v, "甲区");
    assert_eq!(
        (
            &d1["total"],
            &d1["earned"],
            &d1["possible"],
            &d1["adjustment"],
            &d1["rank"],
            &d1["peers"]
        ),
        (
            &json!(93.17),
            &json!(27.5),
            &json!(30.0),
            &json!(1.5),
            &json!(2),
            &json!(2)
        )
    );
    assert_eq!(
        d1["items"][0]["text"],
        "开工率 100.0%（已开工 1 个，应开工 1 个），得 15 分（满分 15 分）"
    );
    assert_eq!(d1["items"][2]["points"], 2.5);
    assert!(d1["items"][3]["text"]
        .as_str()
        .unwrap()
        .contains("加1.5分：获省级表彰"));
    // The end of March had the same case and bonus: no change.
    assert_eq!(
        (&d1["previous_total"], &d1["change"]),
        (&json!(93.17), &json!(0.0))
    );
    let d2 = unit(&v, "乙区");
    assert_eq!((&d2["total"], &d2["rank"]), (&json!(100.0), &json!(1)));
    // 31 January: the case and the bonus were still to come, both districts score 100 and share
    // the first place; the first quarter has no previous quarter.
    let r = app
        .api(
            Method::GET,
            "/api/v1/assessment?year=2026&as_of=2026-01-31",
            Some(&sup),
            None,
        )
        .await;
    let v = r.json();
    assert_eq!(unit(&v, "甲区")["rank"], 1, "{v}");
    assert!(v["previous_as_of"].is_null());
    let r = app
        .api(
            Method::GET,
            "/api/v1/assessment?year=2026&as_of=2025-06-30",
            Some(&sup),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

    // The district's reporter sees its own score and rank among its peers, nothing else.
    let r = app
        .api(
            Method::GET,
            "/api/v1/assessment?year=2026&as_of=2026-06-30",
            Some(&rep),
            None,
        )
        .await;
    let v = r.json();
    assert_eq!(v["units"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(
        (&v["units"][0]["unit"], &v["units"][0]["rank"]),
        (&json!("甲区"), &json!(2))
    );
    let b = app.login("rep1").await;
    let page = app
        .get(
            &b,
            &format!("/assessment?year=2026&as_of=2026-06-30&unit={}", app.d1),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("unit-detail") && page.body.contains("开工率 100.0%"));
    assert!(!page.body.contains("乙区") && !page.body.contains("adjust-form"));
    let page = app.get(&b, "/assessment/scheme?year=2026").await;
    assert!(page.body.contains("第 1 版") && !page.body.contains("保存为新版本"));

    // The table in Excel, for a leader.
    let leader = app.login("leader").await;
    let (status, headers, bytes) = app
        .get_bytes(
            &leader,
            "/assessment/export.xlsx?year=2026&as_of=2026-06-30",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let ct = headers["content-type"].to_str().unwrap();
    assert!(ct.contains("spreadsheetml"), "{ct}");
    assert!(bytes.starts_with(b"PK"));

    // The quarterly notice: numbered, ranked, kept; again, the same number.
    let office = app.login("sup").await;
    let mut numbers = Vec::new();
    for _ in 0..2 {
        let (status, _, bytes) = app
            .get_bytes(&office, "/assessment/notice.docx?quarter=2026-Q2")
            .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&bytes)
        );
        let xml = common::docx_xml(&bytes);
        assert!(xml.contains("第二季度") && xml.contains("目标责任考核情况的通报"));
        assert!(xml.contains("乙区得分居同级首位") && xml.contains("甲区得分居同级末位"));
        assert!(xml.contains("93.17"));
        numbers.push(
            xml.split("测政督〔")
                .nth(1)
                .unwrap()
                .split('号')
                .next()
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(numbers[0], numbers[1]);
    let r = app
        .api(
            Method::GET,
            "/api/v1/documents?kind=assessment_notice",
            Some(&sup),
            None,
        )
        .await;
    assert_eq!(r.json()["total"], 1, "{}", r.body);
    let (status, _, _) = app
        .get_bytes(&leader, "/assessment/notice.docx?quarter=2026-Q2")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The bonus withdrawn: 甲区 falls to 91.67; the withdrawal is audited.
    let r = app
        .api(
            Method::GET,
            "/api/v1/assessment/adjustments?year=2026",
            Some(&sup),
            None,
        )
        .await;
    let id = r.json()[0]["id"].as_i64().unwrap();
    let r = app
        .api(
            Method::DELETE,
            &format!("/api/v1/assessment/adjustments/{id}"),
            Some(&sup),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = app
        .api(
            Method::GET,
            &format!(
                "/api/v1/assessment?year=2026&as_of=2026-06-30&unit={}",
                app.d1
            ),
            Some(&sup),
            None,
        )
        .await;
    assert_eq!(r.json()["units"][0]["total"], 91.67);
    let admin = app.login("admin").await;
    let audit = app.get(&admin, "/audit?entity=assessment_adjustment").await;
    assert!(audit.body.contains("获省级表彰"));
}

/// The scheme edited on its page: an item switched off, a weight changed — a new version, audited;
/// a bad number refused naming the item; a district's office may not change it.
#[tokio::test]
async fn the_scheme_is_edited_on_its_page_as_versions() {
    use diaodu_domain::assessment::{points_text, Scheme};
    let app = TestApp::new().await;
    let office = app.login("sup").await;
    // The form as the page fills it from the default scheme, with 主要指标排位 switched off and the
    // start rate raised to 20 points.
    let mut fields: Vec<(String, String)> = Vec::new();
    for i in Scheme::default_scheme().items {
        let k = i.kind.code();
        if k != "indicator_ranks" {
            fields.push((format!("on_{k}"), "1".into()));
        }
        fields.push((format!("name_{k}"), i.name.clone()));
        let points = if k == "start_rate" { 2000 } else { i.points };
        fields.push((format!("points_{k}"), points_text(points)));
        fields.push((format!("per_case_{k}"), points_text(i.per_case)));
        fields.push((format!("per_step_{k}"), points_text(i.per_step)));
        fields.push((format!("partial_{k}"), i.partial_pct.to_string()));
        for uk in i.applies_to {
            fields.push((format!("applies_{k}_{}", uk.code()), "1".into()));
        }
    }
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r = app
        .post_form(&office, "/assessment/scheme?year=2026", &form)
        .await;
    assert!(r.status.is_redirection(), "{}", r.body);
    let token = app.token("sup").await;
    let v = app
        .api(
            Method::GET,
            "/api/v1/assessment/scheme?year=2026",
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(v["version"], 1, "{v}");
    let items = v["scheme"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 8);
    assert_eq!(items[0]["points"], 2000);
    assert!(items.iter().all(|i| i["kind"] != "indicator_ranks"));
    // A bad number: refused naming the item, nothing saved.
    let mut bad = form.clone();
    let at = bad.iter().position(|(k, _)| *k == "points_tasks").unwrap();
    bad[at] = ("points_tasks", "二十");
    let r = app
        .post_form(&office, "/assessment/scheme?year=2026", &bad)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("重点任务推进"), "{}", r.body);
    let v = app
        .api(
            Method::GET,
            "/api/v1/assessment/scheme?year=2026",
            Some(&token),
            None,
        )
        .await
        .json();
    assert_eq!(v["versions"].as_array().unwrap().len(), 1);
    // A district's supervision office may not change the city's scheme.
    app.add_user("sup_d1", app.d1, diaodu_domain::access::Role::Supervision)
        .await;
    let district = app.login("sup_d1").await;
    let r = app
        .post_form(&district, "/assessment/scheme?year=2026", &form)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let admin = app.login("admin").await;
    let audit = app.get(&admin, "/audit?entity=assessment_scheme").await;
    assert!(audit.body.contains("2026/v1"), "{}", audit.body);
}

/// Scores gathered from live data, to the hundredth, as of 30 June 2026 (day 181 of 365: time
/// progress 49.6 %), with the start rate, investment against time, notices and planning items of
/// the default scheme. 甲区: A001 started, A002 (planned start 1 May) not: 1 of 2 = 50.0 % → 7.50;
/// 3,000 of 20,000 万元 = 15.0 % against 49.6 % → 20 × 15.0 ÷ 49.6 = 6.048… → 6.05; four notices
/// of the year: one answered on time, one answered four days late (催办, step 2), one due 25 June
/// still unanswered on 30 June (five days late: 催办) though answered in July, one not yet due →
/// 10 − 2 × 1 − 4 × 0.5 = 6.00; planning quota 4 projects / 400,000 万元, A002 planned (50,000
/// 万元, entered 1 March): 25.0 % and 12.5 % → 10 × 37.5 ÷ 100 = 1.875 → 1.88. Earned 21.43 of 55
/// → 38.963… → 38.96. 乙区: B001 started (15), nothing invested (0), no notices (10), no quota
/// (不计): 25 of 45 → 55.56, first.
#[tokio::test]
async fn the_default_items_score_a_district_from_its_live_data() {
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let d = json!(["district"]);
    let r = app
        .api(
            Method::PUT,
            "/api/v1/assessment/scheme?year=2026",
            Some(&sup),
            Some(json!({"items": [
                {"kind": "start_rate", "name": "项目开工率", "points": 1500, "applies_to": d},
                {"kind": "investment", "name": "投资完成率对比时序进度", "points": 2000, "applies_to": d},
                {"kind": "notices", "name": "督办事项办理", "points": 1000, "applies_to": d, "per_case": 100, "per_step": 50},
                {"kind": "planning", "name": "项目策划包装", "points": 1000, "applies_to": d},
            ]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A002: in preparation, to start on 1 May, planned and packaged in 2026, entered 1 March.
    let mut f = common::fields("A002", diaodu_domain::project::Stage::Preparation);
    f.planned_start = Some(date!(2026 - 05 - 01));
    f.planning_year = Some(2026);
    f.entered_on = Some(date!(2026 - 03 - 01));
    app.store
        .projects()
        .create(&Actor::cli(), app.d1, f)
        .await
        .unwrap();
    let rep = app.token("rep1").await;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/projects/{}/reports", app.p1),
            Some(&rep),
            Some(json!({"period": "2026-W10", "investment_wan": 3000})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let drc = app.token("drc").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/planning/quotas",
            Some(&drc),
            Some(json!({"unit_id": app.d1, "year": 2026, "projects": 4, "investment_wan": 400000, "big_projects": 1})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    // The notices, issued on 1 March; replies and their days set as they happened.
    let today = diaodu_store::today_local();
    let fmt = diaodu_domain::period::fmt_date;
    for (title, reply_by, replied) in [
        ("按期反馈", "2026-03-10", Some("2026-03-09T02:00:00Z")),
        ("逾期四天反馈", "2026-03-10", Some("2026-03-14T02:00:00Z")),
        ("六月底仍未反馈", "2026-06-25", Some("2026-07-20T02:00:00Z")),
        ("尚未到期", "2026-07-15", None),
    ] {
        let r = app
            .api(
                Method::POST,
                "/api/v1/notices",
                Some(&sup),
                Some(json!({"unit_id": app.d1, "title": title, "content": "请按期反馈", "reply_by": fmt(today)})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.json()["notice"]["id"].as_i64().unwrap();
        if let Some(at) = replied {
            for (path, body) in [
                ("sign", json!({})),
                ("reply", json!({"text": "已按要求办理"})),
            ] {
                let r = app
                    .api(
                        Method::POST,
                        &format!("/api/v1/notices/{id}/{path}"),
                        Some(&rep),
                        Some(body),
                    )
                    .await;
                assert!(r.status.is_success(), "{path}: {}", r.body);
            }
            sqlx::query("UPDATE notice_events SET at = $1 WHERE notice_id = $2 AND kind IN ('sign', 'reply')")
                .bind(at)
                .bind(id)
                .execute(app.store.pool())
                .await
                .unwrap();
        }
        sqlx::query("UPDATE notices SET issued_at = $1, reply_by = $2 WHERE id = $3")
            .bind("2026-03-01T02:00:00Z")
            .bind(reply_by)
            .bind(id)
            .execute(app.store.pool())
            .await
            .unwrap();
    }

    let r = app
        .api(
            Method::GET,
            "/api/v1/assessment?year=2026&as_of=2026-06-30",
            Some(&sup),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!(v["time_progress_pct"], 49.6, "{v}");
    let jia = unit(&v, "甲区");
    let points: Vec<(String, Value)> = jia["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["kind"].as_str().unwrap().to_string(), i["points"].clone()))
        .collect();
    assert_eq!(
        points,
        vec![
            ("start_rate".to_string(), json!(7.5)),
            ("investment".to_string(), json!(6.05)),
            ("notices".to_string(), json!(6.0)),
            ("planning".to_string(), json!(1.88)),
        ],
        "{jia}"
    );
    assert_eq!(jia["total"], 38.96, "{jia}");
    assert_eq!(jia["rank"], 2);
    let notices = &jia["items"][2]["text"];
    assert!(
        notices.as_str().unwrap().contains("逾期反馈 2 件")
            && notices.as_str().unwrap().contains("累计升级 4 级"),
        "{notices}"
    );
    let yi = unit(&v, "乙区");
    assert_eq!(
        (yi["total"].clone(), yi["rank"].clone()),
        (json!(55.56), json!(1)),
        "{yi}"
    );

    // On 14 March the second notice's reply had just come, four days late; the third was not yet
    // due: 10 − 1 − 1 = 8.00.
    let r = app
        .api(
            Method::GET,
            "/api/v1/assessment?year=2026&as_of=2026-03-14",
            Some(&sup),
            None,
        )
        .await;
    let v = r.json();
    let n = &unit(&v, "甲区")["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "notices")
        .unwrap()["points"];
    assert_eq!(*n, json!(8.0), "{v}");
}

/// A bonus or deduction needs its document; a district's office enters them for the units below
/// it but never for its own district; a withdrawal is audited with what was withdrawn; and the
/// year's scheme carries on into the next year until the office saves one for it.
#[tokio::test]
async fn adjustments_need_a_document_and_an_office_above_and_schemes_carry_on() {
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/assessment/adjustments",
            Some(&sup),
            Some(json!({"unit_id": app.d1, "points": 1, "reason": "获省级表彰", "on_date": "2026-02-01"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("依据文件"), "{}", r.body);

    // 甲区's own office, with a town below it.
    let town = app
        .store
        .create_unit(
            &Actor::cli(),
            diaodu_store::NewUnit {
                code: "D1T1".into(),
                name: "甲区一镇".into(),
                parent_id: Some(app.d1),
                kind: diaodu_domain::access::UnitKind::Park,
            },
        )
        .await
        .unwrap()
        .id;
    app.store
        .users()
        .create(
            &Actor::cli(),
            "sup_d1",
            "甲区督查室",
            app.d1,
            diaodu_domain::access::Role::Supervision,
            common::PASSWORD,
        )
        .await
        .unwrap();
    let sup_d1 = app.token("sup_d1").await;
    let body = |unit: i64| json!({"unit_id": unit, "points": 2, "reason": "工作突出", "document": "甲政办〔2026〕5号", "on_date": "2026-02-01"});
    let r = app
        .api(
            Method::POST,
            "/api/v1/assessment/adjustments",
            Some(&sup_d1),
            Some(body(app.d1)),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("不能为本单位录入加减分"), "{}", r.body);
    let r = app
        .api(
            Method::POST,
            "/api/v1/assessment/adjustments",
            Some(&sup_d1),
            Some(body(town)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app
        .api(
            Method::POST,
            "/api/v1/assessment/adjustments",
            Some(&sup),
            Some(body(app.d1)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let r = app
        .api(
            Method::DELETE,
            &format!("/api/v1/assessment/adjustments/{id}"),
            Some(&sup_d1),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app
        .api(
            Method::DELETE,
            &format!("/api/v1/assessment/adjustments/{id}"),
            Some(&sup),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let withdrawn = app
        .store
        .audit()
        .list(&diaodu_store::AuditFilter {
            entity: Some("assessment_adjustment".into()),
            action: Some("withdraw".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(withdrawn.len(), 1);
    let before = withdrawn[0].before.as_ref().expect("the withdrawn record");
    assert!(before.to_string().contains("甲政办〔2026〕5号"), "{before}");

    // 2026's scheme, one item, carries on into 2027 with no version of 2027's own.
    let scheme = json!({"items": [
        {"kind": "accountability", "name": "问责情况", "points": 500, "applies_to": ["district"], "per_case": 250},
    ]});
    let r = app
        .api(
            Method::PUT,
            "/api/v1/assessment/scheme?year=2026",
            Some(&sup),
            Some(scheme.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .api(
            Method::GET,
            "/api/v1/assessment/scheme?year=2027",
            Some(&sup),
            None,
        )
        .await;
    let v = r.json();
    assert_eq!(v["scheme"]["items"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["version"], Value::Null, "{v}");
    let r = app
        .api(
            Method::PUT,
            "/api/v1/assessment/scheme?year=2027",
            Some(&sup),
            Some(scheme),
        )
        .await;
    assert_eq!(r.json()["version"], 1, "saved for 2027: its first version");
}

/// A task of last year the district left undone still counts this year (red: nothing of its 20
/// points), instead of dropping out of the score when the year turned.
#[tokio::test]
async fn last_years_open_task_still_counts() {
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let r = app
        .api(
            Method::PUT,
            "/api/v1/assessment/scheme?year=2026",
            Some(&sup),
            Some(json!({"items": [
                {"kind": "tasks", "name": "重点任务推进", "points": 2000, "applies_to": ["district"], "partial_pct": 50},
            ]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .api(
            Method::POST,
            "/api/v1/tasks",
            Some(&sup),
            Some(json!({
                "title": "甲区老旧小区改造（2025年）", "lead_unit_id": app.d1.to_string(),
                "start": "2025-03-01", "deadline": "2025-12-31", "cadence": "monthly"
            })),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let v = app
        .api(
            Method::GET,
            &format!(
                "/api/v1/assessment?year=2026&as_of=2026-06-30&unit={}",
                app.d1
            ),
            Some(&sup),
            None,
        )
        .await
        .json();
    let item = &v["units"][0]["items"][0];
    assert_eq!(item["points"], json!(0.0), "{v}");
    assert!(item["text"].as_str().unwrap().contains("红"), "{item}");
}

/// A notice answered in time but sent back, and then climbing the ladder while the unit does not
/// answer again, counts late by the step it reached — from the day that step was recorded, not on
/// the days before.
#[tokio::test]
async fn a_notice_sent_back_and_escalated_counts_late_from_when_it_climbed() {
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let d = json!(["district"]);
    let r = app
        .api(
            Method::PUT,
            "/api/v1/assessment/scheme?year=2026",
            Some(&sup),
            Some(json!({"items": [
                {"kind": "notices", "name": "督办事项办理", "points": 1000, "applies_to": d, "per_case": 100, "per_step": 50},
            ]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let today = diaodu_store::today_local();
    let fmt = diaodu_domain::period::fmt_date;
    let r = app
        .api(
            Method::POST,
            "/api/v1/notices",
            Some(&sup),
            Some(json!({"unit_id": app.d1, "title": "退回后未再反馈", "content": "请按期反馈", "reply_by": fmt(today)})),
        )
        .await;
    let id = r.json()["notice"]["id"].as_i64().unwrap();
    let rep = app.token("rep1").await;
    for (path, body) in [("sign", json!({})), ("reply", json!({"text": "已办理"}))] {
        let r = app
            .api(
                Method::POST,
                &format!("/api/v1/notices/{id}/{path}"),
                Some(&rep),
                Some(body),
            )
            .await;
        assert!(r.status.is_success(), "{path}: {}", r.body);
    }
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/notices/{id}/verify"),
            Some(&sup),
            Some(json!({"accept": false, "note": "整改措施不具体，请补充"})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    // Issued 1 March, due 10 March, answered 9 March (in time), sent back; never answered again.
    sqlx::query("UPDATE notices SET issued_at = '2026-03-01T02:00:00Z', reply_by = '2026-03-10' WHERE id = $1")
        .bind(id)
        .execute(app.store.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE notice_events SET at = '2026-03-09T02:00:00Z' WHERE notice_id = $1 AND kind IN ('sign', 'reply')")
        .bind(id)
        .execute(app.store.pool())
        .await
        .unwrap();
    // The ladder climbs now, to its top (问责, step 5): its days run from 10 March.
    let r = app
        .api(Method::POST, "/api/v1/notices/escalate", Some(&sup), None)
        .await;
    assert_eq!(r.json()["steps"], 5, "{}", r.body);
    let notices = |as_of: String| {
        let app = &app;
        let sup = sup.clone();
        async move {
            let v = app
                .api(
                    Method::GET,
                    &format!("/api/v1/assessment?year=2026&as_of={as_of}&unit={}", app.d1),
                    Some(&sup),
                    None,
                )
                .await
                .json();
            v["units"][0]["items"][0]["points"].clone()
        }
    };
    // On 30 June it had been answered in time and had climbed nothing yet: full points.
    assert_eq!(notices("2026-06-30".into()).await, json!(10.0));
    // Today it has reached 问责: 10 − 1 − 5 × 0.5 = 6.50.
    let now = if today.year() == 2026 {
        fmt(today)
    } else {
        "2026-12-31".into()
    };
    assert_eq!(notices(now).await, json!(6.5));
}
