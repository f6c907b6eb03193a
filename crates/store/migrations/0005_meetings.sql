-- Dispatch meetings (调度会) and their decisions (议定事项), each of which becomes a task.

CREATE TABLE meetings (
    id {ID},
    title TEXT NOT NULL,
    meeting_date TEXT NOT NULL,
    review_period TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    attendees TEXT NOT NULL,
    agenda TEXT NOT NULL,
    minutes TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX meetings_date ON meetings(meeting_date);

CREATE TABLE meeting_decisions (
    id {ID},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    content TEXT NOT NULL,
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    created_at TEXT NOT NULL
);
CREATE INDEX meeting_decisions_meeting ON meeting_decisions(meeting_id);
