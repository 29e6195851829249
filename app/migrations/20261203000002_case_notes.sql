-- Case notes: staff-only records of each contact with a client, or each try. Only ever
-- added (nothing updates or deletes them), so what a case manager wrote is never lost.
CREATE TABLE case_notes (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    kind TEXT NOT NULL CHECK (kind IN ('in_person', 'phone', 'outreach', 'no_answer',
                                       'other_service')),
    contact_on TEXT NOT NULL,
    body TEXT NOT NULL CHECK (length(trim(body)) > 0),
    written_by TEXT NOT NULL REFERENCES people (id),
    written_at TEXT NOT NULL
);
CREATE INDEX case_notes_client ON case_notes (client_id, contact_on);
