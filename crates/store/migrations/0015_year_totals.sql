-- The running totals move from one row per project and month to one row per project and year, the
-- twelve months side by side (docs/status.md, "How status is computed quickly"). A report of month M
-- changes the totals of M and every later month of its year: with a row per month, a report of January
-- rewrote twelve rows and one of November two; now it rewrites one. The status read still reads one
-- row per project (and the year before's, for December's latest investment date). Month M's columns:
-- `inv_M` investment, `h1_M` investment of periods ending by 30 June, `ot_M` on-time weekly reports,
-- `last_M` the latest period end with investment, each summed from 1 January to M's last day. A year
-- has a row when the project reported in it; months before its first report hold zeros. The rows are
-- rebuilt from the reports once the migration has run.
CREATE TABLE report_year_totals (
    project_id BIGINT NOT NULL,
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
){CLUSTERED};
DROP TABLE report_totals;
