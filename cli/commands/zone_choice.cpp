#include "cli/commands/zone_choice.hpp"

#include "core/text.hpp"
#include "core/zone_input.hpp"
#include "core/zones.hpp"

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
    if (core::is_floating(core::text::trim(*tz_flag))) {
      return core::fail(core::ErrorCode::invalid_params,
                        "'floating' is no zone to view times in (floating events are shown at "
                        "their own wall time in every zone); give an IANA name such as "
                        "Europe/Minsk, or pass --tz floating to add or edit");
    }
    auto typed = core::read_typed_zone(*tz_flag);
    if (!typed) {
      return tl::unexpected(typed.error());
    }
    return ZoneChoice{typed->zone, false, std::move(typed->note)};
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
                                           const core::Gazetteer *gazetteer,
                                           const date::time_zone *fallback,
                                           std::string_view fallback_whose) {
  if (tz_flag) {
    auto typed = core::read_typed_zone(*tz_flag);
    if (!typed) {
      auto error = typed.error();
      error.field = "tz";
      return tl::unexpected(std::move(error));
    }
    return ZoneChoice{typed->zone, false, std::move(typed->note)};
  }
  if (!location || location->empty() || gazetteer == nullptr) {
    return ZoneChoice{fallback, false, {}};
  }
  const auto place = gazetteer->zone_for(*location);
  if (place.kind == core::PlaceZone::Kind::ambiguous) {
    return tl::unexpected(core::Error{core::ErrorCode::invalid_params,
                                      fmt::format("{}, or pass --tz", place.reason), "location"});
  }
  if (place.kind == core::PlaceZone::Kind::found) {
    if (auto zone = core::find_zone(place.zone)) {
      return ZoneChoice{
          *zone, true,
          fmt::format("using time zone {} ({}); pass --tz to override", place.zone, place.reason)};
    }
    // A gazetteer naming a zone the tz database lacks: the fallback, said
    // as for an unknown place rather than refusing an otherwise good command.
  }
  return ZoneChoice{fallback, false,
                    fmt::format("no time zone known for '{}'; using {} ({}); pass --tz to choose "
                                "another",
                                *location, fallback->name(), fallback_whose)};
}

} // namespace summit::cli
