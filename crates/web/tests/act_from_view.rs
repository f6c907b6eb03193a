//! The office acts from where it looks: from a project's page it issues a notice whose form starts
//! from the project's unit, name and the reasons of its light; the notice then shows on the project.

mod common;

use axum::http::StatusCode;
use common::TestApp;

#[tokio::test]
async fn a_notice_from_a_project_page_is_prefilled_and_linked_back() {
    let app = TestApp::new().await;
    let sup = app.login("sup").await;
    let page = app.get(&sup, &format!("/projects/{}", app.p1)).await;
    let link = format!("/notices/new?project={}", app.p1);
    assert!(page.body.contains(&link), "{}", page.body);
    let form = app.get(&sup, &link).await;
    assert_eq!(form.status, StatusCode::OK);
    let name = app
        .store
        .projects()
        .get(app.p1)
        .await
        .unwrap()
        .unwrap()
        .fields
        .name;
    assert!(form
        .body
        .contains(&format!("关于加快推进“{name}”的督办通知")));
    assert!(form
        .body
        .contains(&format!(r#"name="subject_id" value="{}""#, app.p1)));
    let reply_by = diaodu_domain::period::fmt_date(
        time::OffsetDateTime::now_utc().date() + time::Duration::days(7),
    );
    let r = app
        .post_form(
            &sup,
            "/notices/new",
            &[
                ("unit_id", &app.d1.to_string()),
                ("title", &format!("关于加快推进“{name}”的督办通知")),
                ("content", "请说明进度"),
                ("reply_by", &reply_by),
                ("subject_kind", "project"),
                ("subject_id", &app.p1.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&sup, &format!("/projects/{}", app.p1)).await;
    assert!(page.body.contains("　共 1 件"), "{}", page.body);
    // A reporter sees no such button.
    let rep = app.login("rep1").await;
    let page = app.get(&rep, &format!("/projects/{}", app.p1)).await;
    assert!(!page.body.contains(&link));
}
