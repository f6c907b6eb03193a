//! Imports through the upload form: every kind of error is reported with row, column and reason, and
//! nothing is written; the documented example files import and give the statuses computed by hand.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;

const PROJECT_HEADER: &str = "项目编码,项目名称,责任单位,包抓领导,项目类别,建设阶段,总投资(万元),计划年度,年度计划投资(万元),计划开工日期,计划竣工日期,实际开工日期,集中开工批次";

async fn counts(app: &TestApp) -> (i64, i64, usize, i64) {
    (
        app.store.projects().count().await.unwrap(),
        app.store.reports().count().await.unwrap(),
        app.store.units().await.unwrap().units.len(),
        app.store.audit().count().await.unwrap(),
    )
}

/// Uploads `csv` and expects it to be refused with exactly these (row, column, words in the reason).
async fn refused(
    app: &TestApp,
    b: &common::Browser,
    kind: &str,
    csv: &str,
    expect: &[(usize, &str, &str)],
) {
    let before = counts(app).await;
    let r = app.upload(b, kind, "bad.csv", csv.as_bytes()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{csv}\n{}", r.body);
    assert!(r.body.contains("未写入任何数据"));
    let table = r
        .body
        .split("id=\"import-errors\"")
        .nth(1)
        .expect("error table");
    let rows: Vec<Vec<String>> = table
        .split("<tr>")
        .skip(2)
        .map(|tr| {
            tr.split("<td")
                .skip(1)
                .map(|td| {
                    let inner = td.split_once('>').map(|x| x.1).unwrap_or("");
                    inner.split("</td>").next().unwrap_or("").to_string()
                })
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), expect.len(), "{csv}\n{rows:?}");
    for (got, (row, col, words)) in rows.iter().zip(expect) {
        let row_text = if *row == 0 {
            String::new()
        } else {
            row.to_string()
        };
        assert_eq!(got[0], row_text, "{got:?}");
        assert_eq!(got[1], *col, "{got:?}");
        assert!(got[2].contains(words), "{got:?} should mention {words}");
    }
    assert_eq!(counts(app).await, before, "the database is unchanged");
}

#[tokio::test]
async fn every_project_import_error_is_reported_and_nothing_written() {
    let app = TestApp::new().await;
    let b = app.login("drc").await;
    let ok_row = "N1,新项目,甲区,张三,工业,续建,100,2026,50,2026-01-01,2026-12-31,2026-01-05,";
    // Missing column.
    refused(
        &app,
        &b,
        "projects",
        "项目编码,项目名称,责任单位\nN1,x,甲区\n",
        &[
            (1, "项目类别", "缺少此列"),
            (1, "建设阶段", "缺少此列"),
            (1, "总投资(万元)", "缺少此列"),
            (1, "计划年度", "缺少此列"),
            (1, "年度计划投资(万元)", "缺少此列"),
        ],
    )
    .await;
    // Bad date, negative money, non-numeric money, too many decimals, unknown category.
    let csv = format!(
        "{PROJECT_HEADER}\n{ok_row}\nN2,坏日期,甲区,,工业,续建,100,2026,50,2026-02-30,,2026-01-05,\nN3,负数,甲区,,工业,续建,-100,2026,abc,,,2026-01-05,\nN4,精度,甲区,,农业,续建,100.123,2026,50,,,2026-01-05,\nN8,多处有误,丙区,,工业,续建,abc,2026,50,,,2026-01-05,\n"
    );
    refused(
        &app,
        &b,
        "projects",
        &csv,
        &[
            (3, "计划开工日期", "2026-02-30"),
            (4, "总投资(万元)", "不能为负数"),
            (4, "年度计划投资(万元)", "不是数字"),
            (5, "项目类别", "农业"),
            (5, "总投资(万元)", "两位小数"),
            // An unreadable figure does not hide the unknown unit of the same row.
            (6, "总投资(万元)", "不是数字"),
            (6, "责任单位", "丙区"),
        ],
    )
    .await;
    // Unknown unit, duplicate code in the file and in the library, stage inconsistent with dates.
    let csv = format!(
        "{PROJECT_HEADER}\n{ok_row}\nN1,重复,甲区,,工业,续建,100,2026,50,,,2026-01-05,\nN5,无单位,丙区,,工业,续建,100,2026,50,,,2026-01-05,\nA001,库中已有,甲区,,工业,续建,100,2026,50,,,2026-01-05,\nN6,新开工无日期,甲区,,工业,新开工,100,2026,50,2026-01-01,,,\nN7,前期有日期,甲区,,工业,前期,100,2026,50,,,2026-01-05,\n"
    );
    refused(
        &app,
        &b,
        "projects",
        &csv,
        &[
            (3, "项目编码", "与第2行重复"),
            (4, "责任单位", "丙区"),
            (5, "项目编码", "已在项目库中"),
            (6, "实际开工日期", "必须填写"),
            (7, "实际开工日期", "不应填写"),
        ],
    )
    .await;
    // And the good row alone goes in.
    let r = app
        .upload(
            &b,
            "projects",
            "ok.csv",
            format!("{PROJECT_HEADER}\n{ok_row}\n").as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(app.store.projects().by_code("N1").await.unwrap().is_some());
}

#[tokio::test]
async fn every_report_import_error_is_reported_and_nothing_written() {
    let app = TestApp::new().await;
    let b = app.login("rep1").await;
    let h = "项目编码,填报期,本期完成投资(万元),形象进度,存在问题";
    refused(
        &app,
        &b,
        "reports",
        &format!("{h}\nA001,2026-W07,10,,\nZZZ,2026-W07,10,,\nB001,2026-W07,10,,\nA001,2026-W7,10,,\nA001,2026-W08,-1,,\nA001,2026-W07,5,,\nA001,2099-01,1,,\nZZY,2026-W7,abc,,\nZZX,2099-02,1,,\n"),
        &[
            (3, "项目编码", "ZZZ"),
            (4, "项目编码", "无权填报"),
            (5, "填报期", "2026-W7"),
            (6, "本期完成投资(万元)", "不能为负数"),
            (7, "填报期", "与第2行是同一项目同一期"),
            (8, "填报期", "尚未开始"),
            // A row with several errors reports each of them, unreadable cells or not.
            (9, "项目编码", "ZZY"),
            (9, "填报期", "2026-W7"),
            (9, "本期完成投资(万元)", "abc"),
            (10, "项目编码", "ZZX"),
            (10, "填报期", "尚未开始"),
        ],
    )
    .await;
    // Units may only be imported by the administrator.
    let r = app
        .upload(
            &b,
            "units",
            "u.csv",
            "单位编码,单位名称,上级单位编码,单位类型\nX,x,C,区县\n".as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A GBK file (what Excel on Chinese Windows writes) with an edit of an existing report.
    let ok = format!("{h}\nA001,2026-W07,10.5,基础施工,\n");
    let r = app.upload(&b, "reports", "ok.csv", ok.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let text = format!("{h}\nA001,2026-W07,12,主体施工,用地待落实\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let r = app.upload(&b, "reports", "gbk.csv", &gbk).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let reps = app.store.reports().list(app.p1).await.unwrap();
    assert_eq!(reps.len(), 1);
    assert_eq!(reps[0].investment.wan_text(), "12.00");
    assert_eq!(reps[0].problems, "用地待落实");
}

#[tokio::test]
async fn unit_import_errors() {
    let app = TestApp::new().await;
    let b = app.login("admin").await;
    let h = "单位编码,单位名称,上级单位编码,单位类型";
    refused(&app, &b, "units", &format!("{h}\nD1,重复,C,区县\nX1,甲,无此单位,区县\nX2,乙,C,乡镇\nX3,丙,X4,园区\nX4,丁,X3,园区\n"), &[
        (2, "单位编码", "已存在"),
        (3, "上级单位编码", "无此单位"),
        (4, "单位类型", "乡镇"),
        (5, "上级单位编码", "循环"),
    ])
    .await;
    // A parent named by a name two units share must be given by code.
    app.store
        .create_unit(
            &diaodu_store::Actor::cli(),
            diaodu_store::NewUnit {
                code: "D3".into(),
                name: "甲区".into(),
                parent_id: Some(app.d2),
                kind: diaodu_domain::access::UnitKind::Park,
            },
        )
        .await
        .unwrap();
    refused(
        &app,
        &b,
        "units",
        &format!("{h}\nX5,戊,甲区,园区\n"),
        &[(2, "上级单位编码", "请改用单位编码")],
    )
    .await;
    refused(&app, &b, "units", "名称\n甲\n", &[(0, "单位编码", "表头")]).await;
}

fn example(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../docs/examples/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn close(v: &serde_json::Value, want: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"));
    assert!((got - want).abs() < 1e-9, "{got} != {want}");
}

/// The example files of docs/import-formats.md, imported through the upload form, give the statuses
/// worked out by hand in the comments (as of Sunday 2026-03-15, day 74 of 365).
#[tokio::test]
async fn documented_examples_give_the_hand_computed_statuses() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    for (kind, file) in [
        ("units", "units.csv"),
        ("projects", "projects.csv"),
        ("reports", "reports.csv"),
    ] {
        let r = app.upload(&admin, kind, file, &example(file)).await;
        assert_eq!(r.status, StatusCode::OK, "{file}: {}", r.body);
    }
    let token = app.token("admin").await;
    let st = app
        .api(
            Method::GET,
            "/api/v1/status?as_of=2026-03-15",
            Some(&token),
            None,
        )
        .await
        .json();
    let by = |code: &str| {
        st.as_array()
            .unwrap()
            .iter()
            .find(|x| x["code"] == code)
            .unwrap()
            .clone()
    };
    let tp = 74.0 / 365.0 * 100.0;
    // EX-001 续建, plan 7300: 600 (Jan) + 500 (Feb) + 150 (W10, ends 03-08) + 170.5 (W11, ends 03-15).
    let p = by("EX-001");
    close(&p["time_progress_pct"], tp);
    close(&p["ytd_investment_wan"], 1420.5);
    close(&p["annual_completion_pct"], 1420.5 / 7300.0 * 100.0);
    close(&p["lag_pp"], tp - 1420.5 / 7300.0 * 100.0);
    assert_eq!(
        (p["light"].as_str(), p["stalled"].as_bool()),
        (Some("green"), Some(false))
    );
    // EX-002 新开工 on 02-16, plan 3650, 100 invested: lag 17.5 > 15 → red. Started 27 days before
    // D (after D − 28 = 02-15), so not yet stalled although its last report (W09) had no investment.
    let p = by("EX-002");
    close(&p["annual_completion_pct"], 100.0 / 3650.0 * 100.0);
    assert_eq!(p["light"], "red");
    assert_eq!(p["stalled"], false);
    assert_eq!(p["started"], true);
    // EX-003 续建: last investment W05 (ends 02-01) ≤ 02-15 → stalled → red, though its lag is 12.3.
    let p = by("EX-003");
    close(&p["lag_pp"], tp - 8.0);
    assert_eq!(
        (p["light"].as_str(), p["stalled"].as_bool()),
        (Some("red"), Some(true))
    );
    // EX-004 前期, planned start 03-01 passed, not started → red.
    let p = by("EX-004");
    assert_eq!(
        (
            p["light"].as_str(),
            p["not_started_past_plan"].as_bool(),
            p["started"].as_bool()
        ),
        (Some("red"), Some(true), Some(false))
    );
    close(&p["annual_completion_pct"], 0.0);
    // EX-005 储备, plan for 2027: not lit, no completion.
    let p = by("EX-005");
    assert_eq!(p["light"], "none");
    assert!(p["annual_completion_pct"].is_null() && p["lag_pp"].is_null());

    // Unit table of 示例市: 甲区 (EX-001, EX-003 through its park) ranks above 乙县 (EX-002, EX-004).
    let ex = app.store.units().await.unwrap().find("EX").unwrap().id;
    let units = app
        .api(
            Method::GET,
            &format!("/api/v1/status/units?as_of=2026-03-15&unit={ex}"),
            Some(&token),
            None,
        )
        .await
        .json();
    let units = units.as_array().unwrap();
    assert_eq!(units[0]["name"], "示例市");
    assert_eq!(units[1]["name"], "甲区");
    assert_eq!(units[1]["rank"], 1);
    close(&units[1]["completion_pct"], 1500.5 / 8300.0 * 100.0);
    close(&units[1]["start_rate_pct"], 100.0);
    // Weekly reports due: Sundays of 2026 up to D − 2 = 03-13: ten for each of EX-001 and EX-003.
    assert_eq!(units[1]["reports_due"], 20);
    assert_eq!(units[2]["name"], "乙县");
    assert_eq!(units[2]["rank"], 2);
    close(&units[2]["start_rate_pct"], 50.0);
    // EX-002 started 02-16: Sundays 02-22, 03-01, 03-08 are due.
    assert_eq!(units[2]["reports_due"], 3);
    assert!(
        units[2]["double_half"].is_null(),
        "not judged before 30 June"
    );
}

/// The indicator example files, imported through the upload form, give the scorecard worked out by
/// hand for 甲区 in 2026-Q2 (peers: 甲区, 乙县, 丙区, 丁区; parent 示例市).
#[tokio::test]
async fn documented_indicator_examples_give_the_hand_computed_scorecard() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    for (kind, file) in [
        ("units", "units.csv"),
        ("indicators", "indicators.csv"),
        ("targets", "targets.csv"),
        ("indicator-values", "indicator-values.csv"),
    ] {
        let r = app.upload(&admin, kind, file, &example(file)).await;
        assert_eq!(r.status, StatusCode::OK, "{file}: {}", r.body);
    }
    let token = app.token("admin").await;
    let sc = app
        .api(
            Method::GET,
            "/api/v1/scorecard?region=EX-A&period=2026-Q2",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(sc.status, StatusCode::OK, "{}", sc.body);
    let sc = sc.json();
    assert_eq!(sc["region"], "甲区");
    assert_eq!(sc["period"], "2026-Q2");
    let ind = |code: &str| {
        sc["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["code"] == code)
            .unwrap()
            .clone()
    };

    // GDP growth 6.8, 6.5, 5.9, 0.5: first; 0.3 above 乙县; one district (甲区) above the 6.5 target;
    // 0.5 above the city's 6.3; 2nd (tied with 丙区 at 6.0) in Q1, so up one place.
    let g = ind("GDP");
    assert_eq!(g["rank"], 1);
    assert_eq!(g["peer_count"], 4);
    assert!(g["above"].is_null());
    assert_eq!(g["below"]["names"], serde_json::json!(["乙县"]));
    close(&g["below"]["gap_pp"], 0.3);
    assert_eq!(g["leader"]["names"], serde_json::json!(["甲区"]));
    close(&g["threshold"], 6.5);
    assert_eq!(g["count_above_threshold"], 1);
    close(&g["parent_metric"], 6.3);
    close(&g["gap_to_parent_pp"], 0.5);
    assert_eq!(g["rank_change"], 1);
    // Catch-up: L = 505, g = 6.8 %, B = 1000 (2025), T = 6.5 %: L0 = 505 ÷ 1.068 = 472.8464;
    // (1065 − 505) ÷ (1000 − 472.8464) × 100 − 100 = 6.2309 %.
    let need = g["needed_growth_pct"].as_f64().unwrap();
    assert!((need - 6.2309).abs() < 1e-4, "{need}");
    let text = g["text"].as_str().unwrap();
    assert!(text.contains("增速居全市4个县区首位"), "{text}");
    assert!(text.contains("较上期前移1位"), "{text}");
    assert!(text.contains("仅比第2位的乙县高0.3个百分点"), "{text}");
    assert!(text.contains("全市有1个县区增速高于全年目标6.5%"), "{text}");
    assert!(text.contains("下半年需增长6.2%"), "{text}");

    // Energy intensity, lower is better: −3.5 ties with 丙区 behind 丁区 (−4.1): rank 2; 0.6 behind
    // 丁区, 1.5 ahead of 乙县; three below the −3.0 target; 0.4 below the city's −3.1; Q1 rank 3 → up 1.
    let e = ind("ENERGY");
    assert_eq!(e["rank"], 2);
    assert_eq!(e["above"]["names"], serde_json::json!(["丁区"]));
    close(&e["above"]["gap_pp"], 0.6);
    assert_eq!(e["below"]["names"], serde_json::json!(["乙县"]));
    close(&e["below"]["gap_pp"], 1.5);
    assert_eq!(e["leader"]["names"], serde_json::json!(["丁区"]));
    close(&e["leader"]["metric"], -4.1);
    assert_eq!(e["count_above_threshold"], 3);
    close(&e["gap_to_parent_pp"], -0.4);
    assert_eq!(e["rank_change"], 1);
    assert!(e["needed_growth_pct"].is_null(), "no levels, no catch-up");
    let text = e["text"].as_str().unwrap();
    assert!(
        text.contains("下降3.5%") && text.contains("与丙区并列居全市4个县区第2位"),
        "{text}"
    );
    assert!(text.contains("低于全市0.4个百分点，好于全市水平"), "{text}");

    // Fiscal revenue ranked on the level: 35.2, 30.5, 28.0, 12.3 → 2nd; no target and no city figure:
    // no threshold; no Q1 data: no rank change.
    let r = ind("REV");
    assert_eq!(r["rank"], 2);
    close(&r["above"]["gap_pp"], 4.7);
    close(&r["below"]["gap_pp"], 2.5);
    assert!(r["threshold"].is_null() && r["count_above_threshold"].is_null());
    assert!(r["parent_metric"].is_null() && r["gap_to_parent_pp"].is_null());
    assert!(r["rank_change"].is_null());
    let text = r["text"].as_str().unwrap();
    assert!(
        text.contains("30.5亿元，增长4.0%，总量居全市4个县区第2位"),
        "{text}"
    );
    assert!(
        text.contains("上期无可比数据") && text.contains("未设定全年目标"),
        "{text}"
    );

    // Summary: one indicator in the top third, none in the bottom third; the weakest is the first of
    // the two at 2/4 in catalogue order.
    let summary = sc["summary"].as_str().unwrap();
    assert!(
        summary.contains("3项主要指标中，1项居前三分之一，没有指标落入后三分之一"),
        "{summary}"
    );
    assert!(
        summary.contains("排位最靠后的是单位地区生产总值能耗，居第2位（共4个）"),
        "{summary}"
    );

    // The page and the Word notice.
    let page = app
        .get(&admin, "/scorecard?region=EX-A&period=2026-Q2")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("仅比第2位的乙县高0.3个百分点") && page.body.contains("<svg"));
    assert!(!page.body.contains("no-data"));
    // A period without values: one message, no empty charts.
    let empty = app
        .get(&admin, "/scorecard?region=EX-A&period=2025-Q2")
        .await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert!(empty.body.contains(r#"id="no-data""#), "{}", empty.body);
    assert!(!empty.body.contains("<svg"));
    let doc = app
        .get(&admin, "/scorecard/docx?region=EX-A&period=2026-Q2")
        .await;
    assert_eq!(doc.status, StatusCode::OK);
    assert_eq!(
        doc.headers.get("content-type").unwrap(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    // Issued under the statistics bureau's red mark with its number of the year, the same number
    // each time this notice is produced; the next notice the next number.
    let year = diaodu_store::today_local().year();
    let number = |period: &'static str| {
        let app = &app;
        let admin = &admin;
        async move {
            let (status, headers, bytes) = app
                .get_bytes(
                    admin,
                    &format!("/scorecard/docx?region=EX-A&period={period}"),
                )
                .await;
            assert_eq!(status, StatusCode::OK);
            let cd = headers["content-disposition"].to_str().unwrap().to_string();
            let xml = String::from_utf8_lossy(&docx_part(&bytes, "word/document.xml")).to_string();
            (cd, xml)
        }
    };
    let (cd, xml) = number("2026-Q2").await;
    assert!(
        cd.contains("filename*=UTF-8''") && !cd.contains("scorecard-"),
        "{cd}"
    );
    assert!(
        xml.contains("统计局文件") && xml.contains(&format!("统字〔{year}〕1号")),
        "{xml}"
    );
    assert!(xml.contains("印发"));
    assert!(number("2026-Q2")
        .await
        .1
        .contains(&format!("统字〔{year}〕1号")));
    assert!(number("2026-Q1")
        .await
        .1
        .contains(&format!("统字〔{year}〕2号")));
}

/// A part of a .docx, as bytes.
fn docx_part(bytes: &[u8], name: &str) -> Vec<u8> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a .docx is a zip");
    let mut out = Vec::new();
    zip.by_name(name)
        .expect("the part")
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[tokio::test]
async fn indicator_values_follow_the_indicator_scope() {
    let app = TestApp::new().await;
    let admin = app.login("admin").await;
    for (kind, file) in [("units", "units.csv"), ("indicators", "indicators.csv")] {
        assert_eq!(
            app.upload(&admin, kind, file, &example(file)).await.status,
            StatusCode::OK
        );
    }
    // A reporter may not enter values; a unit outside the scope is refused; a bad period is a 400.
    let rep = app.token("rep1").await;
    let body = serde_json::json!({"indicator": "GDP", "period": "2026-Q1", "values": [{"region": "D1", "growth_pct": 6.0}]});
    let r = app
        .api(
            Method::POST,
            "/api/v1/indicators/values",
            Some(&rep),
            Some(body),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let stats = app.store.units().await.unwrap().find("D1").unwrap().id;
    app.store
        .users()
        .create(
            &diaodu_store::Actor::cli(),
            "stat1",
            "区统计局",
            stats,
            diaodu_domain::access::Role::Statistics,
            common::PASSWORD,
        )
        .await
        .unwrap();
    let tok = app.token("stat1").await;
    // 甲区's statistics bureau enters 甲区's own values; its peer 乙区's and its parent's are entered
    // by their own level (it reads them for the scorecard), and 示例市's 乙县 is outside altogether.
    let ok = serde_json::json!({"indicator": "GDP", "period": "2026-Q1", "values": [{"region": "D1", "value": 100.0, "growth_pct": 5.5}]});
    let r = app
        .api(
            Method::POST,
            "/api/v1/indicators/values",
            Some(&tok),
            Some(ok),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for region in ["D2", "C"] {
        let peer = serde_json::json!({"indicator": "GDP", "period": "2026-Q1", "values": [{"region": region, "growth_pct": 5.5}]});
        let r = app
            .api(
                Method::POST,
                "/api/v1/indicators/values",
                Some(&tok),
                Some(peer),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{region}: {}", r.body);
    }
    let out = serde_json::json!({"indicator": "GDP", "period": "2026-Q1", "values": [{"region": "EX-B", "growth_pct": 5.5}]});
    let r = app
        .api(
            Method::POST,
            "/api/v1/indicators/values",
            Some(&tok),
            Some(out),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let bad = serde_json::json!({"indicator": "GDP", "period": "2026-Q5", "values": []});
    assert_eq!(
        app.api(
            Method::POST,
            "/api/v1/indicators/values",
            Some(&tok),
            Some(bad)
        )
        .await
        .status,
        StatusCode::BAD_REQUEST
    );
    // A growth indicator needs the growth; an unknown indicator is named.
    let miss = serde_json::json!({"indicator": "NOPE", "period": "2026-Q1", "values": [{"region": "D1", "value": 1.0}]});
    let r = app
        .api(
            Method::POST,
            "/api/v1/indicators/values",
            Some(&tok),
            Some(miss),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("NOPE"));
    // Scorecards outside the scope answer 403.
    assert_eq!(
        app.api(
            Method::GET,
            "/api/v1/scorecard?region=EX-A&period=2026-Q1",
            Some(&tok),
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // The value grid saves through the form, audited.
    let b = app.login("stat1").await;
    let ind = app.store.indicators().list().await.unwrap()[0].id;
    let city = app.city.to_string();
    let key = format!("growth_{}", app.d1);
    let r = app
        .post_form(
            &b,
            "/indicators/values",
            &[
                ("indicator", &ind.to_string()),
                ("period", "2026-Q1"),
                ("parent", &city),
                (&key, "6.1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let vals = app
        .store
        .indicators()
        .indicator_values(
            ind,
            diaodu_domain::indicator::StatPeriod::parse("2026-Q1").unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(vals.get(&app.d1), Some(&(None, Some(6.1))));
    let log = app
        .store
        .audit()
        .list(&diaodu_store::AuditFilter {
            entity: Some("indicator_value".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
}

#[tokio::test]
async fn the_import_page_offers_the_templates_of_what_the_user_may_import() {
    let app = TestApp::new().await;
    let rep = app.login("rep1").await;
    let page = app.get(&rep, "/data").await;
    assert!(page.body.contains("进度填报导入模板.xlsx"));
    assert!(!page.body.contains("单位导入模板.xlsx") && !page.body.contains("项目导入模板.xlsx"));
    let leader = app.login("leader").await;
    let page = app.get(&leader, "/data").await;
    assert!(page.body.contains("没有导入权限") && !page.body.contains("下载模板"));
    let admin = app.login("admin").await;
    let page = app.get(&admin, "/data").await;
    for t in [
        "项目",
        "进度填报",
        "单位",
        "指标数值",
        "指标目录",
        "指标目标",
    ] {
        assert!(page.body.contains(&format!("{t}导入模板.xlsx")), "{t}");
    }
}
