//! The units' boundaries for the cockpit's map (`diaodu_domain::map` reads the file).

use std::collections::HashMap;

use diaodu_domain::map::Ring;
use serde_json::json;

use crate::{audit, now_ts, Actor, Result, Store};

/// The last upload of the boundaries.
#[derive(Debug, Clone)]
pub struct MapUpload {
    /// The file's name.
    pub file_name: String,
    /// Features in it.
    pub features: i64,
    /// Of those, matched to a unit.
    pub matched: i64,
    /// The features that matched no unit, as the file names them.
    pub unmatched: Vec<String>,
    /// When (UTC).
    pub uploaded_at: String,
    /// Who.
    pub user_login: String,
}

impl Store {
    /// Replaces every unit's boundaries with `shapes` (unit id, outer rings) from a file of
    /// `features` features, `unmatched` naming those that matched no unit; audited as `map`.
    pub async fn set_unit_shapes(
        &self,
        actor: &Actor,
        file_name: &str,
        features: usize,
        shapes: &[(i64, Vec<Ring>)],
        unmatched: &[String],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM unit_shapes")
            .execute(&mut *tx)
            .await?;
        for (unit, rings) in shapes {
            sqlx::query("INSERT INTO unit_shapes (unit_id, rings) VALUES ($1, $2)")
                .bind(unit)
                .bind(serde_json::to_string(rings).expect("json"))
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO map_uploads (file_name, features, matched, unmatched, uploaded_at, user_login) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(file_name)
        .bind(features as i64)
        .bind(shapes.len() as i64)
        .bind(serde_json::to_string(unmatched).expect("json"))
        .bind(now_ts())
        .bind(&actor.login)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "update",
            "map",
            "units",
            None,
            Some(json!({"file_name": file_name, "features": features, "matched": shapes.len(), "unmatched": unmatched})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every unit's boundaries, by unit id.
    pub async fn unit_shapes(&self) -> Result<HashMap<i64, Vec<Ring>>> {
        let rows: Vec<(i64, String)> = sqlx::query_as("SELECT unit_id, rings FROM unit_shapes")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(u, r)| serde_json::from_str(&r).ok().map(|r| (u, r)))
            .collect())
    }

    /// The last upload, if any.
    pub async fn map_upload(&self) -> Result<Option<MapUpload>> {
        let row: Option<(String, i64, i64, String, String, String)> = sqlx::query_as(
            "SELECT file_name, features, matched, unmatched, uploaded_at, user_login FROM map_uploads \
             ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(file_name, features, matched, u, uploaded_at, user_login)| MapUpload {
                file_name,
                features,
                matched,
                unmatched: serde_json::from_str(&u).unwrap_or_default(),
                uploaded_at,
                user_login,
            },
        ))
    }
}
