#include "cli/views/event_view.hpp"

#include "cli/views/calendar_view.hpp"
#include "cli/views/recurrence_view.hpp"
#include "cli/views/terminal_text.hpp"
#include "cli/views/time_text.hpp"
#include "core/text.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace summit::cli {

namespace {

using core::text::join;

std::string format_start_exact(const core::Event &event) {
  switch (event.precision) {
  case core::Precision::all_day:
    return core::format_iso_date(event.start_local) + " (all day)";
  case core::Precision::month:
    return core::format_iso_month(event.start_local) + " (date TBA)";
  case core::Precision::timed:
    break;
  }
  if (core::is_floating(event.tz)) {
    return core::format_iso_local(event.start_local) +
           " floating (the same wall time in every zone; summitd reminds at it in its own)";
  }
  auto zone = core::find_zone(event.tz);
  const std::string local = zone ? core::format_iso_offset(event.start_utc, *zone)
                                 : core::format_iso_local(event.start_local);
  return fmt::format("{} {} = {}", local, event.tz, core::format_iso_utc(event.start_utc));
}

std::string format_end_exact(const core::Event &event) {
  switch (event.precision) {
  case core::Precision::all_day:
    return core::format_iso_date(event.end_local - date::days{1}) + " (last day)";
  case core::Precision::month:
    return core::format_iso_month(event.end_local) + " (exclusive)";
  case core::Precision::timed:
    break;
  }
  if (!event.has_end) {
    return "none (a point in time)";
  }
  auto zone = core::find_zone(event.tz);
  const std::string local = zone ? core::format_iso_offset(event.end_utc, *zone)
                                 : core::format_iso_local(event.end_local);
  return fmt::format("{} {} = {}", local, event.tz, core::format_iso_utc(event.end_utc));
}

std::string format_fields(const std::vector<std::pair<std::string, std::string>> &fields) {
  std::size_t width = 0;
  for (const auto &field : fields) {
    width = std::max(width, field.first.size());
  }
  std::string text;
  for (const auto &[name, value] : fields) {
    // An empty name continues the field above it.
    std::string line =
        fmt::format("{:<{}}  {}", name.empty() ? name : name + ":", width + 1, value);
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    text += line + "\n";
  }
  return text;
}

} // namespace

std::string marked_title(const core::Event &event) {
  std::string title = printable(event.title);
  if (event.status == core::Status::cancelled) {
    title = "[cancelled] " + title;
  } else if (event.status == core::Status::tentative && event.precision != core::Precision::month) {
    // A month-precision event is tentative by nature; "date TBA" says so.
    title = "[tentative] " + title;
  }
  if (repeats(event)) {
    title += std::string(" ") + k_repeat_marker;
  }
  return title;
}

EventTable::EventTable(const date::time_zone *viewer, std::size_t max_columns)
    : m_viewer(viewer), m_max_columns(max_columns) {}

std::array<std::size_t, EventTable::k_columns> EventTable::shown_widths() const {
  std::array<std::size_t, k_columns> shown = m_widths;
  if (m_max_columns == 0) {
    return shown;
  }
  // TITLE, LOCATION, TAGS may shrink, down to these widths.
  constexpr std::array<std::size_t, k_columns> k_floor{0, 0, 12, 8, 4};
  constexpr std::size_t k_gaps = 2 * (k_columns - 1);
  std::size_t total = k_gaps;
  for (std::size_t width : shown) {
    total += width;
  }
  while (total > m_max_columns) {
    std::size_t widest = 0; // no column: ID is never cut
    for (std::size_t i = 2; i < k_columns; ++i) {
      if (shown[i] > k_floor[i] &&
          (widest == 0 || shown[i] - k_floor[i] > shown[widest] - k_floor[widest])) {
        widest = i;
      }
    }
    if (widest == 0) {
      break; // as narrow as it goes: the terminal wraps the rest
    }
    --shown[widest];
    --total;
  }
  return shown;
}

