-- The audit trail's hashes become keyed (HMAC-SHA-256 with WAYPOINT_AUDIT_KEY). A trail
-- written before is re-chained under the key once, at the next start, after its plain
-- chain is checked (`db::key_audit_trail`); until then `keyed` is 0.
ALTER TABLE audit_head ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;

-- One-time codes an admin gives a staff member to choose a new passphrase (their sign-in
-- name stays). Stored as SHA-256; a new code replaces any unused one.
CREATE TABLE staff_reset_codes (
    code_hash TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    created_by TEXT NOT NULL REFERENCES people (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX staff_reset_codes_person ON staff_reset_codes (person_id);
