#include "cli/commands/zone_choice.hpp"

#include <fmt/format.h>

#include <string_view>

namespace summit::cli {

namespace {

// "TZ=:Europe/Minsk" and "TZ=/usr/share/zoneinfo/Europe/Minsk" are both
// common spellings of a zone name in the environment.
std::string zone_name_from_tz_env(std::string_view tz) {
  if (!tz.empty() && tz.front() == ':') {
    tz.remove_prefix(1);
  }
  constexpr std::string_view k_zoneinfo = "zoneinfo/";
  if (auto pos = tz.find(k_zoneinfo); pos != std::string_view::npos && tz.front() == '/') {
    tz.remove_prefix(pos + k_zoneinfo.size());
  }
  return std::string(tz);
}

} // namespace

core::Result<ZoneChoice>
choose_viewer_zone(const std::optional<std::string> &tz_flag,
                   const std::optional<std::string> &tz_env,
                   const std::function<const date::time_zone *()> &system_zone) {
  if (tz_flag) {
    auto zone = core::find_zone(*tz_flag);
    if (!zone) {
      return tl::unexpected(zone.error());
    }
    return ZoneChoice{*zone, false, {}};
  }
  std::string note;
  if (tz_env) {
    std::string name = zone_name_from_tz_env(*tz_env);
    if (name.empty()) {
      // POSIX: an empty TZ means UTC.
      name = "UTC";
    }
    if (auto zone = core::find_zone(name)) {
      return ZoneChoice{*zone, false, {}};
    }
    note = fmt::format("TZ={} is not an IANA time zone name; ignoring it", *tz_env);
  }
  if (system_zone) {
    if (const date::time_zone *zone = system_zone()) {
      return ZoneChoice{zone, false, note};
    }
  }
  auto utc = core::find_zone("UTC");
  if (!utc) {
    return tl::unexpected(utc.error());
  }
  return ZoneChoice{*utc, false, note};
}

core::Result<ZoneChoice> choose_event_zone(const std::optional<std::string> &tz_flag,
                                           const std::optional<std::string> &location,
                                           const core::ZoneGazetteer *gazetteer,
                                           const date::time_zone *fallback) {
  if (tz_flag) {
    auto zone = core::find_zone(*tz_flag);
    if (!zone) {
      return tl::unexpected(zone.error());
    }
    return ZoneChoice{*zone, false, {}};
  }
  if (location && gazetteer != nullptr) {
    if (auto inference = gazetteer->infer(*location)) {
      if (auto zone = core::find_zone(inference->zone)) {
        return ZoneChoice{*zone, true,
                          fmt::format("using time zone {} ({}); pass --tz to override",
                                      inference->zone, inference->reason)};
      }
      // A table naming a zone the tz database lacks: fall through to the
      // fallback rather than refuse an otherwise good command.
    }
  }
  return ZoneChoice{fallback, false, {}};
}

} // namespace summit::cli
