-- Indexes every import pays for on every row, trimmed on PostgreSQL:
--
-- * `reports_period` serves SQLite's "who has reported these periods" read, which goes through the
--   scope's units; PostgreSQL answers that read project by project through the unique
--   (project, period) index (`reported_pg`), and no other statement looks reports up by period alone.
-- * `audit_at` serves the audit page's date filter. The log is append-only and written in time order,
--   so its rows lie on disk in `at` order: a BRIN index — one summary per block range, a few pages for
--   millions of rows, and next to nothing to keep up — finds a date range as well as a B-tree here.
--
-- SQLite keeps both B-trees: it has no BRIN, and its own read uses the period index.
DROP INDEX reports_period;
DROP INDEX audit_at;
CREATE INDEX audit_at ON audit USING brin (at);