std::string EventTable::rows(const std::vector<core::Event> &events) {
  std::vector<Row> rows;
  if (!m_started && !events.empty()) {
    rows.push_back(Row{"ID", "WHEN", "TITLE", "LOCATION", "TAGS"});
    m_started = true;
  }
  for (const core::Event &event : events) {
    rows.push_back(Row{std::to_string(event.id), format_when(event, m_viewer), marked_title(event),
                       printable(event.location), printable(join(event.tags, ","))});
  }
  for (const Row &row : rows) {
    for (std::size_t i = 0; i < k_columns; ++i) {
      m_widths[i] = std::max(m_widths[i], display_width(row[i]));
    }
  }
  const std::array<std::size_t, k_columns> widths = shown_widths();
  std::string text;
  for (const Row &row : rows) {
    std::string line;
    for (std::size_t i = 0; i < k_columns; ++i) {
      const std::string cell = widths[i] < m_widths[i] ? fit_width(row[i], widths[i]) : row[i];
      line += cell;
      if (i + 1 < k_columns) {
        line.append(widths[i] - std::min(widths[i], display_width(cell)) + 2, ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    text += line + "\n";
  }
  return text;
}

std::string EventTable::finish() const { return m_started ? std::string() : "No events.\n"; }

std::string format_event_table(const std::vector<core::Event> &events,
                               const date::time_zone *viewer) {
  EventTable table(viewer);
  std::string text = table.rows(events); // before finish(): it asks whether rows came
  return text + table.finish();
}

std::string format_event_details(const core::Event &event, const date::time_zone *viewer) {
  std::vector<std::string> reminders;
  for (const core::Reminder &reminder : event.reminders) {
    reminders.push_back(format_reminder(reminder, viewer));
  }
  std::vector<std::pair<std::string, std::string>> fields{
      {"id", std::to_string(event.id)},     {"title", printable(event.title)},
      {"when", format_when(event, viewer)}, {"start", format_start_exact(event)},
      {"end", format_end_exact(event)},
  };
  for (auto &field : recurrence_fields(event, viewer)) {
    fields.push_back(std::move(field));
  }
  const std::vector<std::pair<std::string, std::string>> rest{
      {"zone", event.tz},
      {"status", core::to_string(event.status)},
      {"location", printable(event.location)},
      {"description", printable(event.description)},
      {"tags", printable(join(event.tags, ", "))},
      {"reminders", reminders.empty() ? std::string("none") : join(reminders, ", ")},
      {"uid", event.uid},
      {"owner uid", std::to_string(event.owner_uid)},
      {"created", core::format_iso_utc(event.created)},
      {"updated", core::format_iso_utc(event.updated)},
  };
  fields.insert(fields.end(), rest.begin(), rest.end());
  return format_fields(fields);
}

std::string format_event_summary(const char *verb, const core::Event &event,
                                 const date::time_zone *viewer) {
  std::string rule;
  if (event.recurrence && !event.occurrence) {
    const std::string &words = event.recurrence->description.empty()
                                   ? event.recurrence->rrule
                                   : event.recurrence->description;
    rule = fmt::format(" {} {}", k_repeat_marker, printable(words));
  }
  return fmt::format("{} event {}: {}, {}{}\n", verb, event.id, printable(event.title),
                     format_when(event, viewer), rule);
}

namespace {

// "+minsk -cis": what `after` has that `before` lacks, and the reverse.
template <class T, class Words>
std::string list_changes(const std::vector<T> &before, const std::vector<T> &after, Words words) {
  std::string out;
  for (const T &item : after) {
    if (std::find(before.begin(), before.end(), item) == before.end()) {
      out += (out.empty() ? "+" : " +") + words(item);
    }
  }
  for (const T &item : before) {
    if (std::find(after.begin(), after.end(), item) == after.end()) {
      out += (out.empty() ? "-" : " -") + words(item);
    }
  }
  return out;
}

std::string quoted_or_none(const std::string &text) {
  return text.empty() ? std::string("none") : "\"" + printable(text) + "\"";
}

std::string rule_words(const core::Event &event) {
  if (!event.recurrence) {
    return "does not repeat";
  }
  return printable(event.recurrence->description.empty() ? event.recurrence->rrule
                                                         : event.recurrence->description);
}

} // namespace

std::string format_event_changes(const core::Event &before, const core::Event &after,
                                 const date::time_zone *viewer) {
  std::string out;
  auto line = [&out](const char *name, const std::string &text) {
    out += fmt::format("  {}: {}\n", name, text);
  };
  if (before.title != after.title) {
    line("title", "was " + quoted_or_none(before.title));
  }
  if (const std::string was = format_when(before, viewer); was != format_when(after, viewer)) {
    line("was", was);
  }
  if (before.tz != after.tz) {
    line("zone", fmt::format("{} (was {})", printable(after.tz), printable(before.tz)));
  }
  if (before.location != after.location) {
    line("location", "was " + quoted_or_none(before.location));
  }
  if (before.description != after.description) {
    line("description", after.description.empty() ? "removed" : "changed");
  }
  if (const std::string tags =
          list_changes(before.tags, after.tags, [](const std::string &t) { return printable(t); });
      !tags.empty()) {
    line("tags", tags);
  }
  if (const std::string reminders =
          list_changes(before.reminders, after.reminders,
                       [viewer](const core::Reminder &r) { return format_reminder(r, viewer); });
      !reminders.empty()) {
    line("reminders", reminders);
  }
  if (before.status != after.status) {
    line("status",
         fmt::format("{} (was {})", core::to_string(after.status), core::to_string(before.status)));
  }
  if (const std::string was = rule_words(before); was != rule_words(after)) {
    line("repeat", fmt::format("{} (was: {})", rule_words(after), was));
  }
  return out;
}

std::vector<std::string> format_past_warnings(const core::Event &event, core::SysSeconds now,
                                              const date::time_zone *viewer) {
  if (event.recurrence) {
    return {};
  }
  std::vector<std::string> past;
  for (const core::Reminder &reminder : event.reminders) {
    const core::SysSeconds due =
        reminder.at ? *reminder.at : event.start_utc - reminder.before.value_or(core::Seconds{});
    if (due <= now) {
      past.push_back(format_reminder(reminder, viewer));
    }
  }
  const std::string list = join(past, ", ");
  if (event.start_utc < now) {
    const std::string when = format_when(event, viewer);
    if (past.empty()) {
      return {fmt::format("event {} starts in the past ({})", event.id, when)};
    }
    return {fmt::format("event {} starts in the past ({}); {} will never fire: {}", event.id, when,
                        past.size() == 1 ? "its reminder" : "its reminders", list)};
  }
  if (past.empty()) {
    return {};
  }
  return {fmt::format("{} of event {} {} already past and will not fire: {}",
                      past.size() == 1 ? "a reminder" : "reminders", event.id,
                      past.size() == 1 ? "is" : "are", list)};
}

namespace {

// daemon.status's subscribers: "none", or "2 (pid 17601, pid 17622 with
// 3 firings to catch up on)".
std::string subscriber_words(const nlohmann::json &subscribers) {
  if (subscribers.empty()) {
    return "none";
  }
  std::string words;
  for (const nlohmann::json &one : subscribers) {
    if (!one.is_object()) {
      continue;
    }
    std::string entry = fmt::format("pid {}", one.value("pid", std::int64_t{0}));
    if (const auto behind = one.value("behind", std::int64_t{0}); behind > 0) {
      entry += fmt::format(" with {} firing{} to catch up on", behind, behind == 1 ? "" : "s");
    }
    words += (words.empty() ? "" : ", ") + entry;
  }
  return fmt::format("{} ({})", subscribers.size(), words);
}

} // namespace

std::string format_status(const nlohmann::json &status, const date::time_zone *viewer) {
  static constexpr std::array<const char *, 9> k_documented{
      "version", "pid",    "uptime_seconds", "events", "schema_version",
      "tzdata",  "socket", "database",       "mode"};
  std::vector<std::pair<std::string, std::string>> fields;
  auto text_of = [](const nlohmann::json &value) {
    return value.is_string() ? value.get<std::string>() : value.dump();
  };
  // The wire's names, as a person reads them.
  auto label = [](std::string_view name) -> std::string {
    if (name == "uptime_seconds") {
      return "up for";
    }
    if (name == "schema_version") {
      return "database schema";
    }
    std::string text(name);
    std::replace(text.begin(), text.end(), '_', ' ');
    return text;
  };
  for (const char *name : k_documented) {
    if (!status.contains(name)) {
      continue;
    }
    const nlohmann::json &value = status.at(name);
    if (std::string_view(name) == "uptime_seconds" && value.is_number_integer()) {
      const auto seconds = value.get<std::int64_t>();
      fields.emplace_back(label(name), seconds == 0
                                           ? std::string("0s")
                                           : core::format_duration_short(core::Seconds{seconds}));
    } else {
      fields.emplace_back(label(name), text_of(value));
    }
  }
  if (status.is_object() && status.contains("reminders") && status.at("reminders").is_object()) {
    const nlohmann::json &reminders = status.at("reminders");
    auto count = [&reminders](const char *name) {
      auto it = reminders.find(name);
      return it != reminders.end() && it->is_number_integer() ? it->get<std::int64_t>()
                                                              : std::int64_t{0};
    };
    fields.emplace_back("reminders",
                        fmt::format("{} pending, {} fired ({} late), {} missed, {} undelivered",
                                    count("pending"), count("fired"), count("late"),
                                    count("missed"), count("undelivered")));
    std::string next = "none";
    const std::string due_text = reminders.value("next_due", nlohmann::json()).is_string()
                                     ? reminders.at("next_due").get<std::string>()
                                     : std::string();
    if (auto due = core::parse_iso(due_text); due && due->kind == core::When::Kind::instant) {
      const date::time_zone *zone = viewer != nullptr ? viewer : core::find_zone("UTC").value();
      next = fmt::format("{} {}", core::format_human_datetime(local_time_in(due->instant, zone)),
                         core::zone_abbrev(due->instant, zone));
      if (count("next_event_id") != 0) {
        next += fmt::format(" (event {})", count("next_event_id"));
      }
    }
    fields.emplace_back("next reminder", next);
  }
  if (status.is_object()) {
    for (const auto &item : status.items()) {
      const std::string &name = item.key();
      if (name == "reminders" && item.value().is_object()) {
        continue;
      }
      const bool documented =
          std::find_if(k_documented.begin(), k_documented.end(),
                       [&name](const char *known) { return name == known; }) != k_documented.end();
      if (documented) {
        continue;
      }
      if (name == "firing_log" && item.value().is_object()) {
        const auto last = item.value().value("last_firing_id", std::int64_t{0});
        fields.emplace_back("last firing",
                            last == 0 ? std::string("none") : fmt::format("number {}", last));
      } else if (name == "subscribers" && item.value().is_array()) {
        fields.emplace_back("watching", subscriber_words(item.value()));
      } else if (name == "calendars" && item.value().is_array()) {
        for (const auto &calendar : item.value()) {
          if (calendar.is_object()) {
            fields.emplace_back("calendar " + printable(calendar.value("name", std::string())),
                                calendar_status_words(calendar));
          }
        }
      } else {
        fields.emplace_back(label(name), text_of(item.value()));
      }
    }
  }
  return format_fields(fields);
}

} // namespace summit::cli
