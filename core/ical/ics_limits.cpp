#include "core/ical/ics_limits.hpp"

#include "core/ical/ics_text.hpp"
#include "core/ical/ics_zones.hpp"
#include "core/ical/rule.hpp"
#include "core/ical/windows_zones.hpp"
#include "core/text.hpp"

#include <fmt/format.h>
#include <libical/ical.h>

#include <charconv>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace summit::ical::detail {

namespace {

using core::ErrorCode;
using core::fail;

tl::unexpected<core::Error> at_line(int line, std::string message) {
  return fail(ErrorCode::invalid_params, fmt::format("line {}: {}", line, message));
}

// Where the value of a content line starts: after the first ':' that is not
// inside a quoted parameter value (RFC 5545 3.1). Counts the parameters on
// the way. npos when there is no such ':'.
struct LineShape {
  std::size_t value = std::string_view::npos;
  std::size_t parameters = 0;
};

LineShape shape_of(std::string_view text) {
  LineShape shape;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == ';') {
      ++shape.parameters;
    } else if (!quoted && c == ':') {
      shape.value = i + 1;
      return shape;
    }
  }
  return shape;
}

// Whether `item` is a DATE (8 digits) or a DATE-TIME (8 digits, 'T', 6
// digits, an optional 'Z'), with each field in its range: stricter than
// libical, which checks the shape only.
bool is_two_digits_in(std::string_view text, std::size_t at, int low, int high) {
  const char a = text[at];
  const char b = text[at + 1];
  if (a < '0' || a > '9' || b < '0' || b > '9') {
    return false;
  }
  const int value = (a - '0') * 10 + (b - '0');
  return value >= low && value <= high;
}

bool is_plain_date(std::string_view item) {
  if (item.size() < 8) {
    return false;
  }
  for (std::size_t i = 0; i < 4; ++i) {
    if (item[i] < '0' || item[i] > '9') {
      return false;
    }
  }
  return is_two_digits_in(item, 4, 1, 12) && is_two_digits_in(item, 6, 1, 31);
}

enum class DateShape { date, date_time, either, period };

bool is_plain_item(std::string_view item, DateShape shape) {
  if (shape == DateShape::period) {
    const std::size_t slash = item.find('/');
    return slash != std::string_view::npos &&
           is_plain_item(item.substr(0, slash), DateShape::date_time) &&
           (is_plain_item(item.substr(slash + 1), DateShape::date_time) ||
            (slash + 1 < item.size() &&
             (item[slash + 1] == 'P' || item[slash + 1] == '+' || item[slash + 1] == '-')));
  }
  if (item.size() == 8) {
    return shape != DateShape::date_time && is_plain_date(item);
  }
  if (shape == DateShape::date || (item.size() != 15 && item.size() != 16)) {
    return false;
  }
  return is_plain_date(item) && item[8] == 'T' && is_two_digits_in(item, 9, 0, 23) &&
         is_two_digits_in(item, 11, 0, 59) && is_two_digits_in(item, 13, 0, 60) &&
         (item.size() == 15 || item[15] == 'Z');
}

bool equals_upper(std::string_view text, std::string_view upper) {
  if (text.size() != upper.size()) {
    return false;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c =
        text[i] >= 'a' && text[i] <= 'z' ? static_cast<char>(text[i] - 'a' + 'A') : text[i];
    if (c != upper[i]) {
      return false;
    }
  }
  return true;
}

// The value of the VALUE parameter in the part of a line before its value
// ("" without one); nullopt for one summit does not look into (quoted).
std::optional<std::string_view> value_parameter(std::string_view head) {
  for (std::size_t at = head.find(';'); at != std::string_view::npos; at = head.find(';', at + 1)) {
    const std::string_view rest = head.substr(at + 1);
    static constexpr std::string_view k_value = "VALUE=";
    if (rest.size() < k_value.size()) {
      break;
    }
    if (equals_upper(rest.substr(0, k_value.size()), k_value)) {
      const std::size_t end = rest.find(';');
      const std::string_view type =
          rest.substr(k_value.size(), end == std::string_view::npos ? end : end - k_value.size());
      if (type.find('"') != std::string_view::npos) {
        return std::nullopt;
      }
      return type;
    }
  }
  return std::string_view();
}

