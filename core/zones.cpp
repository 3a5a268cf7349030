#include "core/zones.hpp"

#include "core/text.hpp"
#include "core/time_format.hpp"
#include "core/zone_files.hpp"
#include "core/zone_rules.hpp"

// date's time_zone has one public constructor, the one its own tz.cpp uses
// for the lazily loaded zones of the OS database (USE_OS_TZDB): a name and a
// tag type from date.h (detail::undocumented). find_zone() uses it to make
// the one zone it needs instead of having date list the whole database first
// (see zones.hpp); tz_private.h (installed with tz.h) completes the types a
// time_zone holds, so that one can be made and destroyed here.
#include <date/tz_private.h>
#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace summit::core {

namespace {

using text::edit_distance;
using text::to_lower;

// "America/New_York" -> "New York": the part of a zone name people say.
std::string city_of(std::string_view zone) {
  const auto slash = zone.rfind('/');
  std::string city(slash == std::string_view::npos ? zone : zone.substr(slash + 1));
  std::replace(city.begin(), city.end(), '_', ' ');
  return city;
}

// Debian's zoneinfo has "localtime" -> /etc/localtime: the host's zone,
// which the daemon must never apply to a request.
constexpr std::string_view k_host_zone = "localtime";

// No zone name is this long; longer text gets no suggestion, which keeps the
// edit-distance search cheap whatever a client sends.
constexpr std::size_t k_max_suggest_length = 64;

std::vector<std::string> zone_names() {
  std::vector<std::string> names;
  // With USE_OS_TZDB, links (Europe/Kiev) are files and so appear as zones.
  for (const auto &z : date::get_tzdb().zones) {
    if (z.name() != k_host_zone) {
      names.emplace_back(z.name());
    }
  }
  return names;
}

// The known name closest to `name`, if any is close enough to be a typo.
std::optional<std::string> closest_zone(std::string_view name) {
  if (name.size() > k_max_suggest_length) {
    return std::nullopt;
  }
  std::optional<std::string> best;
  // (closest of name and city part, whole name): on a tie the whole name
  // decides, so "utc" suggests UTC rather than Etc/UTC.
  std::pair<std::size_t, std::size_t> best_distance{};
  const bool bare_city = name.find('/') == std::string_view::npos;
  for (const auto &candidate : zone_names()) {
    const auto whole = edit_distance(name, candidate);
    auto distance = std::pair{whole, whole};
    if (bare_city) {
      // "new york" or "Minks" alone: compare with the city part too.
      distance.first = std::min(whole, edit_distance(name, city_of(candidate)));
    }
    if (!best || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  // A third of the name may be wrong; beyond that the suggestion is noise.
  const std::size_t limit = std::max<std::size_t>(1, name.size() / 3);
  if (best && best_distance.first <= limit) {
    return best;
  }
  return std::nullopt;
}

using text::split;
using text::trim;

// Lower case, '_' as space, runs of blanks as one space: the key under which
// places are stored and looked up.
std::string place_key(std::string_view s) {
  std::string out;
  bool pending_space = false;
  for (char c : trim(s)) {
    if (c == '_' || text::is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out += ' ';
      pending_space = false;
    }
    out += to_lower(c);
  }
  return out;
}

// The data lines of a tzdata .tab file, split on tabs.
std::vector<std::vector<std::string_view>> tab_rows(std::string_view text) {
  std::vector<std::vector<std::string_view>> rows;
  for (auto line : split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty() || line.front() == '#') {
      continue;
    }
    rows.push_back(split(line, '\t'));
  }
  return rows;
}

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return {};
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// Link names whose last part is not a place ("US/Eastern", "Australia/North").
bool is_place_area(std::string_view zone) {
  static const std::set<std::string_view> areas{"Africa", "America",  "Antarctica", "Arctic",
                                                "Asia",   "Atlantic", "Australia",  "Europe",
                                                "Indian", "Pacific"};
  // Compass words and Australian states: "Victoria, Seychelles" must not
  // land in Melbourne through the link Australia/Victoria.
  static const std::set<std::string> not_places{
      "north", "south", "east", "west",       "central",    "eastern",  "western",
      "act",   "nsw",   "lhi",  "yancowinna", "queensland", "tasmania", "victoria"};
  const auto slash = zone.find('/');
  if (slash == std::string_view::npos || areas.count(zone.substr(0, slash)) == 0) {
    return false;
  }
  return not_places.count(place_key(city_of(zone))) == 0;
}

// Old and alternative names from tzdata.zi's link lines, so that "Kiev" and
// "Calcutta" find the zones now called Europe/Kyiv and Asia/Kolkata.
// A link named after a country ("Pacific/Samoa" -> Pago_Pago, American
// Samoa) would make the country's name a city; `country_words` keeps those
// out.
void add_link_cities(std::map<std::string, std::string> &city_zone, std::string_view tzdata_zi,
                     const std::set<std::string> &country_words) {
  for (auto line : split(tzdata_zi, '\n')) {
    // Link lines in tzdata.zi: "L Europe/Kyiv Europe/Kiev".
    if (line.size() < 2 || line[0] != 'L' || line[1] != ' ') {
      continue;
    }
    const auto fields = split(trim(line.substr(2)), ' ');
    if (fields.size() != 2 || !is_place_area(fields[1]) ||
        country_words.count(place_key(city_of(fields[1]))) != 0) {
      continue;
    }
    const auto target = std::find_if(city_zone.begin(), city_zone.end(),
                                     [&](const auto &kv) { return kv.second == fields[0]; });
    if (target == city_zone.end()) {
      continue; // a link to a zone the tables do not list as a place
    }
    city_zone.emplace(place_key(city_of(fields[1])), std::string(fields[0]));
  }
}

// "+02:00", "-05:00", "+05:45".
std::string offset_text(Seconds offset) {
  const auto abs_minutes = std::abs(offset.count()) / 60;
  return fmt::format("{}{:02}:{:02}", offset < Seconds{0} ? '-' : '+', abs_minutes / 60,
                     abs_minutes % 60);
}

} // namespace

namespace {

// A part of a path that date's database skips when it lists the folder
// (tz.cpp, init_tzdb): hidden files, posix/ and right/ (copies of every
// zone), the tables.
bool skipped_by_tzdb(std::string_view part) {
  static constexpr std::array<std::string_view, 11> k_skipped{
      "Factory",      "iso3166.tab", "right",     "+VERSION",    "version",          "zone.tab",
      "zone1970.tab", "zonenow.tab", "tzdata.zi", "leapseconds", "leap-seconds.list"};
  return part.empty() || part.front() == '.' || part.starts_with("posix") ||
         std::find(k_skipped.begin(), k_skipped.end(), part) != k_skipped.end();
}

// The bytes of `name`'s file when `name` is a zone date's database would
// list: a relative path of parts none of which it skips, naming a file (not
// a folder) that holds a compiled zone ("TZif": date only asserts that).
// The one file is opened, once; no folder is listed.
std::optional<std::string> zone_file(std::string_view name) {
  if (name.size() > 255 || name.find('\0') != std::string_view::npos || name.front() == '/') {
    return std::nullopt;
  }
  for (const auto part : split(name, '/')) {
    if (skipped_by_tzdb(part)) {
      return std::nullopt;
    }
  }
  const std::string path = zoneinfo_dir() + '/' + std::string(name);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  // A zone file is a few kilobytes; a larger one is read by date if at all.
  constexpr off_t k_max_read = 1 << 20;
  struct stat st {};
  std::optional<std::string> bytes;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    std::string read(static_cast<std::size_t>(std::clamp<off_t>(st.st_size, 4, k_max_read)), '\0');
    std::size_t got = 0;
    while (got < read.size()) {
      const auto n = ::read(fd, read.data() + got, read.size() - got);
      if (n <= 0) {
        break;
      }
      got += static_cast<std::size_t>(n);
    }
    read.resize(got);
    if (read.starts_with("TZif")) {
      bytes = std::move(read);
    }
  }
  ::close(fd);
  return bytes;
}

// The zones found so far, by name. Never destroyed: pointers handed out
// stay valid through exit.
struct ZoneCache {
  std::mutex mutex;
  std::map<std::string, std::unique_ptr<date::time_zone>, std::less<>> zones;
};
ZoneCache &zone_cache() {
  static auto *cache = new ZoneCache;
  return *cache;
}

const date::time_zone *load_zone(std::string_view name) {
  auto &cache = zone_cache();
  const std::lock_guard lock(cache.mutex);
  if (const auto found = cache.zones.find(name); found != cache.zones.end()) {
    return found->second.get();
  }
  const auto bytes = zone_file(name);
  if (!bytes) {
    return nullptr;
  }
  // zone_info() answers from the bytes just read (zone_rules.cpp), never
  // through date's time_zone::init, which would list the whole database.
  auto zone = std::make_unique<date::time_zone>(std::string(name), date::detail::undocumented{});
  const auto *loaded = zone.get();
  keep_zone_file(loaded, *bytes);
  cache.zones.emplace(std::string(name), std::move(zone));
  return loaded;
}

// "/usr/share/zoneinfo/Europe/Minsk" -> "Europe/Minsk" (tz.cpp, extract_tz_name).
std::optional<std::string> zone_name_in_path(std::string_view path) {
  const auto at = path.rfind("zoneinfo");
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  const auto slash = path.find('/', at);
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(path.substr(slash + 1));
}

} // namespace

