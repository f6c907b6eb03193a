//! User administration (用户管理) by the administrator, for the page and the API alike: list and
//! filter, create, change (unit, role, contact, disable), reset a password, lift a log-in throttle.
//! Users are never deleted: the audit log names them.

use super::Error;
use diaodu_domain::access::{Action, Role, Scope};
use diaodu_store::{UserChange, UserRecord};

use crate::auth::Current;
use crate::AppState;

/// Filters of the user list.
#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    /// Words in the login or the name.
    pub q: Option<String>,
    /// A unit: its users and those of the units below it.
    pub unit_id: Option<i64>,
    /// One role.
    pub role: Option<Role>,
}

/// The users matching `f`, by login.
pub async fn list(state: &AppState, c: &Current, f: &UserFilter) -> Result<Vec<UserRecord>, Error> {
    c.require(Action::ManageUsers)?;
    let tree = state.store.units().await?;
    let q =
        f.q.as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_lowercase);
    Ok(state
        .store
        .users()
        .records()
        .await?
        .into_iter()
        .filter(|u| {
            f.unit_id
                .is_none_or(|unit| tree.in_scope(u.unit_id, Scope::Subtree(unit)))
        })
        .filter(|u| f.role.is_none_or(|r| u.role == r))
        .filter(|u| {
            q.as_deref().is_none_or(|q| {
                u.login.to_lowercase().contains(q) || u.name.to_lowercase().contains(q)
            })
        })
        .collect())
}

/// A new user.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name.
    pub login: String,
    /// Display name.
    pub name: String,
    /// Unit.
    pub unit_id: i64,
    /// Role.
    pub role: Role,
    /// The first password, set by the administrator: to be changed at the first log-in.
    pub password: String,
    /// Office telephone.
    pub phone: String,
    /// E-mail address.
    pub email: String,
}

/// Creates a user, audited; its password must be changed at the first log-in.
pub async fn create(state: &AppState, c: &Current, n: &NewUser) -> Result<UserRecord, Error> {
    c.require(Action::ManageUsers)?;
    let mut errs = Vec::new();
    if let Err(m) = diaodu_store::check_phone(&n.phone) {
        errs.push(("电话".to_string(), m));
    }
    if let Err(m) = diaodu_store::check_email(&n.email) {
        errs.push(("电子邮箱".to_string(), m));
    }
    if !errs.is_empty() {
        return Err(Error::Invalid(errs));
    }
    let u = state
        .store
        .users()
        .create(
            &c.actor(),
            &n.login,
            &n.name,
            n.unit_id,
            n.role,
            &n.password,
        )
        .await?;
    state.store.users().require_password_change(u.id).await?;
    let contact = UserChange {
        phone: Some(n.phone.clone()),
        email: Some(n.email.clone()),
        ..Default::default()
    };
    if !(n.phone.trim().is_empty() && n.email.trim().is_empty()) {
        state
            .store
            .users()
            .update(&c.actor(), u.id, &contact)
            .await?;
    }
    Ok(state.store.users().record(u.id).await?)
}

/// Changes a user, audited (see `Users::update`: disabling ends the user's sessions).
pub async fn update(
    state: &AppState,
    c: &Current,
    id: i64,
    change: &UserChange,
) -> Result<UserRecord, Error> {
    c.require(Action::ManageUsers)?;
    Ok(state.store.users().update(&c.actor(), id, change).await?)
}

/// Sets a user's password, to be changed at the next log-in; its sessions end.
pub async fn reset_password(
    state: &AppState,
    c: &Current,
    id: i64,
    password: &str,
) -> Result<(), Error> {
    c.require(Action::ManageUsers)?;
    Ok(state
        .store
        .users()
        .reset_password(&c.actor(), id, password)
        .await?)
}

/// Lifts the log-in throttle of a user.
pub async fn unlock(state: &AppState, c: &Current, id: i64) -> Result<(), Error> {
    c.require(Action::ManageUsers)?;
    Ok(state.store.users().unlock_login(&c.actor(), id).await?)
}
