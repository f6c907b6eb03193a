-- A report import locks every project it writes reports for (`FOR NO KEY UPDATE`, by id, before its
-- first report) and writes reports only for the projects that lock returned. The statement-level
-- check of 0012 then only re-finds and re-locks the same projects: 8 – 15 % of a week's import.
-- Such a transaction says so with `SET LOCAL diaodu.parents_locked = 'on'` (reset when it ends), and
-- the check leaves out the projects; the user reference is still checked. Every other writer —
-- submissions, raw statements, another program — is checked as before: the setting holds for one
-- transaction, and only the import sets it, after taking the locks.
CREATE OR REPLACE FUNCTION reports_parents_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing BIGINT;
BEGIN
    IF current_setting('diaodu.parents_locked', true) IS DISTINCT FROM 'on' THEN
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
