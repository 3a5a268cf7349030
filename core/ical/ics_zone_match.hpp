#pragma once

#include "core/time_range.hpp"

#include <libical/ical.h>

#include <string>

// A file's own VTIMEZONE under a TZID that names no IANA zone ("Eastern",
// "Customized Time Zone"), matched to the IANA zone it describes. Internal
// to core/ical.
namespace summit::ical::detail {

// The IANA zone whose UTC offset is `custom`'s at every instant of `span`
// (the same changes of offset, at the same instants), or empty when none
// is. A zone with one offset of whole hours all along is tzdata's Etc zone
// for it (Etc/UTC, Etc/GMT-3). Else `preferred` (the importing user's own
// zone: a Berlin user's invitation with the EU's rules is Europe/Berlin,
// not the first city that keeps them) is tried first, then the zones of
// the CLDR Windows table, in its order
// (America/New_York before America/Detroit, which has had the same rules
// since 1975), then every zone of tzdata by name. The custom zone's changes
// are found a day at a time (then to the second): two changes within one
// day are not told apart, which no yearly rule gives. `span` is cut at the
// years libical converts (ics_limits.hpp).
std::string matching_iana_zone(icaltimezone *custom, core::TimeRange span,
                               const std::string &preferred = {});

} // namespace summit::ical::detail
