-- Messages between a client (or a supporter the client lets write) and the client's care
-- team. Part of the record: only ever added and marked (read, handled), never edited or
-- deleted. A client's or supporter's message is stored once per key, from a page's form or
-- the phone's queue, like check-ins.
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    -- NULL: the client's own conversation with the team; otherwise the supporter's,
    -- through this grant (which must hold the 'messages' share when they write).
    grant_id TEXT REFERENCES supporter_grants (id),
    sender TEXT NOT NULL CHECK (sender IN ('client', 'supporter', 'team')),
    written_by TEXT NOT NULL REFERENCES people (id),
    body TEXT NOT NULL CHECK (length(trim(body)) > 0 AND length(body) <= 2000),
    idempotency_key TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    -- When the other side first read it (the team a client's; the client the team's).
    read_at TEXT,
    -- A message to the team is handled once someone on the team answered or marked it.
    handled_at TEXT,
    handled_by TEXT REFERENCES people (id),
    UNIQUE (written_by, idempotency_key)
);
CREATE INDEX messages_conversation ON messages (client_id, grant_id, sent_at);
CREATE INDEX messages_waiting ON messages (client_id, handled_at, sender);
