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
];

/// What an empty text setting stands for, in words, for the settings page.
pub fn derived_default(key: &str) -> Option<&'static str> {
    match key {
        "document.issuer" => Some("本市名称 + 人民政府督查室，如 云川市人民政府督查室"),
        "document.scorecard_issuer" => Some("地区名称 + 统计局，如 云川市统计局"),
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