bool names_tzdata_zone(std::string_view name) {
  return name != k_host_zone && load_zone(name) != nullptr;
}

void load_rules(const date::time_zone *zone) {
  if (zone == nullptr) {
    return;
  }
  try {
    read_zone_rules(zone);
    (void)zone_info(SysSeconds{}, zone);
  } catch (const std::exception &) {
    // A damaged zone file: the use that needs it reports that.
  }
}

const date::time_zone *system_zone() {
  // As date::current_zone() reads it: the zone /etc/localtime links to,
  // resolved through links (Europe/Kiev -> Europe/Kyiv) unless that ends at
  // posixrules.
  constexpr const char *k_localtime = "/etc/localtime";
  struct stat st {};
  if (::lstat(k_localtime, &st) == 0 && S_ISLNK(st.st_mode)) {
    std::array<char, PATH_MAX + 1> path{};
    std::optional<std::string> name;
    if (::realpath(k_localtime, path.data()) != nullptr) {
      name = zone_name_in_path(path.data());
    }
    if (!name || *name == "posixrules") {
      path.fill('\0');
      name.reset();
      if (::readlink(k_localtime, path.data(), path.size() - 1) > 0) {
        name = zone_name_in_path(path.data());
      }
    }
    if (name) {
      if (auto zone = find_zone(*name)) {
        return *zone;
      }
    }
  }
  // A copy rather than a link, or a name we do not know: date's own way
  // (it also reads /etc/timezone), at the cost of the whole database.
  try {
    return date::current_zone();
  } catch (const std::exception &) {
    return nullptr;
  }
}

