-- A report import also locks the user it writes as (every report it writes or edits names that user
-- as its submitter), so the statement-level check of 0012/0018 leaves out the user reference too when
-- `diaodu.parents_locked` is on: it read the distinct submitters of every 5,000 reports written or
-- edited and locked the one user again, 13–18 ms a statement (a tenth of a corrected week's import).
-- The setting still holds for one transaction, and only the import sets it, after taking both locks.
CREATE OR REPLACE FUNCTION reports_parents_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing BIGINT;
BEGIN
    IF current_setting('diaodu.parents_locked', true) IS NOT DISTINCT FROM 'on' THEN
        RETURN NULL;
    END IF;
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
