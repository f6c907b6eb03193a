//! In-app messages (站内消息): one row per recipient, unread until opened. They are written with the
//! event that causes them, and with its deliveries to the channels, by `Messages::dispatch`.

use serde::Serialize;

use crate::{now_ts, Messages, Result};

/// A message to send.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Recipient.
    pub user_id: i64,
    /// `chase` (催报) today.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Where it leads (a path of the site).
    pub link: String,
    /// Who sent it, as the recipient reads it (`督查室 张三`).
    pub sender_name: String,
    /// The unit it concerns, if any.
    pub unit_id: Option<i64>,
}

/// A message in a user's inbox.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Message {
    /// Id.
    pub id: i64,
    /// Kind (`chase`: a reminder to report).
    pub kind: String,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Where it leads.
    pub link: String,
    /// Who sent it.
    pub sender_name: String,
    /// Sent (UTC).
    pub created_at: String,
    /// Read (UTC); none while unread.
    pub read_at: Option<String>,
}

/// The most recent messages an inbox shows.
pub const INBOX_SIZE: i64 = 200;

impl Messages<'_> {
    /// A user's most recent messages, newest first.
    pub async fn inbox(self, user_id: i64) -> Result<Vec<Message>> {
        Ok(sqlx::query_as(
            "SELECT id, kind, title, body, link, sender_name, created_at, read_at FROM messages \
             WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(INBOX_SIZE)
        .fetch_all(&self.pool)
        .await?)
    }

    /// How many of a user's messages are unread.
    pub async fn unread_count(self, user_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Marks one of a user's messages read (`Some(id)`), or all of them; returns the message's link
    /// for one (`None` when it is not the user's).
    pub async fn mark_read(self, user_id: i64, id: Option<i64>) -> Result<Option<String>> {
        let now = now_ts();
        let mut tx = self.begin().await?;
        let link = match id {
            Some(id) => {
                let link: Option<String> =
                    sqlx::query_scalar("SELECT link FROM messages WHERE id = $1 AND user_id = $2")
                        .bind(id)
                        .bind(user_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                if link.is_some() {
                    sqlx::query(
                        "UPDATE messages SET read_at = $1 WHERE id = $2 AND read_at IS NULL",
                    )
                    .bind(&now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                link
            }
            None => {
                sqlx::query(
                    "UPDATE messages SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
                )
                .bind(&now)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
                None
            }
        };
        tx.commit().await?;
        Ok(link)
    }

    /// When each unit was last sent a message of `kind` (UTC), for the units that were.
    pub async fn last_sent(self, kind: &str) -> Result<std::collections::HashMap<i64, String>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT unit_id, MAX(created_at) FROM messages WHERE kind = $1 AND unit_id IS NOT NULL \
             GROUP BY unit_id",
        )
        .bind(kind)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().collect())
    }
}
