#pragma once

// Shared by the ical_*_test.cpp files: events built the way the daemon
// builds them (event.add params through event_from_add_params, with
// libical's recurrence rules), fixed instants, named zones.

#include "core/event_params.hpp"
#include "core/ical/recurrence.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zones.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace summit::test {

using core::LocalSeconds;
using core::SysSeconds;
using nlohmann::json;

// "Now" for every request in these tests; no test reads the real clock.
inline const SysSeconds k_now{date::sys_days{date::year{2025} / 3 / 1} + std::chrono::hours{12}};

inline core::EventInputContext context() {
  return core::EventInputContext{k_now, nullptr, 1000, &ical::recurrence_rules()};
}

inline const date::time_zone *zone(const std::string &name) { return *core::find_zone(name); }

// A wall time or date written as in the protocol: "2025-09-26T10:00", "2025-09-26".
inline LocalSeconds wall(const std::string &text) { return core::parse_iso(text)->local; }

// An instant: "2025-09-26T07:00Z".
inline SysSeconds instant(const std::string &text) { return core::parse_iso(text)->instant; }

inline core::TimeRange range(const std::string &from, const std::string &to) {
  return {instant(from), instant(to)};
}

// event.add with these params plus a title; the test fails if it is refused.
inline core::Event add(json params) {
  params["title"] = params.value("title", "Council of Heads of Government");
  auto drafted = core::event_from_add_params(params, context());
  EXPECT_TRUE(drafted) << (drafted ? "" : drafted.error().message);
  return drafted ? drafted->event : core::Event{};
}

// The error event.add gives for these params ("" if it is accepted).
inline std::string add_error(json params) {
  params["title"] = params.value("title", "Council of Heads of Government");
  auto drafted = core::event_from_add_params(params, context());
  return drafted ? std::string() : drafted.error().message;
}

// The occurrences' starts as wall times ("2025-09-26T10:00:00").
inline std::vector<std::string> local_starts(const std::vector<ical::Occurrence> &list) {
  std::vector<std::string> out;
  for (const auto &o : list) {
    out.push_back(core::format_iso_local(o.start_local));
  }
  return out;
}

// The occurrences' starts as instants ("2025-09-26T07:00:00Z").
inline std::vector<std::string> utc_starts(const std::vector<ical::Occurrence> &list) {
  std::vector<std::string> out;
  for (const auto &o : list) {
    out.push_back(core::format_iso_utc(o.start_utc));
  }
  return out;
}

inline std::vector<ical::Occurrence> list(const core::Event &event, const std::string &from,
                                          const std::string &to, std::size_t limit = 1000) {
  return ical::occurrences(event, zone(event.tz), range(from, to), limit);
}

} // namespace summit::test
