//! The settings an administrator may change (系统设置): each key with its Chinese name, what it
//! means, its default and its range, and the one check every door applies (the command line's
//! `diaodu setting set`, and `Store::set_setting` under it). A setting that is not listed here cannot
//! be set.

/// What values a setting takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Percentage points with at most two decimals, from 0 to `max` (in hundredths).
    Points {
        /// The largest value, in hundredths of a point.
        max_centi: i64,
    },
    /// A whole number from `min` to `max`.
    Whole {
        /// The smallest value.
        min: i64,
        /// The largest value.
        max: i64,
    },
    /// Text of at most `max_chars` characters; empty means the default the code derives (the
    /// setting's `default` then says how).
    Text {
        /// The longest value, in characters.
        max_chars: usize,
    },
}

/// One setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// The key, as stored and as the command line takes it.
    pub key: &'static str,
    /// The group it is shown in.
    pub group: &'static str,
    /// Its name, in Chinese.
    pub name: &'static str,
    /// What it does, in Chinese.
    pub meaning: &'static str,
    /// The unit of its value, in Chinese (百分点, 天, 期, 分钟, 小时).
    pub unit: &'static str,
    /// The value in force when none is set.
    pub default: &'static str,
    /// Its range.
    pub kind: Kind,
}

const fn whole(min: i64, max: i64) -> Kind {
    Kind::Whole { min, max }
}

/// The escalation ladder's keys (提醒, 催办, 通报, 约谈, 问责), in the order their days must rise.
pub const LADDER_KEYS: [&str; 5] = [
    "ladder.reminder",
    "ladder.urging",
    "ladder.notice",
    "ladder.interview",
    "ladder.accountability",
];

