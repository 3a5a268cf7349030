#include "cli/views/reminder_view.hpp"

#include "cli/views/event_view.hpp"
#include "core/event_json.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace summit::cli {

namespace {

using nlohmann::json;

const date::time_zone *or_utc(const date::time_zone *zone) {
  return zone != nullptr ? zone : core::find_zone("UTC").value();
}

std::string text_member(const json &object, const char *name) {
  if (!object.is_object()) {
    return {};
  }
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t int_member(const json &object, const char *name) {
  if (!object.is_object()) {
    return 0;
  }
  auto it = object.find(name);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

bool bool_member(const json &object, const char *name) {
  if (!object.is_object()) {
    return false;
  }
  auto it = object.find(name);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

std::optional<core::SysSeconds> instant_of(std::string_view text) {
  auto when = core::parse_iso(text);
  if (!when || when->kind != core::When::Kind::instant) {
    return std::nullopt;
  }
  return when->instant;
}

core::LocalSeconds local_in(core::SysSeconds t, const date::time_zone *zone) {
  return date::floor<core::Seconds>(core::to_local(t, zone));
}

// "Thu 25 Sep 2025 10:00" in `zone`.
std::string human_in(core::SysSeconds t, const date::time_zone *zone) {
  return core::format_human_datetime(local_in(t, zone));
}

std::string plural(std::int64_t count, const char *unit) {
  return fmt::format("{} {}{}", count, unit, count == 1 ? "" : "s");
}

// How far the start is from the firing, as the watch line says it: the
// offset as set when the reminder fired as planned (due = start - offset),
// otherwise (snoozed, absolute, or an all-day event's morning hour) the time
// from firing to the start, to the minute.
std::string lead_text(const json &params) {
  const std::string reminder = text_member(params, "reminder");
  std::optional<core::Seconds> offset;
  if (reminder.starts_with('P')) {
    if (auto parsed = core::parse_duration(reminder)) {
      offset = *parsed;
    }
  }
  auto start = instant_of(text_member(params, "start_utc"));
  auto due = instant_of(text_member(params, "due"));
  auto fired = instant_of(text_member(params, "fired_at"));
  if (offset && start && due && *start - *due == *offset) {
    return fmt::format("in {} ({})", format_duration_words(*offset), reminder);
  }
  if (!start || !fired) {
    return reminder.empty() ? std::string() : fmt::format("({})", printable(reminder));
  }
  core::Seconds lead = *start - *fired;
  if (std::chrono::abs(lead) >= std::chrono::minutes(2)) {
    lead = date::round<std::chrono::minutes>(lead);
  }
  const std::string how = offset                 ? fmt::format(" ({})", reminder)
                          : reminder == "snooze" ? std::string(" (snoozed)")
                                                 : std::string();
  if (lead > core::Seconds{0}) {
    return fmt::format("in {}{}", format_duration_words(lead), how);
  }
  if (lead < core::Seconds{0}) {
    return fmt::format("started {} ago{}", format_duration_words(-lead), how);
  }
  return fmt::format("starting now{}", how);
}

std::string escape_markup(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

template <std::size_t N> std::string aligned(const std::vector<std::array<std::string, N>> &rows) {
  std::array<std::size_t, N> widths{};
  for (const auto &row : rows) {
    for (std::size_t i = 0; i < N; ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  }
  std::string text;
  for (const auto &row : rows) {
    std::string line;
    for (std::size_t i = 0; i < N; ++i) {
      line += row[i];
      if (i + 1 < N) {
        line.append(widths[i] - display_width(row[i]) + 2, ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    text += line + "\n";
  }
  return text;
}

} // namespace

std::string format_duration_words(core::Seconds span) {
  auto rest = std::chrono::abs(span).count();
  if (rest == 0) {
    return "0 seconds";
  }
  constexpr std::array<std::pair<std::int64_t, const char *>, 4> k_units{
      {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}}};
  std::vector<std::string> parts;
  for (const auto &[size, name] : k_units) {
    if (rest >= size) {
      parts.push_back(plural(rest / size, name));
      rest %= size;
    } else if (!parts.empty()) {
      break; // the two largest units are adjacent: "1 day 3 hours", not "1 day 3 minutes"
    }
    if (parts.size() == 2) {
      break;
    }
  }
  std::string text = parts.front();
  if (parts.size() > 1) {
    text += " " + parts[1];
  }
  return text;
}

std::string format_reminder_start(std::string_view start, std::string_view tz,
                                  const date::time_zone *viewer) {
  viewer = or_utc(viewer);
  auto when = core::parse_iso(start);
  if (!when) {
    return printable(start);
  }
  switch (when->kind) {
  case core::When::Kind::date:
    return core::format_human_date(when->local) + " (all day)";
  case core::When::Kind::month:
    return core::format_month_tba(when->local);
  case core::When::Kind::wall_time:
    return fmt::format("{} ({})", core::format_human_datetime(when->local), printable(tz));
  case core::When::Kind::instant:
    break;
  }
  const core::LocalSeconds seen = local_in(when->instant, viewer);
  if (tz == viewer->name() || tz.empty()) {
    return fmt::format("{} ({})", core::format_human_datetime(seen), viewer->name());
  }
  // The event's own wall time is the one written in `start`.
  const bool same_day = date::floor<date::days>(seen) == date::floor<date::days>(when->local);
  const std::string own =
      same_day ? core::format_clock_time(when->local) : core::format_human_datetime(when->local);
  return fmt::format("{} ({} {})", core::format_human_datetime(seen), own, printable(tz));
}

std::string format_reminder_setting(std::string_view reminder, const date::time_zone *viewer) {
  if (reminder == "snooze") {
    return "snoozed";
  }
  if (reminder.starts_with('P')) {
    if (auto offset = core::parse_duration(reminder)) {
      return core::format_duration_short(*offset) + " before";
    }
  }
  if (auto at = instant_of(reminder)) {
    return "at " + human_in(*at, or_utc(viewer));
  }
  return printable(reminder);
}

std::string format_fired_line(const json &params, const date::time_zone *viewer) {
  viewer = or_utc(viewer);
  std::string line;
  if (auto fired = instant_of(text_member(params, "fired_at"))) {
    line += "[" + date::format("%H:%M:%S", local_in(*fired, viewer)) + "] ";
  }
  line += fmt::format(
      "Reminder {}: {} — {}", int_member(params, "reminder_id"),
      printable(text_member(params, "title")),
      format_reminder_start(text_member(params, "start"), text_member(params, "tz"), viewer));
  if (const std::string lead = lead_text(params); !lead.empty()) {
    line += ", " + lead;
  }
  if (bool_member(params, "late")) {
    line +=
        fmt::format(" [late {}]",
                    core::format_duration_short(core::Seconds{int_member(params, "late_seconds")}));
  }
  if (bool_member(params, "redelivery")) {
    line += " [redelivered]";
  }
  return line;
}

std::string notification_summary(const json &params) { return text_member(params, "title"); }

std::string notification_body(const json &params, const date::time_zone *viewer) {
  std::string body =
      format_reminder_start(text_member(params, "start"), text_member(params, "tz"), viewer);
  if (const std::string lead = lead_text(params); !lead.empty()) {
    body += ", " + lead;
  }
  if (const std::string location = text_member(params, "location"); !location.empty()) {
    body += "\n" + location;
  }
  return escape_markup(body);
}

std::string format_missed_table(const json &missed, const date::time_zone *viewer) {
  viewer = or_utc(viewer);
  if (!missed.is_array() || missed.empty()) {
    return "No missed reminders.\n";
  }
  std::vector<std::array<std::string, 4>> rows;
  rows.push_back({"ID", "DUE", "TITLE", "REMINDER"});
  for (const json &item : missed) {
    auto due = instant_of(text_member(item, "due"));
    rows.push_back({std::to_string(int_member(item, "reminder_id")),
                    due ? human_in(*due, viewer) : printable(text_member(item, "due")),
                    printable(text_member(item, "title")),
                    format_reminder_setting(text_member(item, "reminder"), viewer)});
  }
  return aligned(rows);
}

std::string format_explanation(const json &result, const date::time_zone *viewer) {
  viewer = or_utc(viewer);
  const json event_json = result.is_object() ? result.value("event", json()) : json();
  std::string text;
  const date::time_zone *own = nullptr;
  if (auto event = core::event_from_json(event_json)) {
    text += fmt::format("Event {}: {}, {}\n", event->id, printable(event->title),
                        format_when(*event, viewer));
    if (auto zone = core::find_zone(event->tz)) {
      own = *zone;
    }
  } else {
    text += fmt::format("Event {}: {}\n", int_member(event_json, "id"),
                        printable(text_member(event_json, "title")));
  }
  const bool two_zones = own != nullptr && own != viewer;

  // One timeline: reminders and zone changes in the order they happen.
  struct Row {
    core::SysSeconds at;
    int order; // a zone change at the same instant as a reminder comes first
    std::array<std::string, 3> cells;
  };
  std::vector<Row> rows;
  auto in_zone = [](core::SysSeconds t, const date::time_zone *zone) {
    return fmt::format("{} {}", human_in(t, zone), core::zone_abbrev(t, zone));
  };
  const json reminders = result.is_object() ? result.value("reminders", json::array()) : json();
  for (const json &item : reminders) {
    auto due = instant_of(text_member(item, "due"));
    if (!due) {
      continue;
    }
    rows.push_back({*due,
                    1,
                    {fmt::format("reminder {} ({})", int_member(item, "reminder_id"),
                                 format_reminder_setting(text_member(item, "reminder"), viewer)),
                     in_zone(*due, viewer), two_zones ? in_zone(*due, own) : std::string()}});
  }
  const json changes = result.is_object() ? result.value("zone_changes", json::array()) : json();
  for (const json &item : changes) {
    auto at = instant_of(text_member(item, "at"));
    if (!at) {
      continue;
    }
    rows.push_back(
        {*at, 0, {"note", in_zone(*at, viewer), printable(text_member(item, "description"))}});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
    return a.at != b.at ? a.at < b.at : a.order < b.order;
  });
  if (reminders.empty() || !reminders.is_array()) {
    text += "No pending reminders.\n";
  }
  if (rows.empty()) {
    return text;
  }
  std::vector<std::array<std::string, 3>> table;
  table.push_back({"", fmt::format("YOUR TIME ({})", viewer->name()),
                   two_zones ? fmt::format("EVENT'S TIME ({})", own->name()) : std::string()});
  for (Row &row : rows) {
    table.push_back(std::move(row.cells));
  }
  const std::string body = aligned(table);
  std::size_t begin = 0;
  for (std::size_t end = body.find('\n'); end != std::string::npos;
       begin = end + 1, end = body.find('\n', begin)) {
    text += "  " + body.substr(begin, end - begin) + "\n";
  }
  return text;
}

} // namespace summit::cli
