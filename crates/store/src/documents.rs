//! 发文字号: the numbers official documents carry (`云政督〔2026〕12号`), one sequence per authority's
//! prefix (机关代字) and year, kept in `doc_numbers` with each prefix's last number of the year in
//! `doc_sequences` (migration 10). A number is given once: to the
//! first document of its kind and subject that asks, and to the same document every time it is
//! produced again; never to another.

use serde_json::json;

use crate::{audit, now_ts, Actor, Documents, Result, StoreError};

/// A document's number: its authority's prefix, the year and the number within the year.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocNumber {
    /// 机关代字.
    pub prefix: String,
    /// The year.
    pub year: i64,
    /// The number within the prefix's year, from 1.
    pub seq: i64,
}

impl DocNumber {
    /// As written in the 版头: `云政督〔2026〕12号` (GB/T 9704: the year in 六角括号, no leading zeros).
    pub fn zh(&self) -> String {
        format!("{}〔{}〕{}号", self.prefix, self.year, self.seq)
    }
}

/// How often a number is asked for again when the same document was numbered at the same moment
/// under another prefix.
const ATTEMPTS: usize = 5;

impl Documents<'_> {
    /// The number of the document of `kind` about `subject` (a region's scorecard of a quarter, a
    /// meeting's minutes): the number it was given before, whatever the prefix is now, or else the
    /// next of `prefix` in `year`, recorded with `title` and audited.
    pub async fn number(
        self,
        actor: &Actor,
        prefix: &str,
        year: i32,
        kind: &str,
        subject: &str,
        title: &str,
    ) -> Result<DocNumber> {
        let prefix = prefix.trim();
        if prefix.is_empty() || prefix.chars().any(char::is_control) {
            return Err(StoreError::invalid(
                "机关代字",
                "不能为空，也不能含控制字符",
            ));
        }
        for _ in 0..ATTEMPTS {
            let mut tx = self.begin().await?;
            // The prefix's row of the year first: a second document numbered at the same moment
            // waits here until this one is written, then finds its own number or this one's.
            let seq: i64 = sqlx::query_scalar(
                "INSERT INTO doc_sequences (prefix, year, last) VALUES ($1, $2, 1) \
                 ON CONFLICT (prefix, year) DO UPDATE SET last = doc_sequences.last + 1 \
                 RETURNING CAST(last AS BIGINT)",
            )
            .bind(prefix)
            .bind(i64::from(year))
            .fetch_one(&mut *tx)
            .await?;
            let given: Option<DocNumber> = sqlx::query_as(
                "SELECT prefix, CAST(year AS BIGINT) AS year, CAST(seq AS BIGINT) AS seq \
                 FROM doc_numbers WHERE kind = $1 AND subject = $2",
            )
            .bind(kind)
            .bind(subject)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(n) = given {
                // Taken back with the rollback: no number is skipped.
                tx.rollback().await?;
                return Ok(n);
            }
            let n = DocNumber {
                prefix: prefix.to_string(),
                year: i64::from(year),
                seq,
            };
            let inserted = sqlx::query(
                "INSERT INTO doc_numbers (prefix, year, seq, kind, subject, title, issued_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(prefix)
            .bind(i64::from(year))
            .bind(seq)
            .bind(kind)
            .bind(subject)
            .bind(title)
            .bind(now_ts())
            .execute(&mut *tx)
            .await;
            match inserted {
                Ok(_) => {}
                // The same document numbered at the same moment under another prefix: ask again,
                // which finds that number.
                Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                    tx.rollback().await?;
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
            audit::record(
                &mut tx,
                actor,
                "create",
                "doc_number",
                &n.zh(),
                None,
                Some(json!({"kind": kind, "subject": subject, "title": title})),
            )
            .await?;
            tx.commit().await?;
            return Ok(n);
        }
        Err(StoreError::Conflict("发文字号正被占用，请稍后重试".into()))
    }
}
