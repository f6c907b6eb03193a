//! Photos on reports and site visits: a district reporter adds the week's site photos to its report
//! from the phone, several at once; the project page counts them and shows them as thumbnails; a
//! file that is not a photo keeps the whole upload out; other districts cannot see them; the
//! commissioner adds photos to a site visit.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{Browser, TestApp};
use serde_json::json;

/// The smallest JPEG header the type check reads, with some bytes after it.
fn jpeg(seed: u8) -> Vec<u8> {
    let mut v = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0,
    ];
    v.extend(std::iter::repeat_n(seed, 64));
    v
}

async fn upload(
    app: &TestApp,
    b: &Browser,
    kind: &str,
    owner: i64,
    files: &[(&str, Vec<u8>)],
) -> common::Resp {
    let boundary = "XphotoBoundary";
    let mut body = common::csrf_part(boundary, &b.csrf);
    for (name, bytes) in files {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    app.send(
        Request::post(format!("/attachments?owner_kind={kind}&owner_id={owner}"))
            .header(header::COOKIE, &b.cookie)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_reporter_adds_site_photos_to_the_weeks_report() {
    let app = TestApp::new().await;
    let token = app.token("rep1").await;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/projects/{}/reports", app.p1),
            Some(&token),
            Some(json!({"period": "2026-W10", "investment_wan": "120.5", "progress": "主体结构施工"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let report = r.json()["id"].as_i64().unwrap();
    let rep1 = app.login("rep1").await;
    let project = format!("/projects/{}", app.p1);
    let page = app.get(&rep1, &project).await;
    assert!(
        page.body.contains(&format!("/photos/report/{report}")),
        "the report row links to its photos"
    );
    let page = app.get(&rep1, &format!("/photos/report/{report}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("主体结构施工") && page.body.contains("multiple"));
    assert!(page.body.contains("accept=\"image/jpeg,image/png\""));

    // A PDF among the photos: refused by name, and neither photo is kept.
    let r = upload(
        &app,
        &rep1,
        "report",
        report,
        &[("1.jpg", jpeg(1)), ("说明.pdf", b"%PDF-1.7 x".to_vec())],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body.contains("说明.pdf") && r.body.contains("不是照片"),
        "{}",
        r.body
    );
    assert!(app
        .store
        .notices()
        .attachments("report", report)
        .await
        .unwrap()
        .is_empty());

    // Two photos at once.
    let r = upload(
        &app,
        &rep1,
        "report",
        report,
        &[("1.jpg", jpeg(1)), ("2.JPG", jpeg(2))],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r
        .location
        .unwrap()
        .starts_with(&format!("/photos/report/{report}")));
    let page = app.get(&rep1, &project).await;
    assert!(page.body.contains("2 张"), "the project page counts them");
    let page = app.get(&rep1, &format!("/photos/report/{report}")).await;
    assert_eq!(page.body.matches("<img ").count(), 2, "two thumbnails");
    let photos = app
        .store
        .notices()
        .attachments("report", report)
        .await
        .unwrap();
    // A thumbnail is served inline; the same file without the flag downloads.
    let (status, headers, bytes) = app
        .get_bytes(&rep1, &format!("/attachments/{}?inline=1", photos[0].id))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
    assert!(headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("inline"));
    assert_eq!(bytes, jpeg(1));
    let (_, headers, _) = app
        .get_bytes(&rep1, &format!("/attachments/{}", photos[0].id))
        .await;
    assert!(headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment"));

    // The week imported again with a corrected figure edits the report in place: its photos stay.
    let r = app
        .upload(
            &rep1,
            "reports",
            "fix.csv",
            "项目编码,填报期,本期完成投资(万元)\nA001,2026-W10,130\n".as_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let reports = app.store.reports().list(app.p1).await.unwrap();
    assert_eq!(
        (reports[0].id, reports[0].investment.wan_text()),
        (report, "130.00".into())
    );
    let page = app.get(&rep1, &format!("/photos/report/{report}")).await;
    assert_eq!(
        page.body.matches("<img ").count(),
        2,
        "the photos stay with the edited report"
    );
    // The other district sees neither the page nor the photo; a leader sees both and adds nothing.
    let rep2 = app.login("rep2").await;
    assert_eq!(
        app.get(&rep2, &format!("/photos/report/{report}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let (status, _, _) = app
        .get_bytes(&rep2, &format!("/attachments/{}?inline=1", photos[0].id))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let leader = app.login("leader").await;
    let page = app.get(&leader, &format!("/photos/report/{report}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("上传照片"));
    let r = upload(&app, &leader, "report", report, &[("3.jpg", jpeg(3))]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A report that does not exist is a 404 in Chinese.
    let page = app.get(&rep1, "/photos/report/999999").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("进度填报"), "{}", page.body);
}

#[tokio::test]
async fn a_commissioner_adds_photos_to_a_site_visit() {
    let app = TestApp::new().await;
    let comm = app.login("comm").await;
    let r = app
        .post_form(
            &comm,
            &format!("/projects/{}/visits", app.p2),
            &[
                ("visit_date", "2026-03-01"),
                ("findings", "现场无人施工"),
                ("coordination", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let visit = app.store.reports().site_visits(app.p2).await.unwrap()[0].id;
    let r = upload(
        &app,
        &comm,
        "site_visit",
        visit,
        &[("现场.png", b"\x89PNG\r\n\x1a\nrest".to_vec())],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&comm, &format!("/photos/site_visit/{visit}")).await;
    assert!(page.body.contains("现场无人施工") && page.body.contains("<img "));
    // A reporter files reports, not visits: it may look but not add.
    let rep2 = app.login("rep2").await;
    let r = upload(
        &app,
        &rep2,
        "site_visit",
        visit,
        &[("x.png", b"\x89PNG\r\n\x1a\nrest".to_vec())],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
