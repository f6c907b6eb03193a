-- Supervision notices (督办单), their event log (every step timestamped and attributed, escalations
-- included) and accountability records (问责).

CREATE TABLE notices (
    id {ID},
    code TEXT NOT NULL UNIQUE,
    subject_kind TEXT NOT NULL,
    subject_id BIGINT,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    reply_by TEXT NOT NULL,
    state TEXT NOT NULL,
    escalation TEXT NOT NULL,
    issued_by BIGINT REFERENCES users(id),
    issued_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX notices_unit ON notices(unit_id);
CREATE INDEX notices_subject ON notices(subject_kind, subject_id);

CREATE TABLE notice_events (
    id {ID},
    notice_id BIGINT NOT NULL REFERENCES notices(id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    user_login TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX notice_events_notice ON notice_events(notice_id, id);

CREATE TABLE accountability (
    id {ID},
    notice_id BIGINT REFERENCES notices(id),
    unit_id BIGINT REFERENCES units(id),
    person TEXT NOT NULL,
    what TEXT NOT NULL,
    decision TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
