-- A change stamp for each client, supporter or organisation whose devices' view a change
-- touched: bumped in the change's own transaction (Change::keep). A sync whose cursor was
-- made at the same stamps (and the same local day) answers "nothing new" without working
-- out the view again.
CREATE TABLE view_stamps (
    id TEXT PRIMARY KEY,
    stamp BIGINT NOT NULL
);

-- The stamps (hashed, with the local day) a generation's view was worked out at.
ALTER TABLE sync_generations ADD COLUMN view_version TEXT;
