-- Where a session was opened from, so that a user can tell its sessions apart on 我的账号 and end one
-- it does not recognise: the client address and the browser's description (User-Agent, cut to 200
-- characters).
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN agent TEXT NOT NULL DEFAULT '';
