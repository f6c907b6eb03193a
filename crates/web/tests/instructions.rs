//! Leaders' instructions (领导批示): a leader writes on a red project, the district answers, the
//! leader sends the answer back once and then closes it; other districts see none of it; every step
//! is audited. Through the pages and the API, on SQLite and PostgreSQL.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::json;

fn in_days(n: i64) -> String {
    diaodu_domain::period::fmt_date(diaodu_store::today_local() + time::Duration::days(n))
}

#[tokio::test]
async fn a_leader_instructs_the_district_answers_and_the_leader_closes_it() {
    let app = TestApp::new().await;
    let leader = app.login("leader").await;
    let project = format!("/projects/{}", app.p1);
    // The leader writes on the project's page.
    let page = app.get(&leader, &project).await;
    assert!(
        page.body.contains("作出批示"),
        "the leader is offered the form"
    );
    // A blank instruction dated yesterday: both faults at once, nothing written.
    let r = app
        .post_form(
            &leader,
            "/instructions",
            &[
                ("subject_kind", "project"),
                ("subject_id", &app.p1.to_string()),
                ("body", "  "),
                ("due_on", &in_days(-1)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body.contains("批示内容") && r.body.contains("不能早于今天"),
        "{}",
        r.body
    );
    let r = app
        .post_form(
            &leader,
            "/instructions",
            &[
                ("subject_kind", "project"),
                ("subject_id", &app.p1.to_string()),
                ("body", "请甲区本周内协调解决用地问题，确保月底前复工。"),
                ("due_on", &in_days(5)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location.as_deref().unwrap().starts_with(&project));
    let page = app.get(&leader, &project).await;
    assert!(page.body.contains("确保月底前复工"), "shown on the project");
    let list = app
        .api(
            Method::GET,
            "/api/v1/instructions?mine=true",
            Some(&app.token("leader").await),
            None,
        )
        .await
        .json();
    let id = list[0]["id"].as_i64().unwrap();
    assert_eq!(list[0]["state"], "open");
    assert_eq!(
        list[0]["unit_id"], app.d1,
        "addressed to the project's unit"
    );
    assert_eq!(list[0]["subject_code"], "A001");

    // The district sees it on its home page and answers; the other district sees nothing of it.
    let rep1 = app.login("rep1").await;
    let home = app.get(&rep1, "/").await;
    assert!(home.body.contains("待办领导批示") && home.body.contains("确保月底前复工"));
    let rep2 = app.login("rep2").await;
    assert_eq!(
        app.get(&rep2, &format!("/instructions/{id}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(!app
        .get(&rep2, "/instructions?show=all")
        .await
        .body
        .contains("确保月底前复工"));
    let r = app
        .post_form(
            &rep2,
            &format!("/instructions/{id}/reply"),
            &[("text", "代答")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The reporter may not close what it answered.
    let r = app
        .post_form(
            &rep1,
            &format!("/instructions/{id}/reply"),
            &[("text", "已与自然资源局对接，用地手续本周办结。")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .post_form(
            &rep1,
            &format!("/instructions/{id}/decision"),
            &[("decision", "accept"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The leader's home, the cockpit, lists it as answered; the leader sends it back, saying what is
    // missing.
    let home = app.get(&leader, "/").await;
    assert!(home.status.is_redirection());
    let home = app.get(&leader, "/cockpit").await;
    assert!(
        home.body.contains("我的批示") && home.body.contains("已反馈"),
        "{}",
        home.body
    );
    let r = app
        .post_form(
            &leader,
            &format!("/instructions/{id}/decision"),
            &[("decision", "send_back"), ("note", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "a send-back says why");
    let r = app
        .post_form(
            &leader,
            &format!("/instructions/{id}/decision"),
            &[("decision", "send_back"), ("note", "请明确复工日期。")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&rep1, &format!("/instructions/{id}")).await;
    assert!(page.body.contains("退回意见") && page.body.contains("请明确复工日期"));
    assert!(page.body.contains("修改反馈"), "the district answers again");

    // Answered again through the API; the supervision office closes it for the leader.
    let token = app.token("rep1").await;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/instructions/{id}/reply"),
            Some(&token),
            Some(json!({"text": "12月20日复工。"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["state"], "replied");
    let sup = app.token("sup").await;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/instructions/{id}/decision"),
            Some(&sup),
            Some(json!({"accept": true, "note": "已复工，办结。"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["state"], "closed");
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/instructions/{id}/reply"),
            Some(&token),
            Some(json!({"text": "补充"})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a closed instruction takes no answer"
    );

    // Every step is in the audit log, in Chinese.
    let admin = app.login("admin").await;
    let audit = app.get(&admin, "/audit?entity=instruction").await;
    // The table's cells, not the filter's options (which name every action).
    for step in ["新增", "反馈", "退回", "办结"] {
        let cell = format!(r#"<td class="nw">{step}</td><td class="nw">领导批示</td>"#);
        assert!(audit.body.contains(&cell), "{step}: {}", audit.body);
    }
}

#[tokio::test]
async fn only_a_leader_instructs_and_only_within_its_scope() {
    let app = TestApp::new().await;
    // A reporter is offered no form and is refused.
    let rep1 = app.login("rep1").await;
    let page = app.get(&rep1, &format!("/projects/{}", app.p1)).await;
    assert!(!page.body.contains("作出批示"));
    let r = app
        .post_form(
            &rep1,
            "/instructions",
            &[
                ("subject_kind", "project"),
                ("subject_id", &app.p1.to_string()),
                ("body", "x"),
                ("due_on", &in_days(3)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A subject that does not exist, or of an unknown kind, is named in the answer.
    let token = app.token("leader").await;
    let r = app
        .api(Method::POST, "/api/v1/instructions", Some(&token),
            Some(json!({"subject_kind": "task", "subject_id": 99999, "body": "请推进", "due_on": in_days(3)})))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("不存在"), "{}", r.body);
    let r = app
        .api(Method::POST, "/api/v1/instructions", Some(&token),
            Some(json!({"subject_kind": "meeting", "subject_id": 1, "body": "请推进", "due_on": in_days(3)})))
        .await;
    assert!(r.status.is_client_error(), "{}", r.body);
    // On a notice through the API: it goes to the notice's unit.
    let admin = app.token("admin").await;
    let r = app
        .api(Method::POST, "/api/v1/notices", Some(&admin),
            Some(json!({"unit_id": app.d2, "title": "督办", "content": "请反馈", "reply_by": in_days(7)})))
        .await;
    let notice = r.json()["notice"]["id"].as_i64().unwrap();
    let r = app
        .api(Method::POST, "/api/v1/instructions", Some(&token),
            Some(json!({"subject_kind": "notice", "subject_id": notice, "body": "请乙区主要负责同志亲自过问。", "due_on": in_days(3)})))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["unit_id"], app.d2);
    let rep2 = app.login("rep2").await;
    let page = app.get(&rep2, &format!("/notices/{notice}")).await;
    assert!(page.body.contains("亲自过问"), "shown on the notice");
}

#[tokio::test]
async fn a_project_moved_to_another_district_takes_its_open_instruction_along() {
    let app = TestApp::new().await;
    let token = app.token("leader").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/instructions",
            Some(&token),
            Some(json!({"subject_kind": "project", "subject_id": app.p1, "body": "请加快推进。", "due_on": in_days(5)})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    // The project passes from 甲区 to 乙区.
    let p = app.store.projects().get(app.p1).await.unwrap().unwrap();
    app.store
        .projects()
        .update(
            &diaodu_store::Actor::cli(),
            p.id,
            p.version,
            app.d2,
            p.fields,
        )
        .await
        .unwrap();
    let rep2 = app.login("rep2").await;
    let home = app.get(&rep2, "/").await;
    assert!(home.body.contains("请加快推进"), "乙区 answers it now");
    let r = app
        .post_form(
            &rep2,
            &format!("/instructions/{id}/reply"),
            &[("text", "已接手办理。")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let rep1 = app.login("rep1").await;
    assert_eq!(
        app.get(&rep1, &format!("/instructions/{id}")).await.status,
        StatusCode::FORBIDDEN,
        "甲区 no longer sees the project's instruction"
    );
}
