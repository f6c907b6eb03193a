//! Users, passwords (argon2id), sessions and the failed-login throttle.

use crate::Users;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use diaodu_domain::access::Role;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{audit, now_ts, ts, Actor, Result, Store, StoreError};

/// Setting: minutes without a request after which a session ends (5 – 1440).
pub const SESSION_IDLE_MINUTES: &str = "session.idle_minutes";
/// Setting: hours after which a session ends however it is used (1 – 168).
pub const SESSION_MAX_HOURS: &str = "session.max_hours";
const DEFAULT_IDLE_MINUTES: i64 = 30;
const DEFAULT_MAX_HOURS: i64 = 12;
/// Failed log-ins for one login from one address within [`THROTTLE_MINUTES`] after which that login
/// is refused from that address for the rest of the window.
pub const THROTTLE_MAX_FAILURES: i64 = 5;
/// Failed log-ins from one address, whatever the login, within [`THROTTLE_MINUTES`] after which the
/// address is refused for the rest of the window.
pub const THROTTLE_ADDRESS_FAILURES: i64 = 20;
/// The throttle window.
pub const THROTTLE_MINUTES: i64 = 15;
/// Days the log-in log is kept (等保 asks for at least six months).
pub const LOGIN_LOG_DAYS: i64 = 190;

/// Cost of password hashing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCost {
    /// argon2id with the crate's recommended parameters (19 MiB, 2 passes).
    Standard,
    /// argon2id with minimal memory, for tests only.
    Fast,
}

/// A user.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
    /// The head (负责人) of its unit: lands on the leaders' cockpit.
    pub head: bool,
}

/// A live session.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// The user.
    pub user: User,
    /// The CSRF token bound to this session.
    pub csrf: String,
    /// The password was set by an administrator and must be changed before anything else.
    pub must_change_password: bool,
    /// The session's key (the hash of its token; the token itself is never kept).
    pub id: String,
}

/// One of a user's live sessions, as 我的账号 lists them.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SessionRecord {
    /// Its key, to end it (the hash of its token, never the token).
    pub id: String,
    /// Opened (UTC).
    pub created_at: String,
    /// Last used (UTC, to the minute).
    pub last_seen: Option<String>,
    /// Ends at the latest (UTC).
    pub expires_at: String,
    /// The client address it was opened from.
    pub address: String,
    /// The browser's description.
    pub agent: String,
}

/// A successful log-in.
#[derive(Debug, Clone)]
pub struct LoginOk {
    /// The user.
    pub user: User,
    /// The password was set by an administrator and must be changed now.
    pub must_change_password: bool,
}

/// One line of the log-in log.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct LoginAttempt {
    /// Id (newer is larger).
    pub id: i64,
    /// When (UTC, ISO 8601).
    pub at: String,
    /// The login as sent (lower-case, at most 64 characters).
    pub login: String,
    /// The client address.
    pub address: String,
    /// `ok`, `wrong_password`, `unknown_login`, `disabled`, `throttled`, `unlocked`, or `pending`
    /// while the password is checked.
    pub result: String,
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
    /// The right password for a disabled account.
    #[error("该账号已停用，请联系管理员")]
    Disabled,
    /// A login or password beyond any valid one (too long, control characters).
    #[error("{0}")]
    Malformed(String),
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

/// Whether `password` is the one `hash` (argon2, PHC string) was made from.
fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

fn token_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A user's identity as the database holds it (`id, login, name, unit_id, role`).
#[derive(sqlx::FromRow)]
struct UserCols {
    id: i64,
    login: String,
    name: String,
    unit_id: i64,
    role: String,
    head: i64,
}

impl From<UserCols> for User {
    fn from(r: UserCols) -> User {
        User {
            id: r.id,
            login: r.login,
            name: r.name,
            unit_id: r.unit_id,
            role: Role::parse(&r.role).unwrap_or(Role::Leader),
            head: r.head != 0,
        }
    }
}

/// A user as the log-in reads it.
#[derive(sqlx::FromRow)]
struct LoginRow {
    #[sqlx(flatten)]
    user: UserCols,
    password_hash: String,
    active: i64,
    must_change_password: i64,
}

/// A live session with its user.
#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: UserCols,
    must_change_password: i64,
    csrf: String,
    last_seen: Option<String>,
    sid: String,
}

