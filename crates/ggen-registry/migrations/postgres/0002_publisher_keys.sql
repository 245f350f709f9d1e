-- ggen-registry schema v2 (PostgreSQL): publisher keys the server verifies signatures with, who
-- published a version, and when a token was last used.

CREATE TABLE publisher_keys (
    key_id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    added_at BIGINT NOT NULL
);

ALTER TABLE tokens ADD COLUMN last_used_at BIGINT;
ALTER TABLE versions ADD COLUMN published_by BIGINT;
