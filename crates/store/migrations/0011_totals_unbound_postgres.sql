-- The running totals are derived data: every row is rewritten from `reports` by the store's own writers
-- in the same transaction as the reports (crates/store/src/totals.rs), readers reach them only from a
-- project, deleting a project's reports deletes its totals, and `diaodu status --check-totals` verifies
-- them. Their foreign key to `projects` guarded nothing those rules do not, and cost an import one
-- lookup and one row lock per row written — a report of November writes two rows, one of January
-- twelve.
ALTER TABLE report_totals DROP CONSTRAINT report_totals_project_id_fkey;
