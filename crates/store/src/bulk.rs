//! Batched multi-row INSERTs for imports: one statement per batch instead of one per row, inside the
//! caller's transaction.

use crate::Result;

/// A value in a bulk row.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    /// BIGINT.
    I(i64),
    /// Nullable BIGINT.
    OI(Option<i64>),
    /// TEXT.
    T(String),
    /// Nullable TEXT.
    OT(Option<String>),
}

/// Inserts `rows` into `table(columns)` in batches that stay under both engines' parameter limits.
pub(crate) async fn insert(
    tx: &mut sqlx::AnyConnection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Val>>,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    // Batches of about a hundred rows: sqlx prepares a statement per distinct text, and preparing and
    // binding one with tens of thousands of parameters costs far more per row than a short one.
    let per_batch = (2_000 / columns.len()).clamp(1, 100);
    let mut it = rows.into_iter().peekable();
    while it.peek().is_some() {
        let batch: Vec<Vec<Val>> = it.by_ref().take(per_batch).collect();
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (i, _) in batch.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..columns.len() {
                if c > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                sql.push_str(&format!("${n}"));
            }
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for row in batch {
            for v in row {
                q = match v {
                    Val::I(x) => q.bind(x),
                    Val::OI(x) => q.bind(x),
                    Val::T(x) => q.bind(x),
                    Val::OT(x) => q.bind(x),
                };
            }
        }
        q.execute(&mut *tx).await?;
    }
    Ok(())
}
