-- The projects lose their stage index.
--
-- A stage is one of six, each held by thousands of a province's projects: no query finds a few rows
-- through it. The project list filters its cached statuses by stage in memory, and its uncached read
-- computes the statuses of every matching project, next to which a scan of the projects (13 MB at
-- province scale, about 7 ms on PostgreSQL) is small; the category, as common a filter, never had an
-- index. Every project an import writes took an entry in it: 5,000 projects 30 → 26 ms on PostgreSQL.
DROP INDEX projects_stage;
