-- What each commit that changed only reports changed, by the data version it took: written in the
-- same transaction as the commit, so every instance can bring its cached statuses up to a newer
-- version by computing only those projects again — not only the instance that wrote them. A
-- version with no row here changed something else, and cached values are computed afresh. Rows
-- far behind the current version are pruned as new ones come.
CREATE TABLE data_changes (
    n BIGINT NOT NULL,
    project_id BIGINT NOT NULL,
    period TEXT NOT NULL,
    PRIMARY KEY (n, project_id, period)
);
