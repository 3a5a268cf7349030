#include "daemon/app/paths.hpp"

#include "daemon/app/config.hpp"
#include "daemon/app/options.hpp"

#include <fmt/format.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace summit::daemon {
namespace {

std::optional<std::string> env_value(const char *name) {
  const char *value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return std::string(value);
}

core::Result<std::filesystem::path> home_dir(const Environment &env) {
  if (!env.home) {
    return core::fail(core::ErrorCode::invalid_params,
                      "HOME is not set: cannot find the default paths (set HOME or XDG_* "
                      "variables, or pass --socket/--db/--config)");
  }
  return std::filesystem::path(*env.home);
}

core::Result<void> make_dir(const std::filesystem::path &dir, mode_t mode) {
  if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) {
    return core::fail(core::ErrorCode::storage,
                      fmt::format("cannot create {}: {}", dir.string(), std::strerror(errno)));
  }
  return {};
}

// `text` as one shell word, for a command a message suggests.
std::string shell_quoted(const std::string &text) {
  const bool plain =
      !text.empty() && text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "abcdefghijklmnopqrstuvwxyz"
                                              "0123456789/._-+,:@%") == std::string::npos;
  if (plain) {
    return text;
  }
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

} // namespace

const char *to_string(Mode mode) { return mode == Mode::system ? "system" : "user"; }

Environment Environment::from_process() {
  Environment env;
  env.xdg_runtime_dir = env_value("XDG_RUNTIME_DIR");
  env.xdg_data_home = env_value("XDG_DATA_HOME");
  env.xdg_config_home = env_value("XDG_CONFIG_HOME");
  env.home = env_value("HOME");
  env.uid = ::getuid();
  return env;
}

core::Result<std::filesystem::path> default_config_path(Mode mode, const Environment &env) {
  if (mode == Mode::system) {
    return std::filesystem::path("/etc/summit/summitd.toml");
  }
  if (env.xdg_config_home) {
    return std::filesystem::path(*env.xdg_config_home) / "summit" / "summitd.toml";
  }
  auto home = home_dir(env);
  if (!home) {
    return tl::unexpected(home.error());
  }
  return *home / ".config" / "summit" / "summitd.toml";
}

core::Result<Paths> resolve_paths(Mode mode, const Options &options, const Config &config,
                                  const Environment &env) {
  Paths paths;
  if (options.socket) {
    paths.socket = *options.socket;
  } else if (config.socket) {
    paths.socket = *config.socket;
  } else if (mode == Mode::system) {
    paths.socket = "/run/summit/summitd.sock";
  } else if (env.xdg_runtime_dir) {
    paths.socket = std::filesystem::path(*env.xdg_runtime_dir) / "summit" / "summitd.sock";
    paths.private_socket_dir = true;
  } else {
    paths.socket = fmt::format("/tmp/summit-{}/summitd.sock", env.uid);
    paths.private_socket_dir = true;
  }

  if (options.database) {
    paths.database = *options.database;
    paths.database_source = Paths::DatabaseSource::flag;
  } else if (config.database) {
    paths.database = *config.database;
    paths.database_source = Paths::DatabaseSource::config;
  } else if (mode == Mode::system) {
    paths.database = "/var/lib/summit/summit.db";
  } else if (env.xdg_data_home) {
    paths.database = std::filesystem::path(*env.xdg_data_home) / "summit" / "summit.db";
  } else {
    auto home = home_dir(env);
    if (!home) {
      return tl::unexpected(home.error());
    }
    paths.database = *home / ".local" / "share" / "summit" / "summit.db";
  }
  return paths;
}

core::Result<void> check_database_path(const Paths &paths,
                                       const std::filesystem::path &config_file) {
  namespace fs = std::filesystem;
  const fs::path &database = paths.database;
  const std::string source = paths.database_source == Paths::DatabaseSource::flag ? "--db"
                             : paths.database_source == Paths::DatabaseSource::config
                                 ? fmt::format("`database` in {}", config_file.string())
                                 : "the default location";
  const fs::path folder = database.parent_path();
  if (paths.database_source != Paths::DatabaseSource::default_location && !folder.empty()) {
    struct stat st {};
    if (::stat(folder.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) {
        return core::fail(core::ErrorCode::invalid_params,
                          fmt::format("the folder '{}' of {} does not exist; create it (mkdir -p "
                                      "{}) or fix the path",
                                      folder.string(), source, shell_quoted(folder.string())));
      }
      return core::fail(core::ErrorCode::storage,
                        fmt::format("cannot reach the folder '{}' of {}: {}", folder.string(),
                                    source, std::strerror(errno)));
    }
    if (!S_ISDIR(st.st_mode)) {
      return core::fail(core::ErrorCode::invalid_params,
                        fmt::format("'{}' (the folder of {}) is not a folder; fix the path",
                                    folder.string(), source));
    }
  }
  struct stat st {};
  if (::stat(database.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
    return core::fail(
        core::ErrorCode::invalid_params,
        fmt::format("the database '{}' ({}) is an empty file (0 bytes), not a calendar (a "
                    "typo, or a truncated file); remove it to start a new calendar there (rm {}), "
                    "or restore it from a backup",
                    database.string(), source, shell_quoted(database.string())));
  }
  return {};
}

core::Result<void> prepare_socket_dir(const Paths &paths, Mode mode, unsigned uid) {
  const auto dir = paths.socket.parent_path();
  if (dir.empty()) {
    return {};
  }
  if (!paths.private_socket_dir) {
    // A folder the user named (or /run/summit): create what is missing and
    // leave existing folders alone.
    std::error_code ec;
    if (std::filesystem::create_directories(dir, ec)) {
      std::filesystem::permissions(dir,
                                   mode == Mode::system ? std::filesystem::perms{0755}
                                                        : std::filesystem::perms::owner_all,
                                   ec);
    }
    if (ec) {
      return core::fail(core::ErrorCode::storage,
                        fmt::format("cannot create {}: {}", dir.string(), ec.message()));
    }
    return {};
  }

  // $XDG_RUNTIME_DIR itself exists (the login manager made it); /tmp too.
  if (auto made = make_dir(dir, 0700); !made) {
    return made;
  }
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    return core::fail(core::ErrorCode::storage,
                      fmt::format("cannot inspect {}: {}", dir.string(), std::strerror(errno)));
  }
  if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)) {
    return core::fail(core::ErrorCode::permission_denied,
                      fmt::format("refusing to use {}: it is not a directory (a symlink or a "
                                  "file); remove it or pass --socket",
                                  dir.string()));
  }
  if (st.st_uid != uid) {
    return core::fail(core::ErrorCode::permission_denied,
                      fmt::format("refusing to use {}: it is owned by uid {}, not by us (uid "
                                  "{}); remove it or pass --socket",
                                  dir.string(), st.st_uid, uid));
  }
  if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0) {
    return core::fail(
        core::ErrorCode::storage,
        fmt::format("cannot make {} private (mode 0700): {}", dir.string(), std::strerror(errno)));
  }
  return {};
}

} // namespace summit::daemon
