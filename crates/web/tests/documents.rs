//! Official documents as an office issues them (GB/T 9704): the minutes under their red mark with
//! the issue's number of the year, the same number each time they are produced and the next for the
//! next meeting; the briefing under the meeting materials' mark, unnumbered; the 版记 between rules;
//! files named in Chinese (RFC 6266 `filename*`). Runs on SQLite and, with `DIAODU_TEST_DB`, on
//! PostgreSQL.

mod common;

use axum::http::{Method, StatusCode};
use common::{docx_xml, TestApp};
use serde_json::json;

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn minutes_carry_their_red_mark_a_number_never_given_twice_and_a_colophon() {
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let today = diaodu_store::today_local();
    let year = today.year();
    let mut meetings = Vec::new();
    for title in ["第一次重点工作调度会", "第二次重点工作调度会"] {
        let r = app
            .api(
                Method::POST,
                "/api/v1/meetings",
                Some(&sup),
                Some(json!({"title": title, "date": diaodu_domain::period::fmt_date(today)})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        meetings.push(r.json()["id"].as_i64().unwrap());
    }
    let office = app.login("sup").await;
    let minutes = |m: i64| format!("/meetings/{m}/minutes.docx");
    // The first meeting's minutes: a file named as an office names it, the red mark, the number,
    // the issuing body and date, the red rule, then the title; the 版记 at the end.
    let (status, headers, bytes) = app.get_bytes(&office, &minutes(meetings[0])).await;
    assert_eq!(status, StatusCode::OK);
    let name = format!(
        "{}重点工作调度会会议纪要.docx",
        diaodu_domain::period::fmt_date_zh(today)
    );
    let cd = headers["content-disposition"].to_str().unwrap();
    assert!(
        cd.contains(&format!("filename*=UTF-8''{}", percent_encode(&name))),
        "{cd}"
    );
    let xml = docx_xml(&bytes);
    let at = |t: &str| xml.find(t).unwrap_or_else(|| panic!("{t} missing"));
    let first = format!("〔{year}〕第1期");
    assert!(
        at("重点工作调度会纪要") < at(&first)
            && at(&first) < at("测试市人民政府督查室")
            && at("测试市人民政府督查室") < at("RedRule")
            && at("RedRule") < at("第一次重点工作调度会纪要")
    );
    assert!(xml.contains(r#"w:styleId="Issuer""#) || xml.contains(r#"w:val="Issuer""#));
    assert!(at("分送：") > at("第一次重点工作调度会纪要") && xml.contains("印发"));
    // Produced again: the same number. The next meeting: the next number.
    assert!(docx_xml(&app.get_bytes(&office, &minutes(meetings[0])).await.2).contains(&first));
    let second = docx_xml(&app.get_bytes(&office, &minutes(meetings[1])).await.2);
    assert!(second.contains(&format!("〔{year}〕第2期")), "{second}");
    // The briefing: the meeting materials' mark with the issuing body, no number and no 版记.
    let (status, headers, bytes) = app
        .get_bytes(&office, &format!("/meetings/{}/briefing.docx", meetings[0]))
        .await;
    assert_eq!(status, StatusCode::OK);
    let cd = headers["content-disposition"].to_str().unwrap();
    assert!(
        cd.contains(&percent_encode("重点工作调度会会议材料.docx")),
        "{cd}"
    );
    let brief = docx_xml(&bytes);
    assert!(brief.contains("重点工作调度会材料") && brief.contains("测试市人民政府督查室"));
    assert!(!brief.contains("第1期") && !brief.contains("印发"));
    // A new prefix starts its own sequence; numbers already given stay with their documents.
    let admin = app.token("admin").await;
    let r = app
        .api(
            Method::PUT,
            "/api/v1/settings/document.prefix",
            Some(&admin),
            Some(json!({"value": "测督"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = app
        .api(
            Method::POST,
            "/api/v1/meetings",
            Some(&sup),
            Some(json!({"title": "第三次重点工作调度会", "date": diaodu_domain::period::fmt_date(today)})),
        )
        .await;
    let third = r.json()["id"].as_i64().unwrap();
    assert!(docx_xml(&app.get_bytes(&office, &minutes(third)).await.2).contains(&first));
    assert!(
        docx_xml(&app.get_bytes(&office, &minutes(meetings[1])).await.2)
            .contains(&format!("〔{year}〕第2期"))
    );
    // A prefix with a line break is refused with the reason.
    let r = app
        .api(
            Method::PUT,
            "/api/v1/settings/document.prefix",
            Some(&admin),
            Some(json!({"value": "测\n督"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
}

/// The monthly notice on the key projects: from the ranking page's button or the API, for the
/// supervision office only; under the office's red mark with its number, the same number each time;
/// every part present; a month not begun or not a month refused with the reason.
#[tokio::test]
async fn the_monthly_notice_is_issued_by_the_supervision_office_with_its_number() {
    let app = TestApp::new().await;
    let today = diaodu_store::today_local();
    let (year, month) = (today.year(), u8::from(today.month()));
    let ym = format!("{year}-{month:02}");
    let office = app.login("sup").await;
    let ranking = app.get(&office, "/ranking").await;
    assert!(
        ranking.body.contains(&format!(
            "/ranking/monthly.docx?unit={}&amp;month={ym}",
            app.city
        )) || ranking.body.contains(&format!(
            "/ranking/monthly.docx?unit={}&month={ym}",
            app.city
        )),
        "{}",
        ranking.body
    );
    let reporter = app.login("rep1").await;
    assert!(!app
        .get(&reporter, "/ranking")
        .await
        .body
        .contains("月度通报"));
    let (status, headers, bytes) = app
        .get_bytes(&office, &format!("/ranking/monthly.docx?month={ym}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let title = format!("关于{year}年{month}月测试市重点项目建设情况的通报");
    let cd = headers["content-disposition"].to_str().unwrap();
    assert!(
        cd.contains(&percent_encode(&format!("{title}.docx"))),
        "{cd}"
    );
    let xml = docx_xml(&bytes);
    let number = format!("测政督〔{year}〕1号");
    let at = |t: &str| {
        xml.find(t)
            .unwrap_or_else(|| panic!("{t} missing from the notice"))
    };
    assert!(at("测试市人民政府督查室文件") < at(&number) && at(&number) < at("RedRule"));
    for part in [
        "总体情况",
        "开而未建项目",
        "进度填报情况",
        "督办升级情况",
        "下一步工作要求",
        "印发",
    ] {
        at(part);
    }
    // The API gives the same document with the same number; others may not produce it.
    let sup = app.token("sup").await;
    let r = app
        .api_bytes(
            Method::GET,
            &format!("/api/v1/documents/monthly-notice?month={ym}"),
            Some(&sup),
        )
        .await;
    assert_eq!(r.0, StatusCode::OK);
    assert!(docx_xml(&r.1).contains(&number));
    for who in ["rep1", "drc", "leader"] {
        let t = app.token(who).await;
        let r = app
            .api(
                Method::GET,
                &format!("/api/v1/documents/monthly-notice?month={ym}"),
                Some(&t),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
    let next = if month == 12 {
        format!("{}-01", year + 1)
    } else {
        format!("{year}-{:02}", month + 1)
    };
    for (bad, reason) in [
        ("2026-13".to_string(), "YYYY-MM"),
        ("下个月".to_string(), "YYYY-MM"),
        (next, "尚未开始"),
    ] {
        let r = app
            .api(
                Method::GET,
                &format!(
                    "/api/v1/documents/monthly-notice?month={}",
                    percent_encode(&bad)
                ),
                Some(&sup),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {}", r.body);
        assert!(r.body.contains(reason), "{bad}: {}", r.body);
    }
}

/// A supervision notice prints as the document sent to its unit, numbered once; once closed, its
/// closing report gathers the replies and the verification; before, there is none.
#[tokio::test]
async fn a_notice_prints_as_a_numbered_document_and_closes_with_a_report() {
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let reply_by = diaodu_store::today_local() + time::Duration::days(7);
    let r = app
        .api(
            Method::POST,
            "/api/v1/notices",
            Some(&sup),
            Some(
                json!({"unit_id": app.d1, "title": "关于加快推进甲区污水管网建设的督办通知",
                "content": "请说明进度滞后原因并提出整改措施。",
                "reply_by": diaodu_domain::period::fmt_date(reply_by)}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["notice"]["id"].as_i64().unwrap();
    // The deadline as issued (moved off a day off by the reporting calendar).
    let reply_by =
        diaodu_domain::period::parse_date(r.json()["notice"]["reply_by"].as_str().unwrap())
            .unwrap();
    let office = app.login("sup").await;
    let detail = app.get(&office, &format!("/notices/{id}")).await;
    assert!(detail.body.contains(&format!("/notices/{id}/notice.docx")));
    assert!(!detail.body.contains("closing.docx"));
    let year = diaodu_store::today_local().year();
    let number = format!("测政督〔{year}〕1号");
    for _ in 0..2 {
        let (status, _, bytes) = app
            .get_bytes(&office, &format!("/notices/{id}/notice.docx"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let xml = docx_xml(&bytes);
        let at = |t: &str| xml.find(t).unwrap_or_else(|| panic!("{t} missing"));
        assert!(at(&number) < at("甲区") && at("请说明进度滞后原因") < at("印发"));
        assert!(xml.contains(&diaodu_domain::period::fmt_date_zh(reply_by)));
    }
    // The unit may print what it was sent; no closing report while the notice is open.
    let unit = app.login("rep1").await;
    assert_eq!(
        app.get_bytes(&unit, &format!("/notices/{id}/notice.docx"))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        app.get_bytes(&office, &format!("/notices/{id}/closing.docx"))
            .await
            .0,
        StatusCode::CONFLICT
    );
    // Replied, then verified and closed: the closing report has both.
    let rep = app.token("rep1").await;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/notices/{id}/reply"),
            Some(&rep),
            Some(json!({"text": "已增派施工队伍，本月底完成主管铺设。"})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/notices/{id}/verify"),
            Some(&sup),
            Some(json!({"accept": true, "note": "经现场核查，情况属实"})),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let (status, _, bytes) = app
        .get_bytes(&office, &format!("/notices/{id}/closing.docx"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let xml = docx_xml(&bytes);
    let at = |t: &str| xml.find(t).unwrap_or_else(|| panic!("{t} missing"));
    assert!(
        at("督办事项办结报告") < at("办理情况")
            && at("已增派施工队伍") < at("核查意见")
            && at("核查意见") < at("经现场核查，情况属实，予以办结。")
    );
    // Another district's notice is out of the unit's reach, its documents too.
    let other = app.login("rep2").await;
    assert_eq!(
        app.get_bytes(&other, &format!("/notices/{id}/notice.docx"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}

/// Converts `docx` to PDF with LibreOffice in `dir` and returns each page's text (pdftotext), or
/// `None` when LibreOffice or poppler is not installed. With `DIAODU_DOC_PAGES=DIR` the pages are
/// also written there as PNG, to be looked at.
fn pages(dir: &std::path::Path, name: &str, docx: &[u8]) -> Option<Vec<String>> {
    use std::process::Command;
    let found = |c: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {c}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !found("soffice") || !found("pdftotext") {
        return None;
    }
    let path = dir.join(format!("{name}.docx"));
    std::fs::write(&path, docx).unwrap();
    // A profile of its own: conversions running side by side would otherwise share one and fail.
    let profile = format!("-env:UserInstallation=file://{}/lo-{name}", dir.display());
    let out = Command::new("soffice")
        .args([&profile, "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(&path)
        .output()
        .unwrap();
    let pdf = dir.join(format!("{name}.pdf"));
    assert!(
        pdf.exists(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if let Ok(to) = std::env::var("DIAODU_DOC_PAGES") {
        std::fs::create_dir_all(&to).unwrap();
        Command::new("pdftoppm")
            .args(["-r", "60", "-png"])
            .arg(&pdf)
            .arg(std::path::Path::new(&to).join(name))
            .status()
            .unwrap();
    }
    let text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap()
        .stdout;
    Some(
        String::from_utf8_lossy(&text)
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .map(String::from)
            .collect(),
    )
}

/// Rendered page by page (where LibreOffice is installed, as in CI): each document opens with its
/// red mark and number on the first page, and its signature never stands alone on the last page —
/// the last paragraph of the body goes with it.
#[tokio::test]
async fn documents_render_with_their_mark_first_and_no_signature_alone() {
    let dir = std::env::temp_dir().join(format!(
        "diaodu-doc-pages-{}-{}",
        std::process::id(),
        diaodu_store::testing::test_engine_url().is_some()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    if pages(
        &dir,
        "probe",
        &diaodu_office::docx::OfficialDoc::new().to_docx(),
    )
    .is_none()
    {
        eprintln!("LibreOffice or poppler not installed: pages not rendered");
        return;
    }
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let today = diaodu_store::today_local();
    let r = app
        .api(
            Method::POST,
            "/api/v1/meetings",
            Some(&sup),
            Some(json!({"title": "第一次重点工作调度会", "date": diaodu_domain::period::fmt_date(today),
                "attendees": "市长、分管副市长，各县区和市直有关部门主要负责同志", "agenda": "调度重点项目和重点工作任务"})),
        )
        .await;
    let m = r.json()["id"].as_i64().unwrap();
    let r = app
        .api(
            Method::POST,
            "/api/v1/notices",
            Some(&sup),
            Some(
                json!({"unit_id": app.d1, "title": "关于加快推进甲区污水管网建设的督办通知",
                "content": "该项目投资进度滞后，请于期限内说明原因、提出整改措施并反馈。",
                "reply_by": diaodu_domain::period::fmt_date(today + time::Duration::days(7))}),
            ),
        )
        .await;
    let n = r.json()["notice"]["id"].as_i64().unwrap();
    let office = app.login("sup").await;
    let ym = format!("{}-{:02}", today.year(), u8::from(today.month()));
    for (name, path, mark, last) in [
        (
            "minutes",
            format!("/meetings/{m}/minutes.docx"),
            "纪要",
            "印发",
        ),
        (
            "briefing",
            format!("/meetings/{m}/briefing.docx"),
            "调度会材料",
            "督查室",
        ),
        (
            "monthly",
            format!("/ranking/monthly.docx?month={ym}"),
            "文件",
            "印发",
        ),
        (
            "notice",
            format!("/notices/{n}/notice.docx"),
            "文件",
            "印发",
        ),
    ] {
        let (status, _, bytes) = app.get_bytes(&office, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let pages = pages(&dir, name, &bytes).unwrap();
        let first = &pages[0];
        assert!(first.contains(mark), "{name}: page 1 {first}");
        let last_page = pages.last().unwrap();
        assert!(last_page.contains(last), "{name}: last page {last_page}");
        // Besides the signature, its date, the 版记 and the page number, the last page holds
        // some of the body.
        let date = diaodu_domain::period::fmt_date_zh(today);
        let body_lines = last_page
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .filter(|l| !l.contains("督查室") && !l.contains(&date) && !l.contains("印发"))
            .filter(|l| !l.contains(&date.replace('年', " 年 ").replace('月', " 月 ")))
            .filter(|l| !l.starts_with('—') && !l.starts_with("分送") && !l.starts_with("门"))
            .filter(|l| {
                !l.chars()
                    .all(|c| c.is_ascii_digit() || " 年月日".contains(c))
            })
            .count();
        assert!(
            body_lines > 0,
            "{name}: the signature alone on its page:\n{last_page}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every document the pages produce, the API gives too, with the same numbers and permissions.
#[tokio::test]
async fn the_api_gives_each_document_as_the_pages_do() {
    let app = TestApp::new().await;
    let sup = app.token("sup").await;
    let today = diaodu_store::today_local();
    let r = app
        .api(
            Method::POST,
            "/api/v1/meetings",
            Some(&sup),
            Some(json!({"title": "第一次重点工作调度会", "date": diaodu_domain::period::fmt_date(today)})),
        )
        .await;
    let m = r.json()["id"].as_i64().unwrap();
    let r = app
        .api(
            Method::POST,
            "/api/v1/notices",
            Some(&sup),
            Some(json!({"unit_id": app.d1, "title": "关于加快推进甲区污水管网建设的督办通知",
                "content": "请说明原因。", "reply_by": diaodu_domain::period::fmt_date(today + time::Duration::days(7))})),
        )
        .await;
    let n = r.json()["notice"]["id"].as_i64().unwrap();
    let year = today.year();
    let get = |path: String, token: String| {
        let app = &app;
        async move { app.api_bytes(Method::GET, &path, Some(&token)).await }
    };
    let (status, bytes) = get(
        format!("/api/v1/documents/minutes?meeting={m}"),
        sup.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(docx_xml(&bytes).contains(&format!("〔{year}〕第1期")));
    // The page gives the same number afterwards.
    let office = app.login("sup").await;
    let page = docx_xml(
        &app.get_bytes(&office, &format!("/meetings/{m}/minutes.docx"))
            .await
            .2,
    );
    assert!(page.contains(&format!("〔{year}〕第1期")));
    let (status, bytes) = get(
        format!("/api/v1/documents/briefing?meeting={m}"),
        sup.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(docx_xml(&bytes).contains("重点工作调度会材料"));
    let (status, bytes) = get(
        format!("/api/v1/documents/supervision-notice?notice={n}"),
        sup.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(docx_xml(&bytes).contains(&format!("测政督〔{year}〕1号")));
    let (status, _) = get(
        format!("/api/v1/documents/closing-report?notice={n}"),
        sup.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Another district's reporter reaches neither the notice's documents nor a missing meeting's.
    let rep2 = app.token("rep2").await;
    let (status, _) = get(
        format!("/api/v1/documents/supervision-notice?notice={n}"),
        rep2,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = get(
        "/api/v1/documents/minutes?meeting=999999".into(),
        sup.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The scorecard notice before any indicator value: no period to notify.
    let (status, _) = get("/api/v1/documents/scorecard-notice".into(), sup).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
