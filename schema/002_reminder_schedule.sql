-- 002: the reminder schedule and the outbox (DESIGN.md, Reminders).
--
-- reminder_instances: one row per planned firing of a reminder. Its id is
-- the reminder id users and receivers see (`summit ack 12`, reminder_id in
-- notifications, SUMMIT_REMINDER_ID): a re-delivery after a crash carries the
-- same id, a snooze makes a new instance with a new id.
--
-- The scheduler asks for the earliest pending instance only
-- (reminder_instances_pending, a partial index over pending rows), so the
-- cost of a wake-up does not grow with history or with the calendar.
CREATE TABLE reminder_instances (
  id        INTEGER PRIMARY KEY,
  event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  -- Which of the event's reminders (events.reminders position); for a
  -- snooze, the position of the reminder that was snoozed.
  position  INTEGER NOT NULL,
  due       INTEGER NOT NULL,
  state     TEXT    NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'fired', 'missed', 'acked')),
  -- The instance this one snoozes, if it is a snooze.
  snooze_of INTEGER
);
CREATE INDEX reminder_instances_pending ON reminder_instances (due, id) WHERE state = 'pending';
CREATE INDEX reminder_instances_by_event ON reminder_instances (event_id, position, due);

-- The outbox: a row per instance taken off the schedule, written in the same
-- transaction that changes the instance's state. `missed` rows fell due longer
-- ago than the grace period (the daemon was down) and were never delivered.
-- The event's fields are kept as they were when it fired (snapshot, JSON),
-- so history and re-delivery survive edits and removal of the event.
CREATE TABLE firings (
  id          INTEGER PRIMARY KEY,
  reminder_id INTEGER NOT NULL,
  event_id    INTEGER NOT NULL,
  due         INTEGER NOT NULL,
  fired_at    INTEGER NOT NULL,
  lateness    INTEGER NOT NULL,
  missed      INTEGER NOT NULL CHECK (missed IN (0, 1)),
  snapshot    TEXT    NOT NULL,
  acked_at    INTEGER
);
CREATE INDEX firings_by_reminder ON firings (reminder_id);
CREATE INDEX firings_missed ON firings (due) WHERE missed = 1;

-- One row per (firing, channel) still owed; removed when the channel reports
-- it is done. A firing with no row left here is delivered.
CREATE TABLE pending_deliveries (
  firing_id INTEGER NOT NULL REFERENCES firings (id) ON DELETE CASCADE,
  channel   TEXT    NOT NULL,
  PRIMARY KEY (firing_id, channel)
) WITHOUT ROWID;
