//! The administrator's changes to the channels that are not plain settings: a unit's own group robot.

use super::Error;
use diaodu_domain::access::Action;

use crate::auth::Current;
use crate::notify::UNIT_KEYS;
use crate::AppState;

/// Sets (or, empty, removes) a unit's own value of one of [`UNIT_KEYS`], checked as the city-wide
/// setting is. Gives the confirmation to show.
pub async fn set_unit_robot(
    state: &AppState,
    c: &Current,
    unit: &str,
    key: &str,
    value: &str,
) -> Result<String, Error> {
    c.require(Action::ManageSettings)?;
    let tree = state.store.units().await?;
    let unit = unit
        .trim()
        .parse::<i64>()
        .ok()
        .and_then(|u| tree.get(u))
        .ok_or_else(|| Error::invalid("单位", "无效的单位"))?;
    if !UNIT_KEYS.contains(&key) {
        return Err(Error::invalid(
            "设置",
            format!("单位只能设置：{}", UNIT_KEYS.join("、")),
        ));
    }
    let setting = diaodu_domain::settings::find(key).expect("a listed key");
    let value = diaodu_domain::settings::check(key, value, |k| {
        diaodu_domain::settings::find(k).map_or(String::new(), |s| s.default.to_string())
    })
    .map_err(|e| Error::invalid(setting.name, e))?;
    state
        .store
        .messages()
        .set_unit_setting(&c.actor(), unit.id, key, &value)
        .await?;
    Ok(if value.is_empty() {
        format!("已删除{}的{}", unit.name, setting.name)
    } else {
        format!("已保存{}的{}", unit.name, setting.name)
    })
}
