-- The units' boundaries for the cockpit's map, from a GeoJSON file the administrator uploads: each
-- matched unit's outer rings as JSON `[[[lon, lat], …], …]`. An upload replaces them all; the file's
-- features that matched no unit are kept with the upload, for the administrator to see.
CREATE TABLE unit_shapes (
    unit_id BIGINT PRIMARY KEY REFERENCES units(id),
    rings TEXT NOT NULL
);

CREATE TABLE map_uploads (
    id INTEGER PRIMARY KEY,
    file_name TEXT NOT NULL,
    features BIGINT NOT NULL,
    matched BIGINT NOT NULL,
    unmatched TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    user_login TEXT NOT NULL
);
