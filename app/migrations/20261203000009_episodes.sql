-- Episodes of care: from intake (or a reopening) to closing, with the reason, the day and
-- the aftercare plan. The latest episode is the client's state; at most one is open (a
-- partial unique index, so two reopenings at once leave one). Every client so far is in
-- their first episode, open since they started.
CREATE TABLE episodes (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    number INTEGER NOT NULL CHECK (number > 0),
    opened_on TEXT NOT NULL,
    opened_by TEXT REFERENCES people (id),
    closed_on TEXT,
    close_reason TEXT CHECK (close_reason IN ('plan_completed', 'other_service', 'moved_away',
                                              'stopped_coming', 'other')),
    close_note TEXT,
    aftercare_supports TEXT,
    aftercare_contact TEXT,
    aftercare_return TEXT,
    closed_by TEXT REFERENCES people (id),
    closed_at TEXT,
    UNIQUE (client_id, number),
    CHECK ((closed_on IS NULL) = (close_reason IS NULL))
);
CREATE UNIQUE INDEX episodes_one_open ON episodes (client_id) WHERE closed_on IS NULL;

-- The first episode takes the client's id: one per client, unique like it.
INSERT INTO episodes (id, client_id, number, opened_on)
    SELECT person_id, person_id, 1, program_start_on FROM client_profiles;

-- Why a supporter's access ended when the client did not end it themself.
ALTER TABLE supporter_grants ADD COLUMN ended_because TEXT;
