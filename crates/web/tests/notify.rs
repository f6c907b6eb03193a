//! Messages through the channels offices already use (消息推送), against receivers started here on
//! loopback — an SMTP sink, and one HTTP receiver that checks DingTalk's signature and the JSON
//! shapes of DingTalk and WeCom, and the outgoing webhook's HMAC — so no message leaves the machine.
//! The administrator configures the channels; the supervision office's 催报 writes one delivery per
//! channel with its in-app messages; the worker delivers each once and keeps each channel's answer;
//! a channel that is down delays its message, never the 催报; quiet hours hold messages until
//! morning; a notice climbing the ladder tells the unit and, from 通报 on, the leaders.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine as _;
use common::TestApp;
use diaodu_web::notify::{deliver_due, Sender};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const DING_SECRET: &str = "SECtest0123456789";
const HOOK_SECRET: &str = "whsec-test";

/// What the HTTP receiver took: the path, whether the signature checked out, and the JSON.
#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<(String, bool, Value)>>>);

impl Received {
    fn on(&self, path: &str) -> Vec<(bool, Value)> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.0 == path)
            .map(|r| (r.1, r.2.clone()))
            .collect()
    }
}

fn hmac256(key: &str, msg: &str) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    m.update(msg.as_bytes());
    m.finalize().into_bytes().to_vec()
}

