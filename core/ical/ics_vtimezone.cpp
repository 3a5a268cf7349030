// VTIMEZONEs from the system tzdata, through libical's builtin zones
// (Debian's libical reads /usr/share/zoneinfo).
#include "core/ical/ics_vtimezone.hpp"

#include "core/custom_zones.hpp"
#include "core/ical/libical_handles.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <libical/ical.h>

#include <mutex>

namespace summit::ical {

namespace {

using detail::ComponentPtr;
using detail::take_string;

// libical loads its builtin zones lazily into one global array.
std::mutex g_builtin_zones;

// libical names its builtin zones "/freeassociation.sourceforge.net/
// Europe/Berlin" (and icaltimezone_set_tzid_prefix("") restores that
// default); events say TZID=Europe/Berlin, so the TZID is rewritten.
ComponentPtr builtin_vtimezone(const std::string &name) {
  std::lock_guard lock{g_builtin_zones};
  icaltimezone *zone = icaltimezone_get_builtin_timezone(name.c_str());
  icalcomponent *component = zone != nullptr ? icaltimezone_get_component(zone) : nullptr;
  if (component == nullptr) {
    return nullptr;
  }
  ComponentPtr copy{icalcomponent_new_clone(component)};
  if (icalproperty *tzid = icalcomponent_get_first_property(copy.get(), ICAL_TZID_PROPERTY)) {
    icalproperty_set_tzid(tzid, name.c_str());
  } else {
    icalcomponent_add_property(copy.get(), icalproperty_new_tzid(name.c_str()));
  }
  return copy;
}

// libical has no builtin "UTC" (nor "GMT"): a zone with one fixed offset.
ComponentPtr fixed_vtimezone(const std::string &name) {
  auto zone = core::find_zone(name);
  int offset = 0;
  if (zone) {
    offset = static_cast<int>(core::zone_info(core::SysSeconds{}, *zone).offset.count());
  }
  ComponentPtr vtimezone{icalcomponent_new_vtimezone()};
  icalcomponent_add_property(vtimezone.get(), icalproperty_new_tzid(name.c_str()));
  icalcomponent *standard = icalcomponent_new_xstandard();
  icaltimetype start = icaltime_null_time();
  start.year = 1970;
  start.month = 1;
  start.day = 1;
  icalcomponent_add_property(standard, icalproperty_new_dtstart(start));
  icalcomponent_add_property(standard, icalproperty_new_tzoffsetfrom(offset));
  icalcomponent_add_property(standard, icalproperty_new_tzoffsetto(offset));
  icalcomponent_add_property(standard, icalproperty_new_tzname(name.c_str()));
  icalcomponent_add_component(vtimezone.get(), standard);
  return vtimezone;
}

// A zone a calendar file defined (core/custom_zones.hpp): the VTIMEZONE it
// came with, under the name summit keeps it by ("Eastern", or "Eastern (2)"
// when another file's Eastern had other rules).
ComponentPtr custom_vtimezone(const std::string &name) {
  const auto kept = core::custom_zone(name);
  if (!kept || kept->vtimezone.empty()) {
    return nullptr;
  }
  ComponentPtr parsed{icalparser_parse_string(kept->vtimezone.c_str())};
  if (!parsed || icalcomponent_isa(parsed.get()) != ICAL_VTIMEZONE_COMPONENT) {
    return nullptr;
  }
  if (icalproperty *tzid = icalcomponent_get_first_property(parsed.get(), ICAL_TZID_PROPERTY)) {
    icalproperty_set_tzid(tzid, name.c_str());
  } else {
    icalcomponent_add_property(parsed.get(), icalproperty_new_tzid(name.c_str()));
  }
  return parsed;
}

} // namespace

std::string vtimezones(const std::set<std::string> &zones) {
  std::string out;
  for (const std::string &name : zones) {
    ComponentPtr vtimezone =
        core::is_custom_zone(name) ? custom_vtimezone(name) : builtin_vtimezone(name);
    if (!vtimezone) {
      vtimezone = fixed_vtimezone(name);
    }
    out += take_string(icalcomponent_as_ical_string_r(vtimezone.get()));
  }
  return out;
}

} // namespace summit::ical
