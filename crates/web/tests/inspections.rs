//! Inspection campaigns and attachments through the front door.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::TestApp;
use sha2::{Digest, Sha256};

async fn upload_file(
    app: &TestApp,
    b: &common::Browser,
    kind: &str,
    owner: i64,
    name: &str,
    bytes: &[u8],
) -> common::Resp {
    let boundary = "XattachBoundary";
    let mut body = common::csrf_part(boundary, &b.csrf);
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
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
async fn a_sweep_finds_a_problem_and_turns_it_into_a_notice_with_evidence() {
    let app = TestApp::new().await;
    let sup = app.login("sup").await;
    let today = diaodu_store::today_local();
    let fmt = diaodu_domain::period::fmt_date;
    let r = app
        .post_form(
            &sup,
            "/inspections",
            &[
                ("title", "集中开工项目拉网式督查"),
                ("scope_kind", "batch"),
                ("batch", "2026年第一批"),
                ("start", &fmt(today)),
                ("end", &fmt(today + time::Duration::days(10))),
                ("inspectors", "督查室王某、李某"),
                ("checklist", "是否实质性开工"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r
        .location
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (_, items) = app.store.notices().inspection(id).await.unwrap();
    assert_eq!(items.len(), 2, "both projects of the batch");
    let a001 = items
        .iter()
        .find(|i| i.label.starts_with("A001"))
        .unwrap()
        .id;

    // Reporters are not inspectors; the commissioner records the finding.
    let rep = app.login("rep1").await;
    assert_eq!(
        app.get(&rep, &format!("/inspections/{id}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post_form(
            &rep,
            &format!("/inspections/items/{a001}"),
            &[("findings", "x"), ("severity", "minor")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let comm = app.login("comm").await;
    let r = app
        .post_form(
            &comm,
            &format!("/inspections/items/{a001}"),
            &[("findings", "")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "a form without a severity is refused"
    );
    let r = app
        .post_form(
            &comm,
            &format!("/inspections/items/{a001}"),
            &[("findings", ""), ("severity", "major")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "a problem needs its description"
    );
    let r = app
        .post_form(
            &comm,
            &format!("/inspections/items/{a001}"),
            &[
                ("findings", "现场无施工人员和机械，开而未建"),
                ("severity", "major"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A photo of the site as evidence; only real images and documents are accepted.
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR fake image bytes";
    assert_eq!(
        upload_file(&app, &comm, "inspection_item", a001, "site.png", png)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // The office turns the finding into a notice in bulk and closes the campaign.
    let r = app
        .post_form(
            &sup,
            &format!("/inspections/{id}/notices"),
            &[
                ("item", &a001.to_string()),
                ("reply_by", &fmt(today + time::Duration::days(10))),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (_, items) = app.store.notices().inspection(id).await.unwrap();
    let notice = items
        .iter()
        .find(|i| i.id == a001)
        .unwrap()
        .notice_id
        .expect("notice made");
    assert_eq!(
        app.post_form(&sup, &format!("/inspections/{id}/finish"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let r = app
        .post_form(
            &comm,
            &format!("/inspections/items/{a001}"),
            &[("findings", "补充"), ("severity", "minor")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "finished campaigns take no more findings"
    );

    // 甲区 sees the notice and attaches its rectification report; checks by content, name and size.
    let page = app.get(&rep, &format!("/notices/{notice}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("开而未建"));
    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n".to_vec();
    let r = upload_file(&app, &rep, "notice", notice, "整改报告.pdf", &pdf).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    for (name, bytes, why) in [
        (
            "tool.pdf",
            b"MZ\x90\x00 this is an executable".to_vec(),
            "不支持的文件类型",
        ),
        ("photo.pdf", png.to_vec(), "不符"),
        (
            "big.pdf",
            [b"%PDF-1.7\n".to_vec(), vec![b'0'; 1024 * 1024 + 10]].concat(),
            "超过",
        ),
    ] {
        let r = upload_file(&app, &rep, "notice", notice, name, &bytes).await;
        assert!(r.status == StatusCode::BAD_REQUEST, "{name}: {}", r.status);
        assert!(r.body.contains(why), "{name}: {}", r.body);
    }
    let files = app
        .store
        .notices()
        .attachments("notice", notice)
        .await
        .unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].sha256, hex::encode(Sha256::digest(&pdf)));
    assert_eq!(files[0].content_type, "application/pdf");
    // The office downloads it; another district cannot, nor upload to it.
    let r = app
        .get(&sup, &format!("/attachments/{}", files[0].id))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.as_bytes(), &pdf[..]);
    let rep2 = app.login("rep2").await;
    assert_eq!(
        app.get(&rep2, &format!("/attachments/{}", files[0].id))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        upload_file(&app, &rep2, "notice", notice, "x.pdf", &pdf)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The inspection photo is readable by inspectors, not by the district.
    let photo = app
        .store
        .notices()
        .attachments("inspection_item", a001)
        .await
        .unwrap();
    assert_eq!(
        app.get(&comm, &format!("/attachments/{}", photo[0].id))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        app.get(&rep, &format!("/attachments/{}", photo[0].id))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}
