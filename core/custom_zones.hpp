#pragma once

// Zones a calendar file defined itself: a VTIMEZONE whose TZID names no
// IANA zone ("Eastern Custom") and whose offsets no IANA zone has (issue
// 16). Such a zone is kept as its own: its changes of offset are a list of
// instants, zone_info() and to_local() answer from it like from a zone
// file, and find_zone() finds it by its name in the process that defined
// it (summitd defines the ones its database keeps at start-up, and each
// import's). The CLI does not know them: it shows such an event's wall
// time as the daemon gave it.

#include "error.hpp"
#include "time_range.hpp"

#include <date/tz.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace summit::core {

// One offset a custom zone keeps for a while.
struct ZoneOffset {
  Seconds offset{};   // from UTC: +3600 for one hour east
  bool dst = false;   // a DAYLIGHT part's (RFC 5545)
  std::string abbrev; // its TZNAME ("EST", "Eastern Standard Time"), or "-0455"
  bool operator==(const ZoneOffset &) const = default;
};

// A change to `to` at the instant `at`.
struct OffsetChange {
  SysSeconds at{};
  ZoneOffset to;
  bool operator==(const OffsetChange &) const = default;
};

// A custom zone's rules: its offset before its first change, then its
// changes in order of time (strictly increasing; none that changes
// nothing). After the last change its offset holds for ever.
struct CustomZoneRules {
  ZoneOffset initial;
  std::vector<OffsetChange> changes;
  bool operator==(const CustomZoneRules &) const = default;
};

// Bounds: a zone's changes (the importer's own bound, ics_limits.hpp), the
// zones one process keeps (each a few kilobytes to a few hundred: a
// database that collects more converts the times of later files' zones to
// the importing user's zone, as before issue 16), an offset (RFC 5545 and
// every real zone stay within ±18 hours) and a name.
inline constexpr std::size_t k_max_custom_zone_changes = 10'000;
inline constexpr std::size_t k_max_custom_zones = 100;
inline constexpr std::size_t k_max_custom_zone_name = 100;
inline constexpr std::size_t k_max_zone_abbrev = 64;
inline constexpr Seconds k_max_zone_offset{18 * 3600};
// The VTIMEZONE text kept for export.
inline constexpr std::size_t k_max_custom_zone_source = 64 * 1024;

// The text the rules are stored as (schema/011_custom_zones.sql), one line
// each: "<offset seconds> <0|1 dst> <abbrev>" for the initial offset, then
// "<unix seconds> <offset seconds> <0|1> <abbrev>" per change (the
// abbreviation is the rest of the line).
std::string format_zone_rules(const CustomZoneRules &rules);
// Reads format_zone_rules' text back; invalid_params naming the line that
// is wrong (a database changed by hand, or damaged).
Result<CustomZoneRules> parse_zone_rules(std::string_view text);

// Checks `rules` against the bounds above and its own order; invalid_params
// saying what is wrong.
Result<void> check_zone_rules(const CustomZoneRules &rules);

// A custom zone as kept: its name (what events' `tz` says), its rules and
// the VTIMEZONE it came from (with its own TZID, which export rewrites).
struct CustomZone {
  std::string name;
  CustomZoneRules rules;
  std::string vtimezone;
};

// Defines the zone `wanted` with `rules` for this process and returns its
// name: `wanted` itself when no zone has that name or the zone of that
// name has the same rules; else the first of "wanted (2)", "wanted (3)" ...
// that is free or has these rules (two files' "Eastern" with different
// rules are two zones). With `exact`, only `wanted` (summitd's start-up:
// the names its database already uses). Refused (invalid_params) for a
// name that is empty, too long, has control characters or names an IANA
// zone, for rules check_zone_rules refuses, and (unavailable) past
// k_max_custom_zones zones (not with `exact`: summitd defines every zone
// its database keeps). Thread-safe.
Result<std::string> define_custom_zone(std::string_view wanted, const CustomZoneRules &rules,
                                       std::string vtimezone, bool exact = false);

// Whether `zone` (or the zone named `name`) is a custom zone.
bool is_custom_zone(const date::time_zone *zone);
bool is_custom_zone(std::string_view name);

// The custom zone named `name`, for the store and for export.
std::optional<CustomZone> custom_zone(std::string_view name);

} // namespace summit::core
