#pragma once

// How summit answers for times after the last transition a zone file lists.
// Callers use zone_info() and to_local() from zones.hpp; this header holds
// the parts beneath them, for tests and for the survey of a whole database.

#include "posix_rule.hpp"
#include "time_range.hpp"

#include <date/tz.h>

#include <optional>
#include <string>
#include <string_view>

namespace summit::core {

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
