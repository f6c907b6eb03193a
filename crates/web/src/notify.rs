//! Channels outside the platform (消息推送): e-mail over SMTP, the DingTalk and WeCom group robots, and
//! an outgoing webhook for other government systems.
//!
//! An event that tells people something ([`Tell`]) becomes one [`Dispatch`]: the in-app messages, and
//! one delivery per channel configured — an e-mail to each recipient with an address, one robot
//! message to the unit's group (@-ing the recipients' mobiles on DingTalk), one webhook call — written
//! to the outbox in the event's own transaction. [`deliver_due`] (run by `serve` every few seconds,
//! and by `diaodu notify deliver`) takes the due deliveries under a lease and sends them; a channel
//! that is down leaves its deliveries pending with its answer, to be tried again after a backoff,
//! and never holds up the event. Outside quiet hours only: a delivery written at night waits for the
//! morning.

use std::collections::HashMap;
use std::time::Duration as StdDuration;

use base64::Engine as _;
use diaodu_store::{Delivery, Dispatch, NewDelivery, NewMessage, Store, UnitTree};
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use time::{Duration, OffsetDateTime, UtcOffset};

/// A channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// E-mail over SMTP.
    Email,
    /// DingTalk custom robot (钉钉自定义机器人), signed.
    DingTalk,
    /// WeCom group robot (企业微信群机器人).
    WeCom,
    /// Outgoing webhook, HMAC-signed JSON.
    Webhook,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 4] = [
        Channel::Email,
        Channel::DingTalk,
        Channel::WeCom,
        Channel::Webhook,
    ];

    /// Code, as stored and as the command line takes it.
    pub fn code(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::DingTalk => "dingtalk",
            Channel::WeCom => "wecom",
            Channel::Webhook => "webhook",
        }
    }

    /// Name in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            Channel::Email => "邮件",
            Channel::DingTalk => "钉钉群机器人",
            Channel::WeCom => "企业微信群机器人",
            Channel::Webhook => "对外推送",
        }
    }

    /// From its code.
    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == s.trim())
    }
}

/// The settings a unit may override with its own group's robots.
pub const UNIT_KEYS: [&str; 3] = [
    "notify.dingtalk.webhook",
    "notify.dingtalk.secret",
    "notify.wecom.webhook",
];

/// The channels' configuration in force: the settings `notify.*`, `reminder.quiet_*`, and the units'
/// own robots.
#[derive(Debug, Clone, Default)]
pub struct Config {
    global: HashMap<String, String>,
    units: HashMap<i64, HashMap<String, String>>,
}

impl Config {
    /// Reads it.
    pub async fn load(store: &Store) -> Result<Config, diaodu_store::StoreError> {
        let mut global = HashMap::new();
        for (s, v) in store.settings().await? {
            global.insert(
                s.key.to_string(),
                v.unwrap_or_else(|| s.default.to_string()),
            );
        }
        let mut units: HashMap<i64, HashMap<String, String>> = HashMap::new();
        for (u, k, v) in store.messages().unit_settings().await? {
            units.entry(u).or_default().insert(k, v);
        }
        Ok(Config { global, units })
    }

    /// Sets a value in this copy only (nothing is stored): a one-off run against another receiver,
    /// as the benchmark's.
    pub fn set(&mut self, key: &str, value: &str) {
        self.global.insert(key.to_string(), value.to_string());
    }

    fn get(&self, key: &str) -> &str {
        self.global.get(key).map_or("", |v| v.trim())
    }

    /// A robot setting for a delivery's target: the unit's own (`unit:12`) or the city's.
    fn robot(&self, target: &str, key: &str) -> &str {
        match target
            .strip_prefix("unit:")
            .and_then(|u| u.parse::<i64>().ok())
        {
            Some(u) => self
                .units
                .get(&u)
                .and_then(|m| m.get(key))
                .map_or("", |v| v.trim()),
            None => self.get(key),
        }
    }

