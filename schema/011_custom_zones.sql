-- 011: zones that calendar files define (issue 16). A VTIMEZONE whose TZID
-- names no IANA zone and whose offsets no IANA zone has is kept as a zone
-- of its own: events name it in their `tz` like an IANA zone. summitd
-- defines every zone of this table at start-up (core/custom_zones.hpp),
-- before it reads an event.
--
-- Numbered 011, not 010: another branch adds 010 (CalDAV). The migrator
-- applies whatever it has in order; a gap is allowed.
CREATE TABLE custom_zones (
  -- What events' `tz` says: the file's TZID ("Eastern Custom"), or
  -- "Eastern Custom (2)" when another file's zone of that TZID has other
  -- rules.
  name      TEXT    NOT NULL PRIMARY KEY,
  -- Its offset before its first change, then each change of offset, one a
  -- line (core::format_zone_rules): "<offset s> <dst 0|1> <abbrev>", then
  -- "<unix s> <offset s> <dst 0|1> <abbrev>", up to the year 2399. What
  -- expansion, reminders and listings use.
  rules     TEXT    NOT NULL,
  -- The VTIMEZONE it came from, as libical wrote it back: what an export
  -- sends (under `name`).
  vtimezone TEXT    NOT NULL DEFAULT ''
) WITHOUT ROWID;