/// Every setting, in the order they are shown.
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "status.red_lag",
        group: "项目亮灯",
        name: "红灯滞后阈值",
        meaning: "年度投资完成率落后于时间进度超过此百分点，项目亮红灯",
        unit: "百分点",
        default: "15",
        kind: Kind::Points { max_centi: 10_000 },
    },
    Setting {
        key: "status.yellow_lag",
        group: "项目亮灯",
        name: "黄灯滞后阈值",
        meaning: "年度投资完成率落后于时间进度超过此百分点，项目亮黄灯（不大于红灯阈值）",
        unit: "百分点",
        default: "5",
        kind: Kind::Points { max_centi: 10_000 },
    },
    Setting {
        key: "status.stall_days",
        group: "项目亮灯",
        name: "开而未建天数",
        meaning: "已开工满此天数，且此期间未填报任何投资，认定为开而未建",
        unit: "天",
        default: "28",
        kind: whole(1, 366),
    },
    Setting {
        key: "task.yellow_gap",
        group: "任务亮灯",
        name: "任务黄灯差距",
        meaning: "已过时间占比超过完成进度此百分点以上，任务亮黄灯",
        unit: "百分点",
        default: "10",
        kind: whole(0, 100),
    },
    Setting {
        key: "task.due_soon_days",
        group: "任务亮灯",
        name: "临近时限天数",
        meaning: "距完成时限不足此天数且未完成，任务亮黄灯",
        unit: "天",
        default: "7",
        kind: whole(0, 366),
    },
    Setting {
        key: "task.missing_reports",
        group: "任务亮灯",
        name: "连续未报期数",
        meaning: "连续此期数应报未报，任务亮红灯",
        unit: "期",
        default: "2",
        kind: whole(1, 366),
    },
    Setting {
        key: "reporting.weekly_due_day",
        group: "填报时限",
        name: "周报截止日",
        meaning: "项目周报在填报周的第几天截止：从该周周一数起，1 为本周一，5 为本周五，7 为本周日，8 为下周一，直至 14 为下周日；遇法定节假日顺延至下一个工作日",
        unit: "天",
        default: "8",
        kind: whole(1, 14),
    },
    Setting {
        key: "reporting.monthly_due_day",
        group: "填报时限",
        name: "月报截止日",
        meaning: "按月填报的进度（项目月报、按月报送的任务）在次月几日截止；遇节假日顺延",
        unit: "日",
        default: "1",
        kind: whole(1, 28),
    },
    Setting {
        key: "reporting.due_hour",
        group: "填报时限",
        name: "截止时刻",
        meaning: "截止日当天几时前报送算按时（24 表示截止日当天结束前）",
        unit: "时",
        default: "24",
        kind: whole(1, 24),
    },
    Setting {
        key: "reporting.indicator_due_day",
        group: "填报时限",
        name: "指标数据报送日",
        meaning: "统计期结束后次月几日前录入主要指标数据（统计日历）；遇节假日顺延",
        unit: "日",
        default: "15",
        kind: whole(1, 28),
    },
    Setting {
        key: LADDER_KEYS[0],
        group: "督办升级",
        name: "提醒",
        meaning: "督办单逾期此天数，升级为提醒",
        unit: "天",
        default: "1",
        kind: whole(1, 3650),
    },
    Setting {
        key: LADDER_KEYS[1],
        group: "督办升级",
        name: "催办",
        meaning: "督办单逾期此天数，升级为催办（多于提醒天数）",
        unit: "天",
        default: "3",
        kind: whole(1, 3650),
    },
    Setting {
        key: LADDER_KEYS[2],
        group: "督办升级",
        name: "通报",
        meaning: "督办单逾期此天数，升级为通报（多于催办天数）",
        unit: "天",
        default: "7",
        kind: whole(1, 3650),
    },
    Setting {
        key: LADDER_KEYS[3],
        group: "督办升级",
        name: "约谈",
        meaning: "督办单逾期此天数，升级为约谈（多于通报天数）",
        unit: "天",
        default: "15",
        kind: whole(1, 3650),
    },
    Setting {
        key: LADDER_KEYS[4],
        group: "督办升级",
        name: "问责",
        meaning: "督办单逾期此天数，升级为问责（多于约谈天数）",
        unit: "天",
        default: "30",
        kind: whole(1, 3650),
    },
    Setting {
        key: "session.idle_minutes",
        group: "登录与会话",
        name: "空闲退出",
        meaning: "此分钟数内没有任何操作，会话结束，须重新登录",
        unit: "分钟",
        default: "30",
        kind: whole(5, 1440),
    },
    Setting {
        key: "session.max_hours",
        group: "登录与会话",
        name: "会话最长时间",
        meaning: "登录满此小时数，无论是否在用，会话结束",
        unit: "小时",
        default: "12",
        kind: whole(1, 168),
    },
    Setting {
        key: "reminder.before_hours",
        group: "提醒与推送",
        name: "截止前提醒",
        meaning: "在截止时刻前此小时数，提醒尚未填报的单位的填报员（0 表示不提前提醒）；截止当天和逾期后每天还各提醒一次，直至报齐",
        unit: "小时",
        default: "24",
        kind: whole(0, 168),
    },
    Setting {
        key: "reminder.quiet_start",
        group: "提醒与推送",
        name: "免打扰开始",
        meaning: "每天此时起不向邮件、钉钉、企业微信等外部渠道发送消息，留到免打扰结束时发出（站内消息不受影响）",
        unit: "时",
        default: "22",
        kind: whole(0, 23),
    },
    Setting {
        key: "reminder.quiet_end",
        group: "提醒与推送",
        name: "免打扰结束",
        meaning: "每天此时起恢复向外部渠道发送；与开始相同表示不设免打扰",
        unit: "时",
        default: "8",
        kind: whole(0, 23),
    },
    Setting {
        key: "notify.site_url",
        group: "提醒与推送",
        name: "平台访问地址",
        meaning: "外部渠道消息中的链接以此开头，如 https://diaodu.example.gov.cn；留空则消息不带链接",
        unit: "",
        default: "",
        kind: Kind::Text { max_chars: 200 },
    },
    Setting {
        key: "notify.email.smtp_url",
        group: "提醒与推送",
        name: "邮件服务器",
        meaning: "SMTP 地址：smtps://用户名:密码@主机:465（TLS），或 smtp://用户名:密码@主机:587?tls=required（STARTTLS）；留空则不发邮件。发给用户资料中填了邮箱的用户",
        unit: "",
        default: "",
        kind: Kind::Text { max_chars: 300 },
    },
    Setting {
        key: "notify.email.from",
        group: "提醒与推送",
        name: "发件人",
        meaning: "邮件的发件人：一个邮箱地址，可在前面加上名称、把地址放在尖括号里",
        unit: "",
        default: "",
        kind: Kind::Text { max_chars: 120 },
    },
    Setting {
        key: "notify.dingtalk.webhook",
        group: "提醒与推送",
        name: "钉钉群机器人地址",
        meaning: "钉钉自定义机器人的 Webhook 地址（https://oapi.dingtalk.com/robot/send?access_token=…）；消息以 markdown 发到群里，并 @ 相关填报员的手机号；区县有自己的群时在“消息推送”页按单位设置",
        unit: "",
        default: "",
        kind: Kind::Text { max_chars: 300 },
    },
    Setting {
        key: "notify.dingtalk.secret",
        group: "提醒与推送",
        name: "钉钉加签密钥",
        meaning: "机器人安全设置“加签”的密钥（SEC 开头），每条消息按钉钉规定以时间戳和 HMAC-SHA256 签名",
        unit: "",
        default: "",
        kind: Kind::Text { max_chars: 120 },
    },
    Setting {
        key: "notify.wecom.webhook",
        group: "提醒与推送",
        name: "企业微信群机器人",
        meaning: "企业微信群机器人的 Webhook 地址，或只填其中的 key；消息以 markdown 发到群里",
        unit: "",
        default: "",
        kind: Kind::Text { max_chars: 300 },
    },
    Setting {
        key: "notify.webhook.url",
        group: "提醒与推送",
        name: "对外推送地址",
        meaning: "其他政务系统接收消息的地址：每条消息以 JSON POST，附 X-Diaodu-Timestamp 与 X-Diaodu-Signature（HMAC-SHA256）",
        unit: "",
        default: "",
        kind: Kind::Text { max_chars: 300 },
    },
    Setting {
        key: "notify.webhook.secret",
        group: "提醒与推送",
        name: "对外推送签名密钥",
        meaning: "对外推送签名所用的密钥，由接收方核验",
        unit: "",
        default: "",
        kind: Kind::Text { max_chars: 120 },
    },
    Setting {
        key: "planning.big_threshold_wan",
        group: "项目策划",
        name: "大块头项目投资门槛",
        meaning: "总投资达到此金额的策划项目计为大块头项目",
        unit: "万元",
        default: "100000",
        kind: whole(1, 100_000_000),
    },
    Setting {
        key: "document.issuer",
        group: "公文",
        name: "督查督办发文机关",
        meaning: "调度会会议材料、会议纪要等督查督办公文落款的发文机关名称",
        unit: "",
        default: "",
        kind: Kind::Text { max_chars: 40 },
    },
    Setting {
        key: "document.scorecard_issuer",
        group: "公文",
        name: "指标通报发文机关",
        meaning: "主要指标成绩单通报落款的发文机关名称",
        unit: "",
        default: "",
        kind: Kind::Text { max_chars: 40 },
    },
    Setting {
        key: "document.prefix",
        group: "公文",
        name: "督查督办机关代字",
        meaning: "督查督办公文发文字号的机关代字，如“云政督”得“云政督〔2026〕12号”；会议纪要按此代字分年编期",
        unit: "",
        default: "",
        kind: Kind::Text { max_chars: 12 },
    },
    Setting {
        key: "document.scorecard_prefix",
        group: "公文",
        name: "指标通报机关代字",
        meaning: "主要指标成绩单通报发文字号的机关代字，如“云统字”得“云统字〔2026〕3号”",
        unit: "",
        default: "",
        kind: Kind::Text { max_chars: 12 },
    },
    Setting {
        key: "document.planning_issuer",
        group: "公文",
        name: "项目策划通报发文机关",
        meaning: "项目策划包装情况通报落款的发文机关名称",
        unit: "",
        default: "",
        kind: Kind::Text { max_chars: 40 },
    },
    Setting {
        key: "document.planning_prefix",
        group: "公文",
        name: "项目策划通报机关代字",
        meaning: "项目策划包装情况通报发文字号的机关代字，如“云发改投资”得“云发改投资〔2026〕5号”",
        unit: "",
        default: "",
        kind: Kind::Text { max_chars: 12 },
    },
];

