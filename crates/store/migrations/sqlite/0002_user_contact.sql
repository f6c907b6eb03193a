-- A user's office telephone and e-mail address, kept by the administrator (系统管理 → 用户管理) and
-- used by the reminders to reach the user. Empty when not given.
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
