#pragma once

#include "core/event_params.hpp"
#include "core/ical/ics_import.hpp"
#include "core/ical/recurrence.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

// Shared by the ical_ics_* tests: calendars written as LF text and sent
// with CRLF, and events validated the way the daemon validates them (with
// libical's recurrence rules).
namespace summit::ical::testing {

inline core::EventInputContext input_context() {
  core::EventInputContext ctx;
  ctx.now = core::SysSeconds{date::sys_days{date::year{2025} / 9 / 1}};
  ctx.recurrence_rules = &recurrence_rules();
  return ctx;
}

// `lines` joined with CRLF.
inline std::string crlf(std::string_view lines) {
  std::string out;
  for (const char c : lines) {
    if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

// A VCALENDAR around `body` (LF-separated lines), sent with CRLF. The
// calendar's header takes lines 1-3, so the body starts on line 4.
inline std::string calendar(std::string_view body) {
  return crlf("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//summit tests//EN\n" + std::string(body) +
              "END:VCALENDAR\n");
}

inline ImportOptions minsk() { return ImportOptions{"Europe/Minsk"}; }

// parse_calendar that must succeed.
inline ParsedCalendar parsed(std::string_view text, const ImportOptions &options = minsk()) {
  auto result = parse_calendar(text, options);
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message);
  return result ? *result : ParsedCalendar{};
}

// The one event of a calendar that must hold exactly one.
inline ImportedEvent only_event(std::string_view text, const ImportOptions &options = minsk()) {
  auto result = parsed(text, options);
  EXPECT_EQ(result.events.size(), 1U);
  for (const auto &skip : result.skipped) {
    ADD_FAILURE() << "skipped: " << skip.reason;
  }
  return result.events.empty() ? ImportedEvent{} : result.events.front();
}

inline bool mentions(const std::vector<std::string> &notes, std::string_view part) {
  for (const auto &note : notes) {
    if (note.find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

} // namespace summit::ical::testing
