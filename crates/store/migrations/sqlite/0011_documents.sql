-- 材料库: every document the platform issues (the monthly notice, a meeting's briefing and minutes, a
-- supervision notice, …) and every reference a user uploads (a province's notice, a speech), with
-- the text read from it for search. A generated document is one row per kind and subject (the
-- minutes of meeting 12), replaced when it is issued again with other content; its file is kept
-- by content (SHA-256) on disk beside the attachments, so earlier versions' files stay.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    -- The order of the library, newest first: the day of 成文日期 (days since 1970) times 2^32, plus
    -- the id. Also the row's key in documents_fts, so the search walks it in this order.
    sort_key BIGINT NOT NULL DEFAULT 0,
    -- monthly_notice, scorecard_notice, briefing, minutes, supervision_notice, closing_report,
    -- reference (uploaded).
    kind TEXT NOT NULL,
    -- What a generated document is of (`meeting:12`); NULL for uploads.
    subject TEXT,
    -- 发文字号, or empty.
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    -- 成文日期, YYYY-MM-DD.
    doc_date TEXT NOT NULL,
    year BIGINT NOT NULL,
    -- 发文机关 and 主送机关, as written on the document.
    issuer TEXT NOT NULL,
    recipients TEXT NOT NULL,
    -- The unit whose records it concerns: who may see it follows from this unit, as for the records.
    unit_id BIGINT NOT NULL REFERENCES units(id),
    meeting_id BIGINT REFERENCES meetings(id),
    project_id BIGINT REFERENCES projects(id),
    task_id BIGINT REFERENCES tasks(id),
    notice_id BIGINT REFERENCES notices(id),
    -- Documents of one series (one unit's dispatch meetings, one unit's monthly notices), or empty.
    series TEXT NOT NULL,
    summary TEXT NOT NULL,
    chars BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    -- The text, as extracted; searched.
    body TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (kind, subject)
);
CREATE UNIQUE INDEX documents_sort ON documents(sort_key);
CREATE INDEX documents_series ON documents(series, sort_key);
CREATE INDEX documents_meeting ON documents(meeting_id);
CREATE INDEX documents_project ON documents(project_id);
CREATE INDEX documents_task ON documents(task_id);
CREATE INDEX documents_notice ON documents(notice_id);

-- The search index: the terms of the title and of the text (Chinese cut into overlapping pairs of
-- characters by diaodu, see diaodu_domain::fulltext) and the tags a list filters on (unit, kind,
-- year, records), space-separated; its rowid is the document's sort_key. It keeps no copy of the
-- text (contentless) and no positions (a search word is then looked for in the text itself).
CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, body, tags,
    content = '', contentless_delete = 1, detail = column,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '_'"
);
