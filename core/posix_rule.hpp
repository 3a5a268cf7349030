#pragma once

// The boundary between C++20 summit and date's ptz.h, which only compiles as
// C++17 (see posix_rule.cpp). Everything here is a plain type (seconds
// counts, offsets, names): no date template is instantiated on both sides
// of the boundary, so the C++17 and C++20 translation units cannot disagree
// about one. Callers use zone_info() in zone_rules.hpp, not this.

#include "error.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace summit::core {

// One period of a POSIX TZ rule: seconds since 1970-01-01T00:00:00Z.
struct PosixPeriod {
  std::int64_t begin = 0;  // its first instant
  std::int64_t end = 0;    // the first instant of the next period
  std::int64_t offset = 0; // UTC offset in seconds (+3600 for CET)
  bool dst = false;        // in the rule's second (daylight saving) time
  std::string abbrev;      // "CEST", "+03" (a quoted <+03> without its brackets)
};

// A POSIX TZ string, the form a TZif file's footer (RFC 8536 section 3.3)
// uses for the rules after its last listed transition:
// "CET-1CEST,M3.5.0,M10.5.0/3", "<+03>-3", "IST-1GMT0,M10.5.0,M3.5.0/1".
// Read and applied by date's ptz.h (Posix::time_zone). Copies share one
// parsed rule; thread-safe (immutable once parsed).
class PosixRule {
public:
  // The rule `text` describes; invalid_params naming the text and what
  // ptz.h found wrong when it cannot read it (Debian 12's ptz.h does not
  // read negative transition times, "M3.5.0/-1").
  static Result<PosixRule> parse(std::string_view text);

  // True when the rule switches between two times each year; false for one
  // fixed offset ("<+03>-3", "JST-9").
  bool has_dst() const { return m_has_dst; }

  // The period that contains the instant `utc`.
  PosixPeriod period_at(std::int64_t utc) const;

  // The text it was read from.
  const std::string &text() const { return m_text; }

private:
  PosixRule() = default; // only parse() makes one

  struct Zone; // holds the Posix::time_zone; defined in posix_rule.cpp only
  std::shared_ptr<const Zone> m_zone;
  std::string m_text;
  bool m_has_dst = false;
};

} // namespace summit::core
