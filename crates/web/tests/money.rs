//! Money at its limits: a report above the project's total is refused, one above the year's plan is
//! confirmed in a second step, amounts are bounded at 1 万亿元, and no total wraps.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn a_reporter_confirms_a_figure_above_the_plan_and_cannot_exceed_the_total() {
    let app = TestApp::new().await;
    // The project's total is 50,000 万元 and its plan for 2026 10,000 万元.
    let token = app.token("rep1").await;
    let path = format!("/api/v1/projects/{}/reports", app.p1);
    let send = |inv: &str, confirm: bool| json!({"period": "2026-W10", "investment_wan": inv, "confirm_unusual": confirm});
    let r = app
        .api(
            Method::POST,
            &path,
            Some(&token),
            Some(send("50000.01", true)),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body.contains("超过项目总投资 50000.00 万元"),
        "{}",
        r.body
    );
    let r = app
        .api(
            Method::POST,
            &path,
            Some(&token),
            Some(send("12000", false)),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let e = r.json();
    assert_eq!(e["error"]["code"], "confirm_required");
    assert_eq!(e["error"]["details"][0]["confirm_with"], "confirm_unusual");
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("超过年度计划投资 10000.00 万元"));
    assert!(app.store.reports().list(app.p1).await.unwrap().is_empty());
    let r = app
        .api(Method::POST, &path, Some(&token), Some(send("12000", true)))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // The form: the second step keeps the figure and asks for the box to be ticked.
    let b = app.login("rep1").await;
    let form = format!("/projects/{}/report", app.p1);
    let r = app
        .post_form(
            &b,
            &form,
            &[("period", "2026-W11"), ("investment", "11000")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("id=\"unusual\"") && r.body.contains("name=\"confirm_unusual\""));
    assert!(r.body.contains("value=\"11000\""), "the figure is kept");
    let r = app
        .post_form(
            &b,
            &form,
            &[
                ("period", "2026-W11"),
                ("investment", "11000"),
                ("confirm_unusual", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.store.reports().list(app.p1).await.unwrap().len(), 2);
    // Money text is read strictly.
    let r = app
        .api(Method::POST, &path, Some(&token), Some(send("1,2,3", true)))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("千分位"), "{}", r.body);
}

#[tokio::test]
async fn a_thousand_projects_at_the_maximum_keep_an_exact_positive_total() {
    let app = TestApp::new().await;
    let b = app.login("drc").await;
    let mut csv = String::from(
        "项目编码,项目名称,责任单位,项目类别,建设阶段,总投资(万元),计划年度,年度计划投资(万元),实际开工日期\n",
    );
    for i in 0..1000 {
        csv.push_str(&format!(
            "M{i:04},巨型项目{i},乙区,工业,续建,100000000,2026,100000000,2026-01-05\n"
        ));
    }
    let r = app.upload(&b, "projects", "big.csv", csv.as_bytes()).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "{}",
        &r.body[..r.body.len().min(2000)]
    );
    // One more 万元 than 1 万亿元 is refused, with the row and the figure's column.
    let over = "项目编码,项目名称,责任单位,项目类别,建设阶段,总投资(万元),计划年度,年度计划投资(万元),实际开工日期\nM9999,超限,乙区,工业,续建,100000000.01,2026,1,2026-01-05\n";
    let r = app
        .upload(&b, "projects", "over.csv", over.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("总投资(万元)") && r.body.contains("1 万亿元"),
        "{}",
        r.body
    );
    let token = app.token("drc").await;
    let r = app
        .api(
            Method::GET,
            &format!("/api/v1/status/units?unit={}", app.city),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let lines = r.json();
    let d2 = lines
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == "D2")
        .unwrap()
        .clone();
    // 1,000 × 1 万亿元 plus the fixture's own project (10,000 万元).
    assert_eq!(d2["annual_plan_wan"], json!(100_000_010_000.0_f64));
    assert!(lines[0]["annual_plan_wan"].as_f64().unwrap() > 0.0);
    // Ranks are still computed.
    assert!(lines
        .as_array()
        .unwrap()
        .iter()
        .any(|l| !l["rank"].is_null()));
}
