-- Waypoint's foundation schema. One file serves SQLite and PostgreSQL, so it keeps to what
-- both understand:
--   * ids are TEXT (random UUIDs made by the app; they also work for offline-made records),
--   * dates are TEXT 'YYYY-MM-DD', instants TEXT 'YYYY-MM-DDTHH:MM:SSZ' in UTC, and
--     appointment times TEXT 'YYYY-MM-DDTHH:MM' in the clinic's wall-clock time,
--   * closed sets of words are TEXT with a CHECK listing the codes the app knows,
--   * no booleans: "done" or "retired" are the date it happened, NULL when it has not.

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    -- IANA name, e.g. America/Toronto: what "today" and "upcoming" mean for this program.
    time_zone TEXT NOT NULL CHECK (length(time_zone) > 0),
    created_at TEXT NOT NULL
);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    display_name TEXT NOT NULL CHECK (length(trim(display_name)) > 0),
    role TEXT NOT NULL CHECK (role IN ('client', 'case_manager', 'admin', 'supporter')),
    created_at TEXT NOT NULL
);
CREATE INDEX people_organisation ON people (organisation_id, role);

CREATE TABLE client_profiles (
    person_id TEXT PRIMARY KEY REFERENCES people (id),
    -- The name the client wants to be called in the app.
    preferred_name TEXT NOT NULL CHECK (length(trim(preferred_name)) > 0),
    pronouns TEXT CHECK (pronouns IS NULL OR length(trim(pronouns)) > 0),
    program_start_on TEXT NOT NULL,
    -- Where the client picks up their dose.
    pharmacy TEXT CHECK (pharmacy IS NULL OR length(trim(pharmacy)) > 0)
);

CREATE TABLE care_team (
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    case_manager_id TEXT NOT NULL REFERENCES people (id),
    role TEXT NOT NULL CHECK (role IN ('primary', 'secondary')),
    since_on TEXT NOT NULL,
    PRIMARY KEY (client_id, case_manager_id)
);
CREATE INDEX care_team_case_manager ON care_team (case_manager_id);

-- Each row is a change of stage: from effective_on the client is in exactly the stages
-- listed for it in stage_change_stages. Rows are only ever added.
CREATE TABLE stage_changes (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    effective_on TEXT NOT NULL,
    note TEXT CHECK (note IS NULL OR length(trim(note)) > 0),
    recorded_by TEXT NOT NULL REFERENCES people (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX stage_changes_client ON stage_changes (client_id, effective_on, recorded_at);

CREATE TABLE stage_change_stages (
    stage_change_id TEXT NOT NULL REFERENCES stage_changes (id),
    stage TEXT NOT NULL CHECK (stage IN ('harm_reduction', 'methadone_maintenance',
        'stabilisation', 'detoxification', 'rehabilitation', 'aftercare')),
    PRIMARY KEY (stage_change_id, stage)
);

CREATE TABLE support_plans (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL UNIQUE REFERENCES client_profiles (person_id),
    created_at TEXT NOT NULL
);

-- What the case manager sent, kept forever: the summary they wrote and the whole plan as
-- it stood (JSON), so any two revisions can be compared later.
CREATE TABLE plan_revisions (
    plan_id TEXT NOT NULL REFERENCES support_plans (id),
    number INTEGER NOT NULL CHECK (number > 0),
    summary TEXT NOT NULL CHECK (length(trim(summary)) > 0),
    snapshot TEXT NOT NULL,
    sent_by TEXT NOT NULL REFERENCES people (id),
    sent_at TEXT NOT NULL,
    PRIMARY KEY (plan_id, number)
);

CREATE TABLE goals (
    id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES support_plans (id),
    domain TEXT NOT NULL CHECK (domain IN ('treatment', 'physical_health', 'mental_health',
        'housing', 'income', 'education', 'legal', 'family', 'community', 'wellbeing')),
    horizon TEXT NOT NULL CHECK (horizon IN ('short_term', 'long_term')),
    own_words TEXT NOT NULL CHECK (length(trim(own_words)) > 0),
    status TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'achieved', 'paused')),
    target_on TEXT,
    position INTEGER NOT NULL,
    added_in INTEGER NOT NULL CHECK (added_in > 0),
    changed_in INTEGER NOT NULL CHECK (changed_in >= added_in),
    -- Bumped on every change, so that two editors can't overwrite each other unseen.
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX goals_plan ON goals (plan_id, position);

CREATE TABLE steps (
    id TEXT PRIMARY KEY,
    goal_id TEXT NOT NULL REFERENCES goals (id),
    position INTEGER NOT NULL,
    description TEXT NOT NULL CHECK (length(trim(description)) > 0),
    doer TEXT NOT NULL CHECK (doer IN ('client', 'case_manager', 'together')),
    due_on TEXT,
    done_on TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX steps_goal ON steps (goal_id, position);

-- A weekly repeat: one appointment row is made for each week, so that each can be
-- confirmed, attended or missed on its own.
CREATE TABLE appointment_series (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    first_starts_at TEXT NOT NULL,
    repeat_until TEXT NOT NULL,
    CHECK (substr(repeat_until, 1, 10) >= substr(first_starts_at, 1, 10))
);

CREATE TABLE appointments (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    series_id TEXT REFERENCES appointment_series (id),
    kind TEXT NOT NULL CHECK (kind IN ('dosing', 'prescriber', 'counselling', 'group',
        'case_management', 'medical_check', 'mental_health', 'legal', 'housing',
        'vocational', 'other')),
    starts_at TEXT NOT NULL CHECK (length(starts_at) = 16),
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0 AND duration_minutes <= 720),
    place TEXT NOT NULL CHECK (length(trim(place)) > 0),
    with_whom TEXT CHECK (with_whom IS NULL OR length(trim(with_whom)) > 0),
    what_to_bring TEXT CHECK (what_to_bring IS NULL OR length(trim(what_to_bring)) > 0),
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'confirmed', 'cancelled', 'attended',
        'missed')),
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX appointments_client ON appointments (client_id, starts_at);

