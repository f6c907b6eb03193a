-- Inspection campaigns (督查活动) with their items and findings, and attachments of any record.

CREATE TABLE inspections (
    id {ID},
    title TEXT NOT NULL,
    scope_kind TEXT NOT NULL,
    scope_value TEXT NOT NULL,
    checklist TEXT NOT NULL,
    inspectors TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    state TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL
);

CREATE TABLE inspection_items (
    id {ID},
    inspection_id BIGINT NOT NULL REFERENCES inspections(id),
    subject_kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    label TEXT NOT NULL,
    findings TEXT NOT NULL,
    severity TEXT NOT NULL,
    checked_at TEXT,
    checked_by BIGINT REFERENCES users(id),
    notice_id BIGINT REFERENCES notices(id)
);
CREATE INDEX inspection_items_inspection ON inspection_items(inspection_id);

CREATE TABLE attachments (
    id {ID},
    owner_kind TEXT NOT NULL,
    owner_id BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    uploaded_by BIGINT REFERENCES users(id),
    uploaded_at TEXT NOT NULL
);
CREATE INDEX attachments_owner ON attachments(owner_kind, owner_id);
