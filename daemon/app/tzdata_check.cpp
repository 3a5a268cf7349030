#include "daemon/app/tzdata_check.hpp"

#include "core/text.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"
#include "daemon/store/event_store.hpp"

#include <date/date.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fstream>

namespace summit::daemon {

std::optional<std::string> parse_tzdata_version(std::string_view first_line) {
  constexpr std::string_view k_prefix = "# version ";
  if (!first_line.starts_with(k_prefix)) {
    return std::nullopt;
  }
  auto version = first_line.substr(k_prefix.size());
  while (!version.empty() && (version.back() == '\r' || version.back() == ' ')) {
    version.remove_suffix(1);
  }
  if (version.empty()) {
    return std::nullopt;
  }
  return std::string(version);
}

std::optional<std::string> read_tzdata_version(const std::filesystem::path &tzdata_file) {
  std::ifstream in(tzdata_file);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return std::nullopt;
  }
  return parse_tzdata_version(line);
}

core::Result<std::string> reconcile_tzdata(store::EventStore &store,
                                           const std::filesystem::path &tzdata_file) {
  const auto version = read_tzdata_version(tzdata_file);
  if (!version) {
    spdlog::warn("cannot read the tzdata version from {}; event times are not rechecked "
                 "against changed zone rules",
                 tzdata_file.string());
    return std::string();
  }
  auto recorded = store.tzdata_version();
  if (!recorded) {
    return tl::unexpected(recorded.error());
  }
  // The instants depend on the tzdata and on how summit reads it: reading
  // the zone files' footer rules after 2037 moved instants as a tzdata
  // update does. The store records both ("2025b+footer-rules"), so a
  // database from before either change is recomputed once.
  // Floating events' instants also depend on the zone they are read in
  // (summitd's local zone, core::floating_zone()): a change of it moves
  // them as a tzdata update does.
  const auto rules = fmt::format("{}+{}+floating={}", *version, core::k_zone_reading,
                                 core::floating_zone()->name());
  if (*recorded == rules) {
    return *version;
  }
  auto moved = store.recompute_instants(rules);
  if (!moved) {
    return tl::unexpected(moved.error());
  }
  if (recorded->empty()) {
    spdlog::info("tzdata {} recorded", rules);
  } else {
    spdlog::info("tzdata changed from {} to {}: recomputed event times, {} moved", *recorded, rules,
                 moved->size());
  }
  for (const auto &event : *moved) {
    spdlog::warn("event {} \"{}\" ({}) moved with tzdata {}: {} -> {}", event.id,
                 core::text::escape_controls(event.title), core::text::escape_controls(event.tz),
                 rules, date::format("%FT%TZ", event.old_start_utc),
                 date::format("%FT%TZ", event.new_start_utc));
  }
  return *version;
}

const date::time_zone *local_zone(const std::optional<std::string> &tz_env) {
  if (tz_env && !tz_env->empty()) {
    std::string_view name = *tz_env;
    if (name.front() == ':') {
      name.remove_prefix(1); // "TZ=:Europe/Minsk"
    }
    constexpr std::string_view k_zoneinfo = "zoneinfo/";
    if (const auto at = name.find(k_zoneinfo);
        at != std::string_view::npos && name.front() == '/') {
      name.remove_prefix(at + k_zoneinfo.size()); // "TZ=/usr/share/zoneinfo/Europe/Minsk"
    }
    if (!core::is_floating(name)) {
      if (auto zone = core::find_zone(name)) {
        return *zone;
      }
    }
    spdlog::warn("TZ={} is not an IANA time zone name; floating events are read in the zone of "
                 "/etc/localtime",
                 core::text::escape_controls(*tz_env));
  }
  if (const auto *zone = core::system_zone()) {
    return zone;
  }
  auto utc = core::find_zone("UTC");
  return utc ? *utc : nullptr;
}

} // namespace summit::daemon
