#pragma once

#include <chrono>
#include <cstddef>

namespace summit::server {

// What one connection may cost (limits.* in summitd.toml).
struct SessionLimits {
  std::size_t max_line = 1024 * 1024;
  // A connection with nothing to do for this long is closed; subscribers
  // (reminder.subscribe) are exempt. Zero: never.
  std::chrono::milliseconds idle_timeout = std::chrono::minutes(5);
  // A request line must be complete this long after its first byte arrived
  // (a client sending a byte now and then holds no connection for long).
  std::chrono::milliseconds request_timeout = std::chrono::seconds(30);
};

} // namespace summit::server
