-- 003: recurring events (issue 4).
--
-- A recurring event is one row, like any other: its start/end columns are
-- those of its first occurrence (DTSTART), `recurrence` holds the rule, the
-- extra and removed dates and the overrides of single occurrences (JSON, the
-- form of the event object's `recurrence` member, docs/PROTOCOL.md), and the
-- occurrences are expanded when listed (summit_core_ical over libical). No
-- row per occurrence: an event that repeats every minute forever costs one
-- row here and one pending reminder instance per reminder.
ALTER TABLE events ADD COLUMN recurrence TEXT;
-- The span of all occurrences: from the earliest start to the latest end
-- (9223372036854775807 when the rule never ends). Derived, like start_utc,
-- and rewritten when tzdata changes. NULL for events that do not repeat.
ALTER TABLE events ADD COLUMN series_start_utc INTEGER;
ALTER TABLE events ADD COLUMN series_end_utc INTEGER;

-- Listing a range visits every series whose span overlaps it. Series are
-- few next to single events, so the partial index holds only them and the
-- single-event walks of events_by_start skip them with a column test.
CREATE INDEX events_series ON events (series_start_utc, series_end_utc)
  WHERE recurrence IS NOT NULL;

-- The occurrence a pending reminder belongs to: its RECURRENCE-ID as a wall
-- time ('2025-10-31T10:00:00'), NULL for events that do not repeat. When
-- the scheduler takes the instance, the same transaction plans the same
-- reminder of the next occurrence.
ALTER TABLE reminder_instances ADD COLUMN occurrence TEXT;
