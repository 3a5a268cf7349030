-- 006: the counts daemon.status reports, kept by triggers (issue 13).
--
-- daemon.status counted the tables on every call: with 20,000 firings in
-- the log and 20,000 pending reminders each call took milliseconds of the
-- request loop, and a client asking every 100 ms held up the others and the
-- subscribers' feed. Each write now adds to or takes from one row here, in
-- its own transaction, so a call reads three rows whatever the size of the
-- calendar, and the counts are exactly the tables' (a rolled-back write
-- rolls back its count).
--
-- Late firings are counted through firings_late: the threshold is
-- configuration (reminders.late_after), so that count is a range of the
-- index, whose length is the number of late firings kept.
CREATE TABLE reminder_counts (
  name  TEXT PRIMARY KEY CHECK (name IN ('pending', 'fired', 'missed')),
  value INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO reminder_counts (name, value)
VALUES ('pending', (SELECT count(*) FROM reminder_instances WHERE state = 'pending')),
       ('fired', (SELECT count(*) FROM firings WHERE missed = 0)),
       ('missed', (SELECT count(*) FROM firings WHERE missed = 1));

CREATE TRIGGER reminder_counts_instance_added AFTER INSERT ON reminder_instances
WHEN NEW.state = 'pending'
BEGIN
  UPDATE reminder_counts SET value = value + 1 WHERE name = 'pending';
END;

CREATE TRIGGER reminder_counts_instance_removed AFTER DELETE ON reminder_instances
WHEN OLD.state = 'pending'
BEGIN
  UPDATE reminder_counts SET value = value - 1 WHERE name = 'pending';
END;

CREATE TRIGGER reminder_counts_instance_changed AFTER UPDATE OF state ON reminder_instances
WHEN (OLD.state = 'pending') != (NEW.state = 'pending')
BEGIN
  UPDATE reminder_counts SET value = value + (CASE WHEN NEW.state = 'pending' THEN 1 ELSE -1 END)
  WHERE name = 'pending';
END;

CREATE TRIGGER reminder_counts_firing_added AFTER INSERT ON firings
BEGIN
  UPDATE reminder_counts SET value = value + 1
  WHERE name = (CASE WHEN NEW.missed = 1 THEN 'missed' ELSE 'fired' END);
END;

CREATE TRIGGER reminder_counts_firing_removed AFTER DELETE ON firings
BEGIN
  UPDATE reminder_counts SET value = value - 1
  WHERE name = (CASE WHEN OLD.missed = 1 THEN 'missed' ELSE 'fired' END);
END;

CREATE TRIGGER reminder_counts_firing_changed AFTER UPDATE OF missed ON firings
WHEN OLD.missed != NEW.missed
BEGIN
  UPDATE reminder_counts SET value = value + (CASE WHEN NEW.missed = 1 THEN 1 ELSE -1 END)
  WHERE name = 'missed';
  UPDATE reminder_counts SET value = value + (CASE WHEN NEW.missed = 1 THEN -1 ELSE 1 END)
  WHERE name = 'fired';
END;

CREATE INDEX firings_late ON firings (lateness) WHERE missed = 0;
