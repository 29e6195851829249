-- How a client reaches their care team: the office's phone and hours, and each staff
-- member's own line.
ALTER TABLE organisations ADD COLUMN office_phone TEXT
    CHECK (office_phone IS NULL OR length(trim(office_phone)) > 0);
ALTER TABLE organisations ADD COLUMN office_hours TEXT
    CHECK (office_hours IS NULL OR length(trim(office_hours)) > 0);
ALTER TABLE people ADD COLUMN work_phone TEXT
    CHECK (work_phone IS NULL OR length(trim(work_phone)) > 0);

-- One primary case manager per client, said by the database: two changes of the team at
-- once cannot leave two.
CREATE UNIQUE INDEX care_team_one_primary ON care_team (client_id) WHERE role = 'primary';

-- A client handed from one case manager to another, with what the new one should know.
-- Kept for good, as part of the client's history.
CREATE TABLE handovers (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    from_id TEXT NOT NULL REFERENCES people (id),
    to_id TEXT NOT NULL REFERENCES people (id),
    note TEXT NOT NULL CHECK (length(trim(note)) > 0),
    handed_over_at TEXT NOT NULL
);
CREATE INDEX handovers_from ON handovers (from_id, handed_over_at);
CREATE INDEX handovers_client ON handovers (client_id, handed_over_at);
