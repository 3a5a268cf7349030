#pragma once

#include "error.hpp"
#include "gazetteer.hpp"
#include "time_range.hpp"

#include <date/tz.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace summit::core {

// Looks up an IANA zone name in the system tz database. On failure the
// message names the zone and, where a known name is close
// ("Europe/Minks"), suggests it: "unknown time zone 'Europe/Minks' (did you
// mean Europe/Minsk?)".
//
// Knows the same names as date::locate_zone (every file under
// /usr/share/zoneinfo but the tables, posix/ and right/), but without
// date's list of the whole database, which date::locate_zone builds first
// (hundreds of stat calls): find_zone reads the one file, once; zone_info()
// answers from those bytes, never through date's own reading, which lists
// the whole database too (Debian's date 3.0.1, for leap seconds). The whole
// list is read here only to suggest a name for a typo. The zones returned
// live as long as the process; a name always gives the same pointer.
// "floating" gives floating_zone().
Result<const date::time_zone *> find_zone(std::string_view name);

// Floating time (RFC 5545 3.3.5: a DATE, or a DATE-TIME with neither TZID
// nor Z): the same wall date and time wherever it is read. An event whose
// `tz` is "floating" keeps its wall times; each process reads them in a zone
// of its own, which find_zone("floating") gives: summitd's local zone
// (its reminders fire at that wall time), the viewer's in the CLI (it shows
// the wall time as it is, whatever --tz says). UTC until set.
inline constexpr std::string_view k_floating = "floating";
bool is_floating(std::string_view tz);
// Sets the zone find_zone("floating") gives, for the whole process (not
// null; set once at start-up, before other threads read it).
void set_floating_zone(const date::time_zone *zone);
const date::time_zone *floating_zone();

// The machine's own zone, named by the /etc/localtime link (as
// date::current_zone() finds it, but through find_zone); nullptr when it
// cannot be told (no /etc/localtime).
const date::time_zone *system_zone();

// Reads `zone`'s rules now rather than at their first use: for a zone
// find_zone gave, they are read already; for one of date's database, its
// one file (zone_rules.cpp reads zone files itself: date's own reading
// first lists the whole database for leap seconds, issue 17). For callers
// with time to spare, such as the CLI waiting for the daemon's reply.
// Never fails: a damaged zone file is reported by the use that needs it.
void load_rules(const date::time_zone *zone);

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
LocalResolution resolve_local(LocalSeconds local, const date::time_zone *zone, bool later = false);

// Infers a zone from a free-text location using the system tzdata tables:
// a city that names a zone ("Minsk", "Dushanbe", "New York") or a country
// with a single zone ("Belarus", "Tajikistan"). Built from the text of
// zone1970.tab, zone.tab and iso3166.tab so that it is testable with any
// table; load_system() reads them from /usr/share/zoneinfo.
class ZoneGazetteer final : public Gazetteer {
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
  // The same tables, read at the first infer() instead (once; copies share
  // them): a daemon that is never asked to infer a zone never spends the
  // 1.6 ms and 155 kB they take.
  static ZoneGazetteer load_system_on_demand(std::string dir = "/usr/share/zoneinfo");

  // The zone a location names, or nothing when the location is unknown or
  // names a country with several zones ("Kazakhstan"). Thread-safe.
  std::optional<Inference> infer(std::string_view location) const;
  // infer() as a Gazetteer: found or unknown (a multi-zone country is unknown
  // here, as the tables cannot tell whether a name is a country's).
  PlaceZone zone_for(std::string_view location) const override;

private:
  struct OnDemand;
  // This gazetteer's tables, or those read on demand.
  const ZoneGazetteer &tables() const;

  std::map<std::string, std::string> m_city_zone;                  // "minsk" -> Europe/Minsk
  std::map<std::string, std::vector<std::string>> m_country_zones; // "belarus" -> {Europe/Minsk}
  std::map<std::string, std::string> m_country_name;               // "belarus" -> "Belarus"
  std::shared_ptr<OnDemand> m_on_demand;                           // load_system_on_demand only
};

} // namespace summit::core
