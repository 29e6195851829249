-- Every try at a secret (a passphrase, a code, a passkey), recorded before it is checked, so
-- that a storm of tries at once cannot slip past the throttle.
--   throttle_key: what the try counts against, namespaced so no typed name can collide with
--     another kind: 'name:<typed>', 'person:<id>', 'device:<id>', 'code:<address>'.
--   address_key: 'address:<client address>'.
--   outcome: 'checking' while the secret is checked (it counts as a guess until settled,
--     so a dropped request still counts), then 'failed', 'succeeded', 'throttled' (refused
--     without checking), 'busy' (refused because too many checks were under way), or
--     'forgiven' (a failure before a success).
CREATE TABLE sign_in_attempts (
    id TEXT PRIMARY KEY,
    throttle_key TEXT NOT NULL,
    address_key TEXT NOT NULL,
    attempted_at TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('checking', 'failed', 'succeeded', 'throttled', 'busy', 'forgiven'))
);
CREATE INDEX sign_in_attempts_key ON sign_in_attempts (throttle_key, attempted_at);
CREATE INDEX sign_in_attempts_address ON sign_in_attempts (address_key, attempted_at);
CREATE INDEX sign_in_attempts_time ON sign_in_attempts (attempted_at);

-- One row per key ever tried: a try locks its keys' rows (in key order) for the moment it
-- counts and records, so tries for one key take turns on PostgreSQL as on SQLite (whose
-- changes take turns anyway).
CREATE TABLE throttle_turns (
    throttle_key TEXT PRIMARY KEY,
    touched_at TEXT NOT NULL
);

DROP TABLE sign_in_failures;

-- A passkey sign-in's start is a try that is being checked until the passkey answers.
ALTER TABLE passkey_ceremonies ADD COLUMN attempt_id TEXT;
CREATE INDEX passkey_ceremonies_expiry ON passkey_ceremonies (expires_at);

-- Phones that have signed in to an account before (OWASP's "device cookies"): the phone
-- keeps a random token in a long-lived cookie, the server its hash. A try from such a
-- phone counts against the phone's own allowance, so a storm of guesses at the name from
-- elsewhere does not lock the owner out.
CREATE TABLE known_devices (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT NOT NULL
);
CREATE INDEX known_devices_person ON known_devices (person_id);

-- Each time staff reset a person's sign-in (a new set-up code for someone already signed
-- up): the person is told when, and by whom.
CREATE TABLE sign_in_resets (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    reset_by TEXT NOT NULL REFERENCES people (id),
    reset_at TEXT NOT NULL
);
CREATE INDEX sign_in_resets_person ON sign_in_resets (person_id, reset_at);

-- Refusals of requests by nobody known (not signed in, another site, throttled tries at a
-- name), counted per action and hour rather than one chained entry each: a flood of them
-- would otherwise fill the trail and queue every writer behind its head.
CREATE TABLE refusal_counts (
    action TEXT NOT NULL,
    hour TEXT NOT NULL,
    refused INTEGER NOT NULL CHECK (refused > 0),
    PRIMARY KEY (action, hour)
);

-- A staff account an admin has deactivated: no sign-in until reactivated. Their records
-- stay, attributed to them.
ALTER TABLE people ADD COLUMN deactivated_at TEXT;
