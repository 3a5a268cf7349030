#pragma once

#include "time_range.hpp"

#include <functional>

namespace summit::core {

// The one way code below main() learns the time. Production passes
// system_clock(); tests pass a fixed or stepping instant. Read it once at
// the edge (a request arrives, a timer wakes) and pass `now` down.
using Clock = std::function<SysSeconds()>;

// The real wall clock, truncated to whole seconds. daemon/ and cli/ call
// this in exactly one place each (see docs/ARCHITECTURE.md).
SysSeconds system_now();

} // namespace summit::core
