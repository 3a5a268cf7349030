#include "core/clock.hpp"

#include <chrono>

namespace summit::core {

// The only function in core/ that reads the real clock.
SysSeconds system_now() { return std::chrono::floor<Seconds>(std::chrono::system_clock::now()); }

} // namespace summit::core