// Whether libical may fail to read the line's value, and so walk its
// component's lines to take it out again (k_max_component_unreadable_cost):
// a date property whose value is not plainly dates of the type its VALUE
// parameter names; any other property libical parses into a type (rules,
// durations, numbers, GEO, offsets); any other line with a VALUE
// parameter. A well-formed EXDATE is never such a line, however many there
// are; counting a line too many is harmless.
bool may_fail_to_read(std::string_view name, std::string_view text) {
  static constexpr std::string_view k_dates[] = {"DTSTART", "DTEND",    "DUE",     "RECURRENCE-ID",
                                                 "EXDATE",  "RDATE",    "DTSTAMP", "LAST-MODIFIED",
                                                 "CREATED", "COMPLETED"};
  static constexpr std::string_view k_typed[] = {
      "RRULE",        "EXRULE",           "DURATION",     "TRIGGER",         "GEO",
      "TZOFFSETFROM", "TZOFFSETTO",       "FREEBUSY",     "PRIORITY",        "REPEAT",
      "SEQUENCE",     "PERCENT-COMPLETE", "ACKNOWLEDGED", "REFRESH-INTERVAL"};
  for (const std::string_view typed : k_typed) {
    if (name == typed) {
      return true;
    }
  }
  const LineShape shape = shape_of(text);
  if (shape.value == std::string_view::npos) {
    return true;
  }
  const std::optional<std::string_view> type =
      shape.parameters == 0 ? std::optional<std::string_view>(std::string_view())
                            : value_parameter(text.substr(0, shape.value));
  bool is_date_property = false;
  for (const std::string_view date_name : k_dates) {
    is_date_property = is_date_property || name == date_name;
  }
  if (!is_date_property) {
    return !type || !type->empty();
  }
  if (!type) {
    return true;
  }
  DateShape wanted = DateShape::either;
  if (equals_upper(*type, "DATE")) {
    wanted = DateShape::date;
  } else if (equals_upper(*type, "DATE-TIME")) {
    wanted = DateShape::date_time;
  } else if (equals_upper(*type, "PERIOD") && name == "RDATE") {
    wanted = DateShape::period;
  } else if (!type->empty()) {
    return true;
  }
  const std::string_view value = text.substr(shape.value);
  if (value.empty()) {
    return true;
  }
  for (std::size_t from = 0;;) {
    const std::size_t comma = value.find(',', from);
    const std::string_view item =
        value.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from);
    if (!is_plain_item(item, wanted)) {
      return true;
    }
    if (comma == std::string_view::npos) {
      return false;
    }
    from = comma + 1;
  }
}

std::string_view value_of(std::string_view text) {
  const LineShape shape = shape_of(text);
  return shape.value == std::string_view::npos ? std::string_view{} : text.substr(shape.value);
}

std::size_t count_values(std::string_view value) {
  std::size_t values = 1;
  for (const char c : value) {
    values += c == ',' ? 1 : 0;
  }
  return values;
}

const char *frequency_name(icalrecurrencetype_frequency frequency) {
  switch (frequency) {
  case ICAL_SECONDLY_RECURRENCE:
    return "SECONDLY";
  case ICAL_MINUTELY_RECURRENCE:
    return "MINUTELY";
  case ICAL_HOURLY_RECURRENCE:
    return "HOURLY";
  case ICAL_DAILY_RECURRENCE:
    return "DAILY";
  case ICAL_WEEKLY_RECURRENCE:
    return "WEEKLY";
  case ICAL_MONTHLY_RECURRENCE:
    return "MONTHLY";
  default:
    return "YEARLY";
  }
}

// Why a UTC-OFFSET value (RFC 5545 3.3.14: "+HHMM" or "+HHMMSS") cannot be
// a zone's offset, or empty when it can. libical reads "-9959" as -99:59
// and a "+0575" as 6:15; no zone is further than 18 hours from UTC (RFC
// 5545 3.6.5's example zones, and tzdata's, are within -12 and +14).
std::string bad_offset(std::string_view value) {
  const bool digits = (value.size() == 5 || value.size() == 7) &&
                      (value[0] == '+' || value[0] == '-') &&
                      value.substr(1).find_first_not_of("0123456789") == std::string_view::npos;
  if (!digits) {
    return fmt::format("'{}' is not an offset ±HHMM or ±HHMMSS", shorten(value));
  }
  const auto number = [&](std::size_t at) {
    return (value[at] - '0') * 10 + (value[at + 1] - '0');
  };
  const int hours = number(1);
  const int minutes = number(3);
  const int seconds = value.size() == 7 ? number(5) : 0;
  if (minutes > 59 || seconds > 59) {
    return fmt::format("'{}' has {} over 59", value, minutes > 59 ? "minutes" : "seconds");
  }
  if (hours * 3600 + minutes * 60 + seconds > 18 * 3600) {
    return fmt::format("'{}' is beyond ±18:00 (real zones are within -12:00 and +14:00)", value);
  }
  return {};
}

