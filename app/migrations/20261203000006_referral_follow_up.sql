-- Referrals that do not get lost: who to ask for at the service, the day it was sent, the
-- day to follow up, and what the service was told under the client's consent to share.
ALTER TABLE referrals ADD COLUMN contact_name TEXT;
ALTER TABLE referrals ADD COLUMN contact_phone TEXT;
ALTER TABLE referrals ADD COLUMN made_on TEXT;
ALTER TABLE referrals ADD COLUMN follow_up_on TEXT;

-- A referral made before these columns was sent on its last change at the latest; one still
-- waiting on someone is due a look now rather than never.
UPDATE referrals SET made_on = updated_on WHERE status <> 'suggested';
UPDATE referrals SET follow_up_on = updated_on
    WHERE status IN ('referred', 'accepted', 'waitlisted');

-- Each row is a consent (what, with whom, why, until when: the parts 42 CFR Part 2 names)
-- and the note of what the service was told under it. Only ever added; a client taking the
-- consent back sets withdrawn_on, once.
CREATE TABLE referral_handovers (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    note TEXT NOT NULL CHECK (length(trim(note)) > 0),
    shared_what TEXT NOT NULL CHECK (length(trim(shared_what)) > 0),
    shared_with TEXT NOT NULL CHECK (length(trim(shared_with)) > 0),
    purpose TEXT NOT NULL CHECK (length(trim(purpose)) > 0),
    agreed_on TEXT NOT NULL,
    expires_on TEXT NOT NULL CHECK (expires_on > agreed_on),
    withdrawn_on TEXT,
    written_by TEXT NOT NULL REFERENCES people (id),
    written_at TEXT NOT NULL
);
CREATE INDEX referral_handovers_client ON referral_handovers (client_id, referral_id);
