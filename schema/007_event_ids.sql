-- 007: event ids are never reused (issue 15).
--
-- events.id is an INTEGER PRIMARY KEY without AUTOINCREMENT, so SQLite gave
-- a new row max(id) + 1: after `summit rm 9` removed the newest event, the
-- next add got id 9 again, and an old `summit rm 9` from the shell history
-- removed a different meeting. The highest id ever deleted is kept here (one
-- row, raised by the trigger below; deletes are rare, so adds pay nothing
-- but one indexed lookup), and an add takes one more than the highest of it
-- and the ids in use. Ids deleted before this migration cannot be known; the
-- row starts at the highest id in use.
CREATE TABLE event_id_floor (
  only INTEGER PRIMARY KEY CHECK (only = 1),
  id   INTEGER NOT NULL
);

INSERT INTO event_id_floor (only, id) VALUES (1, (SELECT coalesce(max(id), 0) FROM events));

CREATE TRIGGER event_id_floor_raised AFTER DELETE ON events
WHEN OLD.id > (SELECT id FROM event_id_floor WHERE only = 1)
BEGIN
  UPDATE event_id_floor SET id = OLD.id WHERE only = 1;
END;
