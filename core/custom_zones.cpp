#include "core/custom_zones.hpp"

#include "core/text.hpp"
#include "core/zone_files.hpp"

// date::time_zone's one public constructor takes date's detail::undocumented
// tag; tz_private.h completes the types a time_zone holds (zones.cpp says
// why summit makes its own).
#include <date/tz_private.h>
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>

namespace summit::core {

namespace {

struct Defined {
  std::unique_ptr<date::time_zone> zone;
  CustomZone kept;
};

// Every custom zone of the process, by name. Never destroyed: the zones
// handed out stay valid through exit, as find_zone's do.
struct Registry {
  std::mutex mutex;
  std::map<std::string, Defined, std::less<>> zones;
};

Registry &registry() {
  static auto *zones = new Registry;
  return *zones;
}

std::string offset_abbrev(Seconds offset) {
  const auto minutes = std::abs(offset.count()) / 60;
  return fmt::format("{}{:02}{:02}", offset < Seconds{0} ? '-' : '+', minutes / 60, minutes % 60);
}

bool valid_abbrev(std::string_view abbrev) {
  if (abbrev.empty() || abbrev.size() > k_max_zone_abbrev || abbrev.front() == ' ' ||
      abbrev.back() == ' ') {
    return false;
  }
  for (const char c : abbrev) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return false;
    }
  }
  return true;
}

Result<void> check_offset(const ZoneOffset &offset, std::string_view where) {
  if (offset.offset > k_max_zone_offset || offset.offset < -k_max_zone_offset) {
    return fail(ErrorCode::invalid_params,
                fmt::format("{}: offset {} is beyond ±18:00", where, offset_abbrev(offset.offset)));
  }
  if (!valid_abbrev(offset.abbrev)) {
    return fail(ErrorCode::invalid_params,
                fmt::format("{}: its abbreviation must be 1 to {} characters, no control "
                            "characters nor blanks at its ends",
                            where, k_max_zone_abbrev));
  }
  return {};
}

template <class T> bool read_number(std::string_view text, T &out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

Result<void> check_name(std::string_view name) {
  if (name.empty() || name.size() > k_max_custom_zone_name) {
    return fail(ErrorCode::invalid_params,
                fmt::format("a custom zone's name must be 1 to {} bytes", k_max_custom_zone_name));
  }
  for (const char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return fail(ErrorCode::invalid_params, "a custom zone's name has a control character");
    }
  }
  if (names_tzdata_zone(name)) {
    return fail(ErrorCode::invalid_params,
                fmt::format("'{}' is a zone of tzdata, not a custom zone", name));
  }
  return {};
}

} // namespace

std::string format_zone_rules(const CustomZoneRules &rules) {
  std::string text = fmt::format("{} {} {}\n", rules.initial.offset.count(),
                                 rules.initial.dst ? 1 : 0, rules.initial.abbrev);
  for (const OffsetChange &change : rules.changes) {
    text += fmt::format("{} {} {} {}\n", change.at.time_since_epoch().count(),
                        change.to.offset.count(), change.to.dst ? 1 : 0, change.to.abbrev);
  }
  return text;
}

Result<CustomZoneRules> parse_zone_rules(std::string_view text) {
  CustomZoneRules rules;
  std::size_t number = 0;
  for (auto line : text::split(text, '\n')) {
    if (line.empty()) {
      continue;
    }
    ++number;
    const bool first = number == 1;
    // The numbers, then the abbreviation: the rest of the line (a TZNAME
    // may have blanks, "Eastern Standard Time").
    std::array<std::int64_t, 3> numbers{};
    const std::size_t count = first ? 2 : 3;
    bool read = true;
    for (std::size_t i = 0; i < count && read; ++i) {
      const auto space = line.find(' ');
      read = space != std::string_view::npos && read_number(line.substr(0, space), numbers[i]);
      line = read ? line.substr(space + 1) : line;
    }
    const std::int64_t dst = numbers[count - 1];
    if (!read || dst < 0 || dst > 1) {
      return fail(ErrorCode::invalid_params,
                  fmt::format("line {} of the zone's rules is not '{}<offset> <0|1> <abbrev>'",
                              number, first ? "" : "<unix seconds> "));
    }
    const ZoneOffset offset{Seconds{numbers[count - 2]}, dst == 1, std::string(line)};
    if (first) {
      rules.initial = offset;
    } else {
      rules.changes.push_back({SysSeconds{Seconds{numbers[0]}}, offset});
    }
  }
  if (number == 0) {
    return fail(ErrorCode::invalid_params, "the zone's rules are empty");
  }
  if (auto ok = check_zone_rules(rules); !ok) {
    return tl::unexpected(ok.error());
  }
  return rules;
}

