//! Text that no field may hold. Control characters (NUL above all, which PostgreSQL cannot store in
//! text and answered with a server error) are refused at the edge, in every query string, path, form
//! and JSON body, before any handler sees them; tab, line feed and carriage return stay allowed for
//! multi-line text. Imported cells are checked by the readers (`diaodu_office::table`).

use serde_json::Value;

pub use diaodu_domain::import::forbidden_char as forbidden;

/// Longest text any one field takes, in characters, unless its own rule is tighter (docs/api.md,
/// "Field ranges"): meeting minutes of a long session fit.
pub const TEXT_MAX: usize = 20_000;

/// Whether a text cannot be kept: a forbidden character, or longer than [`TEXT_MAX`].
fn bad_text(s: &str) -> bool {
    s.chars().any(forbidden) || (s.len() > TEXT_MAX && s.chars().count() > TEXT_MAX)
}

/// The first name (key path) in a JSON document whose key holds a forbidden character or whose
/// string value cannot be kept ([`bad_text`]).
pub fn in_json(v: &Value) -> Option<String> {
    fn walk(v: &Value, path: &str) -> Option<String> {
        match v {
            Value::String(s) if bad_text(s) => Some(path.to_string()),
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

/// The first name in decoded `key=value` pairs whose key holds a forbidden character or whose value
/// cannot be kept ([`bad_text`]).
pub fn in_pairs(pairs: &[(String, String)]) -> Option<String> {
    pairs
        .iter()
        .find(|(k, v)| k.chars().any(forbidden) || bad_text(v))
        .map(|(k, _)| k.chars().filter(|c| !forbidden(*c)).collect())
}

/// The Chinese name of a request field, by its key (the last part of a JSON path, without an index);
/// an unknown key is shown as it is.
pub fn field_zh(key: &str) -> String {
    let last = key
        .rsplit('.')
        .next()
        .unwrap_or(key)
        .split('[')
        .next()
        .unwrap_or(key);
    let zh = match last {
        "" => "请求内容",
        "login" => "用户名",
        "password" | "current_password" | "current" => "密码",
        "new_password" | "new" | "confirm" => "新密码",
        "code" => "编码",
        "name" => "名称",
        "leader" => "包抓领导",
        "batch" => "集中开工批次",
        "industry" => "所属行业",
        "period" => "填报期",
        "investment_wan" | "investment" => "本期完成投资(万元)",
        "progress" => "形象进度",
        "problems" => "存在问题",
        "title" => "标题",
        "content" => "内容",
        "text" => "反馈内容",
        "note" => "说明",
        "body" => "进展情况",
        "person" => "问责对象",
        "what" => "问责事由",
        "decision" => "处理决定",
        "minutes" => "会议纪要",
        "findings" => "督查发现",
        "coordination" => "协调事项",
        "q" => "搜索词",
        "entity" | "entity_id" => "对象",
        "user" => "操作人",
        _ => return last.to_string(),
    };
    zh.to_string()
}

/// The refusal for a field holding a forbidden character or too much text.
pub fn refusal(field: &str) -> crate::AppError {
    crate::AppError::invalid(
        &field_zh(field),
        format!("含有不允许的控制字符（如 NUL），或超过 {TEXT_MAX} 个字，请修改后重试"),
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
        assert_eq!(field_zh("items[0].leader"), "包抓领导");
        assert_eq!(field_zh("zzz"), "zzz");
        assert_eq!(in_pairs(&[("q".into(), "第一\n第二".into())]), None);
        let long = "长".repeat(TEXT_MAX + 1);
        assert_eq!(in_pairs(&[("q".into(), long)]).as_deref(), Some("q"));
    }
}
