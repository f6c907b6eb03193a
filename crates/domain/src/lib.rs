//! The rules of diaodu (调度), with no I/O and no async: reporting periods, money, units and roles,
//! projects and their computed status. Everything here is a plain value and a plain function, so the
//! rules are tested in milliseconds.

pub mod access;
pub mod assessment;
pub mod calendar;
pub mod fulltext;
pub mod import;
pub mod indicator;
pub mod instruction;
pub mod map;
pub mod money;
pub mod notice;
pub mod password;
pub mod period;
pub mod planning;
pub mod project;
pub mod scorecard;
pub mod settings;
pub mod status;
pub mod task;
pub mod totals;

pub use money::Yuan;
pub use period::Period;
