// zone_info() and to_local(): date's answers, with
// the footer rule of the zone's file after its last listed transition.
//
// core/ does no I/O but for the tz database. The zone files are read here,
// each once and only the one asked for (ZoneData below), the same way
// date's tz.cpp reads them with USE_OS_TZDB, so that the answers are date's
// own: date's reading (time_zone::init_impl) also lists the whole database
// first, to look up leap seconds (hundreds of stat and getdents calls over
// /usr/share/zoneinfo, issue 17), whatever the zone. A file that lists leap
// seconds (right/, which find_zone refuses) or that this reader cannot read
// is left to date, whose answer or exception stands.
#include "core/zone_rules.hpp"

#include "core/custom_zones.hpp"
#include "core/zone_files.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

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
  // One open, one fstat, one or two reads: no stream buffers.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return {};
  }
  std::string bytes;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
      st.st_size <= k_max_zone_file) {
    bytes.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < bytes.size()) {
      const auto n = ::read(fd, bytes.data() + got, bytes.size() - got);
      if (n <= 0) {
        break;
      }
      got += static_cast<std::size_t>(n);
    }
    bytes.resize(got);
  }
  ::close(fd);
  return bytes;
}

// date's bounds for a zone file's periods (tz.cpp, min_seconds and
// load_sys_info): the first begins at the first day of year -32767, the last
// ends on the last day of 32767.
const SysSeconds k_first_begin = date::sys_days{date::year::min() / date::January / 1};
const SysSeconds k_last_end = date::sys_days{date::year::max() / date::December / 31};

// A local time type of a zone file (RFC 8536 section 3.2, ttinfo).
struct TimeType {
  Seconds offset{};
  std::string abbrev;
  bool dst = false;
};

// One zone file as date's time_zone holds it after reading it: the
// transitions, with a first one at k_first_begin (the file's first standard
// time type, or its first type), and none that changes nothing.
struct ZoneData {
  struct Transition {
    SysSeconds at{};
    std::uint32_t type = 0;
  };
  bool date_reads = false; // leap seconds, or a file this reader cannot read: date answers
  std::vector<Transition> transitions;
  std::vector<TimeType> types;
  std::string footer_text; // tzif_footer() of the file

  std::once_flag footer_once;
  std::unique_ptr<const ZoneFooter> footer;
};

// Reads TZif bytes as date's time_zone::init_impl does (USE_OS_TZDB): the
// version 1 block for a version 1 file, otherwise the 64-bit block after it.
class TzifReader {
public:
  explicit TzifReader(std::string_view bytes) : m_bytes(bytes) {}

  bool ok() const { return m_ok; }
  bool skip(std::size_t n) {
    if (!m_ok || m_bytes.size() - m_at < n) {
      m_ok = false;
      return false;
    }
    m_at += n;
    return true;
  }
  std::int64_t integer(std::size_t size) {
    const auto at = m_at;
    if (!skip(size)) {
      return 0;
    }
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < size; ++i) {
      value = (value << 8) | static_cast<unsigned char>(m_bytes[at + i]);
    }
    // Sign-extend a 4-byte value.
    if (size == 4) {
      return static_cast<std::int32_t>(static_cast<std::uint32_t>(value));
    }
    return static_cast<std::int64_t>(value);
  }
  std::string_view bytes(std::size_t n) {
    const auto at = m_at;
    return skip(n) ? m_bytes.substr(at, n) : std::string_view{};
  }

private:
  std::string_view m_bytes;
  std::size_t m_at = 0;
  bool m_ok = true;
};

struct TzifCounts {
  std::int64_t isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0;
};

