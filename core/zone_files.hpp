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
