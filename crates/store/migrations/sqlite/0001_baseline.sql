-- The schema of diaodu on SQLite, as one baseline. The PostgreSQL baseline (../postgres) has the same
-- tables, columns and constraints; where the two differ, each file says why. Later changes are new
-- numbered files here and there, with the same version numbers on both engines.
--
-- Ids, money (in yuan, exact integers) and flags are BIGINT; dates and times are ISO text, which sorts
-- as it reads. Foreign keys are declared and enforced (PRAGMA foreign_keys = ON on every connection).

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    parent_id BIGINT REFERENCES units(id),
    kind TEXT NOT NULL,
    -- Materialised path '/1/4/9/' so that a subtree is one indexed prefix match.
    path TEXT NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_path ON units(path);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    -- Set when an administrator set the password: it must be changed at the next log-in.
    must_change_password BIGINT NOT NULL DEFAULT 0
);

-- Logins are unique regardless of case.
CREATE UNIQUE INDEX users_login_ci ON users(lower(login));

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen TEXT,
    -- The session ends when unused until then (setting session.idle_minutes).
    idle_until TEXT NOT NULL DEFAULT '9999-12-31'
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    leader TEXT NOT NULL,
    category TEXT NOT NULL,
    stage TEXT NOT NULL,
    total_investment BIGINT NOT NULL,
    plan_year BIGINT NOT NULL,
    annual_plan BIGINT NOT NULL,
    planned_start TEXT,
    planned_finish TEXT,
    actual_start TEXT,
    batch TEXT NOT NULL,
    industry TEXT NOT NULL,
    env_approval TEXT NOT NULL,
    -- Optimistic concurrency: an edit names the version it started from.
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX projects_unit ON projects(unit_id);
CREATE INDEX projects_batch ON projects(batch);

