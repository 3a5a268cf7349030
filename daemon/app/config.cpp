#include "daemon/app/config.hpp"

#include "core/time_format.hpp"
#include "core/time_parse.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace summit::daemon {
namespace {

constexpr std::size_t k_min_max_line = 1024;
constexpr std::size_t k_max_max_line = std::size_t{1} << 30;
constexpr std::size_t k_max_default_reminders = 64;
constexpr std::size_t k_max_subscriber_queue = 1'000'000;
// Ten years: "keep for ever" is written "0s".
constexpr core::Seconds k_max_keep_firings = std::chrono::hours{24 * 3660};
constexpr std::size_t k_max_connections = 1'000'000;
constexpr std::size_t k_max_uploads_per_connection = 1024;
// The staging quota of all users together (CalendarHandlerOptions) is 64 MiB.
constexpr std::size_t k_max_staged_bytes_per_uid = 64 * 1024 * 1024;
// The same bound as a reminder given in event.add.
constexpr core::Seconds k_max_reminder_before = date::days{3660};
constexpr core::Seconds k_max_grace = date::days{366};
constexpr core::Seconds k_max_timeout = std::chrono::hours{24};

core::Error config_error(const std::string &origin, const toml::source_region &where,
                         const std::string &what) {
  if (where.begin.line > 0) {
    return {core::ErrorCode::invalid_params,
            fmt::format("{}:{}: {}", origin, where.begin.line, what)};
  }
  return {core::ErrorCode::invalid_params, fmt::format("{}: {}", origin, what)};
}

// A string value that must be a non-empty path.
core::Result<std::string> string_value(const toml::node &node, const std::string &key,
                                       const std::string &origin) {
  const auto *value = node.as_string();
  if (value == nullptr) {
    return tl::unexpected(config_error(origin, node.source(), key + " must be a string"));
  }
  if (value->get().empty()) {
    return tl::unexpected(config_error(origin, node.source(), key + " must not be empty"));
  }
  return value->get();
}

// Each `[table]` reader checks its keys and fills its part of the config.
using Fill = core::Result<void>;

// "1d", "90s", "PT15M": a duration between `min` and `max`.
core::Result<core::Seconds> duration_value(const toml::node &node, const std::string &key,
                                           const std::string &origin, core::Seconds min,
                                           core::Seconds max) {
  const auto *value = node.as_string();
  if (value == nullptr) {
    return tl::unexpected(
        config_error(origin, node.source(), key + " must be a duration string such as \"24h\""));
  }
  auto duration = core::parse_duration(value->get());
  if (!duration) {
    return tl::unexpected(
        config_error(origin, node.source(), fmt::format("{}: {}", key, duration.error().message)));
  }
  if (*duration < min || *duration > max) {
    return tl::unexpected(config_error(
        origin, node.source(),
        fmt::format("{} must be between {} and {}, not '{}'", key, core::format_duration_short(min),
                    core::format_duration_short(max), value->get())));
  }
  return *duration;
}

core::Error unknown_key(const std::string &origin, const toml::key &key, const std::string &table,
                        const char *known) {
  return config_error(origin, key.source(),
                      fmt::format("unknown key '{}.{}' (known: {})", table, key.str(), known));
}

const toml::table *table_value(const toml::node &node, const std::string &name,
                               const std::string &origin, core::Error &error) {
  const auto *table = node.as_table();
  if (table == nullptr) {
    error = config_error(origin, node.source(), name + " must be a table ([" + name + "])");
  }
  return table;
}

Fill read_limits(const toml::table &limits, Config &config, const std::string &origin) {
  constexpr const char *known =
      "limits.max_line, limits.max_connections, limits.max_connections_per_uid, "
      "limits.max_uploads_per_connection, limits.max_staged_bytes_per_uid, limits.idle_timeout, "
      "limits.request_timeout";
  // Integer keys besides max_line and max_connections: where each goes and
  // its range.
  struct Count {
    const char *name;
    std::size_t Config::*field;
    std::size_t min;
    std::size_t max;
  };
  static constexpr std::array counts{
      Count{"max_connections_per_uid", &Config::max_connections_per_uid, 1, k_max_connections},
      Count{"max_uploads_per_connection", &Config::max_uploads_per_connection, 1,
            k_max_uploads_per_connection},
      Count{"max_staged_bytes_per_uid", &Config::max_staged_bytes_per_uid, 1,
            k_max_staged_bytes_per_uid},
  };
  for (const auto &[key, node] : limits) {
    const std::string name(key.str());
    const auto count =
        std::find_if(counts.begin(), counts.end(), [&](const Count &c) { return name == c.name; });
    if (count != counts.end()) {
      const auto *value = node.as_integer();
      if (value == nullptr || value->get() < static_cast<std::int64_t>(count->min) ||
          value->get() > static_cast<std::int64_t>(count->max)) {
        return tl::unexpected(
            config_error(origin, node.source(),
                         fmt::format("limits.{} must be an integer between {} and {}", name,
                                     count->min, count->max)));
      }
      config.*(count->field) = static_cast<std::size_t>(value->get());
    } else if (name == "max_line" || name == "max_connections") {
      const bool line = name == "max_line";
      const std::size_t min = line ? k_min_max_line : 1;
      const std::size_t max = line ? k_max_max_line : k_max_connections;
      const auto *value = node.as_integer();
      if (value == nullptr || value->get() < static_cast<std::int64_t>(min) ||
          value->get() > static_cast<std::int64_t>(max)) {
        return tl::unexpected(config_error(
            origin, node.source(),
            fmt::format("limits.{} must be an integer between {} and {}", name, min, max)));
      }
      (line ? config.max_line : config.max_connections) = static_cast<std::size_t>(value->get());
    } else if (name == "idle_timeout" || name == "request_timeout") {
      // "0s" switches the timeout off.
      auto timeout =
          duration_value(node, "limits." + name, origin, core::Seconds{0}, k_max_timeout);
      if (!timeout) {
        return tl::unexpected(timeout.error());
      }
      (name == "idle_timeout" ? config.idle_timeout : config.request_timeout) = *timeout;
    } else {
      return tl::unexpected(unknown_key(origin, key, "limits", known));
    }
  }
  return {};
}

Fill read_default_reminders(const toml::node &node, ReminderConfig &reminders,
                            const std::string &origin) {
  const auto *array = node.as_array();
  if (array == nullptr) {
    return tl::unexpected(config_error(
        origin, node.source(), "reminders.defaults must be an array such as [\"1d\", \"1h\"]"));
  }
  if (array->size() > k_max_default_reminders) {
    return tl::unexpected(config_error(
        origin, node.source(),
        fmt::format("reminders.defaults: at most {} reminders", k_max_default_reminders)));
  }
  reminders.defaults.clear();
  for (std::size_t i = 0; i < array->size(); ++i) {
    const auto &item = *array->get(i);
    const auto key = fmt::format("reminders.defaults[{}]", i);
    auto before = duration_value(item, key, origin, core::Seconds{0}, k_max_reminder_before);
    if (!before) {
      return tl::unexpected(before.error());
    }
    reminders.defaults.push_back(item.as_string()->get());
  }
  return {};
}

Fill read_reminders(const toml::table &table, Config &config, const std::string &origin) {
  auto &reminders = config.reminders;
  for (const auto &[key, node] : table) {
    const std::string name(key.str());
    if (name == "defaults") {
      if (auto read = read_default_reminders(node, reminders, origin); !read) {
        return read;
      }
    } else if (name == "grace" || name == "late_after") {
      auto value = duration_value(node, "reminders." + name, origin, core::Seconds{0}, k_max_grace);
      if (!value) {
        return tl::unexpected(value.error());
      }
      (name == "grace" ? reminders.grace : reminders.late_after) = *value;
    } else if (name == "keep_firings") {
      auto value = duration_value(node, "reminders.keep_firings", origin, core::Seconds{0},
                                  k_max_keep_firings);
      if (!value) {
        return tl::unexpected(value.error());
      }
      reminders.keep_firings = *value;
    } else if (name == "morning_hour") {
      const auto *value = node.as_integer();
      if (value == nullptr || value->get() < 0 || value->get() > 23) {
        return tl::unexpected(config_error(
            origin, node.source(), "reminders.morning_hour must be an integer between 0 and 23"));
      }
      reminders.morning_hour = static_cast<int>(value->get());
    } else {
      return tl::unexpected(unknown_key(origin, key, "reminders",
                                        "defaults, grace, morning_hour, late_after, keep_firings"));
    }
  }
  return {};
}

core::Result<notify::ExecCommand> read_exec_command(const toml::node &node, std::size_t index,
                                                    const std::string &origin) {
  const auto where = fmt::format("notify.exec[{}]", index);
  const auto *table = node.as_table();
  if (table == nullptr) {
    return tl::unexpected(
        config_error(origin, node.source(),
                     where + " must be a table: write each command as a [[notify.exec]] section"));
  }
  notify::ExecCommand command;
  bool has_command = false;
  for (const auto &[key, value] : *table) {
    const std::string name(key.str());
    if (name == "command") {
      const auto *argv = value.as_array();
      const auto bad = where + ".command must be a non-empty array of non-empty strings, such "
                               "as [\"/usr/local/bin/page-me\", \"--urgent\"] (it is run "
                               "without a shell)";
      if (argv == nullptr || argv->empty()) {
        return tl::unexpected(config_error(origin, value.source(), bad));
      }
      for (const auto &arg : *argv) {
        const auto *text = arg.as_string();
        if (text == nullptr || text->get().empty()) {
          return tl::unexpected(config_error(origin, arg.source(), bad));
        }
        command.argv.push_back(text->get());
      }
      has_command = true;
    } else if (name == "timeout") {
      auto timeout =
          duration_value(value, where + ".timeout", origin, core::Seconds{1}, k_max_timeout);
      if (!timeout) {
        return tl::unexpected(timeout.error());
      }
      command.timeout = *timeout;
    } else {
      return tl::unexpected(
          config_error(origin, key.source(),
                       fmt::format("unknown key '{}.{}' (known: command, timeout)", where, name)));
    }
  }
  if (!has_command) {
    return tl::unexpected(
        config_error(origin, node.source(),
                     where + " has no command (command = [\"/path/to/program\", \"arg\", ...])"));
  }
  return command;
}

Fill read_notify(const toml::table &table, Config &config, const std::string &origin) {
  for (const auto &[key, node] : table) {
    if (key.str() != "exec") {
      return tl::unexpected(unknown_key(origin, key, "notify", "[[notify.exec]]"));
    }
    const auto *entries = node.as_array();
    if (entries == nullptr) {
      return tl::unexpected(config_error(
          origin, node.source(),
          "notify.exec must be a list of [[notify.exec]] sections, each with a command"));
    }
    config.exec_commands.clear();
    for (std::size_t i = 0; i < entries->size(); ++i) {
      auto command = read_exec_command(*entries->get(i), i, origin);
      if (!command) {
        return tl::unexpected(command.error());
      }
      config.exec_commands.push_back(std::move(*command));
    }
  }
  return {};
}

Fill read_subscribers(const toml::table &table, Config &config, const std::string &origin) {
  for (const auto &[key, node] : table) {
    if (key.str() != "queue") {
      return tl::unexpected(unknown_key(origin, key, "subscribers", "queue"));
    }
    const auto *value = node.as_integer();
    if (value == nullptr || value->get() < 1 ||
        value->get() > static_cast<std::int64_t>(k_max_subscriber_queue)) {
      return tl::unexpected(
          config_error(origin, node.source(),
                       fmt::format("subscribers.queue must be an integer between 1 and {}",
                                   k_max_subscriber_queue)));
    }
    config.subscriber_queue = static_cast<std::size_t>(value->get());
  }
  return {};
}

Fill read_sync(const toml::table &table, Config &config, const std::string &origin) {
  for (const auto &[key, node] : table) {
    if (key.str() == "after_change") {
      auto delay =
          duration_value(node, "sync.after_change", origin, core::Seconds{0}, core::Seconds{3600});
      if (!delay) {
        return tl::unexpected(delay.error());
      }
      config.caldav_after_change = *delay;
      continue;
    }
    if (key.str() == "progress_every") {
      auto every =
          duration_value(node, "sync.progress_every", origin, core::Seconds{0}, core::Seconds{60});
      if (!every) {
        return tl::unexpected(every.error());
      }
      config.caldav_progress_every = *every;
      continue;
    }
    if (key.str() == "progress_after") {
      const auto *value = node.as_integer();
      if (value == nullptr || value->get() < 1 || value->get() > 20000) {
        return tl::unexpected(config_error(
            origin, node.source(), "sync.progress_after must be an integer between 1 and 20000"));
      }
      config.caldav_progress_after = static_cast<std::size_t>(value->get());
      continue;
    }
    if (key.str() != "max_deletion_percent") {
      return tl::unexpected(unknown_key(origin, key, "sync",
                                        "max_deletion_percent, after_change, progress_after, "
                                        "progress_every"));
    }
    const auto *value = node.as_integer();
    if (value == nullptr || value->get() < 1 || value->get() > 100) {
      return tl::unexpected(config_error(
          origin, node.source(), "sync.max_deletion_percent must be an integer between 1 and 100"));
    }
    config.caldav_max_deletion_share = static_cast<double>(value->get()) / 100.0;
  }
  return {};
}

} // namespace