bool read_header(TzifReader &in, char &version, TzifCounts &counts) {
  if (in.bytes(4) != "TZif") {
    return false;
  }
  const auto v = in.bytes(1);
  version = v.empty() ? '\0' : v[0];
  in.skip(15);
  counts.isut = in.integer(4);
  counts.isstd = in.integer(4);
  counts.leap = in.integer(4);
  counts.time = in.integer(4);
  counts.type = in.integer(4);
  counts.chars = in.integer(4);
  constexpr std::int64_t k_max_count = 1 << 20;
  for (const auto n :
       {counts.isut, counts.isstd, counts.leap, counts.time, counts.type, counts.chars}) {
    if (n < 0 || n > k_max_count) {
      return false;
    }
  }
  return in.ok();
}

// The data block after a header, with times of `time_size` bytes.
bool read_block(TzifReader &in, const TzifCounts &counts, std::size_t time_size, ZoneData &out) {
  if (counts.leap > 0) {
    out.date_reads = true; // date adjusts the transitions by its leap seconds
    return true;
  }
  if (counts.type == 0) {
    return false;
  }
  std::vector<ZoneData::Transition> listed(static_cast<std::size_t>(counts.time));
  for (auto &t : listed) {
    t.at = SysSeconds{Seconds{in.integer(time_size)}};
  }
  for (auto &t : listed) {
    t.type = static_cast<std::uint32_t>(in.integer(1));
  }
  struct Raw {
    std::int64_t offset;
    bool dst;
    std::size_t abbrev_at;
  };
  std::vector<Raw> raw(static_cast<std::size_t>(counts.type));
  for (auto &r : raw) {
    r.offset = in.integer(4);
    r.dst = in.integer(1) != 0;
    r.abbrev_at = static_cast<std::size_t>(in.integer(1));
  }
  const auto chars = std::string(in.bytes(static_cast<std::size_t>(counts.chars)));
  // The standard/wall and UT/local indicators, which date does not use
  // either: skipped, but a file cut before their end is not trusted.
  in.skip(static_cast<std::size_t>(counts.isstd + counts.isut));
  if (!in.ok()) {
    return false;
  }
  out.types.reserve(raw.size());
  for (const auto &r : raw) {
    if (r.abbrev_at > chars.size()) {
      return false;
    }
    // As date takes it: the text from the index to the next NUL.
    out.types.push_back({Seconds{r.offset}, std::string(chars.c_str() + r.abbrev_at), r.dst});
  }
  for (const auto &t : listed) {
    if (t.type >= out.types.size()) {
      return false;
    }
  }
  // date's first period: from its first instant, in the file's first
  // standard time type (its first type when all are daylight time). Then
  // the listed transitions, less those that change neither offset,
  // abbreviation nor DST.
  out.transitions.reserve(listed.size() + 1);
  if (listed.empty() || listed.front().at != k_first_begin) {
    const auto standard = std::find_if(out.types.begin(), out.types.end(),
                                       [](const TimeType &type) { return !type.dst; });
    const auto first = standard == out.types.end() ? out.types.begin() : standard;
    out.transitions.push_back(
        {k_first_begin, static_cast<std::uint32_t>(first - out.types.begin())});
  }
  for (const auto &t : listed) {
    if (!out.transitions.empty()) {
      const auto &before = out.types[out.transitions.back().type];
      const auto &now = out.types[t.type];
      if (before.offset == now.offset && before.abbrev == now.abbrev && before.dst == now.dst) {
        continue;
      }
    }
    out.transitions.push_back(t);
  }
  return true;
}

std::unique_ptr<ZoneData> read_zone_data(std::string_view bytes) {
  auto out = std::make_unique<ZoneData>();
  TzifReader in(bytes);
  char version = '\0';
  TzifCounts counts;
  bool read = read_header(in, version, counts);
  if (read && version != '\0') {
    // Skip the version 1 block to the second header.
    read = in.skip(static_cast<std::size_t>(5 * counts.time + 6 * counts.type + counts.chars +
                                            8 * counts.leap + counts.isstd + counts.isut)) &&
           read_header(in, version, counts);
  }
  read = read && read_block(in, counts, version == '\0' ? 4 : 8, *out);
  if (!read) {
    out->date_reads = true;
    out->transitions.clear();
    out->types.clear();
    return out;
  }
  out->footer_text = tzif_footer(bytes);
  return out;
}

