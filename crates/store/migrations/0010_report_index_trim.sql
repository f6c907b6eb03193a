-- Every report written updates every index of `reports`; two of them serve no query. The status read's
-- covering index `reports_status (project_id, period_end, …)` begins with the columns of
-- `reports_project_end`, so that one is redundant, and no statement looks reports up by their end date
-- alone across projects (every read starts from a project or a period).
DROP INDEX reports_project_end;
DROP INDEX reports_end;
