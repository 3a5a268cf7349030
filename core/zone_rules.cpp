// zone_info() and to_local(): date's answers, with
// the footer rule of the zone's file after its last listed transition.
//
// core/ does no I/O but for the tz database: date reads the zone files, and
// this reads the one line at the end of each that date skips.
#include "core/zone_rules.hpp"

#include <fmt/format.h>

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

namespace summit::core {

namespace {

using namespace std::chrono_literals;

// After its last listed transition date's period ends "for ever", in
// 32767; no period that really ends does so after 9999.
const SysSeconds k_for_ever = date::sys_days{date::year{10000} / date::January / 1};

// An instant after every transition a zone file lists.
const SysSeconds k_far_future = date::sys_days{date::year{9999} / date::January / 1};

// No UTC offset reaches this far (tzdata's run from -12 to +14 hours, a
// POSIX TZ string's up to 24:59:59).
constexpr Seconds k_widest_offset = 25h;

// A zone file is a few kilobytes; anything much larger is not one.
constexpr std::streamsize k_max_zone_file = 1 << 20;

bool ran_out(const date::sys_info &info) { return info.end >= k_for_ever; }

std::string read_zone_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const std::streamsize size = in ? static_cast<std::streamsize>(in.tellg()) : -1;
  if (size <= 0 || size > k_max_zone_file || !in.seekg(0)) {
    return {};
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.read(bytes.data(), size);
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return bytes;
}

// Each zone's footer, read at the first time asked for past its last
// transition. Zones live as long as the process, so the entries do too;
// never destroyed, so that no thread still working at exit finds it gone.
struct FooterCache {
  std::mutex mutex;
  std::unordered_map<const date::time_zone *, std::unique_ptr<const ZoneFooter>> footers;
};

FooterCache &footer_cache() {
  static auto *cache = new FooterCache;
  return *cache;
}

// `zone`'s footer when it has a rule that takes over after the last listed
// transition; nullptr when date's answer stands.
const ZoneFooter *rule_footer(const date::time_zone *zone) {
  auto &cache = footer_cache();
  const auto usable = [](const ZoneFooter &footer) {
    return footer.kind == ZoneFooter::Kind::rule ? &footer : nullptr;
  };
  {
    const std::lock_guard lock(cache.mutex);
    if (const auto found = cache.footers.find(zone); found != cache.footers.end()) {
      return usable(*found->second);
    }
  }
  // Read without the lock: two threads may both read a new zone's file, and
  // the first to finish is kept.
  auto footer = std::make_unique<const ZoneFooter>(read_zone_footer(zone));
  const std::lock_guard lock(cache.mutex);
  const auto entry = cache.footers.emplace(zone, std::move(footer)).first;
  return usable(*entry->second);
}

// The period of the footer's rule that holds `t` (t >= footer.from).
date::sys_info rule_period(const ZoneFooter &footer, SysSeconds t) {
  const auto period = footer.rule->period_at(t.time_since_epoch().count());
  date::sys_info info;
  // By the rule's own count, its period may have begun before the last
  // listed transition; the file's periods hold until that.
  info.begin = std::max(SysSeconds{Seconds{period.begin}}, footer.from);
  info.end = SysSeconds{Seconds{period.end}};
  info.offset = Seconds{period.offset};
  info.save = period.dst ? 1min : 0min; // date's convention for zone files
  info.abbrev = period.abbrev;
  return info;
}

// The wall time `t` read against the periods zone_info(SysSeconds) gives
// around it, as date reads one against a file's transitions: a period is a
// reading of `t` when t minus its offset falls inside it. One reading is a
// unique time, two an overlap, none a gap (t is past the end of one period
// by its offset and before the begin of the next by the next's).
std::optional<date::local_info> read_wall_time(LocalSeconds t, const date::time_zone *zone) {
  const SysSeconds naive{t.time_since_epoch()};
  std::array<date::sys_info, 8> periods;
  std::size_t count = 0;
  auto period = zone_info(naive - k_widest_offset, zone);
  while (true) {
    periods[count++] = period;
    if (period.end > naive + k_widest_offset || count == periods.size()) {
      break;
    }
    period = zone_info(period.end, zone);
  }

  date::local_info out{};
  std::size_t readings = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const auto at = naive - periods[i].offset;
    if (periods[i].begin <= at && at < periods[i].end) {
      if (readings == 0) {
        out.first = periods[i];
      } else if (readings == 1) {
        out.second = periods[i];
      }
      ++readings;
    }
  }
  if (readings == 1) {
    out.result = date::local_info::unique;
    return out;
  }
  if (readings > 1) {
    out.result = date::local_info::ambiguous;
    return out;
  }
  for (std::size_t i = 0; i + 1 < count; ++i) {
    if (naive - periods[i].offset >= periods[i].end &&
        naive - periods[i + 1].offset < periods[i + 1].begin) {
      out.result = date::local_info::nonexistent;
      out.first = periods[i];
      out.second = periods[i + 1];
      return out;
    }
  }
  return std::nullopt;
}

} // namespace

