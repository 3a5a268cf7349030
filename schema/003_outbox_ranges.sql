-- 003: the outbox's owed deliveries as ranges of firing ids, one row per
-- channel and batch instead of one per (firing, channel).
--
-- A burst of 100,000 reminders used to write 200,000 pending_deliveries rows
-- when it fired and delete them again as the channels completed; most of the
-- outbox's cost per firing. The promise is unchanged (DESIGN.md, Reminders):
-- a row is written in the transaction that records its firings, and a
-- channel's completion takes its firings out of the channel's ranges.
--
-- owed_deliveries: channel `channel` still owes every firing whose id lies in
-- [first_firing, last_firing]. Only fired firings (missed = 0) are ever put
-- in a range: take_due records a batch's missed firings before its fired
-- ones (they fell due earlier), so a batch's fired ids are consecutive. The
-- ranges of one channel never overlap. A firing is delivered when no range
-- of any channel holds its id.
CREATE TABLE owed_deliveries (
  channel      TEXT    NOT NULL,
  first_firing INTEGER NOT NULL,
  last_firing  INTEGER NOT NULL CHECK (last_firing >= first_firing),
  PRIMARY KEY (channel, first_firing)
) WITHOUT ROWID;

-- What an older summitd left owed, one firing per range.
INSERT INTO owed_deliveries (channel, first_firing, last_firing)
SELECT d.channel, d.firing_id, d.firing_id
FROM pending_deliveries d JOIN firings f ON f.id = d.firing_id
WHERE f.missed = 0;

DROP TABLE pending_deliveries;