// Why a VTIMEZONE rule part would be read wrongly, or empty: libical drops
// a BYMONTH of 13 or a BYMONTHDAY of 32 silently and expands the rest.
std::string bad_zone_rule_part(std::string_view rule) {
  for (const auto part : core::text::split(rule, ';')) {
    const auto equals = part.find('=');
    if (equals == std::string_view::npos) {
      continue;
    }
    const std::string name = core::text::to_upper(part.substr(0, equals));
    const bool month = name == "BYMONTH";
    if (!month && name != "BYMONTHDAY") {
      continue;
    }
    for (const auto item : core::text::split(part.substr(equals + 1), ',')) {
      int n = 0;
      const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), n);
      const bool number = error == std::errc() && end == item.data() + item.size();
      const bool ok = number && (month ? n >= 1 && n <= 12 : n != 0 && n >= -31 && n <= 31);
      if (!ok) {
        return fmt::format("{}={} has '{}', which is no {} ({})", name,
                           shorten(part.substr(equals + 1)), shorten(item),
                           month ? "month" : "day of a month",
                           month ? "1 to 12" : "1 to 31 or -31 to -1");
      }
    }
  }
  return {};
}

// What the file's VTIMEZONEs have used of the file's allowance so far.
struct ZoneAllowance {
  std::size_t transitions = 0; // the whole file's
  std::size_t rules = 0;       // RRULEs walked in the whole file
};

// libical walks each RRULE of a VTIMEZONE at least one step, and a step of
// a rule no date matches can search centuries: the file's RRULEs are few.
constexpr std::size_t k_max_file_zone_rules = 1000;

class ZoneCheck {
public:
  ZoneCheck(const Outline &outline, const ComponentOutline &zone, ZoneAllowance &allowance)
      : m_outline(outline), m_zone(zone), m_allowance(allowance) {
    for (const std::uint32_t index : outline.own_lines(zone)) {
      if (outline.name_of(outline.lines[index]) == "TZID") {
        m_raw_tzid = std::string(value_of(outline.text_of(outline.lines[index])));
        m_tzid = shorten(m_raw_tzid);
        break;
      }
    }
  }

  core::Result<void> run() {
    for (const int child : m_zone.children) {
      const ComponentOutline &part = m_outline.components[static_cast<std::size_t>(child)];
      if (part.name != "STANDARD" && part.name != "DAYLIGHT") {
        continue; // libical expands nothing else
      }
      if (auto ok = check_part(part); !ok) {
        return ok;
      }
    }
    return {};
  }

private:
  tl::unexpected<core::Error> refuse(int line, const std::string &reason) const {
    return at_line(line, fmt::format("VTIMEZONE '{}': {}", m_tzid, reason));
  }

  // Counts `n` more transitions of this zone, refusing past a bound.
  core::Result<void> add(std::size_t n, int line) {
    m_transitions += n;
    m_allowance.transitions += n;
    if (m_transitions > k_max_zone_transitions) {
      return refuse(line, fmt::format("its parts give more than {} changes of offset up to the "
                                      "year {}; a real time zone has a few hundred at most: fix "
                                      "the VTIMEZONE or use an IANA TZID such as Europe/Berlin",
                                      k_max_zone_transitions, k_zone_horizon_year));
    }
    if (m_allowance.transitions > k_max_file_zone_transitions) {
      return refuse(line, fmt::format("the file's VTIMEZONEs give more than {} changes of offset "
                                      "in all; split the file or use IANA TZIDs",
                                      k_max_file_zone_transitions));
    }
    return {};
  }

