#pragma once

#include "core/error.hpp"
#include "core/event.hpp"

#include <string>

// A change of one occurrence that came without its series (an invitation
// to one changed meeting), joined to the series when the calendar has it.
namespace summit::ical {

// `series` with `change` (a single event as the importer read it) as the
// override of the occurrence `recurrence_id` (a UTC instant "...Z", or a
// date for an all-day series, as ImportedEvent::recurrence_id gives it):
// its start and end, and its title, location, description and status where
// it gives them and they differ from the series'. An override already there for that
// occurrence is replaced. Fails, saying why, when the series does not give
// that occurrence (or an EXDATE cancels it) or when one is all-day and the
// other not.
core::Result<core::Event> join_lone_change(const core::Event &series, const core::Event &change,
                                           const std::string &recurrence_id);

} // namespace summit::ical
