-- Indicators (指标), their yearly targets and the values of every region and period.

CREATE TABLE indicators (
    id {ID},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    direction TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE indicator_targets (
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    year BIGINT NOT NULL,
    target DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (indicator_id, year)
);

CREATE TABLE indicator_values (
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    period TEXT NOT NULL,
    period_kind TEXT NOT NULL,
    level DOUBLE PRECISION,
    growth DOUBLE PRECISION,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (indicator_id, unit_id, period)
);
CREATE INDEX indicator_values_period ON indicator_values(indicator_id, period);
