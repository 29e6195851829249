-- What a client suggests for their plan (a goal, or a step on one of their goals), from a
-- page's form or from the phone's queue: once per key, like check-ins. The care team takes
-- it into the draft (in the client's words) or answers it; the client sees which.
CREATE TABLE plan_suggestions (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    goal_id TEXT REFERENCES goals (id),
    body TEXT NOT NULL CHECK (length(trim(body)) > 0),
    idempotency_key TEXT NOT NULL,
    suggested_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'taken', 'answered')),
    answer TEXT,
    answered_by TEXT REFERENCES people (id),
    answered_at TEXT,
    UNIQUE (client_id, idempotency_key)
);
CREATE INDEX plan_suggestions_waiting ON plan_suggestions (client_id, state);
