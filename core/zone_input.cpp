#include "core/zone_input.hpp"

#include "core/text.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

namespace summit::core {

namespace {

// What an abbreviation, or a legacy tzdata name, most often means: the
// zones offered instead. A hint for the message, not a table of rules:
// the zone's rules always come from tzdata.
struct Abbreviation {
  std::string_view name;
  std::string_view zones; // "Asia/Kolkata, Asia/Jerusalem or Europe/Dublin"
};
constexpr std::array<Abbreviation, 49> k_abbreviations{{
    {"ACDT", "Australia/Adelaide"},
    {"ACST", "Australia/Adelaide"},
    {"ADT", "America/Halifax"},
    {"AEDT", "Australia/Sydney"},
    {"AEST", "Australia/Sydney"},
    {"AKDT", "America/Anchorage"},
    {"AKST", "America/Anchorage"},
    {"ART", "America/Argentina/Buenos_Aires"},
    {"AST", "America/Halifax or Asia/Riyadh"},
    {"AWST", "Australia/Perth"},
    {"BRT", "America/Sao_Paulo"},
    {"BST", "Europe/London"},
    {"CAT", "Africa/Maputo"},
    {"CDT", "America/Chicago"},
    {"CEST", "Europe/Paris"},
    {"CET", "Europe/Paris"},
    {"CST", "America/Chicago or Asia/Shanghai"},
    {"EAT", "Africa/Nairobi"},
    {"EDT", "America/New_York"},
    {"EEST", "Europe/Athens"},
    {"EET", "Europe/Athens"},
    {"EST", "America/New_York"},
    {"HDT", "America/Adak"},
    {"HKT", "Asia/Hong_Kong"},
    {"HST", "Pacific/Honolulu"},
    {"ICT", "Asia/Bangkok"},
    {"IDT", "Asia/Jerusalem"},
    {"IST", "Asia/Kolkata, Asia/Jerusalem or Europe/Dublin"},
    {"JST", "Asia/Tokyo"},
    {"KST", "Asia/Seoul"},
    {"MDT", "America/Denver"},
    {"MET", "Europe/Paris"},
    {"MSD", "Europe/Moscow"},
    {"MSK", "Europe/Moscow"},
    {"MST", "America/Denver (or America/Phoenix, which keeps no daylight saving time)"},
    {"NDT", "America/St_Johns"},
    {"NST", "America/St_Johns"},
    {"NZDT", "Pacific/Auckland"},
    {"NZST", "Pacific/Auckland"},
    {"PDT", "America/Los_Angeles"},
    {"PKT", "Asia/Karachi"},
    {"PST", "America/Los_Angeles"},
    {"SAST", "Africa/Johannesburg"},
    {"SGT", "Asia/Singapore"},
    {"WAT", "Africa/Lagos"},
    {"WEST", "Europe/Lisbon"},
    {"WET", "Europe/Lisbon"},
    {"WIB", "Asia/Jakarta"},
    {"NPT", "Asia/Kathmandu"},
}};

// tzdata's names that are not places: fixed offsets kept for old systems,
// and zones that follow a country's rules under an abbreviation's name.
constexpr std::array<std::string_view, 3> k_fixed_legacy{"EST", "MST", "HST"};
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> k_rule_legacy{{
    {"CET", "Europe/Paris"},
    {"EET", "Europe/Athens"},
    {"WET", "Europe/Lisbon"},
    {"MET", "Europe/Paris"},
    {"EST5EDT", "America/New_York"},
    {"CST6CDT", "America/Chicago"},
    {"MST7MDT", "America/Denver"},
    {"PST8PDT", "America/Los_Angeles"},
}};

// Offsets whole hours cannot give, and a place that keeps each all year or
// most of it.
constexpr std::array<std::pair<int, std::string_view>, 11> k_odd_offsets{{
    {-9 * 60 - 30, "Pacific/Marquesas"},
    {-3 * 60 - 30, "America/St_Johns"},
    {3 * 60 + 30, "Asia/Tehran"},
    {4 * 60 + 30, "Asia/Kabul"},
    {5 * 60 + 30, "Asia/Kolkata"},
    {5 * 60 + 45, "Asia/Kathmandu"},
    {6 * 60 + 30, "Asia/Yangon"},
    {8 * 60 + 45, "Australia/Eucla"},
    {9 * 60 + 30, "Australia/Darwin"},
    {10 * 60 + 30, "Australia/Lord_Howe"},
    {12 * 60 + 45, "Pacific/Chatham"},
}};

std::optional<std::string_view> abbreviation_zones(std::string_view text) {
  const auto upper = text::to_upper(text);
  for (const auto &abbreviation : k_abbreviations) {
    if (abbreviation.name == upper) {
      return abbreviation.zones;
    }
  }
  return std::nullopt;
}

// Capital letters only, 2 to 5 of them: what an abbreviation looks like
// ("Minks" is a typo, and gets find_zone's suggestion).
bool looks_like_abbreviation(std::string_view text) {
  return text.size() >= 2 && text.size() <= 5 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// "UTC+3", "utc+03:00", "GMT-5", "+03:00", "+0530", "Z+1": minutes east
// of UTC, or nothing when `text` is not an offset.
std::optional<int> parse_offset(std::string_view text) {
  const auto upper = text::to_upper(text);
  std::string_view rest = upper;
  for (const std::string_view prefix : {"UTC", "GMT", "UT"}) {
    if (rest.starts_with(prefix)) {
      rest.remove_prefix(prefix.size());
      break;
    }
  }
  rest = text::trim(rest);
  if (rest.empty() || (rest.front() != '+' && rest.front() != '-' && rest.front() != '\xE2')) {
    return std::nullopt;
  }
  int sign = rest.front() == '-' ? -1 : 1;
  if (rest.starts_with("\xE2\x88\x92")) { // U+2212 MINUS SIGN
    sign = -1;
    rest.remove_prefix(3);
  } else if (rest.front() == '\xE2') {
    return std::nullopt;
  } else {
    rest.remove_prefix(1);
  }
  auto digits = [](std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  std::string_view hours_text = rest;
  std::string_view minutes_text;
  if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    hours_text = rest.substr(0, colon);
    minutes_text = rest.substr(colon + 1);
    if (minutes_text.size() != 2) {
      return std::nullopt;
    }
  } else if (rest.size() == 4) {
    hours_text = rest.substr(0, 2);
    minutes_text = rest.substr(2);
  }
  if (!digits(hours_text) || hours_text.size() > 2 ||
      (!minutes_text.empty() && !digits(minutes_text))) {
    return std::nullopt;
  }
  int hours = 0;
  int minutes = 0;
  std::from_chars(hours_text.data(), hours_text.data() + hours_text.size(), hours);
  if (!minutes_text.empty()) {
    std::from_chars(minutes_text.data(), minutes_text.data() + minutes_text.size(), minutes);
  }
  if (minutes >= 60) {
    return std::nullopt;
  }
  return sign * (hours * 60 + minutes);
}

// "+05:30".
std::string offset_words(int minutes) {
  return fmt::format("UTC{}{:02}:{:02}", minutes < 0 ? "-" : "+", std::abs(minutes) / 60,
                     std::abs(minutes) % 60);
}

Result<TypedZone> fixed_offset_zone(std::string_view text, int minutes) {
  if (minutes == 0) {
    return TypedZone{*find_zone("UTC"), fmt::format("using UTC for '{}'", text)};
  }
  const int hours = minutes / 60;
  if (minutes % 60 != 0 || hours < -12 || hours > 14) {
    const auto place = std::find_if(k_odd_offsets.begin(), k_odd_offsets.end(),
                                    [minutes](const auto &odd) { return odd.first == minutes; });
    return fail(ErrorCode::invalid_params,
                fmt::format("unknown time zone '{}': tzdata has no fixed zone for {}{}", text,
                            offset_words(minutes),
                            place == k_odd_offsets.end()
                                ? "; name the place's zone instead"
                                : fmt::format("; name the place's zone instead, such as {}",
                                              place->second)));
  }
  // POSIX signs: Etc/GMT-3 is three hours east of Greenwich.
  const auto name = fmt::format("Etc/GMT{}{}", hours > 0 ? "-" : "+", std::abs(hours));
  auto zone = find_zone(name);
  if (!zone) {
    return tl::unexpected(zone.error());
  }
  return TypedZone{*zone, fmt::format("using {} for '{}': {} all year, with no daylight saving "
                                      "time (tzdata writes the sign inverted); name a place's "
                                      "zone instead (--tz Area/City) to follow its "
                                      "clock changes",
                                      name, text, offset_words(minutes))};
}

std::string legacy_note(std::string_view name) {
  if (std::find(k_fixed_legacy.begin(), k_fixed_legacy.end(), name) != k_fixed_legacy.end()) {
    return fmt::format("{} is a fixed offset with no daylight saving time; for the clock people "
                       "keep there pass --tz {}",
                       name, *abbreviation_zones(name));
  }
  for (const auto &[legacy, city] : k_rule_legacy) {
    if (legacy == name) {
      return fmt::format("{} is an old tzdata name kept for compatibility; a place's zone such "
                         "as {} is the usual choice",
                         name, city);
    }
  }
  return {};
}

// The one zone named `name` in another case, if there is exactly one.
std::optional<std::string> zone_in_any_case(std::string_view name) {
  if (name.size() > 64) {
    return std::nullopt;
  }
  std::optional<std::string> found;
  const auto lower = text::to_lower(name);
  for (const auto &zone : date::get_tzdb().zones) {
    if (text::to_lower(zone.name()) == lower && zone.name() != "localtime") {
      if (found) {
        return std::nullopt;
      }
      found = std::string(zone.name());
    }
  }
  return found;
}

} // namespace

Result<TypedZone> read_typed_zone(std::string_view typed) {
  const auto name = text::trim(typed);
  if (auto zone = find_zone(name)) {
    return TypedZone{*zone, legacy_note((*zone)->name())};
  } else if (name.empty() || name == "localtime") {
    return tl::unexpected(zone.error());
  }
  if (const auto minutes = parse_offset(name)) {
    return fixed_offset_zone(name, *minutes);
  }
  if (auto other_case = zone_in_any_case(name)) {
    auto zone = find_zone(*other_case);
    if (zone) {
      return TypedZone{*zone, legacy_note(*other_case)};
    }
  }
  if (const auto zones = abbreviation_zones(name)) {
    return fail(
        ErrorCode::invalid_params,
        fmt::format("unknown time zone '{}': an abbreviation is not a zone; did you mean {}?", name,
                    *zones));
  }
  if (looks_like_abbreviation(name)) {
    return fail(ErrorCode::invalid_params,
                fmt::format("unknown time zone '{}': if it is an abbreviation, it is not a zone; "
                            "name the zone, such as Europe/Minsk",
                            name));
  }
  auto zone = find_zone(name);
  return tl::unexpected(zone.error());
}

} // namespace summit::core
