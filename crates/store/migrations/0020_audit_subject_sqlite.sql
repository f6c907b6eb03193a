-- SQLite has no split_part; the expression must be written the same way in the queries
-- (`audit::subject_expr`) for the index to be used.
CREATE INDEX audit_subject ON audit (CASE WHEN instr(entity_id, '/') > 0 THEN substr(entity_id, 1, instr(entity_id, '/') - 1) ELSE entity_id END);
