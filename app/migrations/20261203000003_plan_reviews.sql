-- Plan reviews: kept for good as part of the plan's history. The latest review's
-- next_review_on is the plan's next review.
CREATE TABLE plan_reviews (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    reviewed_on TEXT NOT NULL,
    other_services TEXT CHECK (other_services IS NULL OR length(trim(other_services)) > 0),
    what_reviewed TEXT NOT NULL CHECK (length(trim(what_reviewed)) > 0),
    what_changed TEXT CHECK (what_changed IS NULL OR length(trim(what_changed)) > 0),
    next_review_on TEXT NOT NULL CHECK (next_review_on > reviewed_on),
    recorded_by TEXT NOT NULL REFERENCES people (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX plan_reviews_client ON plan_reviews (client_id, reviewed_on, recorded_at);

-- Who took part in each review: one row each.
CREATE TABLE plan_review_people (
    review_id TEXT NOT NULL REFERENCES plan_reviews (id),
    who TEXT NOT NULL CHECK (who IN ('client', 'case_manager', 'supporter', 'other_service')),
    PRIMARY KEY (review_id, who)
);
