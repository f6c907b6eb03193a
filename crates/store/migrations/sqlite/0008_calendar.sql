-- The holiday arrangement (节假日安排) the reporting calendar reads: days off ('off') and weekend
-- days worked ('work', 调休上班), each with the holiday it belongs to. Other days follow the week:
-- Monday to Friday working, Saturday and Sunday off.
CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('off', 'work')),
    name TEXT NOT NULL
);
