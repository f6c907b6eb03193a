-- The day an escalation step took effect (the reply deadline plus the step's days), which the
-- hourly run records later than that when it finds the notice: the page shows both. Empty for the
-- other events, whose day is when they were recorded.
ALTER TABLE notice_events ADD COLUMN effective_on TEXT;