  core::Result<void> check_part(const ComponentOutline &part) {
    std::optional<icaltimetype> dtstart;
    std::size_t rdates = 0;
    for (const std::uint32_t index : m_outline.own_lines(part)) {
      const ContentLine &line = m_outline.lines[index];
      const std::string_view name = m_outline.name_of(line);
      if (name == "TZOFFSETFROM" || name == "TZOFFSETTO") {
        if (const auto why = bad_offset(value_of(m_outline.text_of(line)));
            !why.empty() && read()) {
          return refuse(line.line, fmt::format("{} {}; fix the VTIMEZONE or use an IANA TZID "
                                               "such as America/New_York",
                                               name, why));
        }
      }
      if (m_outline.name_of(line) == "DTSTART") {
        const std::string value(value_of(m_outline.text_of(line)));
        const icaltimetype time = icaltime_from_string(value.c_str());
        // libical keeps the last DTSTART; the earliest gives the most
        // transitions, so that is the one counted.
        if (icaltime_is_null_time(time) == 0 &&
            (!dtstart || icaltime_compare(time, *dtstart) < 0)) {
          dtstart = time;
        }
        if (auto ok = add(1, line.line); !ok) {
          return ok;
        }
      } else if (m_outline.name_of(line) == "RDATE") {
        const std::size_t values = count_values(value_of(m_outline.text_of(line)));
        rdates += values;
        if (rdates > k_max_zone_rdates) {
          return refuse(line.line, fmt::format("more than {} RDATEs in one {} part; a real time "
                                               "zone changes its offset far less often",
                                               k_max_zone_rdates, part.name));
        }
        if (auto ok = add(values, line.line); !ok) {
          return ok;
        }
      }
    }
    for (const std::uint32_t index : m_outline.own_lines(part)) {
      const ContentLine &line = m_outline.lines[index];
      if (m_outline.name_of(line) != "RRULE") {
        continue;
      }
      if (auto ok = check_rule(line, dtstart); !ok) {
        return ok;
      }
    }
    return {};
  }

  // The rule must be yearly, and its starts from DTSTART to the horizon
  // within the bounds: walked here, one step past the bound at most.
  core::Result<void> check_rule(const ContentLine &line, std::optional<icaltimetype> dtstart) {
    const std::string value(value_of(m_outline.text_of(line)));
    if (const auto why = bad_zone_rule_part(value); !why.empty() && read()) {
      return refuse(line.line, fmt::format("RRULE {}; libical would leave it out and read the "
                                           "rest: fix the VTIMEZONE or use an IANA TZID such as "
                                           "America/New_York",
                                           why));
    }
    icalerror_clear_errno();
    const icalrecurrencetype rule = icalrecurrencetype_from_string(value.c_str());
    // libical strdups RSCALE into the rule it returns; the caller frees it.
    const std::unique_ptr<char, decltype(&std::free)> rscale(rule.rscale, &std::free);
    if (rule.freq == ICAL_NO_RECURRENCE) {
      return {}; // libical cannot read it either, and drops it
    }
    if (rule.freq != ICAL_YEARLY_RECURRENCE) {
      return refuse(
          line.line,
          fmt::format("a time zone rule that repeats more often than yearly (FREQ={}) cannot be "
                      "used; real zones change their offset once or twice a year "
                      "(FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU): fix the VTIMEZONE or use an IANA "
                      "TZID such as Europe/Berlin",
                      frequency_name(rule.freq)));
    }
    if (!dtstart) {
      return {}; // libical ignores a part without DTSTART
    }
    if (++m_allowance.rules > k_max_file_zone_rules) {
      return refuse(line.line, fmt::format("the file's VTIMEZONEs have more than {} RRULEs in all; "
                                           "split the file or use IANA TZIDs",
                                           k_max_file_zone_rules));
    }
    icalrecur_iterator *iterator = icalrecur_iterator_new(rule, *dtstart);
    if (iterator == nullptr) {
      return {}; // libical expands nothing of it
    }
    core::Result<void> outcome;
    while (true) {
      const icaltimetype start = icalrecur_iterator_next(iterator);
      if (icaltime_is_null_time(start) != 0 || start.year > k_zone_horizon_year) {
        break;
      }
      if (auto ok = add(1, line.line); !ok) {
        outcome = ok;
        break;
      }
    }
    icalrecur_iterator_free(iterator);
    return outcome;
  }

  const Outline &m_outline;
  const ComponentOutline &m_zone;
  ZoneAllowance &m_allowance;
  std::string m_tzid;
  std::string m_raw_tzid;
  std::size_t m_transitions = 0;
  std::optional<bool> m_read; // whether summit reads this VTIMEZONE (read())

