-- SQLite cannot drop a constraint: the running totals move to a table without the foreign key (see
-- 0011_totals_unbound_postgres.sql for why).
CREATE TABLE report_totals_new (
    project_id BIGINT NOT NULL,
    month TEXT NOT NULL,
    investment BIGINT NOT NULL,
    by_june_30 BIGINT NOT NULL,
    on_time BIGINT NOT NULL,
    last_investment_end TEXT,
    PRIMARY KEY (project_id, month)
) WITHOUT ROWID;
INSERT INTO report_totals_new SELECT project_id, month, investment, by_june_30, on_time, last_investment_end FROM report_totals;
DROP TABLE report_totals;
ALTER TABLE report_totals_new RENAME TO report_totals;
