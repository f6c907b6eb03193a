//! Every list exports to Excel with the filters it shows: tasks, notices, inspections and
//! accountability records, as the project list and the ranking do; files are named in Chinese
//! (RFC 6266 `filename*`), and what a cell holds is text, never a formula.

mod common;

use axum::http::StatusCode;
use common::TestApp;

fn table(bytes: &[u8], first: &str) -> diaodu_office::table::Table {
    diaodu_office::read_table("list.xlsx", bytes, first).expect("an .xlsx with its header row")
}

#[tokio::test]
async fn each_list_exports_what_it_shows() {
    let app = TestApp::new().await;
    let sup = app.login("sup").await;
    for (path, first, name) in [
        ("/tasks?format=xlsx", "编号", "重点工作任务"),
        ("/notices?show=all&format=xlsx", "编号", "督办单"),
        ("/inspections?format=xlsx", "督查活动", "督查活动"),
        ("/accountability?format=xlsx", "决定日期", "问责记录"),
    ] {
        let (status, headers, bytes) = app.get_bytes(&sup, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let cd = headers["content-disposition"].to_str().unwrap();
        let encoded: String = percent_encode(name);
        assert!(
            cd.contains(&format!("filename*=UTF-8''{encoded}")),
            "{path}: {cd}"
        );
        let t = table(&bytes, first);
        assert_eq!(t.headers[0], first, "{path}");
    }
    // The list page offers the export with its filter.
    let page = app.get(&sup, "/tasks?light=red").await;
    assert!(page.body.contains("format=xlsx"), "{}", page.body);
    assert!(page.body.contains("light=red"));
    // A filtered export holds only the filtered rows: a notice issued, then the open list has it
    // and the closed list does not.
    let admin = app.token("admin").await;
    let r = app
        .api(
            axum::http::Method::POST,
            "/api/v1/notices",
            Some(&admin),
            Some(
                serde_json::json!({"unit_id": app.d1, "title": "=关于加快推进的督办通知",
                "content": "请于期限内反馈", "reply_by": diaodu_domain::period::fmt_date(
                    time::OffsetDateTime::now_utc().date() + time::Duration::days(7))}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let (_, _, open) = app.get_bytes(&sup, "/notices?show=open&format=xlsx").await;
    let (_, _, closed) = app
        .get_bytes(&sup, "/notices?show=closed&format=xlsx")
        .await;
    let open = table(&open, "编号");
    assert_eq!(open.rows.len(), 1);
    assert_eq!(table(&closed, "编号").rows.len(), 0);
    // Text that looks like a formula stays text.
    assert_eq!(open.rows[0].cells[1].text(), "=关于加快推进的督办通知");
}

fn percent_encode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}
