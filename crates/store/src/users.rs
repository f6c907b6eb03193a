//! Users, passwords (argon2id), sessions and the failed-login throttle.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use diaodu_domain::access::Role;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{audit, now_ts, ts, Actor, Result, Store, StoreError};

/// How long a session lives without use.
const SESSION_HOURS: i64 = 12;
/// Failed log-ins for one login within [`THROTTLE_MINUTES`] that lock it out for the rest of the window.
pub const THROTTLE_MAX_FAILURES: i64 = 5;
/// The throttle window.
pub const THROTTLE_MINUTES: i64 = 15;

/// Cost of password hashing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCost {
    /// argon2id with the crate's recommended parameters (19 MiB, 2 passes).
    Standard,
    /// argon2id with minimal memory, for tests only.
    Fast,
}

/// A user.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name.
    pub login: String,
    /// Display name.
    pub name: String,
    /// Unit the user belongs to.
    pub unit_id: i64,
    /// Role.
    pub role: Role,
}

/// A live session.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// The user.
    pub user: User,
    /// The CSRF token bound to this session.
    pub csrf: String,
}

/// Why a log-in failed.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Wrong login or password (never says which).
    #[error("用户名或密码错误")]
    Invalid,
    /// Too many failures.
    #[error("登录失败次数过多，请 {0} 分钟后再试")]
    Throttled(i64),
    /// Storage failure.
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn hasher(cost: PasswordCost) -> Argon2<'static> {
    match cost {
        PasswordCost::Standard => Argon2::default(),
        PasswordCost::Fast => Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(256, 1, 1, None).expect("valid params"),
        ),
    }
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str, cost: PasswordCost) -> String {
    let salt = SaltString::generate(&mut OsRng);
    hasher(cost)
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing")
        .to_string()
}

fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

fn token_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn user_from_row(r: &sqlx::any::AnyRow) -> Result<User> {
    let role: String = r.try_get("role")?;
    Ok(User {
        id: r.try_get("id")?,
        login: r.try_get("login")?,
        name: r.try_get("name")?,
        unit_id: r.try_get("unit_id")?,
        role: Role::parse(&role).unwrap_or(Role::Leader),
    })
}

impl Store {
    /// Creates a user (audited; the password hash is never written to the audit log).
    pub async fn create_user(
        &self,
        actor: &Actor,
        login: &str,
        name: &str,
        unit_id: i64,
        role: Role,
        password: &str,
    ) -> Result<User> {
        let login = login.trim();
        if login.is_empty() || login.len() > 64 || login.chars().any(char::is_whitespace) {
            return Err(StoreError::invalid(
                "登录名",
                "不能为空、不能含空格，最长 64 位",
            ));
        }
        if password.chars().count() < 8 {
            return Err(StoreError::invalid("密码", "至少 8 位"));
        }
        let hash = hash_password(password, self.password_cost);
        let mut tx = self.begin().await?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE login = $1")
            .bind(login)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(StoreError::Conflict(format!("登录名“{login}”已存在")));
        }
        let unit: Option<i64> = sqlx::query_scalar("SELECT id FROM units WHERE id = $1")
            .bind(unit_id)
            .fetch_optional(&mut *tx)
            .await?;
        if unit.is_none() {
            return Err(StoreError::NotFound("单位".into()));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (login, name, unit_id, role, password_hash, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING id",
        )
        .bind(login)
        .bind(name)
        .bind(unit_id)
        .bind(role.code())
        .bind(&hash)
        .bind(now_ts())
        .fetch_one(&mut *tx)
        .await?;
        let user = User {
            id,
            login: login.to_string(),
            name: name.to_string(),
            unit_id,
            role,
        };
        audit::record(
            &mut tx,
            actor,
            "create",
            "user",
            login,
            None,
            Some(serde_json::to_value(&user).expect("json")),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Lists users.
    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query("SELECT id, login, name, unit_id, role FROM users ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Checks a login and password, applying the throttle: after
    /// [`THROTTLE_MAX_FAILURES`] failures within [`THROTTLE_MINUTES`] the login is refused without
    /// looking at the password, so guessing cannot go on at full speed.
    pub async fn authenticate(&self, login: &str, password: &str) -> Result<User, LoginError> {
        let login = login.trim();
        let since = ts(time::OffsetDateTime::now_utc() - time::Duration::minutes(THROTTLE_MINUTES));
        let failures: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE login = $1 AND at >= $2")
                .bind(login)
                .bind(&since)
                .fetch_one(&self.pool)
                .await
                .map_err(StoreError::from)?;
        if failures >= THROTTLE_MAX_FAILURES {
            return Err(LoginError::Throttled(THROTTLE_MINUTES));
        }
        let row = sqlx::query(
            "SELECT id, login, name, unit_id, role, password_hash FROM users WHERE login = $1 AND active = 1",
        )
        .bind(login)
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::from)?;
        let ok = match &row {
            Some(r) => {
                let hash: String = r.try_get("password_hash").map_err(StoreError::from)?;
                PasswordHash::new(&hash)
                    .map(|h| {
                        Argon2::default()
                            .verify_password(password.as_bytes(), &h)
                            .is_ok()
                    })
                    .unwrap_or(false)
            }
            None => {
                // Spend the same effort for an unknown login so timing does not tell which logins exist.
                let _ = hash_password(password, self.password_cost);
                false
            }
        };
        if !ok {
            sqlx::query("INSERT INTO login_failures (login, at) VALUES ($1, $2)")
                .bind(login)
                .bind(now_ts())
                .execute(&self.pool)
                .await
                .map_err(StoreError::from)?;
            return Err(LoginError::Invalid);
        }
        sqlx::query("DELETE FROM login_failures WHERE login = $1")
            .bind(login)
            .execute(&self.pool)
            .await
            .map_err(StoreError::from)?;
        Ok(user_from_row(row.as_ref().expect("checked"))?)
    }

    /// Opens a session; returns the token for the cookie (only its hash is stored) and the CSRF token.
    pub async fn create_session(&self, user_id: i64) -> Result<(String, String)> {
        let token = random_token();
        let csrf = random_token();
        let now = time::OffsetDateTime::now_utc();
        // Expired sessions and old failed log-ins are of no further use; clear them as we go.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(ts(now))
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(ts(now - time::Duration::minutes(THROTTLE_MINUTES)))
            .execute(&self.pool)
            .await?;
        sqlx::query("INSERT INTO sessions (id, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_id(&token))
            .bind(user_id)
            .bind(&csrf)
            .bind(ts(now))
            .bind(ts(now + time::Duration::hours(SESSION_HOURS)))
            .execute(&self.pool)
            .await?;
        Ok((token, csrf))
    }

    /// The user of a live session.
    pub async fn session(&self, token: &str) -> Result<Option<SessionInfo>> {
        let row = sqlx::query(
            "SELECT u.id, u.login, u.name, u.unit_id, u.role, s.csrf FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND s.expires_at > $2 AND u.active = 1",
        )
        .bind(token_id(token))
        .bind(now_ts())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => Ok(Some(SessionInfo {
                user: user_from_row(&r)?,
                csrf: r.try_get("csrf")?,
            })),
            None => Ok(None),
        }
    }

    /// Ends a session.
    pub async fn delete_session(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(token_id(token))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
