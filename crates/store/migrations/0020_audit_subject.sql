-- The audit log is found by what a record is about rather than by its exact id, and is written a week
-- at a time without a page per record.
--
-- A live system's log holds a record for every report (four and a half million at province scale).
-- The (entity, entity id) index put each of a weekly import's 20,000 records on a page of its own
-- among its project's earlier ones, in an index of 300 MB; and the audit page, asked for a code
-- without a kind, could not use it and read the whole log (250 ms at that size).
--
-- * `audit_kind`: the kind alone. Ten-odd values; a week's report records are added at the end of
--   the report kind's range.
-- * `audit_subject` (per engine, next file): the id up to its first '/', the project code of a
--   project's own records and of its reports' and site visits' ("GP000123/2026-W48"). The audit page's
--   code search reads it: a project's code finds the project and everything recorded under it.
DROP INDEX audit_entity;
CREATE INDEX audit_kind ON audit(entity);
