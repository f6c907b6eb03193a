-- PostgreSQL checks a foreign key row by row: for every row written it runs a look-up of the parent
-- and locks it, which cost an import of 20,000 projects a quarter of its time (the same unit looked up
-- 20,000 times) and one of reports an eighth (docs/benchmarks.md). The three references that imports
-- write in bulk are checked once a statement instead, with the same guarantees:
--
-- * child side: after each statement writing projects or reports, the distinct parents its rows name
--   are locked `FOR KEY SHARE` in one statement — the lock the foreign key took, so a delete of the
--   parent waits for this transaction — and a parent that is missing fails the statement with the
--   foreign-key error code (23503);
-- * parent side: deleting a unit, project or user, or changing its id, while a row still names it
--   fails the same way; the row lock the delete takes first makes it wait for any writer holding the
--   key-share lock, and the check then sees that writer's rows.
--
-- SQLite keeps its declared foreign keys: there a check is one index probe.
ALTER TABLE projects DROP CONSTRAINT projects_unit_id_fkey;
ALTER TABLE reports DROP CONSTRAINT reports_project_id_fkey;
ALTER TABLE reports DROP CONSTRAINT reports_submitted_by_fkey;

CREATE FUNCTION projects_units_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing BIGINT;
BEGIN
    SELECT n.unit_id INTO missing
      FROM (SELECT DISTINCT unit_id FROM new_rows) n
      LEFT JOIN (SELECT id FROM units WHERE id IN (SELECT unit_id FROM new_rows) FOR KEY SHARE) u
        ON u.id = n.unit_id
     WHERE u.id IS NULL
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'projects.unit_id % names no unit', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER projects_units_exist_insert AFTER INSERT ON projects
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION projects_units_exist();
CREATE TRIGGER projects_units_exist_update AFTER UPDATE ON projects
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION projects_units_exist();

CREATE FUNCTION reports_parents_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing BIGINT;
BEGIN
    SELECT n.project_id INTO missing
      FROM (SELECT DISTINCT project_id FROM new_rows) n
      LEFT JOIN (SELECT id FROM projects WHERE id IN (SELECT project_id FROM new_rows) FOR KEY SHARE) p
        ON p.id = n.project_id
     WHERE p.id IS NULL
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'reports.project_id % names no project', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT n.submitted_by INTO missing
      FROM (SELECT DISTINCT submitted_by FROM new_rows WHERE submitted_by IS NOT NULL) n
      LEFT JOIN (SELECT id FROM users WHERE id IN (SELECT submitted_by FROM new_rows) FOR KEY SHARE) u
        ON u.id = n.submitted_by
     WHERE u.id IS NULL
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'reports.submitted_by % names no user', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reports_parents_exist_insert AFTER INSERT ON reports
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_parents_exist();
CREATE TRIGGER reports_parents_exist_update AFTER UPDATE ON reports
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reports_parents_exist();

-- Parent side. `TG_ARGV[0]` is the child table, `TG_ARGV[1]` its referencing column.
CREATE FUNCTION still_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    used BOOLEAN;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
        RETURN NEW;
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I = $1)', TG_ARGV[0], TG_ARGV[1])
        INTO used USING OLD.id;
    IF used THEN
        RAISE EXCEPTION '%.id % is still named by %.%', TG_TABLE_NAME, OLD.id, TG_ARGV[0], TG_ARGV[1]
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER units_keep_projects BEFORE DELETE OR UPDATE OF id ON units
    FOR EACH ROW EXECUTE FUNCTION still_referenced('projects', 'unit_id');
CREATE TRIGGER projects_keep_reports BEFORE DELETE OR UPDATE OF id ON projects
    FOR EACH ROW EXECUTE FUNCTION still_referenced('reports', 'project_id');
CREATE TRIGGER users_keep_reports BEFORE DELETE OR UPDATE OF id ON users
    FOR EACH ROW EXECUTE FUNCTION still_referenced('reports', 'submitted_by');
