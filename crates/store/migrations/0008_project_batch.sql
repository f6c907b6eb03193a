-- The batch filter lists the distinct batches: read them from an index, not the table.
CREATE INDEX projects_batch ON projects(batch);