impl Store {
    /// Whether (login, address) or the address alone has used its failures in the window. A failure
    /// is an attempt not (yet) known to have succeeded; a success from the address, or an unlock by
    /// the office, starts the login's count afresh.
    async fn throttled(&self, key: &str, address: &str, since: &str) -> Result<bool, LoginError> {
        let pair: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_attempts WHERE login = $1 AND address = $2 AND at >= $3 \
             AND result IN ('pending', 'wrong_password', 'unknown_login', 'disabled') \
             AND id > COALESCE((SELECT MAX(id) FROM login_attempts WHERE login = $1 \
                 AND ((address = $2 AND result = 'ok') OR result = 'unlocked')), 0)",
        )
        .bind(key)
        .bind(address)
        .bind(since)
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::from)?;
        if pair > THROTTLE_MAX_FAILURES {
            return Ok(true);
        }
        let from_address: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM login_attempts WHERE address = $1 AND at >= $2 \
             AND result IN ('pending', 'wrong_password', 'unknown_login', 'disabled')",
        )
        .bind(address)
        .bind(since)
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::from)?;
        Ok(from_address > THROTTLE_ADDRESS_FAILURES)
    }

    async fn log_attempt(&self, key: &str, address: &str, result: &str) -> Result<i64, LoginError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO login_attempts (at, login, address, result) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(now_ts())
        .bind(key)
        .bind(address)
        .bind(result)
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::from)?)
    }

    async fn attempt_result(&self, id: i64, result: &str) -> Result<(), LoginError> {
        sqlx::query("UPDATE login_attempts SET result = $1 WHERE id = $2")
            .bind(result)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(StoreError::from)?;
        Ok(())
    }

    /// The sessions' idle timeout and lifetime, from the settings.
    async fn session_policy(&self) -> Result<(time::Duration, time::Duration)> {
        let num = |v: Option<String>, default: i64, range: std::ops::RangeInclusive<i64>| {
            v.and_then(|v| v.trim().parse::<i64>().ok())
                .filter(|n| range.contains(n))
                .unwrap_or(default)
        };
        let idle = num(
            self.setting(SESSION_IDLE_MINUTES).await?,
            DEFAULT_IDLE_MINUTES,
            5..=1440,
        );
        let max = num(
            self.setting(SESSION_MAX_HOURS).await?,
            DEFAULT_MAX_HOURS,
            1..=168,
        );
        Ok((time::Duration::minutes(idle), time::Duration::hours(max)))
    }
}

