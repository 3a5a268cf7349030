-- 012: what an event.add costs SQLite (issue 17). Numbered 012 because the
-- caldav branch has 010 and the zones branch 011; nothing here depends on
-- either.
--
-- 1. The text index of new events is written once per group commit, not by
-- a trigger per row. FTS5 (SQLite 3.40) writes its pending terms out as a
-- new segment at every savepoint, and every write in a group is a savepoint
-- (daemon/store/group_commit.hpp): a trigger that indexed each new row
-- wrote, and later merged, one segment per add (callgrind: 57% of an
-- INSERT's instructions). Now the store indexes every event above a mark in
-- one INSERT ... SELECT just before the group's COMMIT
-- (daemon/store/search_index.cpp): one segment per group. The mark: every
-- event with an id at or below it is in the index, none above it is. New
-- ids are always above it (007: an add takes one more than the highest id
-- ever used), so only summit's own catch-up writes new rows into the index;
-- the delete and update triggers touch only rows at or below the mark (a
-- row above it is indexed later with the text it has then).
CREATE TABLE events_fts_indexed (
  only INTEGER PRIMARY KEY CHECK (only = 1),
  id   INTEGER NOT NULL
);

-- Every event is indexed so far (by the trigger dropped below).
INSERT INTO events_fts_indexed (only, id) VALUES (1, (SELECT coalesce(max(id), 0) FROM events));

DROP TRIGGER events_fts_insert;

DROP TRIGGER events_fts_delete;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events
WHEN old.id <= (SELECT id FROM events_fts_indexed WHERE only = 1)
BEGIN
  INSERT INTO events_fts (events_fts, rowid, title, location, description)
  VALUES ('delete', old.id, old.title, old.location, old.description);
END;

DROP TRIGGER events_fts_update;
CREATE TRIGGER events_fts_update AFTER UPDATE OF title, location, description ON events
WHEN old.id <= (SELECT id FROM events_fts_indexed WHERE only = 1)
BEGIN
  INSERT INTO events_fts (events_fts, rowid, title, location, description)
  VALUES ('delete', old.id, old.title, old.location, old.description);
  INSERT INTO events_fts (rowid, title, location, description)
  VALUES (new.id, new.title, new.location, new.description);
END;

-- 2. The CHECKs of events written as OR chains, as 004 did for the outbox: a
-- CHECK `x IN (three constants)` makes SQLite build a temporary index of the
-- list for every row written (two of them: 26% of an INSERT's
-- instructions). The rule is the same and every row already satisfies it,
-- so the table's text is edited in place, the way SQLite's documentation
-- gives for changing a CHECK (ALTER TABLE, "Making Other Kinds Of Table
-- Schema Changes"; the DDL above raises the schema cookie, so other
-- connections read the new text, and EventStore opens a fresh connection
-- after migrating, since the one that migrated does not). Rebuilding the
-- table instead would copy every event and, with foreign keys on, delete
-- the tags and reminders of each (ON DELETE CASCADE).
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(replace(sql,
    'CHECK (precision IN (''timed'', ''all_day'', ''month''))',
    'CHECK (precision = ''timed'' OR precision = ''all_day'' OR precision = ''month'')'),
    'CHECK (status IN (''confirmed'', ''tentative'', ''cancelled''))',
    'CHECK (status = ''confirmed'' OR status = ''tentative'' OR status = ''cancelled'')')
WHERE type = 'table' AND name = 'events';
PRAGMA writable_schema = OFF;
