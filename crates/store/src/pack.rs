//! Rows returned packed into one text value.
//!
//! Drivers pay per row returned — with SQLite, a hand-over between threads for every row — so
//! statements that return thousands of short rows (every project of a province, the projects named by an
//! import file) return them as one `string_agg` of the fields instead. Both engines have `string_agg`
//! (SQLite from 3.44). The separators are the ASCII unit and record separators, which the stored text
//! never holds (`check_fields` refuses control characters); a record with another number of fields
//! makes the caller fall back or fail rather than misread.

use crate::bulk::Val;
use crate::{Result, StoreError};

/// Field separator.
pub(crate) const FS: char = '\u{1f}';
/// Record separator.
pub(crate) const RS: char = '\u{1e}';

/// `string_agg` of the given expressions, each turned to text (NULL → empty), joined by `$fs`; records
/// joined by `$rs`, in no particular order (callers that need one sort the parsed records: an ordered
/// aggregate sorts the packed text inside the engine, on disk once it outgrows the work memory).
pub(crate) fn packed(exprs: &[&str], fs: usize, rs: usize) -> String {
    let fields: Vec<String> = exprs
        .iter()
        .map(|e| format!("COALESCE(CAST({e} AS TEXT), '')"))
        .collect();
    format!(
        "string_agg({}, ${rs})",
        fields.join(&format!(" || ${fs} || "))
    )
}

/// Splits a packed result into records of exactly `n` fields; `None` if any record has another count.
pub(crate) fn unpack(s: &str, n: usize) -> Option<Vec<Vec<&str>>> {
    if s.is_empty() {
        return Some(Vec::new());
    }
    s.split(RS)
        .map(|rec| {
            let f: Vec<&str> = rec.split(FS).collect();
            (f.len() == n).then_some(f)
        })
        .collect()
}

/// Runs `SELECT <packed exprs> <rest>` — `rest` numbering its parameters from `$3`, bound from
/// `binds` — and returns the packed text, for [`unpack`] (empty when no row matched).
pub(crate) async fn fetch_text<'e, E>(
    exec: E,
    exprs: &[&str],
    rest: &str,
    binds: &[Val],
) -> Result<String>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!("SELECT {} AS packed {rest}", packed(exprs, 1, 2));
    let mut args = sqlx::any::AnyArguments::default();
    let seps = [Val::T(FS.to_string()), Val::T(RS.to_string())];
    crate::bulk::add_all(&mut args, seps.iter().chain(binds))?;
    Ok(
        sqlx::query_scalar_with::<_, Option<String>, _>(sqlx::AssertSqlSafe(sql.as_str()), args)
            .fetch_one(exec)
            .await?
            .unwrap_or_default(),
    )
}

/// [`unpack`], failing with a message for the user where a record does not unpack (for reads of text
/// that is checked on the way in, which therefore holds no separator).
pub(crate) fn records(text: &str, n: usize) -> Result<Vec<Vec<&str>>> {
    unpack(text, n)
        .ok_or_else(|| StoreError::invalid("数据", "数据中含有控制字符，无法读取，请联系管理员"))
}

/// As [`fetch_text`], returning the records, each with `exprs.len()` fields.
pub(crate) async fn fetch<'e, E>(
    exec: E,
    exprs: &[&str],
    rest: &str,
    binds: &[Val],
) -> Result<Vec<Vec<String>>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let text = fetch_text(exec, exprs, rest, binds).await?;
    Ok(records(&text, exprs.len())?
        .into_iter()
        .map(|r| r.into_iter().map(str::to_string).collect())
        .collect())
}

/// A JSON array of integers, for [`crate::dialect::json_set`].
pub(crate) fn json_ints(ids: &[i64]) -> String {
    let v: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("[{}]", v.join(","))
}

/// A JSON array of strings, for [`crate::dialect::json_set`].
pub(crate) fn json_texts<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::from("[");
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        crate::bulk::json_string(s.as_ref(), &mut out);
    }
    out.push(']');
    out
}

/// A PostgreSQL array literal of `items` (`{"a","b\"c"}`): every element quoted, `"` and `\`
/// escaped with a backslash. Bound as text and cast (`$n::text[]`): sqlx's `Any` binds no arrays. Use
/// it as rows (`unnest`) joined to a table, never as `col = ANY($n::text[])`: PostgreSQL does not fold
/// the cast while planning, so it cannot hash the array, and a sequential scan then searches it
/// linearly for every row.
pub(crate) fn text_array<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let mut out = String::from("{");
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        for c in s.as_ref().chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    }
    out.push('}');
    out
}

/// A PostgreSQL array literal of integers (`{1,2,3}`), as [`text_array`].
pub(crate) fn int_array(items: impl IntoIterator<Item = i64>) -> String {
    let v: Vec<String> = items.into_iter().map(|i| i.to_string()).collect();
    format!("{{{}}}", v.join(","))
}

/// An integer field of a packed record.
pub(crate) fn int(s: &str) -> Result<i64> {
    s.parse()
        .map_err(|_| StoreError::invalid("数据", format!("“{s}”不是整数")))
}
