-- A unit merged away or dissolved is retired (撤销), never deleted: its projects, tasks, notices and
-- audit records keep naming it and stay readable; it is no longer offered for new records or users.
ALTER TABLE units ADD COLUMN retired_on TEXT;
