//! The report form tells the reporter what a figure is measured against: the project's total and
//! the year's plan, what the year's reports add up to, the previous period's figure, and each
//! period's dates.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::json;

#[tokio::test]
async fn the_report_form_shows_the_plan_the_years_total_and_the_last_report() {
    let app = TestApp::new().await;
    let token = app.token("rep1").await;
    for (period, wan) in [("2026-W10", "120.5"), ("2026-W11", "80")] {
        let r = app
            .api(
                Method::POST,
                &format!("/api/v1/projects/{}/reports", app.p1),
                Some(&token),
                Some(json!({"period": period, "investment_wan": wan})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let b = app.login("rep1").await;
    let form = app
        .get(&b, &format!("/projects/{}/report?period=2026-W12", app.p1))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let body = &form.body;
    assert!(body.contains("年度计划投资"), "{body}");
    assert!(body.contains("200.50 万元"), "the year's total: {body}");
    assert!(
        body.contains("2026-W11：80.00 万元"),
        "the previous report: {body}"
    );
    assert!(
        body.contains("2026-W12（2026-03-16 至 2026-03-22）"),
        "the period's dates: {body}"
    );
    // Editing W11 itself: its own figure is left out of the total, and W10 is the one before.
    let form = app
        .get(&b, &format!("/projects/{}/report?period=2026-W11", app.p1))
        .await;
    assert!(form.body.contains("120.50 万元"));
    assert!(form.body.contains("2026-W10：120.50 万元"));
}