    /// The target of a unit's robot message on `key` (`notify.dingtalk.webhook`, `notify.wecom.webhook`):
    /// the nearest unit at or above it with its own group, else the city's (`""`); `None` when neither
    /// is configured.
    pub fn robot_target(&self, tree: &UnitTree, unit_id: Option<i64>, key: &str) -> Option<String> {
        let mut at = unit_id.and_then(|u| tree.get(u));
        while let Some(u) = at {
            if self
                .units
                .get(&u.id)
                .and_then(|m| m.get(key))
                .is_some_and(|v| !v.trim().is_empty())
            {
                return Some(format!("unit:{}", u.id));
            }
            at = u.parent_id.and_then(|p| tree.get(p));
        }
        (!self.get(key).is_empty()).then(String::new)
    }

    /// Whether a channel is configured at all (globally, or for some unit).
    pub fn configured(&self, c: Channel) -> bool {
        let unit_has = |k: &str| {
            self.units
                .values()
                .any(|m| m.get(k).is_some_and(|v| !v.trim().is_empty()))
        };
        match c {
            Channel::Email => !self.get("notify.email.smtp_url").is_empty(),
            Channel::DingTalk => {
                !self.get("notify.dingtalk.webhook").is_empty()
                    || unit_has("notify.dingtalk.webhook")
            }
            Channel::WeCom => {
                !self.get("notify.wecom.webhook").is_empty() || unit_has("notify.wecom.webhook")
            }
            Channel::Webhook => !self.get("notify.webhook.url").is_empty(),
        }
    }

    /// When quiet hours hold at `now`, their end; else `None`.
    pub fn quiet_until(&self, now: OffsetDateTime) -> Option<OffsetDateTime> {
        let hour = |k: &str| {
            self.get(k)
                .parse::<u8>()
                .ok()
                .filter(|h| *h < 24)
                .unwrap_or(0)
        };
        let (start, end) = (hour("reminder.quiet_start"), hour("reminder.quiet_end"));
        if start == end {
            return None;
        }
        let local = now.to_offset(beijing());
        let h = local.hour();
        let quiet = if start < end {
            h >= start && h < end
        } else {
            h >= start || h < end
        };
        if !quiet {
            return None;
        }
        let mut day = local.date();
        if h >= end && start > end {
            day = day.next_day().unwrap_or(day);
        }
        Some(
            day.with_hms(end, 0, 0)
                .expect("hour below 24")
                .assume_offset(beijing()),
        )
    }

    fn link(&self, path: &str) -> Option<String> {
        let base = self.get("notify.site_url").trim_end_matches('/');
        (!base.is_empty() && !path.is_empty()).then(|| format!("{base}{path}"))
    }
}

fn beijing() -> UtcOffset {
    UtcOffset::from_hms(8, 0, 0).expect("valid offset")
}

/// Someone to tell: a user, with how to reach them outside the platform.
#[derive(Debug, Clone)]
pub struct Contact {
    /// User id.
    pub user_id: i64,
    /// E-mail address ("" when none).
    pub email: String,
    /// Mobile number ("" when none).
    pub phone: String,
}

/// The active reporters of a unit (填报员), the people a reminder to report tells.
pub async fn reporters(
    store: &Store,
    unit_id: i64,
) -> Result<Vec<Contact>, diaodu_store::StoreError> {
    Ok(store
        .users()
        .contacts_of(unit_id, &[diaodu_domain::access::Role::Reporter])
        .await?
        .into_iter()
        .map(|(user_id, _, email, phone)| Contact {
            user_id,
            email,
            phone,
        })
        .collect())
}

/// Something to tell the people of one unit.
#[derive(Debug, Clone)]
pub struct Tell {
    /// What it is: `chase` (催报), `reminder` (the reminder pass), `ladder` (督办升级).
    pub kind: String,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Where it leads (a path of the site).
    pub link: String,
    /// The unit it concerns.
    pub unit_id: Option<i64>,
    /// Who sends it, as the recipient reads it.
    pub sender_name: String,
}

