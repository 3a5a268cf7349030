#pragma once

#include "error.hpp"
#include "time_range.hpp"

#include <date/tz.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace summit::core {

// Looks up an IANA zone name in the system tz database. On failure the
// message names the zone and, where a known name is close
// ("Europe/Minks"), suggests it: "unknown time zone 'Europe/Minks' (did you
// mean Europe/Minsk?)".
Result<const date::time_zone *> find_zone(std::string_view name);

// A wall time tied to an instant.
struct LocalResolution {
  SysSeconds utc{};
  LocalSeconds local{}; // the input, or moved forward if it fell in a gap
  bool later = false;   // the input was ambiguous and the later instant was taken
  // A sentence for the user when the input did not exist (gap) or was
  // ambiguous (overlap); empty otherwise.
  std::string note;
};

// Maps a wall time in `zone` to an instant as RFC 5545 says: a time that does
// not exist (DST gap) is moved forward by the length of the gap; an ambiguous
// one (DST overlap) takes the earlier instant, or the later when `later`.
LocalResolution resolve_local(LocalSeconds local, const date::time_zone *zone,
                              bool later = false);

// Infers a zone from a free-text location using the system tzdata tables:
// a city that names a zone ("Minsk", "Dushanbe", "New York") or a country
// with a single zone ("Belarus", "Tajikistan"). Built from the text of
// zone1970.tab, zone.tab and iso3166.tab so that it is testable with any
// table; load_system() reads them from /usr/share/zoneinfo.
class ZoneGazetteer {
public:
  struct Inference {
    std::string zone;   // "Europe/Minsk"
    std::string reason; // "Minsk is in Europe/Minsk"
  };

  static ZoneGazetteer parse(std::string_view zone1970_tab, std::string_view zone_tab,
                             std::string_view iso3166_tab);
  // Reads the tables from `dir`; missing files give an empty gazetteer that
  // infers nothing (the caller then uses the client's zone).
  static ZoneGazetteer load_system(const std::string &dir = "/usr/share/zoneinfo");

  // The zone a location names, or nothing when the location is unknown or
  // names a country with several zones ("Kazakhstan").
  std::optional<Inference> infer(std::string_view location) const;

private:
  std::map<std::string, std::string> m_city_zone;                 // "minsk" -> Europe/Minsk
  std::map<std::string, std::vector<std::string>> m_country_zones; // "belarus" -> {Europe/Minsk}
  std::map<std::string, std::string> m_country_name;               // "belarus" -> "Belarus"
};

// ---- A zone's offsets at any time (implemented in zone_rules.cpp) ----
//
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

} // namespace summit::core
