#include "core/ical/ics_merge.hpp"

#include "core/ical/ics_document.hpp"
#include "core/ical/libical_handles.hpp"

#include <fmt/format.h>
#include <libical/ical.h>

#include <strings.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <map>
#include <set>
#include <utility>

namespace summit::ical {

namespace {

using detail::children_of;
using detail::ComponentPtr;
using detail::take_string;

// The fields summit models, each replaced whole when the user changed it.
enum class Group { none, summary, time, status, location, description, categories, recurrence };

constexpr std::array k_groups = {Group::summary,   Group::time,        Group::status,
                                 Group::location,  Group::description, Group::categories,
                                 Group::recurrence};

std::string property_name(icalproperty *property) {
  const char *name = icalproperty_get_property_name(property);
  return name != nullptr ? name : "";
}

Group group_of(icalproperty *property) {
  switch (icalproperty_isa(property)) {
  case ICAL_SUMMARY_PROPERTY:
    return Group::summary;
  case ICAL_DTSTART_PROPERTY:
  case ICAL_DTEND_PROPERTY:
  case ICAL_DURATION_PROPERTY:
    return Group::time;
  case ICAL_STATUS_PROPERTY:
    return Group::status;
  case ICAL_LOCATION_PROPERTY:
    return Group::location;
  case ICAL_DESCRIPTION_PROPERTY:
    return Group::description;
  case ICAL_CATEGORIES_PROPERTY:
    return Group::categories;
  case ICAL_RRULE_PROPERTY:
  case ICAL_RDATE_PROPERTY:
  case ICAL_EXDATE_PROPERTY:
    return Group::recurrence;
  case ICAL_X_PROPERTY: {
    const std::string name = property_name(property);
    if (name == "X-SUMMIT-TZID" || name == "X-SUMMIT-PRECISION") {
      return Group::time;
    }
    if (name == "X-SUMMIT-STATUS") {
      return Group::status;
    }
    return Group::none;
  }
  default:
    return Group::none;
  }
}

std::vector<icalproperty *> properties_of(icalcomponent *component) {
  std::vector<icalproperty *> out;
  for (icalproperty *p = icalcomponent_get_first_property(component, ICAL_ANY_PROPERTY);
       p != nullptr; p = icalcomponent_get_next_property(component, ICAL_ANY_PROPERTY)) {
    out.push_back(p);
  }
  return out;
}

// libical's icalcomponent_remove_property walks the whole property list
// for each property removed, so removing many one by one is quadratic (a
// kept text with 30,000 lines libical could not read took 30 s of CPU to
// clean). A VEVENT that loses properties is made anew instead, in one pass:
// the properties `drop` does not pick are copied, its components moved.
template <typename Drop> icalcomponent *rebuilt_without(icalcomponent *vevent, Drop drop) {
  icalcomponent *fresh = icalcomponent_new(ICAL_VEVENT_COMPONENT);
  for (icalproperty *p = icalcomponent_get_first_property(vevent, ICAL_ANY_PROPERTY); p != nullptr;
       p = icalcomponent_get_next_property(vevent, ICAL_ANY_PROPERTY)) {
    if (!drop(p)) {
      icalcomponent_add_property(fresh, icalproperty_new_clone(p));
    }
  }
  // Removing the first child stops at it: linear.
  while (icalcomponent *child = icalcomponent_get_first_component(vevent, ICAL_ANY_COMPONENT)) {
    icalcomponent_remove_component(vevent, child);
    icalcomponent_add_component(fresh, child);
  }
  return fresh;
}

// The rendered text without libical's X-LIC-ERROR lines (what it could not
// read, never sent back) and their folded continuations; dropped here in
// one pass rather than property by property (above).
std::string without_error_lines(const std::string &text) {
  std::string out;
  out.reserve(text.size());
  bool dropping = false;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = text.find('\n', at);
    end = end == std::string::npos ? text.size() : end + 1;
    const std::string_view line(text.data() + at, end - at);
    const bool continuation = line.front() == ' ' || line.front() == '\t';
    if (!continuation) {
      dropping = line.size() >= 11 && strncasecmp(line.data(), "X-LIC-ERROR", 11) == 0 &&
                 (line.size() == 11 || line[11] == ':' || line[11] == ';');
    }
    if (!dropping) {
      out.append(line);
    }
    at = end;
  }
  return out;
}

// The group's properties as text, in a fixed order: equal for equal fields.
std::string fingerprint(icalcomponent *component, Group group) {
  std::vector<std::string> lines;
  if (component != nullptr) {
    for (icalproperty *p : properties_of(component)) {
      if (group_of(p) == group) {
        lines.push_back(take_string(icalproperty_as_ical_string_r(p)));
      }
    }
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto &line : lines) {
    out += line;
  }
  return out;
}

// What an alarm's TRIGGER means, whatever its spelling (-P1D is -PT24H).
std::string trigger_key(icalcomponent *alarm) {
  icalproperty *trigger = icalcomponent_get_first_property(alarm, ICAL_TRIGGER_PROPERTY);
  if (trigger == nullptr) {
    return "?";
  }
  const icaltriggertype value = icalproperty_get_trigger(trigger);
  if (!icaltime_is_null_time(value.time)) {
    return fmt::format("T{}", static_cast<long long>(icaltime_as_timet_with_zone(
                                  value.time, icaltimezone_get_utc_timezone())));
  }
  icalparameter *related = icalproperty_get_first_parameter(trigger, ICAL_RELATED_PARAMETER);
  const bool from_end =
      related != nullptr && icalparameter_get_related(related) == ICAL_RELATED_END;
  return fmt::format("{}{}", from_end ? "E" : "D", icaldurationtype_as_int(value.duration));
}

std::vector<std::string> alarm_keys(icalcomponent *component) {
  std::vector<std::string> out;
  if (component != nullptr) {
    for (icalcomponent *alarm : children_of(component, ICAL_VALARM_COMPONENT)) {
      out.push_back(trigger_key(alarm));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// A VEVENT's place in its resource: "" for the series (or a single event),
// else the instant (or date) its RECURRENCE-ID names, so that a server's
// RECURRENCE-ID in UTC or another TZID spelling matches summit's.
std::string key_of(icalcomponent *vevent, icalcomponent *calendar) {
  icalproperty *id = icalcomponent_get_first_property(vevent, ICAL_RECURRENCEID_PROPERTY);
  if (id == nullptr) {
    return "";
  }
  const icaltimetype t = icalproperty_get_recurrenceid(id);
  if (t.is_date != 0) {
    return fmt::format("D{:04}{:02}{:02}", t.year, t.month, t.day);
  }
  if (icaltime_is_utc(t) != 0) {
    return fmt::format("T{}", static_cast<long long>(
                                  icaltime_as_timet_with_zone(t, icaltimezone_get_utc_timezone())));
  }
  if (icalparameter *tzid = icalproperty_get_first_parameter(id, ICAL_TZID_PARAMETER)) {
    const char *name = icalparameter_get_tzid(tzid);
    icaltimezone *zone = name != nullptr ? icalcomponent_get_timezone(calendar, name) : nullptr;
    if (zone == nullptr && name != nullptr) {
      zone = icaltimezone_get_builtin_timezone(name);
    }
    if (zone != nullptr) {
      return fmt::format("T{}", static_cast<long long>(icaltime_as_timet_with_zone(t, zone)));
    }
  }
  return fmt::format("F{:04}{:02}{:02}T{:02}{:02}{:02}", t.year, t.month, t.day, t.hour, t.minute,
                     t.second);
}

std::string uid_of(icalcomponent *vevent) {
  const char *uid = icalcomponent_get_uid(vevent);
  return uid != nullptr ? uid : "";
}

int sequence_of(icalcomponent *vevent) {
  icalproperty *sequence = icalcomponent_get_first_property(vevent, ICAL_SEQUENCE_PROPERTY);
  return sequence != nullptr ? icalproperty_get_sequence(sequence) : 0;
}

// The VEVENTs of `uid` only: one of another UID (a server may put two in a
// resource) is not the edited event's and stays as it is.
std::map<std::string, icalcomponent *> vevents_by_key(icalcomponent *calendar,
                                                      const std::string &uid) {
  std::map<std::string, icalcomponent *> out;
  for (icalcomponent *vevent : children_of(calendar, ICAL_VEVENT_COMPONENT)) {
    if (uid_of(vevent) != uid) {
      continue;
    }
    // The same occurrence twice: the one summit read (ics_import's
    // fold_override), the higher SEQUENCE, else the first.
    auto [at, added] = out.emplace(key_of(vevent, calendar), vevent);
    if (!added && sequence_of(vevent) > sequence_of(at->second)) {
      at->second = vevent;
    }
  }
  return out;
}

// A kept text is one summit's import read (no NUL, components a few deep),
// but the merge reads it again with libical whole and walks it recursively:
// a text it could not have read is not merged.
constexpr int k_max_depth = 8;

std::string unreadable(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) {
    return "it holds a NUL byte";
  }
  int depth = 0;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view line = text.substr(at, end - at);
    at = end + 1;
    if (line.size() >= 6 && strncasecmp(line.data(), "BEGIN:", 6) == 0) {
      if (++depth > k_max_depth) {
        return fmt::format("its components nest more than {} deep", k_max_depth);
      }
    } else if (line.size() >= 4 && strncasecmp(line.data(), "END:", 4) == 0 && depth > 0) {
      --depth;
    }
  }
  return {};
}

ComponentPtr parse(std::string_view text) {
  ComponentPtr parsed{icalparser_parse_string(std::string(text).c_str())};
  if (parsed && icalcomponent_isa(parsed.get()) != ICAL_VCALENDAR_COMPONENT) {
    parsed.reset();
  }
  return parsed;
}

struct ComponentMerge {
  bool changed = false;
  bool scheduling = false;              // times, rule or status: SEQUENCE goes up
  bool zones = false;                   // local's time zones may be needed
  icalcomponent *replacement = nullptr; // the VEVENT anew, in place of `server`
};

// `server` takes what the user changed between `base` (nullptr: all of
// it) and `local`.
ComponentMerge merge_vevent(icalcomponent *server, icalcomponent *base, icalcomponent *local) {
  ComponentMerge out;
  std::set<Group> replaced;
  for (const Group group : k_groups) {
    if (base != nullptr && fingerprint(base, group) == fingerprint(local, group)) {
      continue;
    }
    if (base == nullptr && fingerprint(server, group) == fingerprint(local, group)) {
      continue;
    }
    replaced.insert(group);
    out.changed = true;
    if (group == Group::time || group == Group::recurrence || group == Group::status) {
      out.scheduling = true;
      out.zones = true;
    }
  }
  const std::vector<std::string> base_alarms =
      base != nullptr ? alarm_keys(base) : alarm_keys(server);
  if (base_alarms != alarm_keys(local)) {
    // The server's alarms summit showed as reminders go (the user's
    // replace them, first); those it never showed stay, after them.
    const std::set<std::string> shown(base_alarms.begin(), base_alarms.end());
    std::vector<icalcomponent *> kept;
    for (icalcomponent *alarm : children_of(server, ICAL_VALARM_COMPONENT)) {
      icalcomponent_remove_component(server, alarm);
      if (shown.count(trigger_key(alarm)) != 0) {
        icalcomponent_free(alarm);
      } else {
        kept.push_back(alarm);
      }
    }
    for (icalcomponent *alarm : children_of(local, ICAL_VALARM_COMPONENT)) {
      icalcomponent_add_component(server, icalcomponent_new_clone(alarm));
    }
    for (icalcomponent *alarm : kept) {
      icalcomponent_add_component(server, alarm);
    }
    out.changed = true;
  }
  if (!out.changed) {
    return out;
  }
  // The changed fields are summit's, DTSTAMP (and LAST-MODIFIED when
  // present) the push's: the server's go, in one pass (rebuilt_without).
  icalproperty *stamp = icalcomponent_get_first_property(local, ICAL_DTSTAMP_PROPERTY);
  const bool modified =
      stamp != nullptr && icalcomponent_get_first_property(server, ICAL_LASTMODIFIED_PROPERTY);
  icalcomponent *fresh = rebuilt_without(server, [&](icalproperty *p) {
    const icalproperty_kind kind = icalproperty_isa(p);
    return replaced.count(group_of(p)) != 0 || kind == ICAL_DTSTAMP_PROPERTY ||
           (modified && kind == ICAL_LASTMODIFIED_PROPERTY);
  });
  for (icalproperty *p : properties_of(local)) {
    if (replaced.count(group_of(p)) != 0) {
      icalcomponent_add_property(fresh, icalproperty_new_clone(p));
    }
  }
  if (stamp != nullptr) {
    icalcomponent_add_property(fresh, icalproperty_new_clone(stamp));
    if (modified) {
      icalcomponent_add_property(fresh,
                                 icalproperty_new_lastmodified(icalproperty_get_dtstamp(stamp)));
    }
  }
  if (out.scheduling) {
    if (icalproperty *sequence = icalcomponent_get_first_property(fresh, ICAL_SEQUENCE_PROPERTY)) {
      // A server's SEQUENCE:2147483647 stays so (never wraps negative).
      if (const int value = icalproperty_get_sequence(sequence); value < INT_MAX) {
        icalproperty_set_sequence(sequence, std::max(value, -1) + 1);
      }
    }
  }
  out.replacement = fresh;
  return out;
}

std::string tzid_of(icalcomponent *vtimezone) {
  icalproperty *tzid = icalcomponent_get_first_property(vtimezone, ICAL_TZID_PROPERTY);
  const char *text = tzid != nullptr ? icalproperty_get_tzid(tzid) : nullptr;
  return text != nullptr ? text : "";
}

MergedResource unmerged(std::string_view local, std::string note) {
  MergedResource out;
  out.ics = std::string(local);
  out.notes.push_back(std::move(note));
  return out;
}

} // namespace

MergedResource merge_resource(std::string_view server_text, std::string_view base_text,
                              std::string_view local_text) {
  if (auto why = unreadable(server_text); !why.empty()) {
    return unmerged(local_text, fmt::format("the server's last copy could not be read ({}): "
                                            "pushed summit's own rendering, without what summit "
                                            "does not model",
                                            why));
  }
  ComponentPtr server = parse(server_text);
  ComponentPtr base = parse(base_text);
  ComponentPtr local = parse(local_text);
  if (!local) {
    return unmerged(local_text, "summit's own rendering could not be read back");
  }
  if (!server || !base) {
    return unmerged(local_text, "the server's last copy could not be read: pushed summit's "
                                "own rendering, without what summit does not model");
  }
  icalcomponent *first_local =
      icalcomponent_get_first_component(local.get(), ICAL_VEVENT_COMPONENT);
  const std::string uid = first_local != nullptr ? uid_of(first_local) : "";
  auto server_events = vevents_by_key(server.get(), uid);
  const auto base_events = vevents_by_key(base.get(), uid);
  const auto local_events = vevents_by_key(local.get(), uid);
  if (server_events.empty()) {
    return unmerged(local_text, "the server's last copy holds no event: pushed summit's own "
                                "rendering");
  }
  bool zones = false;
  std::map<icalcomponent *, icalcomponent *> replacements; // the server's VEVENT -> anew
  std::set<icalcomponent *> removed;
  for (const auto &[key, local_event] : local_events) {
    auto found = server_events.find(key);
    if (found == server_events.end()) {
      // A changed occurrence made here: summit's, whole.
      icalcomponent_add_component(server.get(), icalcomponent_new_clone(local_event));
      zones = true;
      continue;
    }
    const auto in_base = base_events.find(key);
    const ComponentMerge merged = merge_vevent(
        found->second, in_base == base_events.end() ? nullptr : in_base->second, local_event);
    zones = zones || merged.zones;
    if (merged.replacement != nullptr) {
      replacements.emplace(found->second, merged.replacement);
    }
  }
  for (const auto &[key, server_event] : server_events) {
    if (local_events.count(key) == 0 && base_events.count(key) != 0) {
      removed.insert(server_event); // summit had it and the user removed it here
    }
  }
  if (!replacements.empty() || !removed.empty()) {
    // In one pass, in place (taking each first component is linear).
    std::vector<icalcomponent *> children;
    while (icalcomponent *child =
               icalcomponent_get_first_component(server.get(), ICAL_ANY_COMPONENT)) {
      icalcomponent_remove_component(server.get(), child);
      children.push_back(child);
    }
    for (icalcomponent *child : children) {
      icalcomponent *kept = child;
      if (removed.count(child) != 0) {
        kept = nullptr;
      } else if (auto fresh = replacements.find(child); fresh != replacements.end()) {
        kept = fresh->second;
      }
      if (kept != child) {
        icalcomponent_free(child);
      }
      if (kept != nullptr) {
        icalcomponent_add_component(server.get(), kept);
      }
    }
  }
  if (zones) {
    std::set<std::string> held;
    for (icalcomponent *zone : children_of(server.get(), ICAL_VTIMEZONE_COMPONENT)) {
      held.insert(tzid_of(zone));
    }
    for (icalcomponent *zone : children_of(local.get(), ICAL_VTIMEZONE_COMPONENT)) {
      if (held.insert(tzid_of(zone)).second) {
        icalcomponent_add_component(server.get(), icalcomponent_new_clone(zone));
      }
    }
  }
  MergedResource out;
  out.ics = without_error_lines(take_string(icalcomponent_as_ical_string_r(server.get())));
  out.merged = true;
  return out;
}

} // namespace summit::ical
