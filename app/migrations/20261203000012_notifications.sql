-- Reaching people: what each person chose about notifications, each device's Web Push
-- subscription, and the queue the server delivers from (ARCHITECTURE.md, "Reaching people").

-- What a client or supporter chose. No row: the defaults (reminders on once notifications
-- are, discreet text, no quiet hours, no daily reminder).
CREATE TABLE notification_settings (
    person_id TEXT PRIMARY KEY REFERENCES people (id),
    -- Appointment reminders: the evening before, and two hours before.
    evening_reminder TEXT NOT NULL DEFAULT 'on' CHECK (evening_reminder IN ('on', 'off')),
    soon_reminder TEXT NOT NULL DEFAULT 'on' CHECK (soon_reminder IN ('on', 'off')),
    -- The daily reminder (a dose or a pick-up), at this wall-clock time of the program.
    daily_reminder_at TEXT CHECK (daily_reminder_at IS NULL OR length(daily_reminder_at) = 5),
    -- Quiet hours: nothing is shown from one time to the other (across midnight if need be).
    quiet_from TEXT CHECK (quiet_from IS NULL OR length(quiet_from) = 5),
    quiet_until TEXT CHECK (quiet_until IS NULL OR length(quiet_until) = 5),
    -- 'discreet' ("You have an update") or 'detailed' ("Appointment tomorrow at 10:00").
    detail TEXT NOT NULL DEFAULT 'discreet' CHECK (detail IN ('discreet', 'detailed')),
    CHECK ((quiet_from IS NULL) = (quiet_until IS NULL))
);

-- One per signed-in session that turned notifications on: a shared phone's next person
-- never gets the last one's. Deleted when the session ends.
CREATE TABLE push_subscriptions (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL UNIQUE REFERENCES sessions (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    endpoint TEXT NOT NULL CHECK (length(endpoint) <= 2000),
    p256dh TEXT NOT NULL CHECK (length(p256dh) <= 200),
    auth TEXT NOT NULL CHECK (length(auth) <= 200),
    created_at TEXT NOT NULL
);
CREATE INDEX push_subscriptions_person ON push_subscriptions (person_id);

-- The delivery queue: one row per notification per device. A row is claimed by one
-- instance at a time (state 'sending' with a lease), so nothing is sent twice, and stays
-- in the database across restarts, so nothing is lost.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people (id),
    kind TEXT NOT NULL CHECK (kind IN ('evening_reminder', 'soon_reminder', 'daily_reminder',
        'plan_updated', 'appointment_moved', 'appointment_cancelled', 'message')),
    -- What makes it this one notification and no other ("evening:<appointment>:<time>"),
    -- so a reminder queued by two instances at once is queued once.
    dedupe_key TEXT NOT NULL,
    -- The wall-clock time it is about ("10:00"), for the text; the page a tap opens.
    about_time TEXT,
    open_path TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try_at TEXT NOT NULL,
    -- While 'sending': the instance that claimed it, and until when. A lease run out (the
    -- instance stopped mid-send) lets another try again.
    claimed_by TEXT,
    lease_until TEXT,
    -- The last answer that was not a success: an HTTP status or 'network'.
    last_problem TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    UNIQUE (subscription_id, dedupe_key)
);
CREATE INDEX notifications_due ON notifications (state, next_try_at);
CREATE INDEX notifications_claim ON notifications (claimed_by);

-- A client's private calendar address (`/calendar/<token>.ics`), which phone calendars
-- poll. Only the token's hash is kept, so the address is shown once; a new one ends the
-- last, and ending one makes its address answer "not found". What each appointment says
-- follows notification_settings.detail, the client's one choice of what their phone shows.
CREATE TABLE calendar_feeds (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE UNIQUE INDEX calendar_feeds_one_open ON calendar_feeds (client_id) WHERE ended_at IS NULL;
