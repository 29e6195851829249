-- Intake: what a case manager records when a client joins the program. The columns are
-- nullable because clients added before intake existed have none of it; the intake form
-- requires what it needs.
ALTER TABLE client_profiles ADD COLUMN date_of_birth TEXT;
ALTER TABLE client_profiles ADD COLUMN phone TEXT CHECK (phone IS NULL OR length(trim(phone)) > 0);
-- Whether the team may leave a message at that phone (a shared phone, a partner who does
-- not know): 'yes' or 'no'.
ALTER TABLE client_profiles ADD COLUMN leave_messages TEXT
    CHECK (leave_messages IS NULL OR leave_messages IN ('yes', 'no'));
ALTER TABLE client_profiles ADD COLUMN preferred_language TEXT
    CHECK (preferred_language IS NULL OR length(trim(preferred_language)) > 0);
-- The organisation, the name (lower case, single spaces) and the date of birth, joined:
-- one person is one client in a program. The unique index is the duplicate check, so two
-- case managers adding the same person at the same moment make one record.
ALTER TABLE client_profiles ADD COLUMN identity_key TEXT;
CREATE UNIQUE INDEX client_profiles_identity ON client_profiles (identity_key);
ALTER TABLE client_profiles ADD COLUMN added_by TEXT REFERENCES people (id);
ALTER TABLE client_profiles ADD COLUMN added_at TEXT;