namespace {

std::atomic<const date::time_zone *> g_floating_zone{nullptr};

} // namespace

bool is_floating(std::string_view tz) { return tz == k_floating; }

void set_floating_zone(const date::time_zone *zone) {
  if (zone != nullptr) {
    g_floating_zone.store(zone);
  }
}

const date::time_zone *floating_zone() {
  if (const auto *zone = g_floating_zone.load()) {
    return zone;
  }
  const auto *utc = load_zone("UTC");
  g_floating_zone.store(utc);
  return utc;
}

Result<const date::time_zone *> find_zone(std::string_view text) {
  const auto name = trim(text);
  if (name.empty()) {
    return fail(ErrorCode::invalid_params, "empty time zone name");
  }
  if (name == k_floating) {
    return floating_zone();
  }
  if (name == k_host_zone) {
    return fail(ErrorCode::invalid_params,
                "'localtime' is the host's zone, not a time zone name; give an IANA name "
                "such as Europe/Minsk");
  }
  // A zone a calendar file defined (custom_zones.hpp) before tzdata's: the
  // events that name it were stored with its rules.
  if (const auto *zone = find_custom_zone(name)) {
    return zone;
  }
  if (const auto *zone = load_zone(name)) {
    return zone;
  }
  // Echo what was given, but not a megabyte of it.
  const auto shown = name.size() > k_max_suggest_length
                         ? std::string(name.substr(0, k_max_suggest_length)) + "..."
                         : std::string(name);
  // The suggestion compares the name with every zone's: a name asked for
  // again (the CLI shows each event of a zone only summitd knows, custom
  // or removed from tzdata) gets the message it got, from the last few.
  struct Refused {
    std::string name;
    std::string message;
  };
  static std::mutex refused_mutex;
  static std::array<Refused, 64> refused;
  static std::size_t refused_next = 0;
  {
    const std::lock_guard lock(refused_mutex);
    for (const Refused &r : refused) {
      if (!r.message.empty() && r.name == name) {
        return fail(ErrorCode::invalid_params, r.message);
      }
    }
  }
  auto message = fmt::format("unknown time zone '{}'", shown);
  if (const auto suggestion = closest_zone(name)) {
    message += fmt::format(" (did you mean {}?)", *suggestion);
  }
  if (name.size() <= k_max_suggest_length) {
    const std::lock_guard lock(refused_mutex);
    refused[refused_next] = {std::string(name), message};
    refused_next = (refused_next + 1) % refused.size();
  }
  return fail(ErrorCode::invalid_params, std::move(message));
}

