-- Leaders' instructions (领导批示): a leader writes on a project, task or notice; the unit
-- responsible for it answers by a date; the leader or the supervision office closes it. The
-- subject's unit is kept on the row, as the unit answerable when it was written.
CREATE TABLE instructions (
    id INTEGER PRIMARY KEY,
    subject_kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    leader_id BIGINT REFERENCES users(id),
    leader_name TEXT NOT NULL,
    body TEXT NOT NULL,
    due_on TEXT NOT NULL,
    state TEXT NOT NULL,
    reply TEXT NOT NULL DEFAULT '',
    replied_by TEXT NOT NULL DEFAULT '',
    replied_at TEXT,
    closed_note TEXT NOT NULL DEFAULT '',
    closed_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX instructions_subject ON instructions(subject_kind, subject_id);
CREATE INDEX instructions_unit ON instructions(unit_id);