// Each zone's data, read at its first use (or handed over by find_zone,
// which has just read the file). Zones live as long as the process, so the
// entries do too; never destroyed, so that no thread still working at exit
// finds it gone. Each thread keeps the last few it used, so that the lock is
// taken once per zone and thread, not per question.
struct ZoneDataCache {
  std::mutex mutex;
  std::unordered_map<const date::time_zone *, std::unique_ptr<ZoneData>> zones;
};

ZoneDataCache &zone_data_cache() {
  static auto *cache = new ZoneDataCache;
  return *cache;
}

ZoneData &keep(const date::time_zone *zone, std::unique_ptr<ZoneData> data) {
  auto &cache = zone_data_cache();
  const std::lock_guard lock(cache.mutex);
  return *cache.zones.emplace(zone, std::move(data)).first->second;
}

ZoneData &zone_data(const date::time_zone *zone) {
  struct Recent {
    const date::time_zone *zone = nullptr;
    ZoneData *data = nullptr;
  };
  thread_local std::array<Recent, 4> recent{};
  thread_local std::size_t next = 0;
  for (const auto &r : recent) {
    if (r.zone == zone) {
      return *r.data;
    }
  }
  auto &cache = zone_data_cache();
  ZoneData *data = nullptr;
  {
    const std::lock_guard lock(cache.mutex);
    if (const auto found = cache.zones.find(zone); found != cache.zones.end()) {
      data = found->second.get();
    }
  }
  if (data == nullptr) {
    // Read without the lock: two threads may both read a new zone's file,
    // and the first to finish is kept.
    data = &keep(zone, read_zone_data(read_zone_file(zoneinfo_dir() + '/' + zone->name())));
  }
  recent[next] = {zone, data};
  next = (next + 1) % recent.size();
  return *data;
}

// date's time_zone::load_sys_info: the period that transition `i - 1` begins.
date::sys_info period_before(const ZoneData &data,
                             std::vector<ZoneData::Transition>::const_iterator i) {
  if (i == data.transitions.begin()) {
    ++i; // before date's first instant: the first period, as near as it goes
  }
  const auto &type = data.types[i[-1].type];
  date::sys_info r;
  r.begin = i[-1].at;
  r.end = i != data.transitions.end() ? i->at : k_last_end;
  r.offset = type.offset;
  r.save = type.dst ? 1min : 0min;
  r.abbrev = type.abbrev;
  return r;
}

// date's time_zone::get_info_impl(sys_seconds), over this reader's data.
date::sys_info file_info(const ZoneData &data, SysSeconds t) {
  return period_before(data, std::upper_bound(data.transitions.begin(), data.transitions.end(), t,
                                              [](SysSeconds x, const ZoneData::Transition &tr) {
                                                return x < tr.at;
                                              }));
}

// date's time_zone::get_info_impl(local_seconds), over this reader's data.
date::local_info file_info(const ZoneData &data, LocalSeconds t) {
  const auto &transitions = data.transitions;
  date::local_info i;
  i.result = date::local_info::unique;
  auto tr = std::upper_bound(
      transitions.begin(), transitions.end(), t,
      [&data](LocalSeconds x, const ZoneData::Transition &tr_) {
        return SysSeconds{x.time_since_epoch()} - data.types[tr_.type].offset < tr_.at;
      });
  i.first = period_before(data, tr);
  auto tps = SysSeconds{t.time_since_epoch() - i.first.offset};
  if (tps < i.first.begin + date::days{1} && tr != transitions.begin() &&
      tr - 1 != transitions.begin()) {
    --tr;
    i.second = period_before(data, tr);
    tps = SysSeconds{t.time_since_epoch() - i.second.offset};
    if (tps < i.second.end) {
      i.result = date::local_info::ambiguous;
      std::swap(i.first, i.second);
    } else {
      i.second = {};
    }
  } else if (tps >= i.first.end && tr != transitions.end()) {
    ++tr;
    i.second = period_before(data, tr);
    tps = SysSeconds{t.time_since_epoch() - i.second.offset};
    if (tps < i.second.begin) {
      i.result = date::local_info::nonexistent;
    } else {
      i.second = {};
    }
  }
  return i;
}

