#include "cli/views/calendar_view.hpp"

#include "cli/views/terminal_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <vector>

namespace summit::cli {

namespace {

std::string text_of(const nlohmann::json &object, const char *name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    return {};
  }
  return printable(it->is_string() ? it->get<std::string>() : it->dump());
}

std::string last_sync_words(const nlohmann::json &calendar) {
  const std::string kind = text_of(calendar, "kind");
  if (kind == "local") {
    return "-";
  }
  const std::string last = text_of(calendar, "last_sync");
  return last.empty() ? "never" : last;
}

} // namespace

std::string format_calendar_table(const nlohmann::json &calendars, std::size_t width) {
  std::vector<std::array<std::string, 6>> rows;
  rows.push_back({"NAME", "KIND", "EVENTS", "LAST SYNC", "STATE", "URL"});
  std::vector<std::string> errors;
  for (const auto &calendar : calendars) {
    if (!calendar.is_object()) {
      continue;
    }
    rows.push_back({text_of(calendar, "name"), text_of(calendar, "kind"),
                    text_of(calendar, "events"), last_sync_words(calendar),
                    text_of(calendar, "state"), text_of(calendar, "url")});
    errors.push_back(text_of(calendar, "error"));
  }
  std::array<std::size_t, 6> widths{};
  for (const auto &row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  }
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (std::size_t i = 0; i < rows[r].size(); ++i) {
      line += rows[r][i];
      if (i + 1 < rows[r].size()) {
        line += std::string(widths[i] - display_width(rows[r][i]) + 2, ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    out += (width > 0 ? fit_width(line, width) : line) + "\n";
    if (r > 0 && !errors[r - 1].empty()) {
      const std::string error = "  error: " + errors[r - 1];
      out += (width > 0 ? fit_width(error, width) : error) + "\n";
    }
  }
  return out;
}

std::string calendar_status_words(const nlohmann::json &calendar) {
  const std::string events = text_of(calendar, "events");
  std::string words =
      fmt::format("{}, {} event{}", text_of(calendar, "kind"), events, events == "1" ? "" : "s");
  if (text_of(calendar, "kind") == "local") {
    return words;
  }
  words += ", last sync " + last_sync_words(calendar) + ", " + text_of(calendar, "state");
  if (const std::string error = text_of(calendar, "error"); !error.empty()) {
    words += ": " + error;
  }
  return words;
}

std::string format_sync_result(const nlohmann::json &result) {
  std::string out;
  for (const auto &calendar : result.value("calendars", nlohmann::json::array())) {
    const std::string name = text_of(calendar, "name");
    const std::string outcome = text_of(calendar, "outcome");
    const bool caldav = text_of(calendar, "kind") == "caldav";
    if (caldav) {
      // Pushes and conflicts may come with a failure (the server went away
      // after them): both are said.
      out += fmt::format("{}: {} added, {} updated, {} removed, {} pushed, {} conflict{}", name,
                         calendar.value("added", 0), calendar.value("updated", 0),
                         calendar.value("removed", 0), calendar.value("pushed", 0),
                         calendar.value("conflicts", 0),
                         calendar.value("conflicts", 0) == 1 ? "" : "s");
      if (calendar.value("conflicts", 0) > 0) {
        out += " (summit calendar conflicts " + name + ")";
      }
      out += outcome == "failed" ? "; failed: " + text_of(calendar, "error") + "\n"
                                 : std::string("\n");
      for (const auto &reason : calendar.value("skipped", nlohmann::json::array())) {
        if (reason.is_string()) {
          out += "  skipped: " + printable(reason.get<std::string>()) + "\n";
        }
      }
    } else if (outcome == "failed") {
      out += fmt::format("{}: failed: {}\n", name, text_of(calendar, "error"));
    } else if (outcome == "unchanged") {
      out += fmt::format("{}: not modified since the last fetch\n", name);
    } else {
      out += fmt::format("{}: {} added, {} updated, {} removed, {} unchanged", name,
                         calendar.value("added", 0), calendar.value("updated", 0),
                         calendar.value("removed", 0), calendar.value("unchanged", 0));
      const auto skipped = calendar.value("skipped_count", std::size_t{0});
      out += skipped > 0 ? fmt::format(", {} skipped\n", skipped) : std::string("\n");
      for (const auto &reason : calendar.value("skipped", nlohmann::json::array())) {
        if (reason.is_string()) {
          out += "  skipped: " + printable(reason.get<std::string>()) + "\n";
        }
      }
      std::size_t noted = 0;
      for (const auto &note : calendar.value("notes", nlohmann::json::array())) {
        if (note.is_string()) {
          out += "  note: " + printable(note.get<std::string>()) + "\n";
          ++noted;
        }
      }
      const auto notes = calendar.value("notes_count", noted);
      if (notes > noted) {
        out +=
            fmt::format("  ... and {} more note{}\n", notes - noted, notes - noted == 1 ? "" : "s");
      }
    }
  }
  for (const auto &skipped : result.value("skipped", nlohmann::json::array())) {
    out += fmt::format("{}: {}\n", text_of(skipped, "name"), text_of(skipped, "reason"));
  }
  return out;
}

} // namespace summit::cli
