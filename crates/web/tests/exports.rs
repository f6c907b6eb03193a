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

#[tokio::test]
async fn an_office_sorts_a_list_by_its_headers_and_the_export_follows() {
    let app = TestApp::new().await;
    let sup = app.login("sup").await;
    let admin = app.token("admin").await;
    let today = time::OffsetDateTime::now_utc().date();
    for (title, days) in [("甲事项", 9), ("乙事项", 3), ("丙事项", 15)] {
        let r = app
            .api(
                axum::http::Method::POST,
                "/api/v1/notices",
                Some(&admin),
                Some(serde_json::json!({"unit_id": app.d1, "title": title,
                    "content": "请于期限内反馈", "reply_by": diaodu_domain::period::fmt_date(
                        today + time::Duration::days(days))})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let order = |body: &str| -> Vec<&'static str> {
        let mut at: Vec<(usize, &'static str)> = ["甲事项", "乙事项", "丙事项"]
            .into_iter()
            .filter_map(|t| body.find(t).map(|i| (i, t)))
            .collect();
        at.sort();
        at.into_iter().map(|(_, t)| t).collect()
    };
    // The latest reply date first, as the header's second click asks.
    let page = app.get(&sup, "/notices?show=all&sort=-reply_by").await;
    assert_eq!(order(&page.body), ["丙事项", "甲事项", "乙事项"]);
    assert!(
        page.body.contains("反馈期限 ▼"),
        "the order in force is marked"
    );
    assert!(
        page.body.contains("sort=-reply_by&amp;format=xlsx"),
        "the export link keeps the order"
    );
    let (_, _, bytes) = app
        .get_bytes(&sup, "/notices?show=all&sort=-reply_by&format=xlsx")
        .await;
    let t = table(&bytes, "编号");
    let titles: Vec<String> = t.rows.iter().map(|r| r.cells[1].text()).collect();
    assert_eq!(titles, ["丙事项", "甲事项", "乙事项"]);
    let page = app.get(&sup, "/notices?show=all&sort=reply_by").await;
    assert_eq!(order(&page.body), ["乙事项", "甲事项", "丙事项"]);
    // A column the list does not have is ignored, not an error.
    let page = app.get(&sup, "/notices?show=all&sort=nonsense").await;
    assert_eq!(page.status, StatusCode::OK);
    // Every other list offers its headers as sort links.
    let b = app.login("admin").await;
    for (path, link) in [
        ("/tasks", "sort=-done"),
        ("/inspections", "sort=start"),
        ("/accountability", "sort=date"),
        ("/admin/users", "sort=login"),
        ("/ranking", "sort=-completion"),
    ] {
        let page = app.get(&b, path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains(link), "{path} offers {link}");
    }
    // Users by login, last first; the ranking keeps its total on top whatever the order.
    let page = app.get(&b, "/admin/users?sort=-login").await;
    let (sup_at, admin_at) = (
        page.body.find("<td>sup</td>").unwrap(),
        page.body.find("<td>admin</td>").unwrap(),
    );
    assert!(
        sup_at < admin_at,
        "sup before admin when sorted by login, descending"
    );
    let page = app.get(&b, "/ranking?sort=unit").await;
    let total = page.body.find("合计").unwrap();
    let first_unit = page.body.find("甲区").unwrap();
    assert!(total < first_unit, "the total stays first");
}
