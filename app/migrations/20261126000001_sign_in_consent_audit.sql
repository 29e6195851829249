-- Sign-in, sessions, supporters' consent and the audit trail. Same conventions as the
-- foundation: TEXT ids and instants (UTC, 'YYYY-MM-DDTHH:MM:SSZ'), no booleans.
-- Secrets (session tokens, enrollment and invite codes) are never stored, only their
-- SHA-256; passphrases only as Argon2id PHC strings.

-- How a person signs in. Sign-in names are chosen by the person, kept lowercase, and unique
-- across the whole installation so that signing in needs nothing else.
CREATE TABLE accounts (
    person_id TEXT PRIMARY KEY REFERENCES people (id),
    sign_in_name TEXT NOT NULL UNIQUE CHECK (length(sign_in_name) >= 3),
    passphrase_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    passphrase_changed_at TEXT NOT NULL
);

-- One row per signed-in device. The cookie carries a random token; only its hash is here,
-- so a copy of the database cannot be used to sign in.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    person_id TEXT NOT NULL REFERENCES people (id),
    -- A short description of the device ("Chrome on Android"), for the device list.
    device TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    -- When the person last proved who they are (passphrase or passkey).
    verified_at TEXT NOT NULL,
    -- The latest moment the session can last, however active.
    expires_at TEXT NOT NULL,
    ended_at TEXT,
    ended_reason TEXT CHECK (ended_reason IS NULL OR ended_reason IN ('signed_out',
        'ended_by_person', 'ended_by_admin', 'idle', 'expired', 'replaced')),
    CHECK ((ended_at IS NULL) = (ended_reason IS NULL))
);
CREATE INDEX sessions_person ON sessions (person_id, ended_at);

-- A one-time code a case manager gives a client to set up their sign-in.
CREATE TABLE enrollment_codes (
    code_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    created_by TEXT NOT NULL REFERENCES people (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX enrollment_codes_client ON enrollment_codes (client_id);

-- Failed sign-ins, kept for throttling: by the name typed and by the address it came from.
CREATE TABLE sign_in_failures (
    id TEXT PRIMARY KEY,
    sign_in_name TEXT NOT NULL,
    address TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX sign_in_failures_name ON sign_in_failures (sign_in_name, failed_at);
CREATE INDEX sign_in_failures_address ON sign_in_failures (address, failed_at);

-- What a client lets one supporter see. The current state is here; every state it has
-- ever had, including its revocation, is in supporter_grant_history.
CREATE TABLE supporter_grants (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    -- Who the client says this is ("Mum"), shown only to the client.
    label TEXT NOT NULL CHECK (length(trim(label)) > 0),
    -- NULL until someone accepts the invite.
    supporter_id TEXT REFERENCES people (id),
    -- Space-separated share codes: any of 'appointments', 'goals', 'stage'.
    shares TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    revoked_at TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX supporter_grants_client ON supporter_grants (client_id);
CREATE INDEX supporter_grants_supporter ON supporter_grants (supporter_id);

CREATE TABLE supporter_grant_history (
    grant_id TEXT NOT NULL REFERENCES supporter_grants (id),
    version INTEGER NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('created', 'accepted', 'changed', 'revoked')),
    shares TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    changed_by TEXT NOT NULL REFERENCES people (id),
    changed_at TEXT NOT NULL,
    PRIMARY KEY (grant_id, version)
);

-- The invite code for a grant: single use, short-lived.
CREATE TABLE supporter_invites (
    code_hash TEXT PRIMARY KEY,
    grant_id TEXT NOT NULL REFERENCES supporter_grants (id),
    expires_at TEXT NOT NULL,
    used_at TEXT
);

-- Passkeys (WebAuthn). `passkey` is webauthn-rs's record of the credential as JSON: the
-- public key and the signature counter, nothing secret.
CREATE TABLE passkeys (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    credential_id TEXT NOT NULL UNIQUE,
    passkey TEXT NOT NULL,
    device TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT
);
CREATE INDEX passkeys_person ON passkeys (person_id);

-- A passkey ceremony under way: the server's half of the challenge, used once, short-lived.
CREATE TABLE passkey_ceremonies (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL CHECK (kind IN ('register', 'sign_in')),
    state TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- The audit trail: ids and actions only, never health information. Each entry's hash
-- covers the previous entry's hash, so removing or altering one breaks the chain
-- (`waypoint audit verify`). audit_head holds the newest entry and serialises writers:
-- every writer updates it first, which takes the write lock on both engines.
CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id TEXT,
    actor_role TEXT,
    action TEXT NOT NULL,
    client_id TEXT,
    target TEXT,
    address TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'refused')),
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_client ON audit_events (client_id, seq);
CREATE INDEX audit_events_at ON audit_events (at);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