impl Users<'_> {
    /// Creates a user (audited; the password hash is never written to the audit log).
    pub async fn create(
        self,
        actor: &Actor,
        login: &str,
        name: &str,
        unit_id: i64,
        role: Role,
        password: &str,
    ) -> Result<User> {
        let login = login.trim();
        diaodu_domain::password::check_login(login)
            .map_err(|m| StoreError::invalid("登录名", m))?;
        diaodu_domain::password::check_password(login, password)
            .map_err(|m| StoreError::invalid("密码", m))?;
        check_display_name(name).map_err(|m| StoreError::invalid("姓名", m))?;
        let name = name.trim();
        let hash = hash_password(password, self.password_cost);
        let mut tx = self.begin().await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM users WHERE lower(login) = $1")
                .bind(login.to_lowercase())
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_some() {
            return Err(StoreError::Conflict(format!("登录名“{login}”已存在")));
        }
        let unit: Option<Option<String>> =
            sqlx::query_scalar("SELECT retired_on FROM units WHERE id = $1")
                .bind(unit_id)
                .fetch_optional(&mut *tx)
                .await?;
        match unit {
            None => return Err(StoreError::NotFound("单位".into())),
            Some(Some(_)) => return Err(StoreError::invalid("单位", "该单位已撤销")),
            Some(None) => {}
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
            head: false,
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

    /// The active users of a unit with one of `roles`, with how to reach them outside the platform:
    /// `(id, name, e-mail, phone)`, the last two empty when not given.
    pub async fn contacts_of(
        self,
        unit_id: i64,
        roles: &[Role],
    ) -> Result<Vec<(i64, String, String, String)>> {
        let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
            "SELECT id, role, name, email, phone FROM users WHERE unit_id = $1 AND active = 1 \
             ORDER BY id",
        )
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter(|r| roles.iter().any(|x| x.code() == r.1))
            .map(|(id, _, name, email, phone)| (id, name, email, phone))
            .collect())
    }

    /// Every active user with how to reach them: `(id, unit id, role code, e-mail, phone)`.
    pub async fn active_contacts(self) -> Result<Vec<(i64, i64, String, String, String)>> {
        Ok(sqlx::query_as(
            "SELECT id, unit_id, role, email, phone FROM users WHERE active = 1 ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Every user.
    pub async fn list(self) -> Result<Vec<User>> {
        let rows: Vec<UserCols> =
            sqlx::query_as("SELECT id, login, name, unit_id, role, head FROM users ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(User::from).collect())
    }

    /// Checks a login and password from a client address, with the throttle and the log-in log.
    ///
    /// Every attempt is written to the log before its password is looked at, and the throttle counts
    /// the log: an attempt beyond [`THROTTLE_MAX_FAILURES`] failures for its login from its address,
    /// or beyond [`THROTTLE_ADDRESS_FAILURES`] from its address across logins, within
    /// [`THROTTLE_MINUTES`], is refused without verifying the password. Because the attempt is
    /// counted first, attempts sent in parallel cannot all pass the check before any is recorded.
    /// The count is by (login, address): a wrong guess from elsewhere does not lock the user out.
    pub async fn authenticate(
        self,
        login: &str,
        password: &str,
        address: &str,
    ) -> Result<LoginOk, LoginError> {
        use diaodu_domain::password::{LOGIN_MAX, PASSWORD_MAX_BYTES};
        let login = login.trim();
        let address: String = address.chars().take(64).collect();
        // Unauthenticated input is bounded before anything is written or hashed.
        if login.is_empty()
            || login.chars().count() > LOGIN_MAX
            || login.chars().any(char::is_control)
        {
            return Err(LoginError::Malformed(format!(
                "登录名：不能为空，最长 {LOGIN_MAX} 位"
            )));
        }
        if password.len() > PASSWORD_MAX_BYTES {
            return Err(LoginError::Malformed("密码：过长".into()));
        }
        let key = login.to_lowercase();
        let now = time::OffsetDateTime::now_utc();
        let since = ts(now - time::Duration::minutes(THROTTLE_MINUTES));
        if self.throttled(&key, &address, &since).await? {
            // One line a minute per address says the throttle held; the rest are not kept.
            let recent: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM login_attempts WHERE address = $1 AND result = 'throttled' AND at >= $2 LIMIT 1",
            )
            .bind(&address)
            .bind(ts(now - time::Duration::minutes(1)))
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::from)?;
            if recent.is_none() {
                self.log_attempt(&key, &address, "throttled").await?;
            }
            return Err(LoginError::Throttled(THROTTLE_MINUTES));
        }
        let attempt = self.log_attempt(&key, &address, "pending").await?;
        if self.throttled(&key, &address, &since).await? {
            self.attempt_result(attempt, "throttled").await?;
            return Err(LoginError::Throttled(THROTTLE_MINUTES));
        }
        let row: Option<LoginRow> = sqlx::query_as(
            "SELECT id, login, name, unit_id, role, head, password_hash, active, must_change_password \
             FROM users WHERE lower(login) = $1",
        )
        .bind(&key)
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::from)?;
        let Some(row) = row else {
            // Spend the same effort for an unknown login so timing does not tell which logins exist.
            let _ = hash_password(password, self.password_cost);
            self.attempt_result(attempt, "unknown_login").await?;
            return Err(LoginError::Invalid);
        };
        if !password_matches(&row.password_hash, password) {
            self.attempt_result(attempt, "wrong_password").await?;
            return Err(LoginError::Invalid);
        }
        if row.active != 1 {
            self.attempt_result(attempt, "disabled").await?;
            return Err(LoginError::Disabled);
        }
        self.attempt_result(attempt, "ok").await?;
        Ok(LoginOk {
            user: row.user.into(),
            must_change_password: row.must_change_password != 0,
        })
    }

    /// Lifts the throttle on a login (audited): its failures so far no longer count, from any address.
    pub async fn unlock_login(self, actor: &Actor, user_id: i64) -> Result<()> {
        let login: Option<String> = sqlx::query_scalar("SELECT login FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        let login = login.ok_or_else(|| StoreError::NotFound("用户".into()))?;
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO login_attempts (at, login, address, result) VALUES ($1, $2, '*', 'unlocked')",
        )
        .bind(now_ts())
        .bind(login.to_lowercase())
        .execute(&mut *tx)
        .await?;
        audit::record(&mut tx, actor, "unlock", "user", &login, None, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The log-in log, newest first: at most `limit` attempts, optionally of one login, older than
    /// the attempt `before` (for paging).
    pub async fn login_log(
        self,
        login: Option<&str>,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<LoginAttempt>> {
        Ok(sqlx::query_as(
            "SELECT id, at, login, address, result FROM login_attempts \
             WHERE ($1 = '' OR login = $1) AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(login.unwrap_or("").trim().to_lowercase())
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Sets a user's own new password after checking the current one; the change at first log-in
    /// is then done (audited, without either password).
    pub async fn change_password(self, user_id: i64, current: &str, new: &str) -> Result<()> {
        let (login, hash): (String, String) =
            sqlx::query_as("SELECT login, password_hash FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| StoreError::NotFound("用户".into()))?;
        if current.len() > diaodu_domain::password::PASSWORD_MAX_BYTES
            || !password_matches(&hash, current)
        {
            return Err(StoreError::invalid("当前密码", "不正确"));
        }
        diaodu_domain::password::check_password(&login, new)
            .map_err(|m| StoreError::invalid("新密码", m))?;
        if new == current {
            return Err(StoreError::invalid("新密码", "不能与当前密码相同"));
        }
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 0 WHERE id = $2")
            .bind(hash_password(new, self.password_cost))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let actor = Actor {
            user_id: Some(user_id),
            login: login.clone(),
        };
        audit::record(&mut tx, &actor, "password", "user", &login, None, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Makes a user change the password at the next log-in (a password an administrator chose).
    pub async fn require_password_change(self, user_id: i64) -> Result<()> {
        sqlx::query("UPDATE users SET must_change_password = 1 WHERE id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Opens a session; returns the token for the cookie (only its hash is stored) and the CSRF token.
    /// It ends after `session.max_hours` (default 12) whatever happens, and after
    /// `session.idle_minutes` (default 30) without a request.
    pub async fn create_session(
        self,
        user_id: i64,
        address: &str,
        agent: &str,
    ) -> Result<(String, String)> {
        let token = random_token();
        let csrf = random_token();
        let now = time::OffsetDateTime::now_utc();
        let (idle, max) = self.session_policy().await?;
        // Expired sessions and log-in records past their keeping are of no further use.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR idle_until < $1")
            .bind(ts(now))
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM login_attempts WHERE at < $1")
            .bind(ts(now - time::Duration::days(LOGIN_LOG_DAYS)))
            .execute(&self.pool)
            .await?;
        let agent: String = agent
            .chars()
            .filter(|c| !diaodu_domain::import::forbidden_char(*c))
            .take(200)
            .collect();
        let address: String = address.chars().take(64).collect();
        sqlx::query(
            "INSERT INTO sessions (id, user_id, csrf, created_at, expires_at, last_seen, idle_until, \
             address, agent) VALUES ($1, $2, $3, $4, $5, $4, $6, $7, $8)",
        )
        .bind(token_id(&token))
        .bind(user_id)
        .bind(&csrf)
        .bind(ts(now))
        .bind(ts(now + max))
        .bind(ts(now + idle))
        .bind(&address)
        .bind(&agent)
        .execute(&self.pool)
        .await?;
        Ok((token, csrf))
    }

    /// The user of a live session. A session used more than a minute ago has its idle deadline moved
    /// on (at most one write a minute per session).
    pub async fn session(self, token: &str) -> Result<Option<SessionInfo>> {
        let now = time::OffsetDateTime::now_utc();
        let id = token_id(token);
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT u.id, u.login, u.name, u.unit_id, u.role, u.head, u.must_change_password, s.csrf, s.last_seen, s.id AS sid \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id = $1 AND s.expires_at > $2 AND s.idle_until > $2 AND u.active = 1",
        )
        .bind(&id)
        .bind(ts(now))
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let a_minute_ago = ts(now - time::Duration::minutes(1));
        if r.last_seen.as_ref().is_none_or(|l| *l < a_minute_ago) {
            let (idle, _) = self.session_policy().await?;
            sqlx::query("UPDATE sessions SET last_seen = $1, idle_until = $2 WHERE id = $3")
                .bind(ts(now))
                .bind(ts(now + idle))
                .bind(&id)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(SessionInfo {
            user: r.user.into(),
            csrf: r.csrf,
            must_change_password: r.must_change_password != 0,
            id: r.sid,
        }))
    }

    /// Ends a session.
    pub async fn delete_session(self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(token_id(token))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// A user as the administrator manages it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserRecord {
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
    /// Office telephone (may be empty).
    pub phone: String,
    /// E-mail address (may be empty).
    pub email: String,
    /// False once disabled: the user cannot log in. Users are never deleted (the audit log names
    /// them).
    pub active: bool,
    /// The password was set by an administrator and must be changed at the next log-in.
    pub must_change_password: bool,
    /// The head (负责人) of its unit: the heads of the offices land on the leaders' cockpit.
    pub head: bool,
    /// Created (UTC).
    pub created_at: String,
}

/// What an administrator changes of a user; `None` keeps the field.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    /// Display name.
    pub name: Option<String>,
    /// Unit.
    pub unit_id: Option<i64>,
    /// Role.
    pub role: Option<Role>,
    /// Office telephone.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Enabled or disabled.
    pub active: Option<bool>,
    /// The head of its unit, or not.
    pub head: Option<bool>,
}

/// Checks a display name: 1 – 50 characters.
pub fn check_display_name(name: &str) -> std::result::Result<(), String> {
    let n = name.trim().chars().count();
    if n == 0 || n > 50 {
        return Err("应为 1 – 50 个字".into());
    }
    Ok(())
}

/// Checks an office telephone: empty, or at most 20 of digits, spaces, `+`, `-`, `(`, `)` and `转`
/// (an extension), with at least five digits.
pub fn check_phone(phone: &str) -> std::result::Result<(), String> {
    let p = phone.trim();
    if p.is_empty() {
        return Ok(());
    }
    let allowed = |c: char| c.is_ascii_digit() || " +-()转".contains(c);
    if p.chars().count() > 20
        || !p.chars().all(allowed)
        || p.chars().filter(|c| c.is_ascii_digit()).count() < 5
    {
        return Err("应为电话号码，如 0871-12345678 或 13800000000".into());
    }
    Ok(())
}

/// Checks an e-mail address: empty, or at most 100 characters of the form `name@domain.tld`
/// without spaces.
pub fn check_email(email: &str) -> std::result::Result<(), String> {
    let e = email.trim();
    if e.is_empty() {
        return Ok(());
    }
    let ok = e.len() <= 100
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && e.split_once('@').is_some_and(|(name, domain)| {
            !name.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if ok {
        Ok(())
    } else {
        Err("应为电子邮箱地址，如 name@example.gov.cn".into())
    }
}

/// A user as the database holds it (the columns of [`USER_RECORD_COLUMNS`]).
#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    login: String,
    name: String,
    unit_id: i64,
    role: String,
    phone: String,
    email: String,
    active: i64,
    must_change_password: i64,
    head: i64,
    created_at: String,
}

impl From<UserRow> for UserRecord {
    fn from(r: UserRow) -> UserRecord {
        UserRecord {
            id: r.id,
            login: r.login,
            name: r.name,
            unit_id: r.unit_id,
            role: Role::parse(&r.role).unwrap_or(Role::Leader),
            phone: r.phone,
            email: r.email,
            active: r.active == 1,
            must_change_password: r.must_change_password == 1,
            head: r.head != 0,
            created_at: r.created_at,
        }
    }
}

const USER_RECORD_COLUMNS: &str =
    "id, login, name, unit_id, role, phone, email, active, must_change_password, head, created_at";

impl Users<'_> {
    /// Every user, as the administrator manages them, by login.
    pub async fn records(self) -> Result<Vec<UserRecord>> {
        let sql = format!("SELECT {USER_RECORD_COLUMNS} FROM users ORDER BY lower(login)");
        let rows: Vec<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(UserRecord::from).collect())
    }

    /// One user, as the administrator manages it.
    pub async fn record(self, id: i64) -> Result<UserRecord> {
        let sql = format!("SELECT {USER_RECORD_COLUMNS} FROM users WHERE id = $1");
        let row: UserRow = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound("用户".into()))?;
        Ok(row.into())
    }

    /// Changes a user (audited with before and after). Disabling a user ends its sessions; an actor
    /// cannot disable itself nor take away its own administration (the office would be locked out).
    pub async fn update(self, actor: &Actor, id: i64, change: &UserChange) -> Result<UserRecord> {
        let mut errs = Vec::new();
        if let Some(n) = &change.name {
            if let Err(m) = check_display_name(n) {
                errs.push(("姓名".to_string(), m));
            }
        }
        if let Some(p) = &change.phone {
            if let Err(m) = check_phone(p) {
                errs.push(("电话".to_string(), m));
            }
        }
        if let Some(e) = &change.email {
            if let Err(m) = check_email(e) {
                errs.push(("电子邮箱".to_string(), m));
            }
        }
        if actor.user_id == Some(id) {
            if change.active == Some(false) {
                errs.push(("状态".to_string(), "不能停用自己的账号".to_string()));
            }
            if change.role.is_some_and(|r| r != Role::Admin) {
                errs.push((
                    "角色".to_string(),
                    "不能取消自己的系统管理员角色".to_string(),
                ));
            }
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let before = self.users().record(id).await?;
        let mut tx = self.begin().await?;
        if let Some(u) = change.unit_id.filter(|u| *u != before.unit_id) {
            let unit: Option<Option<String>> =
                sqlx::query_scalar("SELECT retired_on FROM units WHERE id = $1")
                    .bind(u)
                    .fetch_optional(&mut *tx)
                    .await?;
            match unit {
                None => return Err(StoreError::invalid("单位", "单位不存在")),
                Some(Some(_)) => return Err(StoreError::invalid("单位", "该单位已撤销")),
                Some(None) => {}
            }
        }
        let after = UserRecord {
            name: change
                .name
                .as_deref()
                .map_or(before.name.clone(), |n| n.trim().to_string()),
            unit_id: change.unit_id.unwrap_or(before.unit_id),
            role: change.role.unwrap_or(before.role),
            phone: change
                .phone
                .as_deref()
                .map_or(before.phone.clone(), |p| p.trim().to_string()),
            email: change
                .email
                .as_deref()
                .map_or(before.email.clone(), |e| e.trim().to_string()),
            active: change.active.unwrap_or(before.active),
            head: change.head.unwrap_or(before.head),
            ..before.clone()
        };
        sqlx::query(
            "UPDATE users SET name = $1, unit_id = $2, role = $3, phone = $4, email = $5, active = $6, \
             head = $8 WHERE id = $7",
        )
        .bind(&after.name)
        .bind(after.unit_id)
        .bind(after.role.code())
        .bind(&after.phone)
        .bind(&after.email)
        .bind(i64::from(after.active))
        .bind(id)
        .bind(i64::from(after.head))
        .execute(&mut *tx)
        .await?;
        // A disabled user, or one moved to another unit or role, starts again from a log-in: a
        // session keeps the scope it was opened with no longer than this.
        if !after.active || after.unit_id != before.unit_id || after.role != before.role {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let action = match (before.active, after.active) {
            (true, false) => "disable",
            (false, true) => "enable",
            _ => "update",
        };
        audit::record(
            &mut tx,
            actor,
            action,
            "user",
            &after.login,
            Some(serde_json::to_value(&before).expect("json")),
            Some(serde_json::to_value(&after).expect("json")),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Sets a user's password as an administrator: checked like any password, to be changed at the
    /// next log-in; the user's sessions end (audited, without the password).
    pub async fn reset_password(self, actor: &Actor, id: i64, password: &str) -> Result<()> {
        let user = self.users().record(id).await?;
        diaodu_domain::password::check_password(&user.login, password)
            .map_err(|m| StoreError::invalid("新密码", m))?;
        let hash = hash_password(password, self.password_cost);
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 1 WHERE id = $2")
            .bind(&hash)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            actor,
            "reset_password",
            "user",
            &user.login,
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Users<'_> {
    /// A user's live sessions, the newest first.
    pub async fn sessions_of(self, user_id: i64) -> Result<Vec<SessionRecord>> {
        let now = ts(time::OffsetDateTime::now_utc());
        Ok(sqlx::query_as(
            "SELECT id, created_at, last_seen, expires_at, address, agent FROM sessions \
             WHERE user_id = $1 AND expires_at > $2 AND idle_until > $2 ORDER BY created_at DESC",
        )
        .bind(user_id)
        .bind(&now)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Ends sessions of `user_id`: the one keyed `id`, or, with `id` `None`, every one but `keep`.
    /// Returns how many ended; another user's session is never touched.
    pub async fn end_sessions(
        self,
        user_id: i64,
        id: Option<&str>,
        keep: Option<&str>,
    ) -> Result<u64> {
        let r = match id {
            Some(id) => {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id = $2")
                    .bind(user_id)
                    .bind(id)
                    .execute(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
                    .bind(user_id)
                    .bind(keep.unwrap_or(""))
                    .execute(&self.pool)
                    .await?
            }
        };
        Ok(r.rows_affected())
    }
}
