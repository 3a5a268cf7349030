#pragma once

// A zone's offsets at any time: zone_info() and to_local(), which every
// caller asks, and the parts beneath them (how summit answers for times
// after the last transition a zone file lists), for tests and for the
// survey of a whole database. Zones are found by name with find_zone
// (zones.hpp).

#include "posix_rule.hpp"
#include "time_range.hpp"

#include <date/tz.h>

#include <optional>
#include <string>
#include <string_view>

namespace summit::core {

// Every caller asks these, never date::time_zone's get_info/to_local (nor
// zoned_time, nor %Z/%z over a zone). With USE_OS_TZDB, date reads the
// transitions a zone file lists (Debian 12's stop in 2037) and keeps the
// last offset for ever after; the file's footer, a POSIX TZ string
// ("CET-1CEST,M3.5.0,M10.5.0/3"), holds the rules for the times after it.
// These functions give date's answer up to the last listed transition and
// the footer's (read by date's ptz.h) after it, so Europe/Berlin is CEST,
// +02:00, in July 2040. The footer is read once per zone, at the first time
// asked for past its last transition (never at start-up); a footer ptz.h
// cannot read, or none, leaves date's answer. Thread-safe. `zone` is never
// null (find_zone's).

// The period of `zone` (offset, abbreviation, begin and end) that holds `t`.
// `save` is as date gives it for zone files: a flag (1 minute in DST, 0
// otherwise), not the amount.
date::sys_info zone_info(SysSeconds t, const date::time_zone *zone);

// How the wall time `t` maps to instants in `zone`: unique, nonexistent (in a
// gap: `first` is the period before, `second` the one after) or ambiguous (in
// an overlap: `first` is the earlier period, `second` the later).
date::local_info zone_info(LocalSeconds t, const date::time_zone *zone);

// The wall time in `zone` at the instant `t`.
LocalSeconds to_local(SysSeconds t, const date::time_zone *zone);

// The POSIX TZ string at the end of a TZif file (RFC 8536 section 3.3): the
// text between the file's last two newlines. Empty for a file that is not
// TZif, is version 1 (no footer) or whose footer is empty.
std::string tzif_footer(std::string_view tzif);

// What a zone's file says about the times after its last transition.
struct ZoneFooter {
  enum class Kind {
    none,         // no file, not TZif, version 1 or an empty footer: date's answer stands
    fixed,        // a footer with one offset ("JST-9", "<+03>-3"): date's answer stands
    rule,         // a footer with DST rules, which take over at `from`
    unreadable,   // ptz.h cannot read the footer: date's answer stands
    inconsistent, // the footer disagrees with the last transition: date's answer stands
  };
  Kind kind = Kind::none;
  std::string text;              // the footer, when there is one
  std::string why;               // for unreadable and inconsistent: what is wrong
  std::optional<PosixRule> rule; // Kind::rule only
  SysSeconds from{};             // Kind::rule only: the begin of the last listed transition
};

// Reads `zone`'s footer from its file, <zoneinfo dir>/<zone name>, now and
// every time (zone_info() reads each zone's once and keeps it). Never fails:
// whatever is wrong with the file gives a Kind saying date's answer stands.
ZoneFooter read_zone_footer(const date::time_zone *zone);

// Names how summit reads zone files. The daemon records it with the tzdata
// version its stored instants were computed with: a new reading moves
// instants as a tzdata update does (reading the footer rules moved every
// summer instant after 2037 by an hour), so changing it makes the daemon
// recompute them.
inline constexpr std::string_view k_zone_reading = "footer-rules";

// The directory date reads zone files from (date's tz.cpp, discover_tz_dir).
const std::string &zoneinfo_dir();

} // namespace summit::core
