-- 001: events, their tags and reminders, full-text search, and meta.
--
-- Applied by summit::store::EventStore in one transaction; PRAGMA
-- user_version is set to 1 in the same transaction. Instants are unix
-- seconds (INTEGER, UTC); wall times are ISO 8601 text without offset
-- ('2025-09-26T10:00:00') and are the source of truth (see DESIGN.md, Time):
-- start_utc/end_utc are derived from them and rewritten when tzdata changes.

CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  uid         TEXT    NOT NULL UNIQUE,
  title       TEXT    NOT NULL,
  precision   TEXT    NOT NULL CHECK (precision IN ('timed', 'all_day', 'month')),
  start_local TEXT    NOT NULL,
  end_local   TEXT    NOT NULL,
  has_end     INTEGER NOT NULL CHECK (has_end IN (0, 1)),
  tz          TEXT    NOT NULL,
  start_later INTEGER NOT NULL DEFAULT 0 CHECK (start_later IN (0, 1)),
  -- Likewise for an end that lands on the second pass through an overlap.
  end_later INTEGER NOT NULL DEFAULT 0 CHECK (end_later IN (0, 1)),
  start_utc   INTEGER NOT NULL,
  -- Exclusive. Equal to start_utc for a point event (a timed event with no end).
  end_utc     INTEGER NOT NULL CHECK (end_utc >= start_utc),
  location    TEXT    NOT NULL DEFAULT '',
  description TEXT    NOT NULL DEFAULT '',
  -- JSON array of strings in the user's order, so that reading an event
  -- needs no join; event_tags below is the copy the tag filter searches.
  tags        TEXT    NOT NULL DEFAULT '[]',
  status      TEXT    NOT NULL CHECK (status IN ('confirmed', 'tentative', 'cancelled')),
  owner_uid   INTEGER NOT NULL,
  created     INTEGER NOT NULL,
  updated     INTEGER NOT NULL
);

-- "Next N from now" and every range listing walk this index in
-- (start_utc, id) order (the rowid is the last column of every index) and
-- stop after N rows: no sort, no scan of the past.
--
-- A range [from, to) contains an event when the event overlaps it:
--   start_utc < to AND (end_utc > from OR start_utc >= from)
-- (the second branch keeps point events, end == start, that start inside).
-- Only the upper bound of start_utc is an index bound there; the lower one
-- comes from the longest span: an event that ends after `from` started after
-- `from - max(end_utc - start_utc)`. So the store queries
--   start_utc >= from - max_span AND start_utc < to AND (...)
-- and never visits events that ended before `from - max_span`.
CREATE INDEX events_by_start ON events (start_utc);

-- Makes max(end_utc - start_utc) an O(log n) lookup, always exact (it
-- shrinks when the longest event is removed), with no bookkeeping in meta.
CREATE INDEX events_by_span ON events (end_utc - start_utc);

-- The tag filter. start_utc is copied here (kept in step by a trigger) so
-- that "events tagged X in a range" is one ordered index walk, like the
-- plain listing, instead of "every event tagged X, then sort".
CREATE TABLE event_tags (
  tag       TEXT    NOT NULL,
  start_utc INTEGER NOT NULL,
  event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  PRIMARY KEY (tag, start_utc, event_id)
) WITHOUT ROWID;
-- For ON DELETE CASCADE and for rewriting an event's tags.
CREATE INDEX event_tags_by_event ON event_tags (event_id);

CREATE TRIGGER event_tags_follow_start AFTER UPDATE OF start_utc ON events
BEGIN
  UPDATE event_tags SET start_utc = new.start_utc WHERE event_id = new.id;
END;

-- Each reminder is an offset before the start or an absolute instant,
-- never both. `position` keeps the user's order. The rowid gives the
-- scheduler a stable handle for later migrations.
CREATE TABLE reminders (
  id             INTEGER PRIMARY KEY,
  event_id       INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  position       INTEGER NOT NULL,
  before_seconds INTEGER,
  at_utc         INTEGER,
  CHECK ((before_seconds IS NULL) <> (at_utc IS NULL)),
  UNIQUE (event_id, position)
);

-- Full-text search over title, location and description. External content
-- (the text lives once, in events); the triggers below keep the index in
-- step. remove_diacritics so that "Almaty" finds "Almatý".
CREATE VIRTUAL TABLE events_fts USING fts5 (
  title, location, description,
  content = 'events', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER events_fts_insert AFTER INSERT ON events
BEGIN
  INSERT INTO events_fts (rowid, title, location, description)
  VALUES (new.id, new.title, new.location, new.description);
END;

CREATE TRIGGER events_fts_delete AFTER DELETE ON events
BEGIN
  INSERT INTO events_fts (events_fts, rowid, title, location, description)
  VALUES ('delete', old.id, old.title, old.location, old.description);
END;

-- Only when the indexed text changes: recomputing instants after a tzdata
-- update rewrites start_utc of every event and must not touch the index.
CREATE TRIGGER events_fts_update AFTER UPDATE OF title, location, description ON events
BEGIN
  INSERT INTO events_fts (events_fts, rowid, title, location, description)
  VALUES ('delete', old.id, old.title, old.location, old.description);
  INSERT INTO events_fts (rowid, title, location, description)
  VALUES (new.id, new.title, new.location, new.description);
END;

-- Small facts about the database itself: 'tzdata_version' is the tzdata
-- release the instants were last computed with.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
