-- The outbox (消息推送): each message for a channel outside the platform — e-mail, the DingTalk and
-- WeCom group robots, the outgoing webhook — is written in the same transaction as the event that
-- causes it, and delivered afterwards by a worker with retries. A worker leases the rows it takes
-- (state 'sending' until locked_until), so that several server instances on one database deliver
-- each row once; a lease that runs out (an instance stopped mid-send) is taken again.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'dingtalk', 'wecom', 'webhook')),
    -- An e-mail address; for the robots the unit whose own group is configured ('' = the city's).
    target TEXT NOT NULL,
    unit_id BIGINT REFERENCES units(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    -- Mobile numbers to @ (DingTalk), comma-separated.
    mentions TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at TEXT NOT NULL,
    locked_until TEXT,
    -- The channel's last answer (or the error), as it gave it.
    answer TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    delivered_at TEXT
);
CREATE INDEX outbox_due ON outbox(next_at) WHERE state IN ('pending', 'sending');
CREATE INDEX outbox_state ON outbox(state, id);

-- Settings of one unit that override the city's (a district's own group robot).
CREATE TABLE unit_settings (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (unit_id, key)
);

-- The reminder pass's memory: one row per unit and reminder sent (the stage and the deadline it is
-- about, and the day for the daily 催报), so that a pass run again, or by another instance, sends
-- nothing twice.
CREATE TABLE reminder_log (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    key TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (unit_id, key)
);