bool is_log_level(std::string_view level) {
  static constexpr std::array<std::string_view, 8> k_levels{"trace", "debug", "info",     "warning",
                                                            "warn",  "error", "critical", "off"};
  for (auto name : k_levels) {
    if (name == level) {
      return true;
    }
  }
  return false;
}

core::Result<Config> parse_config(std::string_view text, const std::string &origin) {
  toml::table table;
  try {
    table = toml::parse(text, origin);
  } catch (const toml::parse_error &e) {
    return tl::unexpected(config_error(origin, e.source(), std::string(e.description())));
  }

  Config config;
  using Reader = Fill (*)(const toml::table &, Config &, const std::string &);
  for (const auto &[key, node] : table) {
    const std::string name(key.str());
    Reader reader = nullptr;
    if (name == "socket" || name == "database" || name == "tzdata" || name == "zoneinfo") {
      auto value = string_value(node, name, origin);
      if (!value) {
        return tl::unexpected(value.error());
      }
      if (name == "socket") {
        config.socket = *value;
      } else if (name == "database") {
        config.database = *value;
      } else if (name == "tzdata") {
        config.tzdata_file = *value;
      } else {
        config.zoneinfo_dir = *value;
      }
    } else if (name == "log_level") {
      const auto *value = node.as_string();
      if (value == nullptr || !is_log_level(value->get())) {
        return tl::unexpected(config_error(
            origin, node.source(),
            "log_level must be one of trace, debug, info, warning, error, critical, off"));
      }
      config.log_level = value->get();
    } else if (name == "limits") {
      reader = read_limits;
    } else if (name == "reminders") {
      reader = read_reminders;
    } else if (name == "notify") {
      reader = read_notify;
    } else if (name == "subscribers") {
      reader = read_subscribers;
    } else if (name == "sync") {
      reader = read_sync;
    } else {
      return tl::unexpected(config_error(
          origin, key.source(),
          "unknown key '" + name +
              "' (known: socket, database, log_level, tzdata, zoneinfo, [limits], [reminders], "
              "[[notify.exec]], [subscribers], [sync])"));
    }
    if (reader != nullptr) {
      core::Error error;
      const auto *section = table_value(node, name, origin, error);
      if (section == nullptr) {
        return tl::unexpected(error);
      }
      if (auto read = reader(*section, config, origin); !read) {
        return tl::unexpected(read.error());
      }
    }
  }
  return config;
}

core::Result<Config> load_config(const std::filesystem::path &path, bool may_be_missing) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    if (may_be_missing && error == ENOENT) {
      return Config{};
    }
    return core::fail(
        core::ErrorCode::invalid_params,
        fmt::format("cannot read configuration file {}: {}", path.string(), std::strerror(error)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path.string());
}

} // namespace summit::daemon
