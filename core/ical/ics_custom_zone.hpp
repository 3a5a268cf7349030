#pragma once

#include "core/custom_zones.hpp"
#include "core/error.hpp"

#include <libical/ical.h>

// A file's own VTIMEZONE read as summit's custom zone rules (issue 16): the
// zone is kept as itself when no IANA zone has its offsets. Internal to
// core/ical.
namespace summit::ical::detail {

// The changes of offset `vtimezone`'s STANDARD and DAYLIGHT parts give, as
// RFC 5545 3.6.5 reads them: each onset (DTSTART, every start of its
// yearly RRULE up to k_zone_last_converted_year, each RDATE) is a wall time
// in TZOFFSETFROM, and from it the zone keeps TZOFFSETTO, named by the
// part's first TZNAME (else the offset, "-0455"). Before the first onset
// the zone keeps that onset's TZOFFSETFROM. Two onsets at one instant: the
// first in the file wins. invalid_params when the zone has no part summit
// can read, or core::check_zone_rules refuses what it gives.
core::Result<core::CustomZoneRules> rules_of_vtimezone(icalcomponent *vtimezone);

} // namespace summit::ical::detail