/// The dispatch of `tell` to `to`: an in-app message each, and a delivery per configured channel.
pub fn compose(
    cfg: &Config,
    tree: &UnitTree,
    tell: &Tell,
    to: &[Contact],
    now: OffsetDateTime,
) -> Dispatch {
    let not_before = cfg.quiet_until(now);
    let messages = to
        .iter()
        .map(|c| NewMessage {
            user_id: c.user_id,
            kind: tell.kind.clone(),
            title: tell.title.clone(),
            body: tell.body.clone(),
            link: tell.link.clone(),
            sender_name: tell.sender_name.clone(),
            unit_id: tell.unit_id,
        })
        .collect();
    let delivery = |channel: Channel, target: String, mentions: Vec<String>| NewDelivery {
        channel: channel.code().into(),
        target,
        unit_id: tell.unit_id,
        kind: tell.kind.clone(),
        title: tell.title.clone(),
        body: tell.body.clone(),
        link: tell.link.clone(),
        mentions,
        not_before,
    };
    let mut deliveries = Vec::new();
    if cfg.configured(Channel::Email) {
        let mut seen = std::collections::HashSet::new();
        for c in to {
            let addr = c.email.trim();
            if !addr.is_empty() && seen.insert(addr.to_lowercase()) {
                deliveries.push(delivery(Channel::Email, addr.to_string(), Vec::new()));
            }
        }
    }
    let phones: Vec<String> = to
        .iter()
        .map(|c| c.phone.trim().to_string())
        .filter(|p| p.len() == 11 && p.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    if !to.is_empty() {
        if let Some(t) = cfg.robot_target(tree, tell.unit_id, "notify.dingtalk.webhook") {
            deliveries.push(delivery(Channel::DingTalk, t, phones));
        }
        if let Some(t) = cfg.robot_target(tree, tell.unit_id, "notify.wecom.webhook") {
            deliveries.push(delivery(Channel::WeCom, t, Vec::new()));
        }
        if cfg.configured(Channel::Webhook) {
            deliveries.push(delivery(Channel::Webhook, String::new(), Vec::new()));
        }
    }
    Dispatch {
        unit_id: tell.unit_id,
        kind: tell.kind.clone(),
        once_key: None,
        messages,
        deliveries,
    }
}

/// Tells of notices climbing the ladder: 提醒 and 催办 to the unit's users, 通报 and 约谈 (and 问责)
/// also to the city's leaders and the unit's own leaders.
pub struct LadderNotifier {
    cfg: Config,
    tree: UnitTree,
    /// Active users by unit: (id, role code, e-mail, phone).
    by_unit: HashMap<i64, Vec<(i64, String, String, String)>>,
}

impl LadderNotifier {
    /// Reads what it needs: the channels' configuration, the units and every active user.
    pub async fn load(store: &Store) -> Result<LadderNotifier, diaodu_store::StoreError> {
        let mut by_unit: HashMap<i64, Vec<(i64, String, String, String)>> = HashMap::new();
        for (id, unit, role, email, phone) in store.users().active_contacts().await? {
            by_unit
                .entry(unit)
                .or_default()
                .push((id, role, email, phone));
        }
        Ok(LadderNotifier {
            cfg: Config::load(store).await?,
            tree: store.units().await?,
            by_unit,
        })
    }

    fn contacts(&self, unit: i64, only_role: Option<&str>) -> Vec<Contact> {
        self.by_unit
            .get(&unit)
            .into_iter()
            .flatten()
            .filter(|u| only_role.is_none_or(|r| u.1 == r))
            .map(|(id, _, email, phone)| Contact {
                user_id: *id,
                email: email.clone(),
                phone: phone.clone(),
            })
            .collect()
    }
}

impl diaodu_store::Notifier for LadderNotifier {
    fn escalated(&self, e: &diaodu_store::Escalated) -> Vec<Dispatch> {
        use diaodu_domain::notice::Escalation;
        let unit_name = self
            .tree
            .get(e.unit_id)
            .map_or_else(String::new, |u| u.name.clone());
        let link = format!("/notices/{}", e.notice_id);
        let now = OffsetDateTime::now_utc();
        let mut out = Vec::new();
        let unit_tell = Tell {
            kind: "ladder".into(),
            title: format!("督办{}：{}", e.step.zh(), e.code),
            body: format!(
                "督办单 {}“{}”已逾期 {} 天未反馈，升级为{}。请{}尽快签收、办理并反馈。",
                e.code,
                e.title,
                e.days_overdue,
                e.step.zh(),
                unit_name
            ),
            link: link.clone(),
            unit_id: Some(e.unit_id),
            sender_name: "督办系统".into(),
        };
        out.push(compose(
            &self.cfg,
            &self.tree,
            &unit_tell,
            &self.contacts(e.unit_id, None),
            now,
        ));
        if e.step.level() >= Escalation::Notice.level() {
            // The city's leaders (at the top of the tree) and the unit's own.
            let mut leaders: Vec<Contact> = self
                .tree
                .units
                .iter()
                .filter(|u| u.parent_id.is_none())
                .flat_map(|u| self.contacts(u.id, Some("leader")))
                .collect();
            leaders.extend(self.contacts(e.unit_id, Some("leader")));
            leaders.sort_by_key(|c| c.user_id);
            leaders.dedup_by_key(|c| c.user_id);
            if !leaders.is_empty() {
                let tell = Tell {
                    kind: "ladder".into(),
                    title: format!("督办{}：{}（{}）", e.step.zh(), unit_name, e.code),
                    body: format!(
                        "{}承办的督办单 {}“{}”逾期 {} 天未反馈，已升级为{}，请领导关注。",
                        unit_name,
                        e.code,
                        e.title,
                        e.days_overdue,
                        e.step.zh()
                    ),
                    link,
                    // Audited against the unit with the first send; the leaders' messages go with it
                    // but are not a second record.
                    unit_id: None,
                    sender_name: "督办系统".into(),
                };
                let mut d = compose(&self.cfg, &self.tree, &tell, &leaders, now);
                // The leaders' group messages are the unit's (the robots follow the unit).
                for x in &mut d.deliveries {
                    x.unit_id = Some(e.unit_id);
                }
                d.deliveries.retain(|x| x.channel == "email");
                out.push(d);
            }
        }
        out
    }
}

/// Climbs the escalation ladder (within `within`, or everywhere), telling each climb through the
/// channels.
pub async fn escalate_and_tell(
    store: &Store,
    actor: &diaodu_store::Actor,
    d: time::Date,
    within: Option<(&UnitTree, diaodu_domain::access::Scope)>,
) -> Result<usize, diaodu_store::StoreError> {
    let notifier = LadderNotifier::load(store).await?;
    store
        .notices()
        .escalate_in(actor, d, within, Some(&notifier))
        .await
}

/// The outcome of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The channel took it.
    pub delivered: bool,
    /// What the channel answered, or the error.
    pub answer: String,
    /// Trying again cannot help (the channel is not configured, the address is not one).
    pub final_: bool,
}

