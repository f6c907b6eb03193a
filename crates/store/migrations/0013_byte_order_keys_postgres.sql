-- The text keys that imports look up and index by the thousand — project codes, report periods,
-- running-total months, audit entities, ids and times — compare byte by byte, as SQLite compares all
-- text. Under the database's own collation (C.UTF-8, zh_CN.UTF-8, en_US.UTF-8 …) every comparison in
-- those indexes went through the locale's collation routine, which cost an import of 20,000 reports
-- about a tenth of its time (docs/benchmarks.md). The keys are codes, ISO dates and periods, mostly
-- ASCII, whose byte order (code point order for the rest) is their natural order; both engines now
-- sort them alike. Names and other Chinese text keep the database's collation.
ALTER TABLE projects ALTER COLUMN code TYPE TEXT COLLATE "C";
ALTER TABLE reports ALTER COLUMN period TYPE TEXT COLLATE "C";
ALTER TABLE report_totals ALTER COLUMN month TYPE TEXT COLLATE "C";
ALTER TABLE audit
    ALTER COLUMN entity TYPE TEXT COLLATE "C",
    ALTER COLUMN entity_id TYPE TEXT COLLATE "C",
    ALTER COLUMN at TYPE TEXT COLLATE "C";
