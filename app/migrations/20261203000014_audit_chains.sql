-- Each organisation's audit entries make a chain of their own, so audited work in one
-- program never waits on another's: the one audit_head row made every writer of every
-- organisation wait in line. A writer now takes its own chain's row (audit_chains) first.
-- The chain '' holds the entries of no organisation (the server's own) and every entry
-- written before this migration, with their numbers and hashes unchanged, so a head kept
-- elsewhere from before still checks.
CREATE TABLE audit_chains (
    -- The organisation's id, or '' (see above).
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    -- Whether the chain's hashes are keyed; only '' can be unkeyed (a trail from before keys).
    keyed INTEGER NOT NULL DEFAULT 1
);
INSERT INTO audit_chains (id, seq, hash, keyed) SELECT '', seq, hash, keyed FROM audit_head;

CREATE TABLE audit_entries (
    chain TEXT NOT NULL,
    -- From 1 within the chain, with no gap.
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor_id TEXT,
    actor_role TEXT,
    action TEXT NOT NULL,
    client_id TEXT,
    target TEXT,
    address TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'refused')),
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (chain, seq)
);
INSERT INTO audit_entries (chain, seq, at, actor_id, actor_role, action, client_id, target,
                           address, outcome, prev_hash, hash)
SELECT '', seq, at, actor_id, actor_role, action, client_id, target, address, outcome,
       prev_hash, hash
FROM audit_events;
DROP TABLE audit_events;
DROP TABLE audit_head;
ALTER TABLE audit_entries RENAME TO audit_events;
CREATE INDEX audit_events_client ON audit_events (client_id, at);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_chain_at ON audit_events (chain, at);
