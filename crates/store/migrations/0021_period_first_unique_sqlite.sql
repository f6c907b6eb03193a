-- SQLite keeps a report unique by (period, project) instead of (project, period), as PostgreSQL does
-- since 0019.
--
-- The table-level UNIQUE (project_id, period) led with the project, like the status index
-- `reports_status`: each report of a week's import went into two indexes at random places, and at
-- province scale its 20,000 reports dirtied about 40,000 pages, far more than SQLite's page cache,
-- which wrote them out while the import ran. Uniqueness is now kept by the period-first index, where a
-- week's reports are added side by side at its end; one index per report lands at random (the status
-- index, which the status read needs). A week of 20,000 existing projects wrote its reports in about
-- half the time (import 32–33k → 46–48k rows/s).
--
-- SQLite cannot drop a table constraint: the table is rebuilt (at province scale, 4.6 million
-- reports: about 20 seconds, once). No table refers to reports. The columns are those of 0001.
CREATE TABLE reports_new (
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
INSERT INTO reports_new (id, project_id, period, period_kind, period_end, investment, progress, problems,
    on_time, submitted_by, created_at, updated_at)
SELECT id, project_id, period, period_kind, period_end, investment, progress, problems,
    on_time, submitted_by, created_at, updated_at
FROM reports;
DROP TABLE reports;
ALTER TABLE reports_new RENAME TO reports;
CREATE UNIQUE INDEX reports_period ON reports(period, project_id);
CREATE INDEX reports_status ON reports(project_id, period_end, investment, period_kind, on_time);
