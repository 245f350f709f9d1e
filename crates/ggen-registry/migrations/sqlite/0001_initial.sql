-- ggen-registry schema v1 (SQLite): packs, versions, tokens and the change sequence.

-- One row; `seq` grows by one with every publish, yank and unyank. Servers sharing the database
-- poll `packs.seq` against it to invalidate their index caches.
CREATE TABLE registry_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);
INSERT INTO registry_state (id, seq) VALUES (1, 0);

CREATE TABLE packs (
    id TEXT PRIMARY KEY NOT NULL,
    created_at BIGINT NOT NULL,
    seq BIGINT NOT NULL
);
CREATE INDEX packs_seq ON packs (seq);

-- One row per published version. `line` is the index line exactly as published (not yanked);
-- `yanked` is the only thing that ever changes. Archives are stored by checksum.
CREATE TABLE versions (
    pack_id TEXT NOT NULL REFERENCES packs (id),
    vers TEXT NOT NULL,
    line TEXT NOT NULL,
    cksum TEXT NOT NULL,
    size BIGINT NOT NULL,
    yanked BOOLEAN NOT NULL DEFAULT FALSE,
    published_at BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (pack_id, vers)
);

-- API tokens: `ggr_<id>_<secret>`; only the SHA-256 of the secret is stored.
CREATE TABLE tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
