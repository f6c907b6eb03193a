-- Running totals of each project's reports (docs/status.md, "How status is computed quickly"): the row
-- for month M of a year holds the sums over the periods ending from 1 January of that year to the last
-- day of M. Every year in which a project reported has all twelve rows. They are rewritten from the
-- reports in the same transaction as any change to that year's reports or to the project's actual start.
CREATE TABLE report_totals (
    project_id BIGINT NOT NULL REFERENCES projects(id),
    month TEXT NOT NULL,
    investment BIGINT NOT NULL,
    by_june_30 BIGINT NOT NULL,
    on_time BIGINT NOT NULL,
    last_investment_end TEXT,
    PRIMARY KEY (project_id, month)
){CLUSTERED};