CREATE TABLE services (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    description TEXT NOT NULL CHECK (length(trim(description)) > 0),
    phone TEXT,
    address TEXT,
    -- Retired services stay on the referrals that name them.
    retired_on TEXT
);

CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    service_id TEXT NOT NULL REFERENCES services (id),
    domain TEXT NOT NULL CHECK (domain IN ('treatment', 'physical_health', 'mental_health',
        'housing', 'income', 'education', 'legal', 'family', 'community', 'wellbeing')),
    status TEXT NOT NULL CHECK (status IN ('suggested', 'referred', 'accepted', 'waitlisted',
        'attending', 'completed', 'declined')),
    next_step TEXT CHECK (next_step IS NULL OR length(trim(next_step)) > 0),
    updated_on TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX referrals_client ON referrals (client_id);

CREATE TABLE resources (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL CHECK (kind IN ('crisis_line', 'peer_support', 'family_support',
        'counselling', 'harm_reduction', 'housing', 'legal_aid', 'vocational')),
    audience TEXT NOT NULL CHECK (audience IN ('client', 'family', 'both')),
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    description TEXT NOT NULL CHECK (length(trim(description)) > 0),
    how_to_reach TEXT NOT NULL CHECK (length(trim(how_to_reach)) > 0),
    phone TEXT,
    website TEXT,
    position INTEGER NOT NULL,
    retired_on TEXT
);
CREATE INDEX resources_organisation ON resources (organisation_id, position);

-- Resources a case manager picked out for one client.
CREATE TABLE client_resources (
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    resource_id TEXT NOT NULL REFERENCES resources (id),
    PRIMARY KEY (client_id, resource_id)
);

-- What the client did in the app. Only ever added to: a check-in is never edited away.
CREATE TABLE check_ins (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    kind TEXT NOT NULL CHECK (kind IN ('step_done', 'appointment_confirmed',
        'appointment_cant_come', 'note')),
    step_id TEXT REFERENCES steps (id),
    appointment_id TEXT REFERENCES appointments (id),
    note TEXT CHECK (note IS NULL OR length(trim(note)) > 0),
    -- Made by the device, so a check-in sent twice is applied once.
    idempotency_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (client_id, idempotency_key),
    CHECK (kind <> 'step_done' OR step_id IS NOT NULL),
    CHECK (kind NOT IN ('appointment_confirmed', 'appointment_cant_come') OR appointment_id IS NOT NULL),
    CHECK (kind <> 'note' OR note IS NOT NULL)
);
CREATE INDEX check_ins_client ON check_ins (client_id, created_at);
