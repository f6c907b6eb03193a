-- Status reads a project's reports of a date window: this index holds every column that read needs,
-- so the database never visits the table rows. `reported` looks reports up by period.
CREATE INDEX reports_status ON reports(project_id, period_end, investment, period_kind, on_time);
CREATE INDEX reports_period ON reports(period);
