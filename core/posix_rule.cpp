// This file is compiled as C++17 (core/CMakeLists.txt), unlike the rest of
// summit. Debian 12's date/ptz.h does not compile as C++20 with g++ 12: its
// functions say `using namespace date; using namespace std::chrono;`, and
// C++20's std::chrono has its own hh_mm_ss and sys_days, so the names are
// ambiguous. ptz.h is used here only, behind posix_rule.hpp, whose types are
// plain numbers and strings: no date template crosses between this C++17
// unit and the C++20 ones. (ptz.h also defines a non-inline function,
// Posix::time_zone::contant_offset, so it may be included by one unit only.)
#include "core/posix_rule.hpp"

#include <date/ptz.h>

#include <chrono>
#include <exception>
#include <string>
#include <utility>

namespace summit::core {

struct PosixRule::Zone {
  explicit Zone(std::string_view text) : zone(text) {}
  Posix::time_zone zone;
};

namespace {

// ptz.h's message is "Invalid time_zone initializer.\n<what>:\n<text>\n<a
// coloured caret line>": keep <what>.
std::string ptz_reason(const char *what) {
  std::string text = what;
  const auto first = text.find('\n');
  if (first == std::string::npos) {
    return text;
  }
  const auto second = text.find('\n', first + 1);
  auto reason = text.substr(first + 1, second == std::string::npos ? second : second - first - 1);
  if (!reason.empty() && reason.back() == ':') {
    reason.pop_back();
  }
  return reason;
}

} // namespace

Result<PosixRule> PosixRule::parse(std::string_view text) {
  PosixRule rule;
  try {
    rule.m_zone = std::make_shared<const Zone>(text);
  } catch (const std::exception &e) {
    // No fmt here: its templates differ between C++17 and C++20 (consteval
    // format strings), and this unit shares only plain types with the rest.
    return fail(ErrorCode::invalid_params, "cannot read the POSIX TZ string '" + std::string(text) +
                                               "': " + ptz_reason(e.what()));
  }
  rule.m_text = std::string(text);
  // ptz.h reads a string with a ',' only when both rules follow it, and then
  // switches between the two times; without one it keeps the first offset.
  rule.m_has_dst = text.find(',') != std::string_view::npos;
  return rule;
}

PosixPeriod PosixRule::period_at(std::int64_t utc) const {
  const auto info = m_zone->zone.get_info(date::sys_seconds{std::chrono::seconds{utc}});
  PosixPeriod period;
  period.begin = info.begin.time_since_epoch().count();
  period.end = info.end.time_since_epoch().count();
  period.offset = info.offset.count();
  period.dst = info.save != std::chrono::minutes{0};
  period.abbrev = info.abbrev;
  return period;
}

} // namespace summit::core