CREATE TABLE site_visits (
    id INTEGER PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    visit_date TEXT NOT NULL,
    findings TEXT NOT NULL,
    coordination TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX site_visits_project ON site_visits(project_id);

CREATE TABLE admission_rules (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    test_kind TEXT NOT NULL,
    keywords TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE admission_refusals (
    id INTEGER PRIMARY KEY,
    project_code TEXT NOT NULL,
    project_name TEXT NOT NULL,
    unit_id BIGINT REFERENCES units(id),
    rule_code TEXT NOT NULL,
    rule_name TEXT NOT NULL,
    fields_json TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    at TEXT NOT NULL
);

CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id BIGINT,
    user_login TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_at ON audit(at);

-- A record's subject: the part of entity_id before '/' (a report's is project/period). Report
-- records, nineteen in twenty of the log, are indexed by period and project instead; the kind index
-- leaves them out (the audit page asks for them by walking the log backwards by id).
CREATE INDEX audit_subject ON audit (CASE WHEN instr(entity_id, '/') > 0 THEN substr(entity_id, 1, instr(entity_id, '/') - 1) ELSE entity_id END)
    WHERE entity <> 'report';
CREATE INDEX audit_report_period ON audit (substr(entity_id, instr(entity_id, '/') + 1), CASE WHEN instr(entity_id, '/') > 0 THEN substr(entity_id, 1, instr(entity_id, '/') - 1) ELSE entity_id END)
    WHERE entity = 'report';
CREATE INDEX audit_kind ON audit(entity) WHERE entity <> 'report';

-- The audit log is append-only: the engine itself refuses to rewrite or delete a record.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

CREATE TABLE indicators (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    direction TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE indicator_targets (
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    year BIGINT NOT NULL,
    target DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (indicator_id, year)
);

CREATE TABLE indicator_values (
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    period_kind TEXT NOT NULL,
    level DOUBLE PRECISION,
    growth DOUBLE PRECISION,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (indicator_id, unit_id, period)
);
CREATE INDEX indicator_values_period ON indicator_values(indicator_id, period);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
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
    id INTEGER PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    due TEXT NOT NULL,
    what TEXT NOT NULL,
    met_on TEXT
);
CREATE INDEX task_milestones_task ON task_milestones(task_id);

CREATE TABLE task_reports (
    id INTEGER PRIMARY KEY,
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

CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
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
    id INTEGER PRIMARY KEY,
    notice_id BIGINT NOT NULL REFERENCES notices(id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    user_login TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX notice_events_notice ON notice_events(notice_id, id);

CREATE TABLE accountability (
    id INTEGER PRIMARY KEY,
    notice_id BIGINT REFERENCES notices(id),
    unit_id BIGINT REFERENCES units(id),
    person TEXT NOT NULL,
    what TEXT NOT NULL,
    decision TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
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
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    content TEXT NOT NULL,
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    created_at TEXT NOT NULL
);
CREATE INDEX meeting_decisions_meeting ON meeting_decisions(meeting_id);

CREATE TABLE inspections (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    scope_kind TEXT NOT NULL,
    scope_value TEXT NOT NULL,
    checklist TEXT NOT NULL,
    inspectors TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    state TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);

CREATE TABLE inspection_items (
    id INTEGER PRIMARY KEY,
    inspection_id BIGINT NOT NULL REFERENCES inspections(id),
    subject_kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    label TEXT NOT NULL,
    findings TEXT NOT NULL,
    severity TEXT NOT NULL,
    checked_at TEXT,
    checked_by BIGINT REFERENCES users(id),
    notice_id BIGINT REFERENCES notices(id)
);
CREATE INDEX inspection_items_inspection ON inspection_items(inspection_id);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    owner_kind TEXT NOT NULL,
    owner_id BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    uploaded_by BIGINT REFERENCES users(id),
    uploaded_at TEXT NOT NULL
);
CREATE INDEX attachments_owner ON attachments(owner_kind, owner_id);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    period TEXT NOT NULL,
    period_kind TEXT NOT NULL,
    period_end TEXT NOT NULL,
    investment BIGINT NOT NULL,
    progress TEXT NOT NULL,
    problems TEXT NOT NULL,
    -- Whether the first submission arrived by the period's deadline (docs/status.md); edits keep it.
    on_time BIGINT NOT NULL,
    submitted_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- One report per project and period. Led by the period, and holding the project, so that "which
-- projects have filed this period" (an import, the home page) is read from the index alone.
CREATE UNIQUE INDEX reports_period ON reports(period, project_id);

-- The status read: a project's reports of a date window, every column it needs, so the table rows
-- are never visited.
CREATE INDEX reports_status ON reports(project_id, period_end, investment, period_kind, on_time);

-- Running totals of each project's reports, one row per project and year, the twelve months side by
-- side (docs/status.md, "How status is computed quickly"). Month M's columns: `inv_M` investment,
-- `h1_M` investment of periods ending by 30 June, `ot_M` on-time weekly reports, `last_M` the latest
-- period end with investment, each summed from 1 January to M's last day. Rewritten from the reports
-- in the same transaction as any change to that year's reports or to the project's actual start.
CREATE TABLE report_year_totals (
    project_id BIGINT NOT NULL REFERENCES projects(id),
    year BIGINT NOT NULL,
    inv_1 BIGINT NOT NULL DEFAULT 0,
    h1_1 BIGINT NOT NULL DEFAULT 0,
    ot_1 BIGINT NOT NULL DEFAULT 0,
    last_1 TEXT,
    inv_2 BIGINT NOT NULL DEFAULT 0,
    h1_2 BIGINT NOT NULL DEFAULT 0,
    ot_2 BIGINT NOT NULL DEFAULT 0,
    last_2 TEXT,
    inv_3 BIGINT NOT NULL DEFAULT 0,
    h1_3 BIGINT NOT NULL DEFAULT 0,
    ot_3 BIGINT NOT NULL DEFAULT 0,
    last_3 TEXT,
    inv_4 BIGINT NOT NULL DEFAULT 0,
    h1_4 BIGINT NOT NULL DEFAULT 0,
    ot_4 BIGINT NOT NULL DEFAULT 0,
    last_4 TEXT,
    inv_5 BIGINT NOT NULL DEFAULT 0,
    h1_5 BIGINT NOT NULL DEFAULT 0,
    ot_5 BIGINT NOT NULL DEFAULT 0,
    last_5 TEXT,
    inv_6 BIGINT NOT NULL DEFAULT 0,
    h1_6 BIGINT NOT NULL DEFAULT 0,
    ot_6 BIGINT NOT NULL DEFAULT 0,
    last_6 TEXT,
    inv_7 BIGINT NOT NULL DEFAULT 0,
    h1_7 BIGINT NOT NULL DEFAULT 0,
    ot_7 BIGINT NOT NULL DEFAULT 0,
    last_7 TEXT,
    inv_8 BIGINT NOT NULL DEFAULT 0,
    h1_8 BIGINT NOT NULL DEFAULT 0,
    ot_8 BIGINT NOT NULL DEFAULT 0,
    last_8 TEXT,
    inv_9 BIGINT NOT NULL DEFAULT 0,
    h1_9 BIGINT NOT NULL DEFAULT 0,
    ot_9 BIGINT NOT NULL DEFAULT 0,
    last_9 TEXT,
    inv_10 BIGINT NOT NULL DEFAULT 0,
    h1_10 BIGINT NOT NULL DEFAULT 0,
    ot_10 BIGINT NOT NULL DEFAULT 0,
    last_10 TEXT,
    inv_11 BIGINT NOT NULL DEFAULT 0,
    h1_11 BIGINT NOT NULL DEFAULT 0,
    ot_11 BIGINT NOT NULL DEFAULT 0,
    last_11 TEXT,
    inv_12 BIGINT NOT NULL DEFAULT 0,
    h1_12 BIGINT NOT NULL DEFAULT 0,
    ot_12 BIGINT NOT NULL DEFAULT 0,
    last_12 TEXT,
    PRIMARY KEY (project_id, year)
) WITHOUT ROWID;

-- Every log-in attempt, counted before the password is checked (docs/security.md).
CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    login TEXT NOT NULL,
    address TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE INDEX login_attempts_login ON login_attempts(login, address, id);
CREATE INDEX login_attempts_address ON login_attempts(address, at);
CREATE INDEX login_attempts_at ON login_attempts(at);
