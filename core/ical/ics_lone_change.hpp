#pragma once

#include "core/error.hpp"
#include "core/event.hpp"

#include <string>
#include <vector>

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
// other not. The override is marked `separate` (it came on its own).
core::Result<core::Event> join_lone_change(const core::Event &series, const core::Event &change,
                                           const std::string &recurrence_id);

// The UID a change of the occurrence `recurrence_id` of `series_uid` takes
// when it must stay an event of its own and the series takes the UID they
// shared: "import-<16 hex>@summit", the same for the same two.
std::string own_uid_of_change(const std::string &series_uid, const std::string &recurrence_id);

// The occurrence `recurrence_id` (as above) names in `series`' zone: a wall
// time, or 00:00 of the date for an all-day series. Fails when the zone is
// unknown or the text is no time.
core::Result<core::LocalSeconds> occurrence_named(const core::Event &series,
                                                  const std::string &recurrence_id);

// `incoming` (a series as an import read it) with the separate overrides
// of `current` (the same series as the calendar holds it) that `incoming`
// does not change itself: importing a series again keeps the changes that
// came as invitations of their own. One whose occurrence `incoming` no
// longer gives is left out with a note in `notes` (a stale change, as
// issue 16 item 3 drops those of a file). `incoming` is returned as it is
// when `current` has none.
core::Event keep_separate_changes(core::Event incoming, const core::Event &current,
                                  std::vector<std::string> &notes);

} // namespace summit::ical
