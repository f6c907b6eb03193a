-- diaodu schema, version 1. Portable SQL: {ID} becomes the engine's auto-increment primary key.
-- Money is BIGINT yuan; dates are TEXT 'YYYY-MM-DD'; timestamps TEXT RFC 3339 UTC; flags BIGINT 0/1.

CREATE TABLE units (
    id {ID},
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
    id {ID},
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_failures (
    id {ID},
    login TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_login ON login_failures(login, at);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE projects (
    id {ID},
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
CREATE INDEX projects_stage ON projects(stage);

CREATE TABLE reports (
    id {ID},
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
    updated_at TEXT NOT NULL,
    UNIQUE (project_id, period)
);
CREATE INDEX reports_project_end ON reports(project_id, period_end);
CREATE INDEX reports_end ON reports(period_end);

CREATE TABLE site_visits (
    id {ID},
    project_id BIGINT NOT NULL REFERENCES projects(id),
    visit_date TEXT NOT NULL,
    findings TEXT NOT NULL,
    coordination TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX site_visits_project ON site_visits(project_id);

CREATE TABLE admission_rules (
    id {ID},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    test_kind TEXT NOT NULL,
    keywords TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE admission_refusals (
    id {ID},
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
    id {ID},
    at TEXT NOT NULL,
    user_id BIGINT,
    user_login TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_entity ON audit(entity, entity_id);
CREATE INDEX audit_at ON audit(at);
