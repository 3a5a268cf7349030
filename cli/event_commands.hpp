#pragma once

#include "cli/event_options.hpp"
#include "cli/occurrence_edit.hpp"
#include "cli/session.hpp"

#include <cstdint>

namespace summit::cli {

// `summit add`: the zone (--tz, else the one --location names, said on
// stderr, else the viewer's), then event.add; prints "Added event N: ...".
int add_event(Session &session, const EventOptions &options);

// `summit edit ID`: reads the event first (its zone is where times are
// read), then event.update. With an OccurrenceOptions member set it changes,
// cancels or splits from one occurrence (occurrence_edit.hpp); a WHEN that
// is only a date, for a timed series, is first looked up with event.list on
// that day in the event's zone (one occurrence there: that one; none or
// several: refused, naming them).
int edit_event(Session &session, std::int64_t id, const EventOptions &options,
               const OccurrenceOptions &occurrence);

// `summit list`: event.list (the daemon expands repeating events: one row
// per occurrence, marked ↻); says so on stderr when more events match.
int list_events(Session &session, const ListOptions &options);

// `summit show ID`: every field, a repeating event's rule, exceptions and
// changed occurrences included.
int show_event(Session &session, std::int64_t id);

// `summit rm ID`.
int remove_event(Session &session, std::int64_t id);

} // namespace summit::cli
