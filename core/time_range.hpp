#pragma once

#include <date/date.h>

#include <algorithm>
#include <chrono>
#include <optional>

namespace summit::core {

using Seconds = std::chrono::seconds;
using SysSeconds = date::sys_seconds;
using LocalSeconds = date::local_seconds;

// A half-open interval of instants, [begin, end). An empty range has
// begin == end; begin > end is never constructed by this type's users.
struct TimeRange {
  SysSeconds begin;
  SysSeconds end;

  bool empty() const { return end <= begin; }
  bool contains(SysSeconds t) const { return begin <= t && t < end; }
  // True when the two ranges share at least one instant. An empty range
  // overlaps nothing.
  bool overlaps(const TimeRange &other) const {
    return !empty() && !other.empty() && begin < other.end && other.begin < end;
  }
  // The instants both ranges share, or nothing.
  std::optional<TimeRange> intersect(const TimeRange &other) const {
    if (!overlaps(other)) {
      return std::nullopt;
    }
    return TimeRange{std::max(begin, other.begin), std::min(end, other.end)};
  }
  bool operator==(const TimeRange &) const = default;
};

} // namespace summit::core
