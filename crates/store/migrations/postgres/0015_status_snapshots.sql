-- Weekly figures kept for trends (the cockpit's last twelve weeks): each unit's own projects that
-- were stalled (开而未建), not started past their planned start, and red, as of a Sunday. Computed
-- once for a Sunday when first asked for, from the statuses as of that day, and kept.
CREATE TABLE status_snapshots (
    day TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    stalled BIGINT NOT NULL,
    late_start BIGINT NOT NULL,
    red BIGINT NOT NULL,
    PRIMARY KEY (day, unit_id)
);
