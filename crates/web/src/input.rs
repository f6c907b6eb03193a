//! Text that no field may hold. Control characters (NUL above all, which PostgreSQL cannot store in
//! text and answered with a server error) are refused at the edge, in every query string, path, form
//! and JSON body, before any handler sees them; tab, line feed and carriage return stay allowed for
//! multi-line text. Imported cells are checked by the readers (`diaodu_office::table`).

use serde_json::Value;

pub use diaodu_domain::import::forbidden_char as forbidden;

/// The first name (key path) in a JSON document whose key or string value holds a forbidden
/// character.
pub fn in_json(v: &Value) -> Option<String> {
    fn walk(v: &Value, path: &str) -> Option<String> {
        match v {
            Value::String(s) if s.chars().any(forbidden) => Some(path.to_string()),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, x)| walk(x, &format!("{path}[{i}]"))),
            Value::Object(m) => m.iter().find_map(|(k, x)| {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if k.chars().any(forbidden) {
                    Some(p)
                } else {
                    walk(x, &p)
                }
            }),
            _ => None,
        }
    }
    walk(v, "")
}

/// The first name in decoded `key=value` pairs whose key or value holds a forbidden character.
pub fn in_pairs(pairs: &[(String, String)]) -> Option<String> {
    pairs
        .iter()
        .find(|(k, v)| k.chars().any(forbidden) || v.chars().any(forbidden))
        .map(|(k, _)| k.chars().filter(|c| !forbidden(*c)).collect())
}

/// The refusal for a field holding a forbidden character.
pub fn refusal(field: &str) -> crate::AppError {
    crate::AppError::invalid(
        if field.is_empty() {
            "请求内容"
        } else {
            field
        },
        "含有不允许的控制字符（如 NUL），请删除后重试",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_with_their_field() {
        let v = serde_json::json!({"title": "ok", "items": [{"note": "a\u{0}b"}]});
        assert_eq!(in_json(&v).as_deref(), Some("items[0].note"));
        assert_eq!(in_json(&serde_json::json!({"t": "a\tb\r\nc"})), None);
        assert_eq!(
            in_pairs(&[("entity".into(), "\u{0}".into())]).as_deref(),
            Some("entity")
        );
        assert_eq!(in_pairs(&[("q".into(), "第一\n第二".into())]), None);
    }
}
