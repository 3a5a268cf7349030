#pragma once

#include "core/gazetteer.hpp"
#include "core/time_range.hpp"

#include <date/tz.h>

#include <sys/types.h>

#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>

namespace summit::cli {

// Exit codes (docs/PROTOCOL.md's client contract, issue 2).
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_refused = 1;     // the daemon refused; its message is printed
inline constexpr int k_exit_usage = 2;       // the command line is wrong
inline constexpr int k_exit_unreachable = 3; // no daemon answers on the socket

// Everything `run` learns from outside the process's arguments. main()
// builds it once with from_process(); tests build their own, so a test never
// depends on the host's clock, zone or files.
struct CommandEnvironment {
  core::SysSeconds now{};
  std::function<std::optional<std::string>(const char *)> getenv;
  uid_t uid = 0;
  std::function<bool(const std::string &)> exists;      // is there a file at the path?
  std::function<const date::time_zone *()> system_zone; // /etc/localtime, or null
  // The gazetteer (places::PlaceGazetteer over the system's files, in the
  // user's languages); called only when a location is given without --tz.
  std::function<std::unique_ptr<core::Gazetteer>()> load_gazetteer;
  // Is file descriptor 1 or 2 a terminal? (progress bars, colour). Unset: no.
  std::function<bool(int fd)> is_terminal;
  // The width in columns of the terminal on fd; 0 when fd is no terminal (a
  // pipe or a file: tables are then never cut). Unset: 0.
  std::function<std::size_t(int fd)> terminal_columns;
  // Standard input (`summit import -`); null: none.
  std::istream *in = nullptr;

  // The real process: reads the clock here, once (core::system_now()).
  static CommandEnvironment from_process();
};

} // namespace summit::cli
