#pragma once

#include "core/ical/libical_handles.hpp"

#include <libical/ical.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

// What a TZID in a file means to summit, which keeps IANA names only.
// Internal to core/ical.
namespace summit::ical::detail {

struct TzidReading {
  enum class Kind {
    iana,    // an IANA zone: the wall times stay as written
    custom,  // only the file's VTIMEZONE knows it: converted through libical
    unknown, // nothing knows it: read as wall time in the fallback zone
  };
  Kind kind = Kind::unknown;
  // kind iana: an IANA zone, or a zone of the file's own that summit keeps
  // (custom_zones.hpp): both are names find_zone knows.
  std::string iana;
  icaltimezone *custom = nullptr; // kind custom, owned by the resolver
  // Why the TZID was read this way, for the user; empty when it was an IANA
  // name (perhaps behind a vendor prefix such as "/mozilla.org/.../").
  std::string note;
};

// Resolves the TZIDs of one VCALENDAR, in this order: an IANA name; an IANA
// name behind a prefix ("/citadel.org/20190914_1/Europe/Berlin"); a Windows
// name in the CLDR table; the X-LIC-LOCATION of the file's VTIMEZONE; the
// file's VTIMEZONE itself (custom); else unknown. Results are cached.
class ZoneResolver {
public:
  // `calendar` must outlive the resolver; `fallback_tz` is named in notes.
  ZoneResolver(icalcomponent *calendar, std::string fallback_tz);

  // `year`: the first year of the event the time belongs to, or 0. A TZID
  // that only the file's VTIMEZONE knows (custom) is read as the IANA zone
  // with the same offsets at every instant of the ten years from 1 January
  // of `year` (matching_iana_zone), with a note saying so, when there is
  // one; else as the zone that VTIMEZONE defines, kept as its own
  // (keep_zone; kind iana, its name); else (year 0, or it cannot be kept)
  // as custom.
  const TzidReading &resolve(const std::string &tzid, int year = 0);

  // The zone X-WR-TIMEZONE names when it resolves to an IANA zone, else
  // the fallback zone: where UTC and date values of this calendar are shown.
  const std::string &calendar_zone() const { return m_calendar_zone; }
  const std::string &fallback_zone() const { return m_fallback; }
  // Whether X-WR-TIMEZONE named an IANA zone: the calendar says which zone
  // its floating times are in (Google and Apple write it so).
  bool names_its_zone() const { return m_names_its_zone; }

private:
  TzidReading choose(const std::string &tzid);
  // Makes `choice` (kind custom, matched to no IANA zone) the zone the
  // file's VTIMEZONE for `tzid` defines, kept as its own
  // (core::define_custom_zone): kind iana with that zone's name. Leaves it
  // as it is, with the reason added to its note, past k_max_kept_zones or
  // when the VTIMEZONE cannot be kept.
  void keep_zone(const std::string &tzid, TzidReading &choice);
  std::string kept_note(const std::string &tzid, const std::string &name) const;

  std::string m_fallback;
  std::string m_calendar_zone;
  bool m_names_its_zone = false;
  std::map<std::string, icalcomponent *> m_vtimezones;
  std::map<std::string, TzidReading> m_cache;
  std::map<std::pair<std::string, int>, TzidReading> m_matched; // custom TZIDs by year
  std::vector<TimezonePtr> m_custom;
  std::map<std::string, std::string> m_kept; // TZID -> the zone kept for it, or empty
};

// The IANA zone `name` stands for (as is, or behind a vendor prefix), or
// empty.
std::string iana_zone_for_tzid(const std::string &name);

} // namespace summit::ical::detail
