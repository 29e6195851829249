-- Assessments by life area, kept for good: each has one row per area with its level of
-- need, the client's strengths and words, and the case manager's notes.
CREATE TABLE assessments (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES client_profiles (person_id),
    assessed_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES people (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX assessments_client ON assessments (client_id, assessed_on, recorded_at);

CREATE TABLE assessment_areas (
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    area TEXT NOT NULL CHECK (area IN ('treatment', 'physical_health', 'mental_health',
        'housing', 'income', 'education', 'legal', 'family', 'community', 'wellbeing')),
    need TEXT NOT NULL CHECK (need IN ('none', 'some', 'high', 'urgent')),
    strengths TEXT CHECK (strengths IS NULL OR length(trim(strengths)) > 0),
    own_words TEXT CHECK (own_words IS NULL OR length(trim(own_words)) > 0),
    staff_notes TEXT CHECK (staff_notes IS NULL OR length(trim(staff_notes)) > 0),
    PRIMARY KEY (assessment_id, area)
);
