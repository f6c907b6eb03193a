-- When each background job's last round started (milliseconds since 1970, UTC), whichever instance
-- ran it: a round starts only when its period has passed since, so that with several instances on
-- one database the escalation ladder climbs once an hour and reminders go out once in five minutes,
-- not once per instance.
CREATE TABLE job_runs (
    job TEXT PRIMARY KEY,
    started_ms BIGINT NOT NULL
);
