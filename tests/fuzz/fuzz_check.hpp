#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace summit::fuzz {

// Stops the run when a property that the API promises does not hold, with
// what failed and the input: libFuzzer (and the replay runner) then report
// it as a crash and keep the input.
inline void check(bool ok, const char *what, std::string_view input) {
  if (ok) {
    return;
  }
  std::fprintf(stderr, "fuzz check failed: %s\ninput (%zu bytes): %.*s\n", what, input.size(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

} // namespace summit::fuzz
