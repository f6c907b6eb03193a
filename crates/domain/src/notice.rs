//! Supervision notices (督办单) and the escalation ladder (催办升级): reminder 提醒 → urging 催办 →
//! named in a notice 通报 → interview 约谈 → accountability 问责, by days overdue (`docs/notices.md`).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::project::coded_enum;

coded_enum! {
    /// Where a notice stands.
    NoticeState {
        /// 已下发: issued, not yet signed for.
        Issued = ("issued", "待签收"),
        /// 已签收: the unit signed for it.
        Signed = ("signed", "已签收"),
        /// 已反馈: the unit replied; the office has to verify.
        Replied = ("replied", "待核查"),
        /// 退回: the office sent the reply back with a reason; the unit replies again.
        Returned = ("returned", "已退回"),
        /// 办结: verified and closed.
        Closed = ("closed", "已办结"),
    }
}

coded_enum! {
    /// A step of the escalation ladder (0 = none).
    Escalation {
        /// No escalation.
        None = ("none", "未升级"),
        /// 提醒
        Reminder = ("reminder", "提醒"),
        /// 催办
        Urging = ("urging", "催办"),
        /// 通报
        Notice = ("notice", "通报"),
        /// 约谈
        Interview = ("interview", "约谈"),
        /// 问责
        Accountability = ("accountability", "问责"),
    }
}

impl Escalation {
    /// The steps above `None`, in order.
    pub const LADDER: [Escalation; 5] = [
        Escalation::Reminder,
        Escalation::Urging,
        Escalation::Notice,
        Escalation::Interview,
        Escalation::Accountability,
    ];

    /// Rank 0–5.
    pub fn level(self) -> u8 {
        match self {
            Escalation::None => 0,
            Escalation::Reminder => 1,
            Escalation::Urging => 2,
            Escalation::Notice => 3,
            Escalation::Interview => 4,
            Escalation::Accountability => 5,
        }
    }
}

impl NoticeState {
    /// Whether the unit still owes a reply (the reply deadline applies).
    pub fn awaiting_reply(self) -> bool {
        matches!(
            self,
            NoticeState::Issued | NoticeState::Signed | NoticeState::Returned
        )
    }
}

/// Days overdue at which each step of the ladder is reached (settings `ladder.reminder` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ladder {
    /// Days overdue for 提醒, 催办, 通报, 约谈, 问责.
    pub days: [i64; 5],
}

impl Default for Ladder {
    fn default() -> Self {
        Ladder {
            days: [1, 3, 7, 15, 30],
        }
    }
}

impl Ladder {
    /// The step due for a notice that is `days_overdue` days past its reply deadline.
    pub fn step_for(&self, days_overdue: i64) -> Escalation {
        let mut step = Escalation::None;
        for (i, d) in self.days.iter().enumerate() {
            if days_overdue >= *d {
                step = Escalation::LADDER[i];
            }
        }
        step
    }

    /// Checks the steps rise with the days.
    pub fn valid(&self) -> bool {
        self.days[0] >= 1 && self.days.windows(2).all(|w| w[0] < w[1])
    }
}

/// Days past the reply deadline as of D (0 when not past or when no reply is owed).
pub fn days_overdue(state: NoticeState, reply_by: Date, d: Date) -> i64 {
    if state.awaiting_reply() {
        (d - reply_by).whole_days().max(0)
    } else {
        0
    }
}

/// The inbox line "time left": 剩余N天, 今日到期, 已逾期N天.
pub fn time_left_zh(reply_by: Date, d: Date) -> String {
    let n = (reply_by - d).whole_days();
    match n {
        0 => "今日到期".into(),
        n if n > 0 => format!("剩余{n}天"),
        n => format!("已逾期{}天", -n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn ladder_steps_at_their_edges() {
        let l = Ladder::default();
        assert_eq!(l.step_for(0), Escalation::None);
        assert_eq!(l.step_for(1), Escalation::Reminder);
        assert_eq!(l.step_for(2), Escalation::Reminder);
        assert_eq!(l.step_for(3), Escalation::Urging);
        assert_eq!(l.step_for(6), Escalation::Urging);
        assert_eq!(l.step_for(7), Escalation::Notice);
        assert_eq!(l.step_for(14), Escalation::Notice);
        assert_eq!(l.step_for(15), Escalation::Interview);
        assert_eq!(l.step_for(29), Escalation::Interview);
        assert_eq!(l.step_for(30), Escalation::Accountability);
        assert_eq!(l.step_for(400), Escalation::Accountability);
        assert!(l.valid());
        assert!(!Ladder {
            days: [1, 1, 7, 15, 30]
        }
        .valid());
    }

    #[test]
    fn overdue_only_while_a_reply_is_owed() {
        let by = date!(2026 - 03 - 10);
        assert_eq!(
            days_overdue(NoticeState::Signed, by, date!(2026 - 03 - 10)),
            0
        );
        assert_eq!(
            days_overdue(NoticeState::Signed, by, date!(2026 - 03 - 11)),
            1
        );
        assert_eq!(
            days_overdue(NoticeState::Returned, by, date!(2026 - 03 - 20)),
            10
        );
        assert_eq!(
            days_overdue(NoticeState::Replied, by, date!(2026 - 03 - 20)),
            0
        );
        assert_eq!(
            days_overdue(NoticeState::Closed, by, date!(2026 - 03 - 20)),
            0
        );
        assert_eq!(time_left_zh(by, date!(2026 - 03 - 08)), "剩余2天");
        assert_eq!(time_left_zh(by, by), "今日到期");
        assert_eq!(time_left_zh(by, date!(2026 - 03 - 13)), "已逾期3天");
    }
}