/// Whether a setting's value is a secret (a password or a signing key): shown and audited only as set
/// or not.
pub fn is_secret(key: &str) -> bool {
    key.ends_with(".secret") || key == "notify.email.smtp_url"
}

/// What an empty text setting stands for, in words, for the settings page.
pub fn derived_default(key: &str) -> Option<&'static str> {
    match key {
        k if k.starts_with("notify.") => Some("不启用"),
        "document.issuer" => Some("本市名称 + 人民政府督查室，如 云川市人民政府督查室"),
        "document.scorecard_issuer" => Some("地区名称 + 统计局，如 云川市统计局"),
        "document.prefix" => Some("本市名称首字 + 政督，如 云政督"),
        "document.scorecard_prefix" => Some("地区名称首字 + 统字，如 云统字"),
        "document.planning_issuer" => {
            Some("本市名称 + 发展和改革委员会，如 云川市发展和改革委员会")
        }
        "document.planning_prefix" => Some("本市名称首字 + 发改投资，如 云发改投资"),
        _ => None,
    }
}

/// The setting of `key`.
pub fn find(key: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.key == key)
}

/// Checks `value` for `key`, given the value in force of any other key (`current`, which answers
/// the stored value or the default): the value as stored, or the reason in Chinese. Besides each
/// setting's range, two rules tie settings together: the yellow threshold is not above the red one,
/// and the ladder's days rise step by step (提醒 < 催办 < 通报 < 约谈 < 问责).
pub fn check(key: &str, value: &str, current: impl Fn(&str) -> String) -> Result<String, String> {
    let Some(s) = find(key) else {
        let keys: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
        return Err(format!("没有设置“{key}”；可设：{}", keys.join("、")));
    };
    let v = value.trim();
    let n = match s.kind {
        Kind::Text { max_chars } => {
            if v.chars().count() > max_chars {
                return Err(format!("不能超过 {max_chars} 个字"));
            }
            if v.chars().any(|c| c.is_control()) {
                return Err("不能含有换行等控制字符".into());
            }
            check_text(key, v)?;
            return Ok(v.to_string());
        }
        Kind::Points { max_centi } => crate::status::parse_centi_pp(v)
            .filter(|c| (0..=max_centi).contains(c))
            .ok_or_else(|| {
                format!(
                    "“{v}”应为 0 到 {} 之间、最多两位小数的百分点数",
                    max_centi / 100
                )
            })?,
        Kind::Whole { min, max } => v
            .parse::<i64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| format!("“{v}”应为 {min} 到 {max} 之间的整数"))?,
    };
    let points = |k: &str| crate::status::parse_centi_pp(&current(k)).unwrap_or(0);
    let days = |k: &str| current(k).trim().parse::<i64>().unwrap_or(0);
    match key {
        "status.red_lag" if n < points("status.yellow_lag") => {
            return Err(format!(
                "红灯阈值不能小于黄灯阈值（现为 {}）",
                current("status.yellow_lag")
            ))
        }
        "status.yellow_lag" if n > points("status.red_lag") => {
            return Err(format!(
                "黄灯阈值不能大于红灯阈值（现为 {}）",
                current("status.red_lag")
            ))
        }
        _ => {}
    }
    if let Some(i) = LADDER_KEYS.iter().position(|k| *k == key) {
        let name = |j: usize| find(LADDER_KEYS[j]).map_or("", |s| s.name);
        if i > 0 && n <= days(LADDER_KEYS[i - 1]) {
            return Err(format!(
                "{}天数须多于{}天数（现为 {} 天）",
                s.name,
                name(i - 1),
                days(LADDER_KEYS[i - 1])
            ));
        }
        if i + 1 < LADDER_KEYS.len() && n >= days(LADDER_KEYS[i + 1]) {
            return Err(format!(
                "{}天数须少于{}天数（现为 {} 天）",
                s.name,
                name(i + 1),
                days(LADDER_KEYS[i + 1])
            ));
        }
    }
    Ok(v.to_string())
}