impl Outcome {
    fn ok(answer: impl Into<String>) -> Outcome {
        Outcome {
            delivered: true,
            answer: answer.into(),
            final_: false,
        }
    }

    fn retry(answer: impl Into<String>) -> Outcome {
        Outcome {
            delivered: false,
            answer: answer.into(),
            final_: false,
        }
    }

    fn give_up(answer: impl Into<String>) -> Outcome {
        Outcome {
            delivered: false,
            answer: answer.into(),
            final_: true,
        }
    }
}

/// How long one attempt may take.
const ATTEMPT_TIMEOUT: StdDuration = StdDuration::from_secs(10);

/// Sends deliveries.
#[derive(Debug, Clone)]
pub struct Sender {
    http: reqwest::Client,
}

impl Default for Sender {
    fn default() -> Self {
        Sender::new()
    }
}

impl Sender {
    /// A sender with its HTTP client (no redirects followed: a robot's address answers itself).
    pub fn new() -> Sender {
        Sender {
            http: reqwest::Client::builder()
                .timeout(ATTEMPT_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .user_agent("diaodu-notify")
                .build()
                .expect("HTTP client"),
        }
    }

    /// One attempt at a delivery.
    pub async fn send(&self, cfg: &Config, d: &Delivery) -> Outcome {
        let Some(channel) = Channel::parse(&d.channel) else {
            return Outcome::give_up(format!("未知渠道 {}", d.channel));
        };
        match channel {
            Channel::Email => self.email(cfg, d).await,
            Channel::DingTalk => self.dingtalk(cfg, d).await,
            Channel::WeCom => self.wecom(cfg, d).await,
            Channel::Webhook => self.webhook(cfg, d).await,
        }
    }

    async fn email(&self, cfg: &Config, d: &Delivery) -> Outcome {
        use lettre::message::header::ContentType;
        use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
        let url = cfg.get("notify.email.smtp_url");
        if url.is_empty() {
            return Outcome::give_up("未设置邮件服务器（notify.email.smtp_url）");
        }
        let from = cfg.get("notify.email.from");
        let Ok(from) = from.parse() else {
            return Outcome::give_up(format!("发件人“{from}”不是有效的邮箱地址"));
        };
        let Ok(to) = d.target.parse() else {
            return Outcome::give_up(format!("收件人“{}”不是有效的邮箱地址", d.target));
        };
        let mut text = d.body.clone();
        if let Some(l) = cfg.link(&d.link) {
            text.push_str(&format!("\n\n{l}"));
        }
        text.push_str("\n\n——重点工作调度督办平台");
        let msg = match Message::builder()
            .from(from)
            .to(to)
            .subject(&d.title)
            .header(ContentType::TEXT_PLAIN)
            .body(text)
        {
            Ok(m) => m,
            Err(e) => return Outcome::give_up(format!("邮件无法生成：{e}")),
        };
        let transport = match AsyncSmtpTransport::<Tokio1Executor>::from_url(url) {
            Ok(b) => b.timeout(Some(ATTEMPT_TIMEOUT)).build(),
            Err(e) => return Outcome::give_up(format!("邮件服务器地址有误：{e}")),
        };
        match transport.send(msg).await {
            Ok(r) => Outcome::ok(format!(
                "{} {}",
                r.code(),
                r.message().collect::<Vec<_>>().join(" ")
            )),
            Err(e) if e.is_permanent() => Outcome::give_up(format!("邮件服务器拒收：{e}")),
            Err(e) => Outcome::retry(format!("邮件未发出：{e}")),
        }
    }

    /// Markdown text of a delivery for the robots.
    fn markdown(cfg: &Config, d: &Delivery, at: &[String]) -> String {
        let mut s = format!("#### {}\n\n{}", d.title, d.body);
        if let Some(l) = cfg.link(&d.link) {
            s.push_str(&format!("\n\n[打开平台]({l})"));
        }
        if !at.is_empty() {
            s.push_str("\n\n");
            s.push_str(
                &at.iter()
                    .map(|m| format!("@{m}"))
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        s
    }

    async fn dingtalk(&self, cfg: &Config, d: &Delivery) -> Outcome {
        let hook = cfg.robot(&d.target, "notify.dingtalk.webhook");
        if hook.is_empty() {
            return Outcome::give_up("未设置钉钉群机器人地址");
        }
        let secret = cfg.robot(&d.target, "notify.dingtalk.secret");
        let url = if secret.is_empty() {
            hook.to_string()
        } else {
            let ts = OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
            let sign = dingtalk_sign(ts as i64, secret);
            let sep = if hook.contains('?') { '&' } else { '?' };
            format!("{hook}{sep}timestamp={ts}&sign={sign}")
        };
        let mentions: Vec<String> = d
            .mentions
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let body = json!({
            "msgtype": "markdown",
            "markdown": {"title": d.title, "text": Self::markdown(cfg, d, &mentions)},
            "at": {"atMobiles": mentions, "isAtAll": false},
        });
        self.robot_post(&url, &body).await
    }

    async fn wecom(&self, cfg: &Config, d: &Delivery) -> Outcome {
        let hook = cfg.robot(&d.target, "notify.wecom.webhook");
        if hook.is_empty() {
            return Outcome::give_up("未设置企业微信群机器人");
        }
        let url = if hook.contains("://") {
            hook.to_string()
        } else {
            format!("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={hook}")
        };
        // WeCom takes at most 4,096 bytes of markdown.
        let mut text = Self::markdown(cfg, d, &[]);
        while text.len() > 4000 {
            text.pop();
        }
        let body = json!({"msgtype": "markdown", "markdown": {"content": text}});
        self.robot_post(&url, &body).await
    }

    /// Posts to a robot; both DingTalk and WeCom answer `{"errcode": 0, "errmsg": "ok"}`.
    async fn robot_post(&self, url: &str, body: &serde_json::Value) -> Outcome {
        match self.http.post(url).json(body).send().await {
            Err(e) => Outcome::retry(format!("无法连接：{}", without_url(&e))),
            Ok(r) => {
                let status = r.status();
                let text = r.text().await.unwrap_or_default();
                let code = serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|v| v.get("errcode").and_then(|c| c.as_i64()));
                match code {
                    Some(0) if status.is_success() => Outcome::ok(text),
                    _ => Outcome::retry(format!("HTTP {}：{}", status.as_u16(), clip(&text))),
                }
            }
        }
    }

    async fn webhook(&self, cfg: &Config, d: &Delivery) -> Outcome {
        let url = cfg.get("notify.webhook.url");
        if url.is_empty() {
            return Outcome::give_up("未设置对外推送地址");
        }
        let body = json!({
            "id": d.id,
            "kind": d.kind,
            "title": d.title,
            "body": d.body,
            "link": cfg.link(&d.link),
            "unit_id": d.unit_id,
            "created_at": d.created_at,
        })
        .to_string();
        let ts = OffsetDateTime::now_utc().unix_timestamp();
        let mut req = self
            .http
            .post(url)
            .header("Content-Type", "application/json")
            .header("X-Diaodu-Timestamp", ts.to_string())
            .header("X-Diaodu-Delivery", d.id.to_string());
        let secret = cfg.get("notify.webhook.secret");
        if !secret.is_empty() {
            req = req.header(
                "X-Diaodu-Signature",
                format!("sha256={}", webhook_signature(secret, ts, &body)),
            );
        }
        match req.body(body).send().await {
            Err(e) => Outcome::retry(format!("无法连接：{}", without_url(&e))),
            Ok(r) if r.status().is_success() => {
                let s = r.status().as_u16();
                Outcome::ok(format!(
                    "HTTP {s} {}",
                    clip(&r.text().await.unwrap_or_default())
                ))
            }
            Ok(r) => {
                let s = r.status().as_u16();
                Outcome::retry(format!(
                    "HTTP {s}：{}",
                    clip(&r.text().await.unwrap_or_default())
                ))
            }
        }
    }
}

/// DingTalk's signature of a request: HMAC-SHA256 of `timestamp + "\n" + secret` keyed by the secret,
/// in Base64, URL-encoded.
pub fn dingtalk_sign(timestamp_ms: i64, secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    let b64 = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    percent_encoding::utf8_percent_encode(&b64, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The outgoing webhook's signature: hex HMAC-SHA256 of `timestamp + "." + body` keyed by the secret.
pub fn webhook_signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// An HTTP error without its URL (a robot's URL carries its token).
fn without_url(e: &reqwest::Error) -> String {
    let mut s = if e.is_timeout() {
        "超时".to_string()
    } else if e.is_connect() {
        "连接被拒绝或无法到达".to_string()
    } else {
        "请求失败".to_string()
    };
    // The source of a connection error names the cause (refused, DNS), never the URL.
    if let Some(src) = std::error::Error::source(e).and_then(std::error::Error::source) {
        s.push_str(&format!("（{src}）"));
    }
    clip(&s)
}

fn clip(s: &str) -> String {
    s.chars().take(300).collect()
}

/// What one run of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    /// Taken by the channel.
    pub delivered: usize,
    /// Refused or not reached (to be tried again, or given up).
    pub failed: usize,
}

/// How long a worker holds the deliveries it takes.
const LEASE: Duration = Duration::minutes(2);

/// Takes the deliveries due (up to `limit`) and sends them, a few at a time; quiet hours send
/// nothing.
pub async fn deliver_due(
    store: &Store,
    sender: &Sender,
    limit: i64,
) -> Result<Delivered, diaodu_store::StoreError> {
    let cfg = Config::load(store).await?;
    deliver_due_with(store, sender, &cfg, limit).await
}

/// [`deliver_due`] with a configuration given rather than read.
pub async fn deliver_due_with(
    store: &Store,
    sender: &Sender,
    cfg: &Config,
    limit: i64,
) -> Result<Delivered, diaodu_store::StoreError> {
    let now = OffsetDateTime::now_utc();
    if cfg.quiet_until(now).is_some() {
        return Ok(Delivered::default());
    }
    let batch = store.messages().claim_deliveries(limit, LEASE, now).await?;
    let mut out = Delivered::default();
    use futures_util::StreamExt;
    let results: Vec<(Delivery, Outcome)> = futures_util::stream::iter(batch)
        .map(|d| async move {
            let o = sender.send(cfg, &d).await;
            (d, o)
        })
        .buffer_unordered(8)
        .collect()
        .await;
    for (d, o) in results {
        store
            .messages()
            .finish_delivery(
                &d,
                o.delivered,
                &o.answer,
                o.final_,
                OffsetDateTime::now_utc(),
            )
            .await?;
        if o.delivered {
            out.delivered += 1;
        } else {
            out.failed += 1;
        }
    }
    Ok(out)
}

/// Sends a test message on one channel at once (not through the outbox): for e-mail to `to`, for the
/// robots to the city's group or, with `unit`, to that unit's own.
pub async fn test_channel(
    store: &Store,
    channel: Channel,
    to: Option<&str>,
    unit: Option<i64>,
) -> Result<Outcome, diaodu_store::StoreError> {
    let cfg = Config::load(store).await?;
    if !cfg.configured(channel) {
        return Ok(Outcome::give_up(format!("{}尚未设置", channel.zh())));
    }
    let target = match channel {
        Channel::Email => match to.map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => t.to_string(),
            None => return Ok(Outcome::give_up("请填写测试邮件的收件地址")),
        },
        Channel::DingTalk | Channel::WeCom => unit.map_or(String::new(), |u| format!("unit:{u}")),
        Channel::Webhook => String::new(),
    };
    let now = OffsetDateTime::now_utc();
    let d = Delivery {
        id: 0,
        channel: channel.code().into(),
        target,
        unit_id: unit,
        kind: "test".into(),
        title: "测试消息".into(),
        body: format!(
            "这是重点工作调度督办平台发出的{}测试消息，收到即表示配置正确。",
            channel.zh()
        ),
        link: "/".into(),
        mentions: String::new(),
        state: "sending".into(),
        attempts: 1,
        next_at: diaodu_store::ts(now),
        answer: String::new(),
        created_at: diaodu_store::ts(now),
        delivered_at: None,
    };
    Ok(Sender::new().send(&cfg, &d).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of DingTalk's documentation's form: a fixed timestamp and secret give a fixed
    /// signature, URL-encoded Base64 of 32 bytes.
    #[test]
    fn dingtalk_signature_is_base64_of_hmac_url_encoded() {
        let s = dingtalk_sign(1_700_000_000_000, "SECabc");
        assert!(
            !s.contains('+') && !s.contains('/') && !s.contains('='),
            "{s}"
        );
        let decoded = percent_encoding::percent_decode_str(&s)
            .decode_utf8()
            .unwrap();
        let raw = base64::engine::general_purpose::STANDARD
            .decode(decoded.as_bytes())
            .unwrap();
        assert_eq!(raw.len(), 32);
        assert_eq!(s, dingtalk_sign(1_700_000_000_000, "SECabc"));
        assert_ne!(s, dingtalk_sign(1_700_000_000_001, "SECabc"));
    }

    #[test]
    fn quiet_hours_wrap_midnight() {
        let mut cfg = Config::default();
        cfg.set("reminder.quiet_start", "22");
        cfg.set("reminder.quiet_end", "8");
        let at = |h: u8| {
            time::Date::from_calendar_date(2026, time::Month::December, 7)
                .unwrap()
                .with_hms(h, 30, 0)
                .unwrap()
                .assume_offset(beijing())
        };
        assert_eq!(cfg.quiet_until(at(12)), None);
        assert_eq!(cfg.quiet_until(at(7)), Some(at(8) - Duration::minutes(30)));
        assert_eq!(
            cfg.quiet_until(at(23)),
            Some(at(8) + Duration::days(1) - Duration::minutes(30))
        );
        let mut none = Config::default();
        none.set("reminder.quiet_start", "8");
        none.set("reminder.quiet_end", "8");
        assert_eq!(none.quiet_until(at(3)), None);
    }
}
