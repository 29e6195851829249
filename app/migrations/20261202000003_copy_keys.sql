-- The server's half of each person's phone-copy key: a phone holding the person's copy gets
-- it in each sync answer while the person is signed in and unlocked, to open the copy
-- online; offline the copy opens only with the passphrase. 256 random bits, hex.
CREATE TABLE copy_keys (
    person_id TEXT PRIMARY KEY REFERENCES people (id),
    copy_key TEXT NOT NULL,
    created_at TEXT NOT NULL
);
