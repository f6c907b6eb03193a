-- In-app messages (站内消息): what the platform tells a user — an office's reminder to report
-- (催报) today, the reminders of the reporting calendar later. One row per recipient, read or not.
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    sender_name TEXT NOT NULL DEFAULT '',
    unit_id BIGINT REFERENCES units(id),
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX messages_user ON messages(user_id, id);
CREATE INDEX messages_unread ON messages(user_id) WHERE read_at IS NULL;
CREATE INDEX messages_unit ON messages(unit_id, kind, id);
