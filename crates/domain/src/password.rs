//! What a login name and a password must be (等保 2.0, level 3: identification and authentication).

/// Longest login name, in characters.
pub const LOGIN_MAX: usize = 64;
/// Shortest password, in characters.
pub const PASSWORD_MIN: usize = 8;
/// Longest password, in characters (and at most four bytes each: the log-in form refuses more than
/// [`PASSWORD_MAX_BYTES`] before hashing anything).
pub const PASSWORD_MAX: usize = 128;
/// Longest password the log-in accepts, in bytes: hashing is the expensive step, and an attacker
/// should not choose its cost.
pub const PASSWORD_MAX_BYTES: usize = 256;

/// Checks a new login name: 1 – 64 of ASCII letters, digits and `. _ - @`. Kept to ASCII so that
/// "the same login regardless of case" means the same thing on every database engine.
pub fn check_login(login: &str) -> Result<(), String> {
    if login.is_empty() || login.chars().count() > LOGIN_MAX {
        return Err(format!("不能为空，最长 {LOGIN_MAX} 位"));
    }
    if !login
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err("只能由英文字母、数字和 . _ - @ 组成".into());
    }
    Ok(())
}

/// Checks a new password: 8 – 128 characters from at least three of the four classes (upper-case,
/// lower-case, digits, others), not containing the login name in any case.
pub fn check_password(login: &str, password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Err(format!("至少 {PASSWORD_MIN} 位"));
    }
    if n > PASSWORD_MAX || password.len() > PASSWORD_MAX_BYTES {
        return Err(format!("最长 {PASSWORD_MAX} 位"));
    }
    if password.chars().any(char::is_control) {
        return Err("不能含控制字符".into());
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|x| **x).count() < 3 {
        return Err("须包含大写字母、小写字母、数字、符号中的至少三类".into());
    }
    let login = login.trim().to_lowercase();
    if !login.is_empty() && password.to_lowercase().contains(&login) {
        return Err("不能包含登录名".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_classes_of_four_and_not_the_login() {
        assert!(check_password("zhang", "Diaodu@2026").is_ok());
        assert!(
            check_password("zhang", "diaodu2026").is_err(),
            "two classes"
        );
        assert!(check_password("zhang", "Dd@1").is_err(), "too short");
        assert!(check_password("zhang", "Zhang@2026").is_err(), "the login");
        assert!(
            check_password("zhang", "abc-DEF-ghi").is_ok(),
            "symbols count"
        );
        assert!(
            check_password("zhang", "密码Abc12345").is_ok(),
            "CJK counts as a symbol"
        );
        assert!(check_password("zhang", &format!("Aa1{}", "x".repeat(126))).is_err());
        assert!(check_password("zhang", "Abc\u{0}12345").is_err());
    }

    #[test]
    fn logins_are_ascii() {
        assert!(check_login("yundong").is_ok());
        assert!(check_login("wang.li@yc").is_ok());
        assert!(check_login("王").is_err());
        assert!(check_login("a b").is_err());
        assert!(check_login(&"a".repeat(65)).is_err());
        assert!(check_login("").is_err());
    }
}
