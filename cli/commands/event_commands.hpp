#pragma once

#include "cli/client/command_session.hpp"
#include "cli/commands/event_options.hpp"
#include "cli/commands/occurrence_target.hpp"

#include <cstddef>
#include <cstdint>

namespace summit::cli {

// `summit add`: the zone (--tz, else the one --location names, said on
// stderr, else the viewer's), then event.add; prints "Added event N: ...".
int add_event(CommandSession &session, const EventOptions &options);

// `summit edit ID`: reads the event first (its zone is where times are
// read), then event.update. With an OccurrenceOptions member set it changes,
// cancels or splits from one occurrence (occurrence_target.hpp); a WHEN that
// is only a date, for a timed series, is first looked up with event.list on
// that day in the event's zone (one occurrence there: that one; none or
// several: refused, naming them).
int edit_event(CommandSession &session, std::int64_t id, const EventOptions &options,
               const OccurrenceOptions &occurrence);

// How many events `summit list` prints without --limit.
inline constexpr int k_default_list_limit = 100;

// `summit list`: event.list (the daemon expands repeating events: one row
// per occurrence, marked ↻), page after page as it prints, up to --limit
// rows (default k_default_list_limit); says so on stderr when more events
// match. --json prints an array of whole event objects, an occurrence as
// its series' object with its own members over it (event_listing.hpp).
int list_events(CommandSession &session, const ListOptions &options);

// `summit show ID`: every field, a repeating event's rule, exceptions and
// changed occurrences included.
int show_event(CommandSession &session, std::int64_t id);

// `summit rm ID`.
int remove_event(CommandSession &session, std::int64_t id);

} // namespace summit::cli
