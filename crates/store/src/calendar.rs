//! The reporting calendar's data: the holiday arrangement (table `calendar_days`) and the deadline
//! rules (settings `reporting.*`), read together as a [`ReportCalendar`].

use diaodu_domain::calendar::{format_year, DayKind, DeadlineRules, ReportCalendar, SpecialDay};
use diaodu_domain::period::{fmt_date, parse_date};

use crate::{audit, Actor, Reports, Result, StoreError};

/// The reporting calendar as stored, read on `conn` (inside a transaction, the transaction's view).
pub(crate) async fn calendar_in(conn: &mut sqlx::AnyConnection) -> Result<ReportCalendar> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT day, kind, name FROM calendar_days ORDER BY day")
            .fetch_all(&mut *conn)
            .await?;
    let days = rows.into_iter().filter_map(special_day);
    let settings: Vec<(String, String)> =
        sqlx::query_as("SELECT key, value FROM settings WHERE key LIKE 'reporting.%'")
            .fetch_all(&mut *conn)
            .await?;
    let mut rules = DeadlineRules::default();
    for (k, v) in settings {
        let Ok(n) = v.trim().parse::<u8>() else {
            continue;
        };
        match k.as_str() {
            "reporting.weekly_due_day" => rules.weekly_day = n,
            "reporting.monthly_due_day" => rules.monthly_day = n,
            "reporting.due_hour" => rules.hour = n,
            "reporting.indicator_due_day" => rules.indicator_day = n,
            _ => {}
        }
    }
    Ok(ReportCalendar::new(days, rules))
}

async fn year_in(conn: &mut sqlx::AnyConnection, year: i32) -> Result<Vec<SpecialDay>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT day, kind, name FROM calendar_days WHERE day >= $1 AND day <= $2 ORDER BY day",
    )
    .bind(format!("{year:04}-01-01"))
    .bind(format!("{year:04}-12-31"))
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().filter_map(special_day).collect())
}

/// A stored row of `calendar_days` (`day, kind, name`).
fn special_day((day, kind, name): (String, String, String)) -> Option<SpecialDay> {
    Some(SpecialDay {
        day: parse_date(&day).ok()?,
        kind: DayKind::from_code(&kind)?,
        name,
    })
}

impl Reports<'_> {
    /// The reporting calendar in force: the holiday arrangement and the deadline rules.
    pub async fn calendar(self) -> Result<ReportCalendar> {
        calendar_in(&mut *self.pool.acquire().await?).await
    }

    /// A year's arrangement, in date order.
    pub async fn calendar_year(self, year: i32) -> Result<Vec<SpecialDay>> {
        year_in(&mut *self.pool.acquire().await?, year).await
    }

    /// Replaces a year's arrangement with `days` (all of that year; an empty list clears it), audited
    /// as entity `calendar` with the year's entry lines before and after.
    pub async fn set_calendar_year(
        self,
        actor: &Actor,
        year: i32,
        days: &[SpecialDay],
    ) -> Result<()> {
        if let Some(d) = days.iter().find(|d| d.day.year() != year) {
            return Err(StoreError::invalid(
                "日期",
                format!("{} 不在 {year} 年内", fmt_date(d.day)),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(d) = days.iter().find(|d| !seen.insert(d.day)) {
            return Err(StoreError::invalid(
                "日期",
                format!("{} 出现了两次", fmt_date(d.day)),
            ));
        }
        let mut tx = self.begin().await?;
        let before = year_in(&mut tx, year).await?;
        sqlx::query("DELETE FROM calendar_days WHERE day >= $1 AND day <= $2")
            .bind(format!("{year:04}-01-01"))
            .bind(format!("{year:04}-12-31"))
            .execute(&mut *tx)
            .await?;
        for d in days {
            sqlx::query("INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3)")
                .bind(fmt_date(d.day))
                .bind(d.kind.code())
                .bind(&d.name)
                .execute(&mut *tx)
                .await?;
        }
        audit::record(
            &mut tx,
            actor,
            "update",
            "calendar",
            &year.to_string(),
            Some(serde_json::Value::String(format_year(&before))),
            Some(serde_json::Value::String(format_year(days))),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
