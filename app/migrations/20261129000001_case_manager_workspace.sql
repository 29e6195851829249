-- The case manager's workspace: when each case manager last read a client's check-ins, so
-- that newer ones stand out on the caseload.
ALTER TABLE care_team ADD COLUMN check_ins_seen_at TEXT;