/// The form of the channel settings, when set: addresses by their scheme, a sender as an address.
fn check_text(key: &str, v: &str) -> Result<(), String> {
    if v.is_empty() {
        return Ok(());
    }
    let http = |what: &str| {
        if v.starts_with("https://") || v.starts_with("http://") {
            Ok(())
        } else {
            Err(format!("{what}应以 https:// 或 http:// 开头"))
        }
    };
    match key {
        "notify.site_url" | "notify.dingtalk.webhook" | "notify.webhook.url" => http("地址"),
        "notify.wecom.webhook" => {
            if v.contains("://") {
                http("地址")
            } else if v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                Ok(())
            } else {
                Err("应为 Webhook 地址，或其中 key= 之后的一串字母数字".into())
            }
        }
        "notify.email.smtp_url" => {
            if v.starts_with("smtp://") || v.starts_with("smtps://") {
                Ok(())
            } else {
                Err("应以 smtps://（TLS）或 smtp://（可加 ?tls=required 使用 STARTTLS）开头".into())
            }
        }
        "notify.email.from" => {
            let addr = v
                .rsplit_once('<')
                .map_or(v, |(_, a)| a.trim_end_matches('>'));
            if addr.contains('@') && !addr.contains(' ') {
                Ok(())
            } else {
                Err("应为邮箱地址，如 督查室 <duban@example.gov.cn>".into())
            }
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults(k: &str) -> String {
        find(k).map(|s| s.default.to_string()).unwrap_or_default()
    }

    #[test]
    fn every_default_passes_its_own_check() {
        for s in SETTINGS {
            assert_eq!(check(s.key, s.default, defaults).as_deref(), Ok(s.default));
        }
    }

    /// The defaults shown are the ones the rules use when nothing is set.
    #[test]
    fn defaults_agree_with_the_rules() {
        let st = crate::status::StatusSettings::default();
        let n = |k: &str| defaults(k).parse::<i64>().unwrap();
        assert_eq!(n("status.red_lag") * 100, st.red_lag_centi_pp);
        assert_eq!(n("status.yellow_lag") * 100, st.yellow_lag_centi_pp);
        assert_eq!(n("status.stall_days"), st.stall_days);
        let t = crate::task::TaskSettings::default();
        assert_eq!(n("task.yellow_gap"), t.yellow_gap_pp);
        assert_eq!(n("task.due_soon_days"), t.due_soon_days);
        assert_eq!(n("task.missing_reports"), i64::from(t.missing_reports));
        let r = crate::calendar::DeadlineRules::default();
        assert_eq!(n("reporting.weekly_due_day"), i64::from(r.weekly_day));
        assert_eq!(n("reporting.monthly_due_day"), i64::from(r.monthly_day));
        assert_eq!(n("reporting.due_hour"), i64::from(r.hour));
        assert_eq!(n("reporting.indicator_due_day"), i64::from(r.indicator_day));
        let ladder: Vec<i64> = LADDER_KEYS.iter().map(|k| n(k)).collect();
        assert_eq!(ladder, crate::notice::Ladder::default().days.to_vec());
    }

    #[test]
    fn ranges_and_units_are_enforced() {
        assert_eq!(check("status.red_lag", " 20 ", defaults), Ok("20".into()));
        assert!(check("status.yellow_lag", "7.5", defaults).is_ok());
        assert!(check("status.yellow_lag", "7.555", defaults).is_err());
        assert!(check("status.red_lag", "-1", defaults).is_err());
        assert!(check("status.stall_days", "0", defaults).is_err());
        assert!(check("status.stall_days", "3.5", defaults).is_err());
        assert!(check("session.idle_minutes", "4", defaults).is_err());
        assert!(check("session.max_hours", "168", defaults).is_ok());
        let e = check("no.such", "1", defaults).unwrap_err();
        assert!(e.contains("status.red_lag"), "{e}");
    }

    #[test]
    fn channel_addresses_are_checked() {
        assert!(check("notify.dingtalk.webhook", "ftp://x", defaults).is_err());
        assert!(check(
            "notify.dingtalk.webhook",
            "https://oapi.dingtalk.com/robot/send?access_token=a",
            defaults
        )
        .is_ok());
        assert!(check("notify.wecom.webhook", "693a91f6-7xxx", defaults).is_ok());
        assert!(check("notify.wecom.webhook", "a b", defaults).is_err());
        assert!(check(
            "notify.email.smtp_url",
            "smtp://u:p@h:587?tls=required",
            defaults
        )
        .is_ok());
        assert!(check("notify.email.smtp_url", "mail.example", defaults).is_err());
        assert!(check(
            "notify.email.from",
            "督查室 <duban@example.gov.cn>",
            defaults
        )
        .is_ok());
        assert!(check("notify.email.from", "督查室", defaults).is_err());
        assert!(
            check("notify.email.smtp_url", "", defaults).is_ok(),
            "cleared"
        );
        assert!(is_secret("notify.dingtalk.secret") && !is_secret("notify.dingtalk.webhook"));
    }

    #[test]
    fn yellow_stays_below_red() {
        assert!(check("status.red_lag", "4", defaults)
            .unwrap_err()
            .contains("黄灯"));
        assert!(check("status.yellow_lag", "16", defaults)
            .unwrap_err()
            .contains("红灯"));
        assert!(check("status.yellow_lag", "15", defaults).is_ok());
    }

    #[test]
    fn the_ladder_rises_step_by_step() {
        assert!(check("ladder.urging", "1", defaults)
            .unwrap_err()
            .contains("提醒"));
        assert!(check("ladder.urging", "7", defaults)
            .unwrap_err()
            .contains("通报"));
        assert!(check("ladder.urging", "5", defaults).is_ok());
        assert!(check("ladder.accountability", "16", defaults).is_ok());
        assert!(check("ladder.accountability", "15", defaults).is_err());
    }
}
