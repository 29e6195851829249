-- Safety plans: every save is a new version, so nothing the client or their case manager
-- wrote is lost. The unique (client, version) is the concurrency check: of two saves over
-- the same version, one is refused by the database.
CREATE TABLE safety_plan_versions (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    version INTEGER NOT NULL CHECK (version > 0),
    warning_signs TEXT NOT NULL,
    triggers TEXT NOT NULL,
    coping TEXT NOT NULL,
    places TEXT NOT NULL,
    naloxone TEXT NOT NULL,
    -- The people to call, as a JSON array of {"name", "phone"}.
    helpers TEXT NOT NULL,
    saved_by TEXT NOT NULL REFERENCES people (id),
    saved_at TEXT NOT NULL,
    UNIQUE (client_id, version)
);
