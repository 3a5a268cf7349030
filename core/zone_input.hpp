#pragma once

#include "error.hpp"

#include <date/tz.h>

#include <string>
#include <string_view>

namespace summit::core {

// A zone read from what a person typed, and a sentence for them when it
// was not simply a zone's name.
struct TypedZone {
  const date::time_zone *zone = nullptr;
  std::string note; // empty, or e.g. "EST has no daylight saving time; ..."
};

// Reads a zone as people type it (--tz, and the tz of a request):
//  - an IANA name, as find_zone does; tzdata's legacy names with a fixed
//    offset (EST, MST, HST) are accepted with a note that they keep no
//    daylight saving time, naming the zone that does (America/New_York);
//    the other legacy names (CET, EET, WET, MET, EST5EDT...) with a note
//    naming a city's zone;
//  - the same name in any case when only one zone has it ("europe/minsk");
//  - a fixed offset, "UTC+3", "UTC+03:00", "GMT-5", "+03:00", as tzdata's
//    Etc/GMT-3 (whose sign is inverted, POSIX style), with a note; an
//    offset tzdata has no Etc zone for (+05:30, or past -12/+14) is refused
//    with the zone of a place that keeps it, when one is known (Asia/Kolkata);
//  - an abbreviation (MSK, PST, IST) is refused: "unknown time zone 'MSK':
//    an abbreviation is not a zone; did you mean Europe/Moscow?". An
//    abbreviation is never matched by spelling against other names, which
//    would suggest another continent's zone (MSK is not MST).
// Anything else fails with find_zone's message (and its did-you-mean).
Result<TypedZone> read_typed_zone(std::string_view text);

} // namespace summit::core