/// DingTalk's custom robot as its documentation describes it: `timestamp` (ms, within an hour) and
/// `sign` = Base64(HMAC-SHA256(secret, timestamp + "\n" + secret)); a markdown message has
/// `markdown.title` and `markdown.text`, and `at.atMobiles`.
async fn dingtalk(
    State(r): State<Received>,
    Query(q): Query<std::collections::HashMap<String, String>>,
    Json(v): Json<Value>,
) -> Json<Value> {
    let ts: i64 = q.get("timestamp").and_then(|t| t.parse().ok()).unwrap_or(0);
    let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let want = base64::engine::general_purpose::STANDARD
        .encode(hmac256(DING_SECRET, &format!("{ts}\n{DING_SECRET}")));
    let signed = q.get("sign") == Some(&want)
        && (now - ts).abs() < 3_600_000
        && q.get("access_token").map(String::as_str) == Some("T0KEN");
    let shaped = v["msgtype"] == "markdown"
        && v["markdown"]["title"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
        && v["markdown"]["text"].is_string()
        && v["at"]["atMobiles"].is_array();
    r.0.lock()
        .unwrap()
        .push(("dingtalk".into(), signed && shaped, v));
    if signed && shaped {
        Json(json!({"errcode": 0, "errmsg": "ok"}))
    } else {
        Json(json!({"errcode": 310000, "errmsg": "sign not match"}))
    }
}

/// WeCom's group robot: `key` in the query; markdown in `markdown.content`, at most 4,096 bytes.
async fn wecom(
    State(r): State<Received>,
    Query(q): Query<std::collections::HashMap<String, String>>,
    Json(v): Json<Value>,
) -> Json<Value> {
    let ok = q.get("key").map(String::as_str) == Some("WKEY")
        && v["msgtype"] == "markdown"
        && v["markdown"]["content"]
            .as_str()
            .is_some_and(|c| !c.is_empty() && c.len() <= 4096);
    r.0.lock().unwrap().push(("wecom".into(), ok, v));
    Json(
        json!({"errcode": if ok { 0 } else { 40008 }, "errmsg": if ok { "ok" } else { "invalid message type" }}),
    )
}

/// The outgoing webhook: `X-Diaodu-Signature: sha256=hex(HMAC(secret, timestamp + "." + body))`.
async fn hook(State(r): State<Received>, headers: HeaderMap, body: String) -> StatusCode {
    let ts = headers
        .get("x-diaodu-timestamp")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let want = format!(
        "sha256={}",
        hex::encode(hmac256(HOOK_SECRET, &format!("{ts}.{body}")))
    );
    let ok = headers
        .get("x-diaodu-signature")
        .and_then(|v| v.to_str().ok())
        == Some(want.as_str());
    let v: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    r.0.lock().unwrap().push(("hook".into(), ok, v));
    if ok {
        StatusCode::OK
    } else {
        StatusCode::UNAUTHORIZED
    }
}

async fn http_receiver() -> (SocketAddr, Received) {
    let got = Received::default();
    let app = Router::new()
        .route("/robot/send", post(dingtalk))
        .route("/cgi-bin/webhook/send", post(wecom))
        .route("/hook", post(hook))
        .with_state(got.clone());
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (addr, got)
}

/// A mail: the envelope's recipients and the message as sent.
type Mails = Arc<Mutex<Vec<(Vec<String>, String)>>>;

/// An SMTP sink: speaks enough of RFC 5321 for a client to hand over a message, and keeps it.
async fn smtp_sink() -> (SocketAddr, Mails) {
    let mails: Mails = Arc::default();
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let keep = mails.clone();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = l.accept().await else {
                return;
            };
            let keep = keep.clone();
            tokio::spawn(async move {
                let (rd, mut wr) = sock.into_split();
                let mut rd = BufReader::new(rd);
                wr.write_all(b"220 sink.test ESMTP\r\n").await.unwrap();
                let mut rcpt = Vec::new();
                let mut line = String::new();
                loop {
                    line.clear();
                    if rd.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let cmd = line.trim_end().to_ascii_uppercase();
                    let reply: &[u8] = if cmd.starts_with("EHLO") {
                        b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
                    } else if cmd.starts_with("HELO")
                        || cmd.starts_with("MAIL FROM")
                        || cmd == "RSET"
                        || cmd == "NOOP"
                    {
                        b"250 ok\r\n"
                    } else if cmd.starts_with("RCPT TO") {
                        rcpt.push(
                            line.trim_end()[8..]
                                .trim()
                                .trim_matches(['<', '>'])
                                .to_string(),
                        );
                        b"250 ok\r\n"
                    } else if cmd == "DATA" {
                        wr.write_all(b"354 end with .\r\n").await.unwrap();
                        let mut data = String::new();
                        loop {
                            let mut l = String::new();
                            if rd.read_line(&mut l).await.unwrap_or(0) == 0 || l == ".\r\n" {
                                break;
                            }
                            data.push_str(&l);
                        }
                        keep.lock().unwrap().push((std::mem::take(&mut rcpt), data));
                        b"250 2.0.0 queued as 1\r\n"
                    } else if cmd == "QUIT" {
                        let _ = wr.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        b"502 not implemented\r\n"
                    };
                    wr.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (addr, mails)
}

/// The text of a mail's body (Base64 or quoted-printable as the client chose, or plain).
fn mail_text(data: &str) -> String {
    let (head, body) = data.split_once("\r\n\r\n").unwrap_or((data, ""));
    let head_l = head.to_ascii_lowercase();
    if head_l.contains("content-transfer-encoding: base64") {
        let raw: String = body.split_whitespace().collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(raw)
                .unwrap(),
        )
        .unwrap()
    } else if head_l.contains("quoted-printable") {
        let joined = body.replace("=\r\n", "");
        let mut out = Vec::new();
        let b = joined.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'=' && i + 2 < b.len() {
                out.push(u8::from_str_radix(&joined[i + 1..i + 3], 16).unwrap_or(b'?'));
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    } else {
        body.to_string()
    }
}

async fn set(app: &TestApp, token: &str, key: &str, value: &str) {
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/settings/{key}"),
            Some(token),
            Some(json!({ "value": value })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{key}: {}", r.body);
}

/// Sets every channel to the local receivers, quiet hours off, and rep1's address and mobile.
async fn configure(app: &TestApp, smtp: SocketAddr, http: SocketAddr) -> String {
    let admin = app.token("admin").await;
    set(app, &admin, "reminder.quiet_start", "0").await;
    set(app, &admin, "reminder.quiet_end", "0").await;
    set(app, &admin, "notify.site_url", "https://diaodu.test.gov.cn").await;
    set(
        app,
        &admin,
        "notify.email.smtp_url",
        &format!("smtp://{smtp}"),
    )
    .await;
    set(
        app,
        &admin,
        "notify.email.from",
        "督查室 <duban@test.gov.cn>",
    )
    .await;
    set(
        app,
        &admin,
        "notify.dingtalk.webhook",
        &format!("http://{http}/robot/send?access_token=T0KEN"),
    )
    .await;
    set(app, &admin, "notify.dingtalk.secret", DING_SECRET).await;
    set(
        app,
        &admin,
        "notify.wecom.webhook",
        &format!("http://{http}/cgi-bin/webhook/send?key=WKEY"),
    )
    .await;
    set(
        app,
        &admin,
        "notify.webhook.url",
        &format!("http://{http}/hook"),
    )
    .await;
    set(app, &admin, "notify.webhook.secret", HOOK_SECRET).await;
    let rep1 = app.user_id("rep1").await;
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/users/{rep1}"),
            Some(&admin),
            Some(json!({"email": "rep1@jiaqu.test.gov.cn", "phone": "13800138000"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    admin
}

#[tokio::test]
async fn a_chase_reaches_every_channel_once_and_a_channel_down_only_delays_its_own() {
    let app = TestApp::new().await;
    let (smtp, mails) = smtp_sink().await;
    let (http, got) = http_receiver().await;
    let admin = configure(&app, smtp, http).await;

    // Secrets are said to be set, never shown.
    let settings = app
        .api(Method::GET, "/api/v1/settings", Some(&admin), None)
        .await
        .json();
    let secret = settings
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "notify.dingtalk.secret")
        .unwrap();
    assert_eq!(secret["value"], "******");
    let page = app.get(&app.login("admin").await, "/admin/settings").await;
    assert!(
        !page.body.contains(DING_SECRET),
        "the secret is not in the page"
    );
    assert!(page.body.contains("已设置"));

    // The supervision office chases 甲区: the in-app message and four deliveries, written with it.
    let sup = app.token("sup").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/reports/chase",
            Some(&sup),
            Some(json!({"unit_ids": [app.d1]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let pending = app
        .api(
            Method::GET,
            "/api/v1/deliveries?state=pending",
            Some(&admin),
            None,
        )
        .await
        .json();
    let mut channels: Vec<&str> = pending
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["channel"].as_str().unwrap())
        .collect();
    channels.sort();
    assert_eq!(channels, ["dingtalk", "email", "webhook", "wecom"]);

    // The worker delivers each once.
    let sender = Sender::new();
    let run = deliver_due(&app.store, &sender, 50).await.unwrap();
    assert_eq!(
        (run.delivered, run.failed),
        (4, 0),
        "{:?}",
        got.0.lock().unwrap()
    );
    assert_eq!(
        deliver_due(&app.store, &sender, 50)
            .await
            .unwrap()
            .delivered,
        0
    );

    let mails = mails.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, ["rep1@jiaqu.test.gov.cn"]);
    let text = mail_text(&mails[0].1);
    assert!(text.contains("甲区有 1 个项目"), "{text}");
    assert!(
        text.contains("https://diaodu.test.gov.cn/reports/due"),
        "{text}"
    );

    let ding = got.on("dingtalk");
    assert_eq!(ding.len(), 1);
    assert!(
        ding[0].0,
        "signed and shaped as DingTalk asks: {}",
        ding[0].1
    );
    assert_eq!(ding[0].1["at"]["atMobiles"], json!(["13800138000"]));
    let text = ding[0].1["markdown"]["text"].as_str().unwrap();
    assert!(
        text.contains("@13800138000") && text.contains("催报"),
        "{text}"
    );
    let wecom = got.on("wecom");
    assert!(wecom.len() == 1 && wecom[0].0, "{wecom:?}");
    assert!(wecom[0].1["markdown"]["content"]
        .as_str()
        .unwrap()
        .contains("测试项目A001"));
    let hook = got.on("hook");
    assert!(hook.len() == 1 && hook[0].0, "signed: {hook:?}");
    assert_eq!(hook[0].1["kind"], "chase");
    assert_eq!(hook[0].1["unit_id"], app.d1);

    let all = app
        .api(Method::GET, "/api/v1/deliveries", Some(&admin), None)
        .await
        .json();
    for d in all.as_array().unwrap() {
        assert_eq!(d["state"], "delivered", "{d}");
        assert_eq!(d["attempts"], 1);
    }
    let ding_row = all
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["channel"] == "dingtalk")
        .unwrap();
    assert!(
        ding_row["answer"]
            .as_str()
            .unwrap()
            .contains("\"errcode\":0"),
        "{ding_row}"
    );

    // The webhook's receiver goes away: the next chase still answers at once, its other channels
    // deliver, and the webhook's delivery waits with the error, to be tried again later.
    let gone = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gone_addr = gone.local_addr().unwrap();
    drop(gone);
    set(
        &app,
        &admin,
        "notify.webhook.url",
        &format!("http://{gone_addr}/hook"),
    )
    .await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/reports/chase",
            Some(&sup),
            Some(json!({"unit_ids": [app.d1]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let run = deliver_due(&app.store, &sender, 50).await.unwrap();
    assert_eq!((run.delivered, run.failed), (3, 1));
    let waiting = app
        .api(
            Method::GET,
            "/api/v1/deliveries?state=pending",
            Some(&admin),
            None,
        )
        .await
        .json();
    let w = &waiting.as_array().unwrap()[0];
    assert_eq!(
        (w["channel"].as_str(), w["attempts"].as_i64()),
        (Some("webhook"), Some(1))
    );
    assert!(w["answer"].as_str().unwrap().contains("无法连接"), "{w}");
    assert!(
        !w["answer"].as_str().unwrap().contains("127.0.0.1"),
        "the answer does not carry the address: {w}"
    );
    assert!(w["next_at"].as_str().unwrap() > w["created_at"].as_str().unwrap());
    // Not due again yet; only a failed delivery may be put back by hand.
    assert_eq!(
        deliver_due(&app.store, &sender, 50).await.unwrap().failed,
        0
    );
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/deliveries/{}/retry", w["id"]),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);

    // The admin page shows the answer; a reporter may not see it.
    let page = app.get(&app.login("admin").await, "/admin/notify").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("无法连接"), "{}", page.body);
    assert!(page.body.contains("已送达"));
    assert_eq!(
        app.get(&app.login("rep1").await, "/admin/notify")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let rep = app.token("rep1").await;
    assert_eq!(
        app.api(Method::GET, "/api/v1/deliveries", Some(&rep), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_administrator_tests_each_channel_and_a_district_gets_its_own_group() {
    let app = TestApp::new().await;
    let (smtp, mails) = smtp_sink().await;
    let (http, got) = http_receiver().await;
    let admin = configure(&app, smtp, http).await;
    for (channel, to) in [
        ("dingtalk", None),
        ("wecom", None),
        ("webhook", None),
        ("email", Some("ops@test.gov.cn")),
    ] {
        let r = app
            .api(
                Method::POST,
                "/api/v1/notify/test",
                Some(&admin),
                Some(json!({"channel": channel, "to": to})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["delivered"], true, "{channel}: {}", r.body);
    }
    assert_eq!(mails.lock().unwrap()[0].0, ["ops@test.gov.cn"]);
    assert!(got.on("dingtalk")[0].0);
    // An e-mail test needs an address; a wrong secret is DingTalk's refusal, shown as it answered.
    let r = app
        .api(
            Method::POST,
            "/api/v1/notify/test",
            Some(&admin),
            Some(json!({"channel": "email"})),
        )
        .await
        .json();
    assert_eq!(r["delivered"], false);
    assert!(r["answer"].as_str().unwrap().contains("收件地址"));
    set(&app, &admin, "notify.dingtalk.secret", "SECwrong").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/notify/test",
            Some(&admin),
            Some(json!({"channel": "dingtalk"})),
        )
        .await
        .json();
    assert_eq!(r["delivered"], false);
    assert!(r["answer"].as_str().unwrap().contains("310000"), "{r}");
    set(&app, &admin, "notify.dingtalk.secret", DING_SECRET).await;

    // 甲区 has its own DingTalk group: its chase goes there, 乙区's to the city's.
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/units/{}/notify/notify.dingtalk.webhook", app.d1),
            Some(&admin),
            Some(json!({"value": format!("http://{http}/robot/send?access_token=T0KEN&group=jiaqu")})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/units/{}/notify/notify.dingtalk.secret", app.d1),
            Some(&admin),
            Some(json!({"value": DING_SECRET})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app
        .api(
            Method::PUT,
            &format!("/api/v1/units/{}/notify/status.red_lag", app.d1),
            Some(&admin),
            Some(json!({"value": "10"})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "only the robots are a unit's own"
    );
    app.add_user("rep2b", app.d2, diaodu_domain::access::Role::Reporter)
        .await;
    let sup = app.token("sup").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/reports/chase",
            Some(&sup),
            Some(json!({"unit_ids": [app.d1, app.d2]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rows = app
        .api(
            Method::GET,
            "/api/v1/deliveries?state=pending",
            Some(&admin),
            None,
        )
        .await
        .json();
    let ding: Vec<(i64, String)> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["channel"] == "dingtalk")
        .map(|d| {
            (
                d["unit_id"].as_i64().unwrap(),
                d["target"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        ding.contains(&(app.d1, format!("unit:{}", app.d1))),
        "{ding:?}"
    );
    assert!(ding.contains(&(app.d2, String::new())), "{ding:?}");
    deliver_due(&app.store, &Sender::new(), 50).await.unwrap();
    assert_eq!(got.on("dingtalk").iter().filter(|d| d.0).count(), 3);
}

#[tokio::test]
async fn quiet_hours_hold_the_channels_until_morning_but_not_the_inbox() {
    let app = TestApp::new().await;
    let (smtp, mails) = smtp_sink().await;
    let (http, _got) = http_receiver().await;
    let admin = configure(&app, smtp, http).await;
    // Quiet from this hour for two hours, whatever the hour now.
    let h = time::OffsetDateTime::now_utc()
        .to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap())
        .hour();
    set(&app, &admin, "reminder.quiet_start", &h.to_string()).await;
    set(
        &app,
        &admin,
        "reminder.quiet_end",
        &((h + 2) % 24).to_string(),
    )
    .await;
    let sup = app.token("sup").await;
    app.api(
        Method::POST,
        "/api/v1/reports/chase",
        Some(&sup),
        Some(json!({"unit_ids": [app.d1]})),
    )
    .await;
    let rep = app.token("rep1").await;
    let inbox = app
        .api(Method::GET, "/api/v1/me/inbox", Some(&rep), None)
        .await
        .json();
    assert_eq!(inbox["unread"], 1, "the inbox is told at once");
    let run = deliver_due(&app.store, &Sender::new(), 50).await.unwrap();
    assert_eq!(run.delivered + run.failed, 0);
    assert!(mails.lock().unwrap().is_empty());
    let rows = app
        .api(Method::GET, "/api/v1/deliveries", Some(&admin), None)
        .await
        .json();
    let first = &rows.as_array().unwrap()[0];
    assert!(first["next_at"].as_str().unwrap() > first["created_at"].as_str().unwrap());
}

/// A notice two weeks and more past its reply date climbs to 约谈: the unit's users are told, and so
/// are the city's leaders, in their inboxes and by e-mail.
#[tokio::test]
async fn a_notice_climbing_the_ladder_tells_the_unit_and_then_the_leaders() {
    let app = TestApp::new().await;
    let (smtp, mails) = smtp_sink().await;
    let (http, got) = http_receiver().await;
    let admin = configure(&app, smtp, http).await;
    let leader = app.user_id("leader").await;
    app.api(
        Method::PUT,
        &format!("/api/v1/users/{leader}"),
        Some(&admin),
        Some(json!({"email": "leader@test.gov.cn"})),
    )
    .await;
    let today = diaodu_store::today_local();
    app.store
        .notices()
        .issue(
            &diaodu_store::Actor::cli(),
            diaodu_store::NewNotice {
                subject_kind: "other".into(),
                subject_id: None,
                unit_id: app.d1,
                title: "关于加快A001建设的督办通知".into(),
                content: "请反馈。".into(),
                reply_by: today - time::Duration::days(20),
            },
            today - time::Duration::days(40),
        )
        .await
        .unwrap();
    let sup = app.token("sup").await;
    let r = app
        .api(Method::POST, "/api/v1/notices/escalate", Some(&sup), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rep = app.token("rep1").await;
    let m = app
        .api(Method::GET, "/api/v1/me/inbox", Some(&rep), None)
        .await
        .json();
    assert!(
        m["messages"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("督办约谈"),
        "{m}"
    );
    let lt = app.token("leader").await;
    let m = app
        .api(Method::GET, "/api/v1/me/inbox", Some(&lt), None)
        .await
        .json();
    assert_eq!(m["unread"], 1, "{m}");
    assert!(m["messages"][0]["body"]
        .as_str()
        .unwrap()
        .contains("请领导关注"));
    deliver_due(&app.store, &Sender::new(), 50).await.unwrap();
    let mut to: Vec<String> = mails
        .lock()
        .unwrap()
        .iter()
        .flat_map(|m| m.0.clone())
        .collect();
    to.sort();
    assert_eq!(to, ["leader@test.gov.cn", "rep1@jiaqu.test.gov.cn"]);
    assert_eq!(
        got.on("dingtalk").len(),
        1,
        "one group message for the unit"
    );
    // Climbing again the same day takes no step and tells nobody twice.
    app.api(Method::POST, "/api/v1/notices/escalate", Some(&sup), None)
        .await;
    let m = app
        .api(Method::GET, "/api/v1/me/inbox", Some(&lt), None)
        .await
        .json();
    assert_eq!(m["unread"], 1);
}
