-- Sync protocol v1: what each signed-in device was last sent, so that the next sync sends
-- only what changed. A generation is one answer's view; the cursor names it. A session keeps
-- the generation its device last confirmed (by syncing from it) and the newest one sent.
CREATE TABLE sync_generations (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    made_at TEXT NOT NULL
);
CREATE INDEX sync_generations_session ON sync_generations (session_id);

-- One row per item of a generation: its key and a digest of its content, never the content.
CREATE TABLE sync_items (
    generation_id TEXT NOT NULL REFERENCES sync_generations (id),
    item_key TEXT NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (generation_id, item_key)
);

-- When the client did it on their phone, which may be days before it arrived (offline).
-- created_at stays the arrival, so the case manager sees it as new.
ALTER TABLE check_ins ADD COLUMN made_at TEXT;
