#include "core/ical/ics_zones.hpp"

#include "core/custom_zones.hpp"
#include "core/ical/ics_custom_zone.hpp"
#include "core/ical/ics_limits.hpp"
#include "core/ical/ics_zone_match.hpp"
#include "core/ical/windows_zones.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

namespace summit::ical::detail {

namespace {

// The years over which a file's own VTIMEZONE must agree with an IANA zone
// to be read as it: those of a meeting announced a year or more ahead and
// of the series it starts, for most series (issue 16; docs/INTERNALS.md,
// "iCalendar import and export").
constexpr int k_match_years = 10;
// How many (TZID, year) pairs one calendar matches; later ones convert
// through their VTIMEZONE.
constexpr std::size_t k_max_matches = 16;
// How many of one calendar's VTIMEZONEs are kept as zones of their own
// (custom_zones.hpp); later ones convert through their VTIMEZONE, with a
// note.
constexpr std::size_t k_max_kept_zones = 16;

// Whether libical objected to anything in the component (X-LIC-ERROR).
bool damaged(icalcomponent *component) {
  if (icalcomponent_get_first_property(component, ICAL_XLICERROR_PROPERTY) != nullptr) {
    return true;
  }
  for (icalcomponent *child = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT);
       child != nullptr; child = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT)) {
    if (damaged(child)) {
      return true;
    }
  }
  return false;
}

} // namespace

std::string iana_zone_for_tzid(const std::string &name) {
  if (name.empty()) {
    return {};
  }
  // A zone an earlier file defined is no IANA zone: this file's VTIMEZONE
  // of the same name may say otherwise.
  if (auto zone = core::find_zone(name); zone && !core::is_custom_zone(*zone)) {
    return std::string((*zone)->name());
  }
  // "/mozilla.org/20050126_1/Europe/Berlin", "/softwarestudio.org/Olson_20011030_5/Pacific/
  // Auckland": the longest tail that names a zone.
  for (std::size_t slash = name.find('/'); slash != std::string::npos;
       slash = name.find('/', slash + 1)) {
    const std::string tail = name.substr(slash + 1);
    if (tail.find('/') == std::string::npos) {
      break; // a bare "Berlin" names nothing, and "UTC" after a prefix is a guess
    }
    if (auto zone = core::find_zone(tail); zone && !core::is_custom_zone(*zone)) {
      return std::string((*zone)->name());
    }
  }
  return {};
}

ZoneResolver::ZoneResolver(icalcomponent *calendar, std::string fallback_tz)
    : m_fallback(std::move(fallback_tz)), m_calendar_zone(m_fallback) {
  for (icalcomponent *zone = icalcomponent_get_first_component(calendar, ICAL_VTIMEZONE_COMPONENT);
       zone != nullptr;
       zone = icalcomponent_get_next_component(calendar, ICAL_VTIMEZONE_COMPONENT)) {
    if (icalproperty *tzid = icalcomponent_get_first_property(zone, ICAL_TZID_PROPERTY)) {
      if (const char *text = icalproperty_get_tzid(tzid); text != nullptr) {
        m_vtimezones.emplace(text, zone); // the first of two with one TZID wins
      }
    }
  }
  for (icalproperty *x = icalcomponent_get_first_property(calendar, ICAL_X_PROPERTY); x != nullptr;
       x = icalcomponent_get_next_property(calendar, ICAL_X_PROPERTY)) {
    const char *name = icalproperty_get_x_name(x);
    const char *value = icalproperty_get_x(x);
    if (name != nullptr && value != nullptr && std::string_view(name) == "X-WR-TIMEZONE") {
      const TzidReading &choice = resolve(value);
      if (choice.kind == TzidReading::Kind::iana) {
        m_calendar_zone = choice.iana;
        m_names_its_zone = true;
      }
      break;
    }
  }
}

const TzidReading &ZoneResolver::resolve(const std::string &tzid, int year) {
  auto found = m_cache.find(tzid);
  if (found == m_cache.end()) {
    found = m_cache.emplace(tzid, choose(tzid)).first;
  }
  const TzidReading &reading = found->second;
  if (reading.kind != TzidReading::Kind::custom || year <= 0) {
    return reading;
  }
  const auto key = std::make_pair(tzid, year);
  auto matched = m_matched.find(key);
  if (matched == m_matched.end()) {
    const core::TimeRange span{date::sys_days{date::year{year} / 1 / 1},
                               date::sys_days{date::year{year + k_match_years} / 1 / 1}};
    TzidReading choice = reading;
    // A match that finds none reads all of tzdata (about 70 ms): a file of
    // custom zones, or of events over many years, stays linear in its size.
    const bool may_match = m_matched.size() < k_max_matches;
    if (auto iana =
            may_match ? matching_iana_zone(reading.custom, span, m_fallback) : std::string();
        !iana.empty()) {
      choice.kind = TzidReading::Kind::iana;
      choice.iana = std::move(iana);
      choice.custom = nullptr;
      choice.note = fmt::format("TZID '{}' names no IANA zone; the file's VTIMEZONE for it gives "
                                "the offsets of {} at every instant from {} to {}: read as {}",
                                tzid, choice.iana, year, year + k_match_years - 1, choice.iana);
    } else {
      keep_zone(tzid, choice);
    }
    matched = m_matched.emplace(key, std::move(choice)).first;
  }
  return matched->second;
}

