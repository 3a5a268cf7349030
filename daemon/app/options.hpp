#pragma once

#include <optional>
#include <string>
#include <variant>

namespace summit::daemon {

// The command line of summitd. Flags win over the configuration file, which
// wins over the defaults (see paths.hpp).
struct Options {
  std::optional<std::string> socket;
  std::optional<std::string> database;
  std::optional<std::string> config;
  std::optional<std::string> log_level;
  bool system = false;
};

// --help or --version was given and answered: exit with this code.
struct EarlyExit {
  int exit_code = 0;
};

// Parses argv with CLI11. Usage errors throw Fatal(k_exit_usage) with
// CLI11's message; --help/--version print and return EarlyExit.
std::variant<Options, EarlyExit> parse_options(int argc, const char *const *argv);

} // namespace summit::daemon
