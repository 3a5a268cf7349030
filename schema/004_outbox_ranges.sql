-- 004: the outbox's owed deliveries as ranges of firing ids, one row per
-- channel and batch instead of one per (firing, channel); and the CHECKs of
-- the tables a firing writes, without IN lists (below).
--
-- A burst of 100,000 reminders used to write 200,000 pending_deliveries rows
-- when it fired and delete them again as the channels completed: a third of
-- the outbox's cost per firing. The promise is unchanged (DESIGN.md, Reminders):
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

-- A CHECK written `x IN ('a', 'b', ...)` makes SQLite build a temporary index
-- of the list for every row it writes: 10,000 instructions, more than half of
-- what taking a reminder off the schedule costs otherwise (callgrind,
-- bench/README.md). The same constraints as OR chains cost a few
-- comparisons. SQLite cannot alter a CHECK, so the two tables are rebuilt,
-- with the same columns, rows, ids and indexes. Nothing references them
-- (pending_deliveries is gone above).
CREATE TABLE reminder_instances_4 (
  id        INTEGER PRIMARY KEY,
  event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  position  INTEGER NOT NULL,
  due       INTEGER NOT NULL,
  state     TEXT    NOT NULL DEFAULT 'pending'
            CHECK (state = 'pending' OR state = 'fired' OR state = 'missed' OR state = 'acked'),
  snooze_of INTEGER,
  occurrence TEXT -- 003_recurrence.sql
);
INSERT INTO reminder_instances_4 (id, event_id, position, due, state, snooze_of, occurrence)
SELECT id, event_id, position, due, state, snooze_of, occurrence FROM reminder_instances;
DROP TABLE reminder_instances;
ALTER TABLE reminder_instances_4 RENAME TO reminder_instances;
CREATE INDEX reminder_instances_pending ON reminder_instances (due, id) WHERE state = 'pending';
CREATE INDEX reminder_instances_by_event ON reminder_instances (event_id, position, due);

CREATE TABLE firings_4 (
  id          INTEGER PRIMARY KEY,
  reminder_id INTEGER NOT NULL,
  event_id    INTEGER NOT NULL,
  due         INTEGER NOT NULL,
  fired_at    INTEGER NOT NULL,
  lateness    INTEGER NOT NULL,
  missed      INTEGER NOT NULL CHECK (missed = 0 OR missed = 1),
  snapshot    TEXT    NOT NULL,
  acked_at    INTEGER
);
INSERT INTO firings_4 (id, reminder_id, event_id, due, fired_at, lateness, missed, snapshot,
                       acked_at)
SELECT id, reminder_id, event_id, due, fired_at, lateness, missed, snapshot, acked_at
FROM firings;
DROP TABLE firings;
ALTER TABLE firings_4 RENAME TO firings;
CREATE INDEX firings_by_reminder ON firings (reminder_id);
CREATE INDEX firings_missed ON firings (due) WHERE missed = 1;
