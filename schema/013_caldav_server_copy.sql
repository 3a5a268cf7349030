-- 013: what summit keeps of each CalDAV resource (issue 14, docs/SYNC.md).
--
-- `ics`: the server's last text of the resource (as fetched, or as summit
-- last PUT it), at most 1 MiB; '' when larger or unknown. A local edit is
-- pushed as this text with summit's changed fields put onto it
-- (core/ical/ics_merge.hpp), so what summit does not model — ATTENDEE,
-- ORGANIZER, X- properties, parameters, VALARMs past the 3 it keeps — stays
-- on the server.
--
-- `skipped`: a resource the server lists that is no event of summit's (a
-- VTODO, a VJOURNAL, or a second resource holding a UID another one
-- already holds). Its row keeps the ETag so that a full comparison does
-- not fetch it again until it changes; event_id is NULL and it is no
-- removal to push.
ALTER TABLE caldav_resources ADD COLUMN ics     TEXT    NOT NULL DEFAULT '';
ALTER TABLE caldav_resources ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
