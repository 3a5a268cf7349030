#pragma once

// How zones.cpp hands zone_rules.cpp the zone files it has read, so that each
// is read once (issue 17). Not for other callers: zones.hpp and
// zone_rules.hpp are the interface.

#include <date/tz.h>

#include <string_view>

namespace summit::core {

// Takes `tzif`, the bytes of `zone`'s file that the caller has just read, as
// what zone_info() answers from, so that the file is not read again. False
// (and nothing kept) for bytes this reader leaves to date: leap seconds, or
// not a file it can read.
bool keep_zone_file(const date::time_zone *zone, std::string_view tzif);

// Reads `zone`'s file now, if it has not been read yet, rather than at the
// first question. Never fails: a file that cannot be read is left to date,
// and reported by the use that needs it.
void read_zone_rules(const date::time_zone *zone);

} // namespace summit::core

namespace summit::core {

struct CustomZoneRules;

// Takes `rules`, a custom zone's (custom_zones.hpp), as what zone_info()
// answers for `zone`: its periods as a zone file's would be.
void keep_zone_periods(const date::time_zone *zone, const CustomZoneRules &rules);

// The custom zone named `name`, or nullptr (custom_zones.cpp; find_zone
// asks it first).
const date::time_zone *find_custom_zone(std::string_view name);

// Whether `name` names a zone of the tz database (without find_zone's
// suggestions, which list the whole database).
bool names_tzdata_zone(std::string_view name);

} // namespace summit::core
