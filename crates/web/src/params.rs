//! Reading request parameters that a flattened query struct receives as text: serde reads a query
//! string through `#[serde(flatten)]` as strings only, so a number must accept `"2"` as well as `2`.

use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrText {
    Num(u64),
    Text(String),
}

/// An optional page number or size: a number, its text, or empty for none.
pub fn opt_usize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    match Option::<NumOrText>::deserialize(d)? {
        None => Ok(None),
        Some(NumOrText::Num(n)) => usize::try_from(n)
            .map(Some)
            .map_err(|_| serde::de::Error::custom("数字过大")),
        Some(NumOrText::Text(t)) if t.trim().is_empty() => Ok(None),
        Some(NumOrText::Text(t)) => t
            .trim()
            .parse::<usize>()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("“{t}”不是非负整数"))),
    }
}
