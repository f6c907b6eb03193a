-- A week's reports land in one place of every index they are added to (PostgreSQL).
--
-- The unique (project, period) index, with the status columns it carried since 0016, was the largest
-- index of the largest table (338 MB at province scale), and it led with the project: each report of a
-- weekly import went onto a page of its own, so 20,000 reports dirtied 20,000 random pages of an index
-- larger than the default buffer pool — half of the import's time writing its reports.
--
-- * Uniqueness is now kept by (period, project): a week's reports are added side by side at one place,
--   and "has this project filed this period" and "who has filed this period" are both answered by it.
-- * One project's reports are found through a plain project index. Its keys repeat (a hundred reports
--   per project), which PostgreSQL stores once per page with the list of rows: 30 MB instead of 338,
--   small enough to stay in the buffer pool though every report still touches its project's page.
--   Reads of one project's window (the stall rule of a project page) now visit the table for that
--   project's rows; a project page reads them anyway to list its reports.
--
-- A week of 20,000 existing projects wrote its reports in 128 ms instead of 257 ms.
CREATE UNIQUE INDEX reports_period_project ON reports(period, project_id);
CREATE INDEX reports_project ON reports(project_id);
ALTER TABLE reports DROP CONSTRAINT reports_project_id_period_key;
ALTER TABLE reports ADD CONSTRAINT reports_period_project_key UNIQUE USING INDEX reports_period_project;
