#include "daemon/app/config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace summit::daemon {
namespace {

constexpr std::size_t k_min_max_line = 1024;
constexpr std::size_t k_max_max_line = std::size_t{1} << 30;

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

} // namespace

bool is_log_level(std::string_view level) {
  static constexpr std::array<std::string_view, 8> k_levels{
      "trace", "debug", "info", "warning", "warn", "error", "critical", "off"};
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
  for (const auto &[key, node] : table) {
    const std::string name(key.str());
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
      const auto *limits = node.as_table();
      if (limits == nullptr) {
        return tl::unexpected(config_error(origin, node.source(), "limits must be a table"));
      }
      for (const auto &[limit_key, limit_node] : *limits) {
        const std::string limit_name(limit_key.str());
        if (limit_name != "max_line") {
          return tl::unexpected(config_error(origin, limit_key.source(),
                                             "unknown key 'limits." + limit_name +
                                                 "' (known: limits.max_line)"));
        }
        const auto *value = limit_node.as_integer();
        const auto bad = fmt::format("limits.max_line must be an integer between {} and {}",
                                     k_min_max_line, k_max_max_line);
        if (value == nullptr || value->get() < static_cast<std::int64_t>(k_min_max_line) ||
            value->get() > static_cast<std::int64_t>(k_max_max_line)) {
          return tl::unexpected(config_error(origin, limit_node.source(), bad));
        }
        config.max_line = static_cast<std::size_t>(value->get());
      }
    } else {
      return tl::unexpected(config_error(
          origin, key.source(),
          "unknown key '" + name +
              "' (known: socket, database, log_level, tzdata, zoneinfo, [limits] max_line)"));
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
    return core::fail(core::ErrorCode::invalid_params,
                      fmt::format("cannot read configuration file {}: {}", path.string(),
                                  std::strerror(error)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path.string());
}

} // namespace summit::daemon