date::sys_info raw_info(const date::time_zone *zone, const ZoneData &data, SysSeconds t) {
  return data.date_reads ? zone->get_info(t) : file_info(data, t);
}

date::local_info raw_info(const date::time_zone *zone, const ZoneData &data, LocalSeconds t) {
  return data.date_reads ? zone->get_info(t) : file_info(data, t);
}

ZoneFooter footer_of(const date::time_zone *zone, const ZoneData &data);

// `zone`'s footer when it has a rule that takes over after the last listed
// transition; nullptr when date's answer stands. Read at the first time
// asked for past the last transition.
const ZoneFooter *rule_footer(const date::time_zone *zone, ZoneData &data) {
  std::call_once(data.footer_once,
                 [&] { data.footer = std::make_unique<const ZoneFooter>(footer_of(zone, data)); });
  return data.footer->kind == ZoneFooter::Kind::rule ? data.footer.get() : nullptr;
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

namespace {

ZoneFooter footer_of(const date::time_zone *zone, const ZoneData &data) {
  ZoneFooter out;
  out.text = data.footer_text;
  if (data.date_reads && out.text.empty()) {
    out.text = tzif_footer(read_zone_file(zoneinfo_dir() + '/' + std::string(zone->name())));
  }
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
    last = raw_info(zone, data, k_far_future);
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

} // namespace

ZoneFooter read_zone_footer(const date::time_zone *zone) {
  if (zone == nullptr) {
    return {};
  }
  const auto data =
      read_zone_data(read_zone_file(zoneinfo_dir() + '/' + std::string(zone->name())));
  return footer_of(zone, *data);
}

bool keep_zone_file(const date::time_zone *zone, std::string_view tzif) {
  auto data = read_zone_data(tzif);
  if (data->date_reads) {
    return false; // read again at the first use, by date
  }
  keep(zone, std::move(data));
  return true;
}

void keep_zone_periods(const date::time_zone *zone, const CustomZoneRules &rules) {
  auto data = std::make_unique<ZoneData>();
  const auto type_of = [](const ZoneOffset &offset) {
    return TimeType{offset.offset, offset.abbrev, offset.dst};
  };
  data->types.reserve(rules.changes.size() + 1);
  data->transitions.reserve(rules.changes.size() + 1);
  data->types.push_back(type_of(rules.initial));
  data->transitions.push_back({k_first_begin, 0});
  for (const OffsetChange &change : rules.changes) {
    data->transitions.push_back({change.at, static_cast<std::uint32_t>(data->types.size())});
    data->types.push_back(type_of(change.to));
  }
  // No footer: after the last change its offset holds (the importer
  // writes the changes up to its horizon, ics_limits.hpp).
  keep(zone, std::move(data));
}

void read_zone_rules(const date::time_zone *zone) {
  if (zone != nullptr) {
    (void)zone_data(zone);
  }
}

date::sys_info zone_info(SysSeconds t, const date::time_zone *zone) {
  auto &data = zone_data(zone);
  auto info = raw_info(zone, data, t);
  if (!ran_out(info)) {
    return info;
  }
  const auto *footer = rule_footer(zone, data);
  if (footer == nullptr || t < footer->from) {
    return info;
  }
  return rule_period(*footer, t);
}

date::local_info zone_info(LocalSeconds t, const date::time_zone *zone) {
  auto &data = zone_data(zone);
  auto info = raw_info(zone, data, t);
  const bool past_last =
      ran_out(info.first) || (info.result != date::local_info::unique && ran_out(info.second));
  if (!past_last || rule_footer(zone, data) == nullptr) {
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