LocalResolution resolve_local(LocalSeconds local, const date::time_zone *zone, bool later) {
  LocalResolution out;
  out.local = local;
  const auto info = zone_info(local, zone);
  switch (info.result) {
  case date::local_info::unique:
    out.utc = SysSeconds{local.time_since_epoch() - info.first.offset};
    break;
  case date::local_info::nonexistent: {
    // RFC 5545: read the time with the offset before the gap, which moves
    // it forward by exactly the gap's length.
    const auto gap = info.second.offset - info.first.offset;
    out.utc = SysSeconds{local.time_since_epoch() - info.first.offset};
    out.local = local + gap;
    out.note =
        fmt::format("{} does not exist in {} on {} (clocks jumped forward {}); moved to {}",
                    format_iso_local(local).substr(11, 5), zone->name(), format_iso_date(local),
                    format_duration_short(gap), format_iso_local(out.local).substr(11, 5));
    break;
  }
  case date::local_info::ambiguous: {
    const auto &taken = later ? info.second : info.first;
    out.utc = SysSeconds{local.time_since_epoch() - taken.offset};
    out.later = later;
    // Name both readings so the user can pick the other with an offset.
    out.note = fmt::format("{} on {} happens twice in {} (first at {} {}, then at {} {}); using "
                           "the {}, {} {}",
                           format_iso_local(local).substr(11, 5), format_iso_date(local),
                           zone->name(), offset_text(info.first.offset), info.first.abbrev,
                           offset_text(info.second.offset), info.second.abbrev,
                           later ? "later" : "earlier", offset_text(taken.offset), taken.abbrev);
    break;
  }
  }
  return out;
}

ZoneGazetteer ZoneGazetteer::parse(std::string_view zone1970_tab, std::string_view zone_tab,
                                   std::string_view iso3166_tab) {
  ZoneGazetteer g;
  std::map<std::string, std::string> code_name; // "CH" -> "Switzerland"
  for (const auto &row : tab_rows(iso3166_tab)) {
    if (row.size() >= 2) {
      code_name.emplace(std::string(trim(row[0])), std::string(trim(row[1])));
    }
  }

  // Cities: zone1970.tab first (canonical names win), then zone.tab, which
  // adds the per-country names kept for compatibility ("Europe/Vaduz").
  auto add_cities = [&g](std::string_view tab) {
    for (const auto &row : tab_rows(tab)) {
      if (row.size() >= 3) {
        const auto zone = trim(row[2]);
        g.m_city_zone.emplace(place_key(city_of(zone)), std::string(zone));
      }
    }
  };
  add_cities(zone1970_tab);
  add_cities(zone_tab);

  // Countries: zone.tab has one row per (country, zone), so a country with
  // one row has one zone. zone1970.tab only serves when zone.tab is absent.
  std::map<std::string, std::vector<std::string>> code_zones;
  auto add_country_zones = [&code_zones](std::string_view tab) {
    for (const auto &row : tab_rows(tab)) {
      if (row.size() < 3) {
        continue;
      }
      for (auto code : split(row[0], ',')) {
        auto &zones = code_zones[std::string(trim(code))];
        const std::string zone(trim(row[2]));
        if (std::find(zones.begin(), zones.end(), zone) == zones.end()) {
          zones.push_back(zone);
        }
      }
    }
  };
  add_country_zones(zone_tab);
  if (code_zones.empty()) {
    add_country_zones(zone1970_tab);
  }

  // "Britain (UK)" is also "Britain" and "UK", "Myanmar (Burma)" also
  // "Myanmar" and "Burma"; but "Samoa (American)" and "Samoa (western)", or
  // "Congo (Rep.)" and "Congo (Dem. Rep.)", share their short name, which
  // then names neither.
  static const std::set<std::string> qualifiers{"american", "western", "french", "dutch",
                                                "north",    "south",   "rep.",   "dem. rep."};
  std::map<std::string, int> short_name_uses;
  auto short_name =
      [](const std::string &name) -> std::optional<std::pair<std::string, std::string>> {
    const auto paren = name.find(" (");
    if (paren == std::string::npos || name.back() != ')') {
      return std::nullopt;
    }
    return std::pair{name.substr(0, paren), name.substr(paren + 2, name.size() - paren - 3)};
  };
  for (const auto &[code, name] : code_name) {
    if (const auto parts = short_name(name)) {
      ++short_name_uses[place_key(parts->first)];
    }
  }
  for (const auto &[code, name] : code_name) {
    const auto zones = code_zones.find(code);
    if (zones == code_zones.end()) {
      continue;
    }
    std::vector<std::string> keys{place_key(name)};
    if (const auto parts = short_name(name);
        parts && short_name_uses[place_key(parts->first)] == 1) {
      keys.push_back(place_key(parts->first));
      if (qualifiers.count(place_key(parts->second)) == 0) {
        keys.push_back(place_key(parts->second));
      }
    }
    // Common names iso3166.tab does not use.
    if (code == "GB") {
      keys.emplace_back("united kingdom");
    } else if (code == "US") {
      keys.emplace_back("usa");
    }
    for (const auto &key : keys) {
      g.m_country_zones.emplace(key, zones->second);
      g.m_country_name.emplace(key, name);
    }
  }
  return g;
}

