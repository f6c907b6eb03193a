-- 发文字号: each authority's documents are numbered by year (云政督〔2026〕12号), a number given
-- once and never again. Each number is kept with what it was given to (the document's kind and its
-- subject, such as a region's scorecard of a quarter), so that the same document produced again —
-- downloaded twice, printed from the command line — carries the same number.
CREATE TABLE doc_numbers (
    id INTEGER PRIMARY KEY,
    -- 机关代字, e.g. 云政督.
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL CHECK (seq > 0),
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    title TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    UNIQUE (prefix, year, seq),
    UNIQUE (kind, subject)
);

-- The last number given by each prefix in each year: taking the next one updates this row, which
-- makes documents numbered at the same moment wait for each other instead of taking the same number.
CREATE TABLE doc_sequences (
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);
