-- When a reopened episode began, to the second: an assessment recorded after it is the new
-- one its reopening asks for (one recorded earlier the same day belongs to the episode before).
ALTER TABLE episodes ADD COLUMN opened_at TEXT;