Result<void> check_zone_rules(const CustomZoneRules &rules) {
  if (rules.changes.size() > k_max_custom_zone_changes) {
    return fail(ErrorCode::invalid_params,
                fmt::format("the zone changes its offset {} times; summit keeps at most {}",
                            rules.changes.size(), k_max_custom_zone_changes));
  }
  if (auto ok = check_offset(rules.initial, "its first offset"); !ok) {
    return ok;
  }
  for (std::size_t i = 0; i < rules.changes.size(); ++i) {
    const OffsetChange &change = rules.changes[i];
    if (auto ok = check_offset(change.to, fmt::format("change {}", i + 1)); !ok) {
      return ok;
    }
    if (i > 0 && change.at <= rules.changes[i - 1].at) {
      return fail(ErrorCode::invalid_params,
                  fmt::format("change {} is not after change {}", i + 1, i));
    }
  }
  return {};
}

Result<std::string> define_custom_zone(std::string_view wanted, const CustomZoneRules &rules,
                                       std::string vtimezone, bool exact) {
  if (auto ok = check_name(wanted); !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = check_zone_rules(rules); !ok) {
    return tl::unexpected(ok.error());
  }
  if (vtimezone.size() > k_max_custom_zone_source) {
    return fail(ErrorCode::invalid_params,
                fmt::format("the zone's VTIMEZONE is over {} bytes", k_max_custom_zone_source));
  }
  auto &defined = registry();
  const std::lock_guard lock(defined.mutex);
  // "Eastern", "Eastern (2)", ...: as many tries as zones could hold the names.
  const std::size_t tries = exact ? 1 : k_max_custom_zones + 1;
  for (std::size_t n = 1; n <= tries; ++n) {
    const std::string name = n == 1 ? std::string(wanted) : fmt::format("{} ({})", wanted, n);
    if (n > 1 && (name.size() > k_max_custom_zone_name || names_tzdata_zone(name))) {
      continue;
    }
    const auto found = defined.zones.find(name);
    if (found != defined.zones.end()) {
      if (found->second.kept.rules == rules) {
        if (found->second.kept.vtimezone.empty()) {
          found->second.kept.vtimezone = std::move(vtimezone);
        }
        return name;
      }
      continue;
    }
    // The zones a database keeps (exact) are defined whatever their number:
    // their events need them. New ones stop at the bound, so that a database
    // keeps about as many.
    if (!exact && defined.zones.size() >= k_max_custom_zones) {
      return fail(ErrorCode::unavailable,
                  fmt::format("summitd keeps at most {} zones that calendar files define",
                              k_max_custom_zones));
    }
    auto zone = std::make_unique<date::time_zone>(name, date::detail::undocumented{});
    keep_zone_periods(zone.get(), rules);
    defined.zones.emplace(name,
                          Defined{std::move(zone), CustomZone{name, rules, std::move(vtimezone)}});
    return name;
  }
  return fail(ErrorCode::invalid_params,
              fmt::format("a zone named '{}' with other rules is kept already", wanted));
}

const date::time_zone *find_custom_zone(std::string_view name) {
  auto &defined = registry();
  const std::lock_guard lock(defined.mutex);
  const auto found = defined.zones.find(name);
  return found == defined.zones.end() ? nullptr : found->second.zone.get();
}

bool is_custom_zone(const date::time_zone *zone) {
  return zone != nullptr && find_custom_zone(zone->name()) == zone;
}

bool is_custom_zone(std::string_view name) { return find_custom_zone(name) != nullptr; }

std::optional<CustomZone> custom_zone(std::string_view name) {
  auto &defined = registry();
  const std::lock_guard lock(defined.mutex);
  const auto found = defined.zones.find(name);
  if (found == defined.zones.end()) {
    return std::nullopt;
  }
  return found->second.kept;
}

} // namespace summit::core
