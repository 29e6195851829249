-- The case manager's workspace: when each case manager last read a client's check-ins, so
-- that newer ones stand out on the caseload.
ALTER TABLE care_team ADD COLUMN check_ins_seen_at TEXT;

-- Admins edit the directory; two at once must not overwrite each other unseen.
ALTER TABLE services ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE resources ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
