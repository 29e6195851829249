-- The family's library: each organisation's own topics and articles, in English and French.
-- Public pages address a library by a short code (never the organisation's name, which may
-- say what it treats) and articles and topics by a number (never words about treatment).

-- Every organisation so far gets the start of its id as its code; a new one does too.
ALTER TABLE organisations ADD COLUMN library_code TEXT;
UPDATE organisations SET library_code = substr(id, 1, 8);
CREATE UNIQUE INDEX organisations_library_code ON organisations (library_code);

CREATE TABLE library_topics (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    -- In the topic's address; never reused within the library.
    number INTEGER NOT NULL CHECK (number > 0),
    position INTEGER NOT NULL,
    title_en TEXT NOT NULL CHECK (length(trim(title_en)) > 0),
    title_fr TEXT NOT NULL CHECK (length(trim(title_fr)) > 0),
    retired_on TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (organisation_id, number)
);

CREATE TABLE library_articles (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    number INTEGER NOT NULL CHECK (number > 0),
    topic_id TEXT NOT NULL REFERENCES library_topics (id),
    position INTEGER NOT NULL,
    -- The starter article it began as (its file in app/library/), if any.
    starter_key TEXT,
    -- The stages of care it goes with: stage codes separated by spaces.
    stages TEXT NOT NULL DEFAULT '',
    -- Its place in the list a new family member reads first; NULL when not in it.
    start_here INTEGER,
    -- The clinic's review: who (a person) and when; NULL until an admin marks it.
    reviewed_by TEXT REFERENCES people (id),
    reviewed_on TEXT,
    retired_on TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (organisation_id, number),
    CHECK ((reviewed_by IS NULL) = (reviewed_on IS NULL))
);
CREATE INDEX library_articles_topic ON library_articles (topic_id, position);

-- Every saved version of an article's words in one language, only ever added. The
-- Markdown as written, and the HTML it renders to (made and sanitised when saved, so no
-- raw HTML can reach a reader); the reader sees the latest published version.
CREATE TABLE library_texts (
    article_id TEXT NOT NULL REFERENCES library_articles (id),
    language TEXT NOT NULL CHECK (language IN ('en', 'fr')),
    version INTEGER NOT NULL CHECK (version > 0),
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    html TEXT NOT NULL,
    -- Title, summary and text folded for search (lower case, no accents, no plurals).
    search_text TEXT NOT NULL,
    words INTEGER NOT NULL,
    -- NULL for the starter text.
    saved_by TEXT REFERENCES people (id),
    saved_at TEXT NOT NULL,
    published_at TEXT,
    published_by TEXT REFERENCES people (id),
    PRIMARY KEY (article_id, language, version)
);
