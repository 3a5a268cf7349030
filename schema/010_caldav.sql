-- 010: two-way CalDAV sync (issue 14, docs/SYNC.md).
--
-- A CalDAV calendar remembers where its collection is (found from the URL
-- it was added with), the collection's sync-token and getctag, and a
-- collection name to choose when the URL is a server with several.
ALTER TABLE calendars ADD COLUMN collection     TEXT NOT NULL DEFAULT '';
ALTER TABLE calendars ADD COLUMN collection_url TEXT NOT NULL DEFAULT '';
ALTER TABLE calendars ADD COLUMN sync_token     TEXT NOT NULL DEFAULT '';
ALTER TABLE calendars ADD COLUMN ctag           TEXT NOT NULL DEFAULT '';

-- One row per resource the server holds for the calendar, as of the last
-- sync: its href, ETag and UID, and the local event it is (NULL once the
-- event was removed here: the row is then a removal to push, DELETE with
-- If-Match). `dirty` is set by the trigger below when the event is changed
-- here: a change to push, PUT with If-Match. An event of a CalDAV calendar
-- without a row is new here: PUT with If-None-Match: *. So nothing made
-- offline is lost: the pending changes are these rows and events.
CREATE TABLE caldav_resources (
  id          INTEGER PRIMARY KEY,
  calendar_id INTEGER NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
  href        TEXT    NOT NULL,
  etag        TEXT    NOT NULL DEFAULT '',
  uid         TEXT    NOT NULL,
  event_id    INTEGER REFERENCES events (id) ON DELETE SET NULL,
  dirty       INTEGER NOT NULL DEFAULT 0 CHECK (dirty IN (0, 1)),
  UNIQUE (calendar_id, href)
);

CREATE INDEX caldav_resources_by_event ON caldav_resources (event_id);

-- Any write to what an event is (event.update writes every column; an
-- occurrence edit writes the series) marks its resource dirty. The sync
-- writing the server's version clears it in the same transaction.
CREATE TRIGGER caldav_resource_dirty AFTER UPDATE OF title, start_local, end_local, tz,
  location, description, tags, status, recurrence, precision, has_end ON events
BEGIN
  UPDATE caldav_resources SET dirty = 1 WHERE event_id = NEW.id;
END;

-- A local change the server refused with 412 Precondition Failed: the
-- server's version won in the calendar; the local one is kept here, as
-- iCalendar text (empty for a removal), until `summit calendar resolve`.
CREATE TABLE caldav_conflicts (
  id          INTEGER PRIMARY KEY,
  calendar_id INTEGER NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
  uid         TEXT    NOT NULL,
  title       TEXT    NOT NULL DEFAULT '',
  kind        TEXT    NOT NULL CHECK (kind IN ('edit', 'removal', 'addition')),
  local_ics   TEXT    NOT NULL DEFAULT '',
  created     INTEGER NOT NULL
);

-- CalDAV calendars added before their sync was built said so in their
-- state; they sync at the next start.
UPDATE calendars SET state = 'never synced'
WHERE kind = 'caldav' AND state LIKE 'not synced yet%';
