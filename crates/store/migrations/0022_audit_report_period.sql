-- A week's report records are added to the audit log's search index side by side.
--
-- The subject index of 0020 (a record's id up to its first '/', the project code) took each of a
-- weekly import's 20,000 report records at a random place: an index of 120 MB at province scale, the
-- largest cost of a SQLite weekly import after the status index (without it: 40k → 53k rows/s). The
-- report records are now indexed by period, then code: a week's records are added together at one
-- place. The audit page's code search finds a project's report records by visiting each period the log
-- holds (a few hundred, one index step each) and looking the code up within it; every other record
-- keeps the subject index, now without the report records (per engine, next file).
DROP INDEX audit_subject;
