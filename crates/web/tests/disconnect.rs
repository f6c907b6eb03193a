//! Clients that go away in the middle of a write: the use case finishes or fails as a whole, the
//! pooled connections stay clean, and every later write lands.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::TestApp;
use tower::ServiceExt;

fn report(token: &str, project: i64, period: &str, inv: u32) -> Request<Body> {
    Request::post(format!("/api/v1/projects/{project}/reports"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            serde_json::json!({"period": period, "investment_wan": inv, "progress": "施工中"})
                .to_string(),
        ))
        .unwrap()
}

fn import(token: &str, rows: &str) -> Request<Body> {
    let mut body =
        b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.csv\"\r\n\r\n"
            .to_vec();
    body.extend_from_slice(format!("项目编码,填报期,本期完成投资(万元)\n{rows}").as_bytes());
    body.extend_from_slice(b"\r\n--B--\r\n");
    Request::post("/api/v1/imports/reports")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=B")
        .body(Body::from(body))
        .unwrap()
}

/// Waits until the detached writes have finished: the audit log stops growing.
async fn settle(app: &TestApp) {
    let mut last = -1;
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let n = app.store.audit().count().await.unwrap();
        if n == last {
            return;
        }
        last = n;
    }
}

#[tokio::test]
async fn a_submission_whose_client_leaves_at_once_is_still_filed() {
    let app = TestApp::new().await;
    let token = app.token("rep1").await;
    // The request is started and its future dropped at its first pause: the client is gone.
    tokio::select! {
        biased;
        _ = app.router.clone().oneshot(report(&token, app.p1, "2026-W03", 5)) => {}
        _ = std::future::ready(()) => {}
    }
    settle(&app).await;
    let reports = app.store.reports().list(app.p1).await.unwrap();
    assert_eq!(
        reports.len(),
        1,
        "the submission finished without its client"
    );
    assert_eq!(reports[0].period, "2026-W03");
}

#[tokio::test]
async fn hundreds_of_dropped_writes_leave_nothing_half_written() {
    let app = TestApp::new().await;
    let r1 = app.token("rep1").await;
    let r2 = app.token("rep2").await;
    let mut tasks = Vec::new();
    for i in 0..300u64 {
        let router = app.router.clone();
        let req = match i % 3 {
            0 => report(
                &r1,
                app.p1,
                &format!("2026-W{:02}", 1 + i % 40),
                (i % 50) as u32,
            ),
            1 => report(
                &r2,
                app.p2,
                &format!("2026-W{:02}", 1 + i % 40),
                (i % 70) as u32,
            ),
            _ => import(
                &r1,
                &format!("A001,2026-W{:02},{}\n", 1 + (i * 7) % 40, i % 30),
            ),
        };
        let task = tokio::spawn(async move { router.oneshot(req).await });
        let after = std::time::Duration::from_micros((i * 37) % 3000);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(after).await;
            task.abort();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    settle(&app).await;
    // Every later write lands.
    for (token, p) in [(&r1, app.p1), (&r2, app.p2)] {
        let r = app.send(report(token, p, "2026-W45", 9)).await;
        assert!(r.status.is_success(), "{}", r.body);
    }
    let r = app.send(import(&r1, "A001,2026-W46,3\n")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Nothing half-written: each filed report has its audit record, and the running totals agree
    // with the reports.
    for p in [app.p1, app.p2] {
        let code = app
            .store
            .projects()
            .get(p)
            .await
            .unwrap()
            .unwrap()
            .fields
            .code;
        for rep in app.store.reports().list(p).await.unwrap() {
            let audit = app
                .store
                .audit()
                .list(&diaodu_store::AuditFilter {
                    entity_id: Some(format!("{code}/{}", rep.period)),
                    limit: 10,
                    ..Default::default()
                })
                .await
                .unwrap();
            assert!(
                !audit.is_empty(),
                "{code}/{} has no audit record",
                rep.period
            );
        }
    }
    assert!(app.store.reports().check_totals().await.unwrap().is_empty());
    let me = app.api(Method::GET, "/api/v1/me", Some(&r1), None).await;
    assert_eq!(me.status, StatusCode::OK);
}
