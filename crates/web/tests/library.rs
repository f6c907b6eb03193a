//! 材料库 as its users meet it: the supervision office issues minutes and a supervision notice,
//! which the library keeps; a search for 征地 finds the minutes that say 征地拆迁; the development
//! and reform commission uploads references (.docx, GBK text, and a PDF when LibreOffice can make
//! one); a district's reporter sees only its own unit's documents; bad files are refused in
//! Chinese with nothing kept. Runs on SQLite and, with `DIAODU_TEST_DB`, on PostgreSQL.

mod common;

use axum::http::{Method, StatusCode};
use common::{Browser, TestApp};
use serde_json::{json, Value};

/// Uploads a reference through the library page's form.
async fn upload(
    app: &TestApp,
    b: &Browser,
    name: &str,
    bytes: &[u8],
    fields: &[(&str, &str)],
) -> common::Resp {
    app.post_multipart(b, "/documents", fields, name, bytes)
        .await
}

async fn search(app: &TestApp, token: &str, query: &str) -> Value {
    let r = app
        .api(
            Method::GET,
            &format!("/api/v1/documents?{query}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

fn titles(page: &Value) -> Vec<String> {
    page["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_string())
        .collect()
}

fn q(word: &str) -> String {
    serde_urlencoded::to_string([("q", word)]).unwrap()
}

/// A meeting with minutes saying 征地拆迁, issued as .docx: kept in the library and found by 征地,
/// with the passage marked; issued again it stays one document.
#[tokio::test]
async fn issued_minutes_are_kept_and_found_by_a_two_character_word() {
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let today = diaodu_domain::period::fmt_date(diaodu_store::today_local());
    let r = app
        .api(
            Method::POST,
            "/api/v1/meetings",
            Some(&sup),
            Some(json!({"title": "第七次重点工作调度会", "date": today})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let m = r.json()["id"].as_i64().unwrap();
    let office = app.login("sup").await;
    let r = app
        .post_form(
            &office,
            &format!("/meetings/{m}/minutes"),
            &[("minutes", "会议研究了甲区征地拆迁工作，要求月底前完成。")],
        )
        .await;
    assert!(r.status.is_redirection(), "{}", r.body);
    for _ in 0..2 {
        let (status, _, _) = app
            .get_bytes(&office, &format!("/meetings/{m}/minutes.docx"))
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _, _) = app
        .get_bytes(&office, &format!("/meetings/{m}/briefing.docx"))
        .await;
    assert_eq!(status, StatusCode::OK);

    let found = search(&app, &sup, &q("征地")).await;
    assert_eq!(found["total"], 1, "{found}");
    let hit = &found["hits"][0];
    assert_eq!(hit["kind"], "minutes");
    assert_eq!(hit["meeting_id"], m);
    assert!(hit["number"].as_str().unwrap().contains('〔'), "{hit}");
    let marked: Vec<&str> = hit["passage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["matched"] == true)
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(marked, ["征地"]);
    // Both documents of the meeting are in the library, once each, and each names the other as
    // concerning the same meeting.
    let all = search(&app, &sup, &format!("record=meeting:{m}")).await;
    assert_eq!(all["total"], 2, "{all}");
    let id = hit["id"].as_i64().unwrap();
    let page = app.get(&office, &format!("/documents/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("id=\"related-records\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("重点工作调度会材料") || page.body.contains("会议材料"));
    // The list page marks the match.
    let list = app.get(&office, &format!("/documents?{}", q("征地"))).await;
    assert!(list.body.contains("<mark>征地</mark>"), "{}", list.body);
    // The file kept is the .docx as downloaded.
    let (status, bytes) = app
        .api_bytes(
            Method::GET,
            &format!("/api/v1/documents/{id}/file"),
            Some(&sup),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(common::docx_xml(&bytes).contains("征地拆迁"));
}

/// References uploaded by the commission: a .docx, a text file saved in GBK, and a PDF when
/// LibreOffice is installed to make one; each searchable by a word of its text.
#[tokio::test]
async fn uploaded_references_are_read_and_searchable() {
    let app = TestApp::new().await;
    let drc = app.login("drc").await;
    let token = app.token("drc").await;
    let mut d = diaodu_office::docx::OfficialDoc::new();
    d.title("关于做好2027年重大项目谋划储备工作的通知");
    d.para("各市要加强用地报批和环评审批等要素保障。");
    let r = upload(
        &app,
        &drc,
        "省发改委通知.docx",
        &d.to_docx(),
        &[("issuer", "省发展和改革委员会"), ("date", "2026-11-03")],
    )
    .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    let gbk = encoding_rs::GBK
        .encode("市长在全市重点项目推进会上的讲话\n要坚决打赢征迁攻坚战。")
        .0;
    let r = upload(
        &app,
        &drc,
        "讲话.txt",
        &gbk,
        &[("title", "市长在全市重点项目推进会上的讲话")],
    )
    .await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    assert_eq!(
        titles(&search(&app, &token, &q("环评审批")).await),
        ["省发改委通知"]
    );
    assert_eq!(
        titles(&search(&app, &token, &q("征迁攻坚")).await),
        ["市长在全市重点项目推进会上的讲话"]
    );
    let hit = &search(&app, &token, &q("环评")).await["hits"][0];
    assert_eq!(hit["issuer"], "省发展和改革委员会");
    assert_eq!(hit["doc_date"], "2026-11-03");
    assert_eq!(hit["kind"], "reference");

    let pdf = pdf_of(&d);
    let soffice = std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert_eq!(
        pdf.is_some(),
        soffice,
        "LibreOffice is installed but made no PDF"
    );
    if let Some(pdf) = pdf {
        let r = upload(&app, &drc, "通知.pdf", &pdf, &[("title", "PDF版通知")]).await;
        assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
        assert!(titles(&search(&app, &token, &q("要素保障")).await).contains(&"PDF版通知".into()));
    }
}

/// The PDF LibreOffice makes of `d`, when it is installed.
fn pdf_of(d: &diaodu_office::docx::OfficialDoc) -> Option<Vec<u8>> {
    let dir = std::env::temp_dir().join(format!("diaodu-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let src = dir.join("d.docx");
    std::fs::write(&src, d.to_docx()).ok()?;
    let ok = std::process::Command::new("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .arg(&src)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    let pdf = ok.then(|| std::fs::read(dir.join("d.pdf")).ok()).flatten();
    let _ = std::fs::remove_dir_all(&dir);
    pdf
}

/// Files the library cannot read are refused in Chinese, naming the field, and nothing is kept;
/// a district's reporter may not upload.
#[tokio::test]
async fn unreadable_files_are_refused_and_nothing_is_kept() {
    let app = TestApp::new().await;
    let drc = app.login("drc").await;
    let token = app.token("drc").await;
    for (name, bytes, says) in [
        ("坏.pdf", b"%PDF-1.4\n1 0 obj << >>\n%%EOF".to_vec(), "PDF"),
        ("坏.docx", b"PK\x03\x04broken".to_vec(), "文件"),
        ("图.png", b"\x89PNG\r\n\x1a\n0000".to_vec(), "材料库只接受"),
        (
            "旧.doc",
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
            ".docx",
        ),
        ("空.txt", Vec::new(), "请选择文件"),
    ] {
        let r = upload(&app, &drc, name, &bytes, &[]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{name}: {}", r.body);
        assert!(
            r.body.contains("文件") && r.body.contains(says),
            "{name}: {}",
            r.body
        );
    }
    let r = upload(
        &app,
        &drc,
        "a.txt",
        "正文".as_bytes(),
        &[("date", "2099-01-01")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("成文日期"), "{}", r.body);
    let r = upload(
        &app,
        &drc,
        "a.txt",
        "正文".as_bytes(),
        &[("record", "meeting:99999")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("涉及事项"), "{}", r.body);
    assert_eq!(search(&app, &token, "").await["total"], 0);
    let reporter = app.login("rep1").await;
    let r = upload(&app, &reporter, "a.txt", "正文".as_bytes(), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .api(
            Method::GET,
            "/api/v1/documents?year=20x6",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("年度"), "{}", r.body);
}

/// A reporter of 甲区 sees the supervision notice sent to 甲区, not the one to 乙区 (403 on its page
/// and file), and no meetings' documents; the supervision office sees both.
#[tokio::test]
async fn readers_see_the_documents_of_their_scope() {
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let office = app.login("sup").await;
    let reply_by =
        diaodu_domain::period::fmt_date(diaodu_store::today_local() + time::Duration::days(10));
    let mut ids = Vec::new();
    for (unit, title) in [(app.d1, "甲区征地进度滞后"), (app.d2, "乙区征地进度滞后")]
    {
        let r = app
            .api(
                Method::POST,
                "/api/v1/notices",
                Some(&sup),
                Some(json!({"unit_id": unit, "title": title, "content": "请加快征地拆迁。", "reply_by": reply_by})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let n = r.json()["notice"]["id"].as_i64().unwrap();
        let (status, _, _) = app
            .get_bytes(&office, &format!("/notices/{n}/notice.docx"))
            .await;
        assert_eq!(status, StatusCode::OK);
        ids.push(n);
    }
    assert_eq!(search(&app, &sup, &q("征地")).await["total"], 2);
    let rep = app.token("rep1").await;
    let seen = search(&app, &rep, &q("征地")).await;
    assert_eq!(seen["total"], 1, "{seen}");
    assert_eq!(seen["hits"][0]["notice_id"], ids[0]);
    let other = search(&app, &sup, &format!("record=notice:{}", ids[1])).await["hits"][0]["id"]
        .as_i64()
        .unwrap();
    let reporter = app.login("rep1").await;
    assert_eq!(
        app.get(&reporter, &format!("/documents/{other}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let (status, _) = app
        .api_bytes(
            Method::GET,
            &format!("/api/v1/documents/{other}/file"),
            Some(&rep),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let page = app.get(&reporter, "/documents").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("共 1 份"), "{}", page.body);
    assert!(!page.body.contains("上传参考材料"));
}
