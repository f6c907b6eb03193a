//! Server-rendered pages (Chinese UI), one module per area.

pub mod admission;
pub mod assessment;
pub mod audit;
pub mod calendar;
pub mod cockpit;
pub mod data;
pub mod documents;
pub mod home;
pub mod inbox;
pub mod indicators;
pub mod inspections;
pub mod instructions;
pub mod layout;
pub mod login;
pub mod map;
pub mod meetings;
pub mod notices;
pub mod notify;
pub mod photos;
pub mod planning;
pub mod projects;
pub mod ranking;
pub mod reports;
pub mod scorecard;
pub mod search;
pub mod settings;
pub mod sort;
pub mod tasks;
pub mod units;
pub mod users;

use diaodu_store::UnitTree;
use serde::Deserialize;

use crate::auth::Current;
pub use crate::forms::{as_of, nonempty};
use crate::{AppError, AppState};

/// What every page needs: the unit tree and the user's unit name.
pub struct Ctx {
    /// All units.
    pub tree: UnitTree,
    /// The user's unit name.
    pub unit_name: String,
}

impl Ctx {
    /// Loads the context for a user.
    pub async fn load(state: &AppState, c: &Current) -> Result<Ctx, AppError> {
        let tree = state.store.units().await?;
        let unit_name = tree
            .get(c.user.unit_id)
            .map(|u| u.name.clone())
            .unwrap_or_default();
        Ok(Ctx { tree, unit_name })
    }
}

/// The `?as_of=YYYY-MM-DD` query parameter shared by status pages.
#[derive(Debug, Default, Deserialize)]
pub struct AsOf {
    /// The status date.
    pub as_of: Option<String>,
}

/// The query of a page that may carry a confirmation of the change just made.
#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    /// Confirmation of a change.
    pub saved: Option<String>,
}

/// The message of a refusal a form shows again on its own page (bad input, a conflict, a record
/// gone); `None` for the errors that get their own page (no permission, internal).
pub fn refusal(e: &AppError) -> Option<String> {
    match e {
        AppError::Invalid(_) | AppError::Conflict(_) | AppError::NotFound(_) => Some(e.parts().2),
        _ => None,
    }
}

/// A redirect to `path` with a confirmation banner `saved=…`, percent-encoded (a Location header must
/// be ASCII).
pub fn redirect_saved(path: &str, msg: &str) -> axum::response::Redirect {
    let sep = if path.contains('?') { '&' } else { '?' };
    let q = serde_urlencoded::to_string([("saved", msg)]).unwrap_or_default();
    axum::response::Redirect::to(&format!("{path}{sep}{q}"))
}

/// The office's verification of a claim or a reply: `decision` is `accept` or `send_back`.
#[derive(Debug, Deserialize)]
pub struct VerifyForm {
    /// accept or send_back.
    pub decision: String,
    /// Note, or the reason for sending back.
    #[serde(default)]
    pub note: String,
}

impl VerifyForm {
    /// Whether the decision accepts.
    pub fn accept(&self, what: &str) -> Result<bool, AppError> {
        match self.decision.as_str() {
            "accept" => Ok(true),
            "send_back" => Ok(false),
            _ => Err(AppError::invalid(what, "无效")),
        }
    }
}

pub use crate::files::{disposition, download};

/// A list as an .xlsx download named `{name}-{date}.xlsx` (the name in Chinese, as an office names
/// its files).
pub fn list_xlsx(
    name: &str,
    date: time::Date,
    headers: &[&str],
    rows: &[Vec<diaodu_office::xlsx::Cell>],
) -> Result<axum::response::Response, AppError> {
    let title = format!("{name}（{}）", diaodu_domain::period::fmt_date_zh(date));
    let bytes = diaodu_office::xlsx::table_xlsx(name, &title, headers, rows)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(download(
        &format!("{name}-{}.xlsx", diaodu_domain::period::fmt_date(date)),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        bytes,
    ))
}

pub use crate::files::DOCX;