  // A VTIMEZONE whose TZID names an IANA zone (perhaps behind a vendor
  // prefix) or a Windows one is never read: the zone of tzdata is used.
  // Its offsets and rule parts are then not refused: khal's and
  // python-icalendar's test files have Europe/Berlin with "+5328" (for
  // +005328, Berlin's offset in 1893).
  bool read() {
    if (!m_read) {
      m_read = iana_zone_for_tzid(m_raw_tzid).empty() && iana_zone_for_windows(m_raw_tzid).empty();
    }
    return *m_read;
  }
};

} // namespace

core::Result<void> check_limits(const Outline &outline) {
  prepare_libical();
  for (const ContentLine &line : outline.lines) {
    const std::string_view text = outline.text_of(line);
    const std::string_view name = outline.name_of(line);
    const LineShape shape = shape_of(text);
    if (shape.parameters > k_max_parameters) {
      return at_line(line.line,
                     fmt::format("{} has {} parameters; libical reads at most {}, so the line "
                                 "would be read wrongly",
                                 shorten(name), shape.parameters, k_max_parameters));
    }
    if ((name == "EXDATE" || name == "RDATE") && shape.value != std::string_view::npos) {
      const std::size_t values = count_values(text.substr(shape.value));
      if (values > k_max_values) {
        return at_line(line.line,
                       fmt::format("{} lists {} values; libical reads at most {} of one line and "
                                   "drops the rest: split them over several {} lines",
                                   name, values, k_max_values, name));
      }
    }
  }
  ZoneAllowance allowance;
  // Components are in the order of their BEGINs: a parent comes first.
  std::vector<std::size_t> depths;
  depths.reserve(outline.components.size());
  for (const ComponentOutline &component : outline.components) {
    const std::size_t depth =
        component.parent == -1 ? 1 : depths[static_cast<std::size_t>(component.parent)] + 1;
    depths.push_back(depth);
    std::size_t dates = 0;
    std::size_t typed = 0;
    for (const std::uint32_t index : outline.own_lines(component)) {
      const ContentLine &line = outline.lines[index];
      const std::string_view name = outline.name_of(line);
      if (may_fail_to_read(name, outline.text_of(line))) {
        ++typed;
      }
      if (name != "EXDATE" && name != "RDATE") {
        continue;
      }
      const std::string_view text = outline.text_of(line);
      if (const LineShape shape = shape_of(text); shape.value != std::string_view::npos) {
        dates += count_values(text.substr(shape.value));
      }
      if (dates > k_max_component_dates) {
        return at_line(line.line,
                       fmt::format("the RDATE and EXDATE lines of the {} begun at line {} list "
                                   "more than {} dates; summit keeps at most 4000 dates and "
                                   "changes of one series: the file is damaged or made to "
                                   "exhaust memory",
                                   component.name, component.begin_line, k_max_component_dates));
      }
    }
    const std::size_t most = component.parent == -1 ? k_max_calendar_lines : k_max_component_lines;
    if (component.own_count > most) {
      return at_line(component.begin_line,
                     fmt::format("BEGIN:{} has {} property lines of its own; summit reads at "
                                 "most {} in a {} (no calendar program writes that many): the "
                                 "file is damaged or made to exhaust memory",
                                 component.name, component.own_count, most, component.name));
    }
    if (typed * component.own_count > k_max_component_unreadable_cost) {
      return at_line(
          component.begin_line,
          fmt::format("BEGIN:{} has {} lines whose value may not be readable (dates that are "
                      "not plain dates, rules, numbers) among its {} lines; summit "
                      "reads at most {} of their product in one component (libical "
                      "would take seconds over it): remove the repeated lines",
                      component.name, typed, component.own_count, k_max_component_unreadable_cost));
    }
    if (depth > k_max_nesting) {
      return at_line(component.begin_line,
                     fmt::format("BEGIN:{} is nested {} components deep; summit reads at most {}",
                                 component.name, depth, k_max_nesting));
    }
    if (component.name == "VTIMEZONE") {
      if (auto ok = ZoneCheck(outline, component, allowance).run(); !ok) {
        return ok;
      }
    }
  }
  return {};
}

} // namespace summit::ical::detail
