//! Unit administration (单位管理) by the administrator, for the page and the API alike: add, rename,
//! move, change the kind, retire (撤销) and restore. Units are never deleted: their records stay.

use super::Error;
use diaodu_domain::access::{Action, UnitKind};
use diaodu_store::{NewUnit, Unit, UnitChange};

use crate::auth::Current;
use crate::AppState;

/// Adds a unit under a unit in service (audited).
pub async fn create(
    state: &AppState,
    c: &Current,
    code: &str,
    name: &str,
    parent_id: Option<i64>,
    kind: UnitKind,
) -> Result<Unit, Error> {
    c.require(Action::ManageUnits)?;
    let mut errs = Vec::new();
    let code = code.trim();
    if code.is_empty()
        || code.chars().count() > 20
        || !code
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_')
    {
        errs.push((
            "单位编码".to_string(),
            "应为 1 – 20 个字母、数字、- 或 _".to_string(),
        ));
    }
    if let Err(m) = diaodu_store::check_unit_name(name) {
        errs.push(("单位名称".to_string(), m));
    }
    if !errs.is_empty() {
        return Err(Error::Invalid(errs));
    }
    let u = NewUnit {
        code: code.to_string(),
        name: name.trim().to_string(),
        parent_id,
        kind,
    };
    Ok(state.store.create_unit(&c.actor(), u).await?)
}

/// Changes a unit (audited; see `Store::update_unit` for what is refused).
pub async fn update(
    state: &AppState,
    c: &Current,
    id: i64,
    change: &UnitChange,
) -> Result<Unit, Error> {
    c.require(Action::ManageUnits)?;
    Ok(state
        .store
        .update_unit(&c.actor(), id, change, state.today())
        .await?)
}
