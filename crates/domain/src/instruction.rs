//! Leaders' instructions (领导批示): a leader writes an instruction on a project, a task or a
//! notice; the unit responsible for it answers (反馈) by the instruction's date; the leader, or the
//! supervision office that follows instructions up for the leader, closes it (办结) or sends the
//! answer back (退回) for more.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::project::coded_enum;

coded_enum! {
    /// Where an instruction stands.
    InstructionState {
        /// 办理中: written, the unit has not answered (or its answer was sent back).
        Open = ("open", "办理中"),
        /// 已反馈: the unit answered; the leader or the office decides.
        Replied = ("replied", "已反馈"),
        /// 已办结: closed.
        Closed = ("closed", "已办结"),
    }
}

coded_enum! {
    /// What an instruction is written on.
    InstructionSubject {
        /// 项目
        Project = ("project", "项目"),
        /// 任务
        Task = ("task", "任务"),
        /// 督办单
        Notice = ("notice", "督办单"),
    }
}

/// Longest instruction, in characters.
pub const INSTRUCTION_TEXT: usize = 2000;

/// The longest time an instruction may give the unit.
pub const INSTRUCTION_WITHIN_DAYS: i64 = 365;

/// Days an instruction is past its date as of `d`: only while the unit owes its answer.
pub fn days_overdue(state: InstructionState, due_on: Date, d: Date) -> i64 {
    if state == InstructionState::Open {
        (d - due_on).whole_days().max(0)
    } else {
        0
    }
}

/// What is wrong with a text of an instruction's life (the instruction, an answer, a closing or
/// sending-back note), if anything: blank when `required`, or longer than [`INSTRUCTION_TEXT`].
pub fn text_error(text: &str, required: bool) -> Option<String> {
    let n = text.trim().chars().count();
    if n == 0 && required {
        Some("不能为空".to_string())
    } else if n > INSTRUCTION_TEXT {
        Some(format!("不能超过 {INSTRUCTION_TEXT} 个字"))
    } else {
        None
    }
}

/// What is wrong with an instruction's text and date written on `today`: (field, reason) pairs.
pub fn check(body: &str, due_on: Date, today: Date) -> Vec<(&'static str, String)> {
    let mut errs = Vec::new();
    if let Some(e) = text_error(body, true) {
        errs.push(("批示内容", e));
    }
    if due_on < today {
        errs.push(("办理期限", "不能早于今天".to_string()));
    } else if (due_on - today).whole_days() > INSTRUCTION_WITHIN_DAYS {
        errs.push((
            "办理期限",
            format!("不能晚于今天起 {INSTRUCTION_WITHIN_DAYS} 天"),
        ));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn an_instruction_is_overdue_only_while_its_answer_is_owed() {
        let due = date!(2026 - 12 - 10);
        assert_eq!(
            days_overdue(InstructionState::Open, due, date!(2026 - 12 - 13)),
            3
        );
        assert_eq!(
            days_overdue(InstructionState::Open, due, date!(2026 - 12 - 9)),
            0
        );
        assert_eq!(
            days_overdue(InstructionState::Replied, due, date!(2026 - 12 - 13)),
            0
        );
    }

    #[test]
    fn an_instruction_needs_words_and_a_date_ahead_within_a_year() {
        let today = date!(2026 - 12 - 06);
        assert!(check("请加快推进", today, today).is_empty());
        assert_eq!(check("  ", today, today)[0].0, "批示内容");
        assert_eq!(check("x", date!(2026 - 12 - 05), today)[0].0, "办理期限");
        assert_eq!(check("x", date!(2027 - 12 - 07), today)[0].0, "办理期限");
        assert_eq!(check(&"字".repeat(2001), today, today)[0].0, "批示内容");
    }
}
