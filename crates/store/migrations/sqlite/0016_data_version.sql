-- The data's version (数据版本): one row whose number every writing transaction raises by one just
-- before it commits. Writers queue on the row, so the numbers follow the order of the commits: an
-- instance that reads a number has seen every commit up to it and none after, and a computed value kept
-- under one number is up to date exactly while the number stays (see the store's `cache.rs`).
CREATE TABLE data_version (
    id INTEGER PRIMARY KEY,
    n BIGINT NOT NULL
);
INSERT INTO data_version (id, n) VALUES (1, 0);
