-- 009: calendars (issue 14). Every event belongs to one: the local
-- `personal` (id 1, which cannot be removed), read-only subscriptions to a
-- published .ics URL, and CalDAV collections (stored; their sync is not
-- built yet, docs/SYNC.md). Existing events stay in `personal`.
--
-- No credential is ever stored here: a CalDAV calendar records its user
-- name and the path of a password file (or nothing, for a systemd
-- credential), read when a sync needs it.
CREATE TABLE calendars (
  id            INTEGER PRIMARY KEY,
  name          TEXT    NOT NULL UNIQUE,
  kind          TEXT    NOT NULL CHECK (kind IN ('local', 'subscription', 'caldav')),
  url           TEXT    NOT NULL DEFAULT '',
  -- A subscription's polling interval, seconds (0 for the others).
  every_seconds INTEGER NOT NULL DEFAULT 0,
  user_name     TEXT    NOT NULL DEFAULT '',
  password_file TEXT    NOT NULL DEFAULT '',
  -- The zone floating times of a subscribed file are read in (the zone of
  -- the client that added it).
  tz            TEXT    NOT NULL DEFAULT 'UTC',
  -- Who added it: the owner of its events, who (or root) may remove it.
  owner_uid     INTEGER NOT NULL DEFAULT 0,
  -- The validators of the last version fetched (If-None-Match,
  -- If-Modified-Since), empty before the first.
  etag          TEXT    NOT NULL DEFAULT '',
  last_modified TEXT    NOT NULL DEFAULT '',
  -- Unix seconds; NULL: never.
  last_attempt  INTEGER,
  last_success  INTEGER,
  -- 'ok', 'error', 'never synced', 'not synced yet (CalDAV sync is not built)'.
  state         TEXT    NOT NULL,
  error         TEXT    NOT NULL DEFAULT '',
  created       INTEGER NOT NULL
);

INSERT INTO calendars (id, name, kind, state, created)
VALUES (1, 'personal', 'local', 'ok', CAST(strftime('%s', 'now') AS INTEGER));

-- No REFERENCES: SQLite refuses ADD COLUMN with a foreign key and a
-- non-NULL default. The store removes a calendar's events with it.
ALTER TABLE events ADD COLUMN calendar_id INTEGER NOT NULL DEFAULT 1;

CREATE INDEX events_by_calendar ON events (calendar_id);
