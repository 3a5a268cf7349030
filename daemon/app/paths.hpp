#pragma once

#include "core/error.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace summit::daemon {

struct Config;
struct Options;

enum class Mode { user, system };

const char *to_string(Mode mode);

// The parts of the process environment that decide the default paths, so
// that resolution is testable without touching the real environment.
struct Environment {
  std::optional<std::string> xdg_runtime_dir;
  std::optional<std::string> xdg_data_home;
  std::optional<std::string> xdg_config_home;
  std::optional<std::string> home;
  unsigned uid = 0;

  // Reads getenv() and getuid(); empty variables count as unset (XDG spec).
  static Environment from_process();
};

// Where summitd listens and stores its data.
struct Paths {
  std::filesystem::path socket;
  std::filesystem::path database;
  // The socket's folder is the default private one (under $XDG_RUNTIME_DIR
  // or /tmp/summit-$UID): create it 0700 and check that we own it.
  bool private_socket_dir = false;
  // Where the database path came from. Only the default location's folders
  // are created (mode 0700); the folder of a path the user named must exist.
  enum class DatabaseSource { default_location, flag, config };
  DatabaseSource database_source = DatabaseSource::default_location;
};

// The configuration file read when --config is absent: user mode
// $XDG_CONFIG_HOME/summit/summitd.toml (~/.config when unset), system mode
// /etc/summit/summitd.toml. Fails only when no home folder is known.
core::Result<std::filesystem::path> default_config_path(Mode mode, const Environment &env);

// Flags first, then the configuration, then the defaults: user mode
// $XDG_RUNTIME_DIR/summit/summitd.sock (/tmp/summit-$UID/summitd.sock when
// unset) and $XDG_DATA_HOME/summit/summit.db (~/.local/share when unset);
// system mode /run/summit/summitd.sock and /var/lib/summit/summit.db.
core::Result<Paths> resolve_paths(Mode mode, const Options &options, const Config &config,
                                  const Environment &env);

// Refuses a database path that is surely a mistake, before anything is
// created: a named path (--db, or `database` in `config_file`) whose folder
// does not exist (a typo would otherwise start a new, empty calendar), and
// an existing empty file (0 bytes: not a calendar but a typo or a truncated
// file, which SQLite would silently make a new one). The message names the
// path and the fix.
core::Result<void> check_database_path(const Paths &paths,
                                       const std::filesystem::path &config_file);

// Creates the socket's folder if missing. A private folder is made 0700 and
// refused when it is a symlink, not a directory or owned by someone else
// (another user could otherwise plant a socket for our clients to talk to).
core::Result<void> prepare_socket_dir(const Paths &paths, Mode mode, unsigned uid);

} // namespace summit::daemon