ZoneGazetteer ZoneGazetteer::load_system(const std::string &dir) {
  const auto iso3166 = read_file(dir + "/iso3166.tab");
  auto g = parse(read_file(dir + "/zone1970.tab"), read_file(dir + "/zone.tab"), iso3166);
  std::set<std::string> country_words;
  for (const auto &row : tab_rows(iso3166)) {
    if (row.size() < 2) {
      continue;
    }
    // "Samoa (western)": "samoa (western)", "samoa" and "western".
    const auto name = trim(row[1]);
    country_words.insert(place_key(name));
    if (const auto paren = name.find(" ("); paren != std::string_view::npos) {
      country_words.insert(place_key(name.substr(0, paren)));
      country_words.insert(place_key(name.substr(paren + 2, name.size() - paren - 3)));
    }
  }
  add_link_cities(g.m_city_zone, read_file(dir + "/tzdata.zi"), country_words);
  return g;
}

struct ZoneGazetteer::OnDemand {
  std::string dir;
  std::once_flag once;
  std::unique_ptr<ZoneGazetteer> loaded;
};

ZoneGazetteer ZoneGazetteer::load_system_on_demand(std::string dir) {
  ZoneGazetteer g;
  g.m_on_demand = std::make_shared<OnDemand>();
  g.m_on_demand->dir = std::move(dir);
  return g;
}

const ZoneGazetteer &ZoneGazetteer::tables() const {
  if (!m_on_demand) {
    return *this;
  }
  OnDemand &on_demand = *m_on_demand;
  std::call_once(on_demand.once, [&on_demand] {
    on_demand.loaded = std::make_unique<ZoneGazetteer>(load_system(on_demand.dir));
  });
  return *on_demand.loaded;
}

std::optional<ZoneGazetteer::Inference> ZoneGazetteer::infer(std::string_view location) const {
  const ZoneGazetteer &g = tables();
  const auto parts = split(location, ',');
  // A city anywhere in the text is more precise than a country.
  for (const auto part : parts) {
    const auto city = g.m_city_zone.find(place_key(part));
    if (city != g.m_city_zone.end()) {
      return Inference{city->second, fmt::format("{} is in {}", trim(part), city->second)};
    }
  }
  for (const auto part : parts) {
    const auto key = place_key(part);
    const auto zones = g.m_country_zones.find(key);
    if (zones != g.m_country_zones.end() && zones->second.size() == 1) {
      return Inference{
          zones->second.front(),
          fmt::format("{} has one time zone, {}", g.m_country_name.at(key), zones->second.front())};
    }
  }
  return std::nullopt;
}

PlaceZone ZoneGazetteer::zone_for(std::string_view location) const {
  if (auto inference = infer(location)) {
    return PlaceZone{PlaceZone::Kind::found, std::move(inference->zone),
                     std::move(inference->reason)};
  }
  return {};
}

} // namespace summit::core
