-- 008: a change of one occurrence imported without its series remembers
-- which occurrence of which series it changes (issue 16).
--
-- An invitation to one changed meeting (a VEVENT with RECURRENCE-ID whose
-- series is neither in the file nor in the calendar) is stored as a single
-- event. These columns keep the series' UID and the RECURRENCE-ID (a UTC
-- instant '2025-10-31T09:00:00Z', or a date '2025-10-31' for an all-day
-- series), so that importing the series later joins the change to it as
-- that occurrence's override and the single event goes, and an export
-- writes the RECURRENCE-ID back. NULL for every other event. Such events
-- imported before this migration did not keep their RECURRENCE-ID: they
-- stay single events (importing their series replaces the one that shares
-- its UID, as before).
ALTER TABLE events ADD COLUMN lone_series_uid TEXT;
ALTER TABLE events ADD COLUMN lone_recurrence_id TEXT;

-- Importing a series looks up its changes that came alone: few rows, so the
-- partial index holds only them.
CREATE INDEX events_lone_changes ON events (lone_series_uid)
  WHERE lone_series_uid IS NOT NULL;
