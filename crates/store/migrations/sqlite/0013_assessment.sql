-- The units' assessment (目标责任考核). A year's scheme is kept as versions: each change adds the
-- next version, the newest is in force, and the older ones stay for the record (the audit log holds
-- who changed what). The items are JSON (`diaodu_domain::assessment::Scheme`): weights, thresholds
-- and which unit kinds each item applies to are data; an item's kind is code.
CREATE TABLE assessment_schemes (
    year BIGINT NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    version BIGINT NOT NULL CHECK (version > 0),
    items TEXT NOT NULL,
    created_at TEXT NOT NULL,
    user_login TEXT NOT NULL,
    PRIMARY KEY (year, version)
);

-- The office's bonuses (positive) and deductions (negative) for a unit, in hundredths of a point,
-- with the reason and, where there is one, the document behind it. Withdrawn rather than deleted.
CREATE TABLE assessment_adjustments (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    year BIGINT NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    on_date TEXT NOT NULL,
    points BIGINT NOT NULL CHECK (points BETWEEN -10000 AND 10000 AND points <> 0),
    reason TEXT NOT NULL,
    document TEXT NOT NULL,
    created_at TEXT NOT NULL,
    user_login TEXT NOT NULL,
    withdrawn_at TEXT
);
CREATE INDEX assessment_adjustments_year ON assessment_adjustments(year, unit_id);
