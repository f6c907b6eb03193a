-- Key tasks (重点工作任务): milestones, cooperating units and progress reports. Decimal figures typed by
-- users (targets, actual values) are kept as text, exactly as entered.

CREATE TABLE tasks (
    id {ID},
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    lead_unit_id BIGINT NOT NULL REFERENCES units(id),
    leader TEXT NOT NULL,
    start_date TEXT NOT NULL,
    deadline TEXT NOT NULL,
    cadence TEXT NOT NULL,
    target_value TEXT,
    target_unit TEXT,
    target_direction TEXT,
    parent_id BIGINT REFERENCES tasks(id),
    state TEXT NOT NULL,
    claimed_at TEXT,
    closed_at TEXT,
    closed_by BIGINT REFERENCES users(id),
    close_note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX tasks_lead ON tasks(lead_unit_id);
CREATE INDEX tasks_parent ON tasks(parent_id);

CREATE TABLE task_units (
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (task_id, unit_id)
);

CREATE TABLE task_milestones (
    id {ID},
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    due TEXT NOT NULL,
    what TEXT NOT NULL,
    met_on TEXT
);
CREATE INDEX task_milestones_task ON task_milestones(task_id);

CREATE TABLE task_reports (
    id {ID},
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    period TEXT NOT NULL,
    period_end TEXT NOT NULL,
    body TEXT NOT NULL,
    percent BIGINT NOT NULL,
    actual_value TEXT,
    submitted_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (task_id, period)
);
CREATE INDEX task_reports_task ON task_reports(task_id, period_end);