void ZoneResolver::keep_zone(const std::string &tzid, TzidReading &choice) {
  const auto vtimezone = m_vtimezones.find(tzid);
  if (vtimezone == m_vtimezones.end()) {
    return;
  }
  if (const auto kept = m_kept.find(tzid); kept != m_kept.end()) {
    if (!kept->second.empty()) {
      choice.kind = TzidReading::Kind::iana;
      choice.iana = kept->second;
      choice.custom = nullptr;
      choice.note = kept_note(tzid, kept->second);
    }
    return;
  }
  std::string &name = m_kept[tzid]; // empty: not kept
  if (m_kept.size() > k_max_kept_zones) {
    choice.note += fmt::format(" (the file defines more than {} zones of its own; summit keeps "
                               "the first {})",
                               k_max_kept_zones, k_max_kept_zones);
    return;
  }
  auto rules = rules_of_vtimezone(vtimezone->second);
  if (!rules) {
    choice.note +=
        fmt::format(" (its VTIMEZONE was not kept as a zone: {})", rules.error().message);
    return;
  }
  auto defined = core::define_custom_zone(
      tzid, *rules, take_string(icalcomponent_as_ical_string_r(vtimezone->second)));
  if (!defined) {
    choice.note +=
        fmt::format(" (its VTIMEZONE was not kept as a zone: {})", defined.error().message);
    return;
  }
  name = *defined;
  choice.kind = TzidReading::Kind::iana;
  choice.iana = name;
  choice.custom = nullptr;
  choice.note = kept_note(tzid, name);
}

std::string ZoneResolver::kept_note(const std::string &tzid, const std::string &name) const {
  return fmt::format("TZID '{}' names no IANA zone and no IANA zone has the offsets of the file's "
                     "VTIMEZONE for it: kept as a zone of its own, '{}' (its changes of offset "
                     "stored up to {}, exported again with its VTIMEZONE)",
                     tzid, name, k_zone_last_converted_year);
}

TzidReading ZoneResolver::choose(const std::string &tzid) {
  TzidReading choice;
  if (auto iana = iana_zone_for_tzid(tzid); !iana.empty()) {
    choice.kind = TzidReading::Kind::iana;
    choice.iana = std::move(iana);
    return choice;
  }
  if (auto iana = iana_zone_for_windows(tzid); !iana.empty()) {
    choice.kind = TzidReading::Kind::iana;
    choice.iana = std::move(iana);
    choice.note = fmt::format("TZID '{}' read as {} (CLDR windowsZones)", tzid, choice.iana);
    return choice;
  }
  const auto vtimezone = m_vtimezones.find(tzid);
  if (vtimezone != m_vtimezones.end()) {
    icalcomponent *component = vtimezone->second;
    if (icalproperty *location = icalcomponent_get_first_property(component, ICAL_X_PROPERTY)) {
      for (; location != nullptr;
           location = icalcomponent_get_next_property(component, ICAL_X_PROPERTY)) {
        const char *name = icalproperty_get_x_name(location);
        const char *value = icalproperty_get_x(location);
        if (name == nullptr || value == nullptr || std::string_view(name) != "X-LIC-LOCATION") {
          continue;
        }
        if (auto iana = iana_zone_for_tzid(value); !iana.empty()) {
          choice.kind = TzidReading::Kind::iana;
          choice.iana = std::move(iana);
          choice.note = fmt::format("TZID '{}' read as {} (its VTIMEZONE's X-LIC-LOCATION)", tzid,
                                    choice.iana);
          return choice;
        }
      }
    }
    if (damaged(component)) {
      choice.note = fmt::format("TZID '{}' is no known zone and libical could not read the "
                                "file's VTIMEZONE for it: its times were read as wall times in {}",
                                tzid, m_fallback);
      return choice;
    }
    TimezonePtr zone{icaltimezone_new()};
    ComponentPtr copy{icalcomponent_new_clone(component)};
    // The zone owns the copy only when it accepts it.
    if (zone && copy && icaltimezone_set_component(zone.get(), copy.get()) != 0) {
      copy.release();
      choice.kind = TzidReading::Kind::custom;
      choice.custom = zone.get();
      choice.note = fmt::format("TZID '{}' is no zone summit knows and no IANA zone has the "
                                "offsets of the file's VTIMEZONE for it over the event's years: "
                                "its times were converted with that VTIMEZONE and are kept in {}",
                                tzid, m_fallback);
      m_custom.push_back(std::move(zone));
      return choice;
    }
  }
  choice.kind = TzidReading::Kind::unknown;
  choice.note = fmt::format("TZID '{}' is no known zone and the file defines no usable "
                            "VTIMEZONE for it: its times were read as wall times in {}",
                            tzid, m_fallback);
  return choice;
}

} // namespace summit::ical::detail