const std::string &zoneinfo_dir() {
  static const std::string dir = [] {
    struct stat st {};
    constexpr const char *k_buildroot = "/usr/share/zoneinfo/uclibc";
    if (::stat(k_buildroot, &st) == 0 && S_ISDIR(st.st_mode)) {
      return std::string(k_buildroot);
    }
    return std::string("/usr/share/zoneinfo");
  }();
  return dir;
}

std::string tzif_footer(std::string_view tzif) {
  // RFC 8536: "TZif", a version byte (0 for version 1, which has no footer,
  // then '2', '3', '4'), ...; the file ends "\n<footer>\n".
  constexpr std::size_t k_header_size = 44;
  if (tzif.size() < k_header_size || tzif.substr(0, 4) != "TZif" || tzif[4] < '2' ||
      tzif.back() != '\n') {
    return {};
  }
  const auto start = tzif.rfind('\n', tzif.size() - 2);
  if (start == std::string_view::npos) {
    return {};
  }
  const auto footer = tzif.substr(start + 1, tzif.size() - start - 2);
  // A POSIX TZ string is printable ASCII; anything else is a damaged file.
  const bool text = std::all_of(footer.begin(), footer.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  return text ? std::string(footer) : std::string();
}

ZoneFooter read_zone_footer(const date::time_zone *zone) {
  ZoneFooter out;
  if (zone == nullptr) {
    return out;
  }
  out.text = tzif_footer(read_zone_file(zoneinfo_dir() + '/' + std::string(zone->name())));
  if (out.text.empty()) {
    return out;
  }
  auto rule = PosixRule::parse(out.text);
  if (!rule) {
    out.kind = ZoneFooter::Kind::unreadable;
    out.why = rule.error().message;
    return out;
  }
  if (!rule->has_dst()) {
    out.kind = ZoneFooter::Kind::fixed;
    return out;
  }
  date::sys_info last;
  try {
    last = zone->get_info(k_far_future);
  } catch (const std::exception &e) {
    out.kind = ZoneFooter::Kind::inconsistent;
    out.why = fmt::format("date cannot read the zone file: {}", e.what());
    return out;
  }
  // RFC 8536: the footer must agree with the last transition's type. If it
  // does not, the file is damaged and neither can be trusted over the other;
  // date's answer is the one summit gave before.
  if (!ran_out(last)) {
    out.kind = ZoneFooter::Kind::inconsistent;
    out.why = "the file lists transitions after 9999";
    return out;
  }
  const auto at_last = rule->period_at(last.begin.time_since_epoch().count());
  if (at_last.offset != last.offset.count() || at_last.abbrev != last.abbrev) {
    out.kind = ZoneFooter::Kind::inconsistent;
    out.why = fmt::format("the footer gives {}s {} at the last transition, the file {}s {}",
                          at_last.offset, at_last.abbrev, last.offset.count(), last.abbrev);
    return out;
  }
  out.kind = ZoneFooter::Kind::rule;
  out.rule = std::move(*rule);
  out.from = last.begin;
  return out;
}

date::sys_info zone_info(SysSeconds t, const date::time_zone *zone) {
  auto info = zone->get_info(t);
  if (!ran_out(info)) {
    return info;
  }
  const auto *footer = rule_footer(zone);
  if (footer == nullptr || t < footer->from) {
    return info;
  }
  return rule_period(*footer, t);
}

date::local_info zone_info(LocalSeconds t, const date::time_zone *zone) {
  auto info = zone->get_info(t);
  const bool past_last =
      ran_out(info.first) || (info.result != date::local_info::unique && ran_out(info.second));
  if (!past_last || rule_footer(zone) == nullptr) {
    return info;
  }
  if (auto read = read_wall_time(t, zone)) {
    return *std::move(read);
  }
  return info;
}

LocalSeconds to_local(SysSeconds t, const date::time_zone *zone) {
  return LocalSeconds{t.time_since_epoch() + zone_info(t, zone).offset};
}

} // namespace summit::core
