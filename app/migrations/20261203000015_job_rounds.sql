-- When each periodic job's last round started (housekeeping, queueing reminders). Every
-- instance ticks; the first to claim a round that is due runs it, so with many instances
-- on one database each round runs once (db::claim_round).
CREATE TABLE job_rounds (
    job TEXT PRIMARY KEY,
    started_at TEXT NOT NULL
);
