-- Whether a user is the head (负责人) of its unit: the heads of the city's offices land on the
-- leaders' cockpit, as the leaders do, instead of the office's table page.
ALTER TABLE users ADD COLUMN head BIGINT NOT NULL DEFAULT 0;
