-- 005: request keys, so that a client may retry a write safely (DESIGN.md,
-- docs/PROTOCOL.md "Request keys").
--
-- event.add, calendar.import and import.commit accept a client-chosen
-- request_key. The first request with a key that writes records, in the
-- transaction of its (last) write, the reply it got; a request that repeats
-- the key (same uid, same method) gets that reply again instead of writing
-- twice. Keys are per uid (two users cannot see or block each other's) and
-- expire 24 hours after they were recorded: each recording first deletes the
-- expired rows, found through request_keys_by_applied, so the table holds at
-- most a day of keys and pruning costs only the rows it removes.
CREATE TABLE request_keys (
  uid     INTEGER NOT NULL,
  key     TEXT    NOT NULL,
  method  TEXT    NOT NULL,
  -- The `result` member of the first reply, as JSON text.
  result  TEXT    NOT NULL,
  -- Unix seconds, the instant of the request that recorded it.
  applied INTEGER NOT NULL,
  PRIMARY KEY (uid, key)
) WITHOUT ROWID;

CREATE INDEX request_keys_by_applied ON request_keys (applied);
