#include "places/place_gazetteer.hpp"

#include "core/text.hpp"
#include "places/mo_catalog.hpp"
#include "places/place_names.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>
#include <utility>

namespace summit::places {

namespace {

// The postal code of a US state ("texas" -> "tx"), the way Americans write a
// place ("Paris, TX"); Locations.xml has the states' names only.
std::optional<std::string_view> us_state_code(std::string_view key) {
  static const std::map<std::string_view, std::string_view> k_codes{
      {"alabama", "al"},        {"alaska", "ak"},        {"arizona", "az"},
      {"arkansas", "ar"},       {"california", "ca"},    {"colorado", "co"},
      {"connecticut", "ct"},    {"delaware", "de"},      {"florida", "fl"},
      {"georgia", "ga"},        {"hawaii", "hi"},        {"idaho", "id"},
      {"illinois", "il"},       {"indiana", "in"},       {"iowa", "ia"},
      {"kansas", "ks"},         {"kentucky", "ky"},      {"louisiana", "la"},
      {"maine", "me"},          {"maryland", "md"},      {"massachusetts", "ma"},
      {"michigan", "mi"},       {"minnesota", "mn"},     {"mississippi", "ms"},
      {"missouri", "mo"},       {"montana", "mt"},       {"nebraska", "ne"},
      {"nevada", "nv"},         {"new hampshire", "nh"}, {"new jersey", "nj"},
      {"new mexico", "nm"},     {"new york", "ny"},      {"north carolina", "nc"},
      {"north dakota", "nd"},   {"ohio", "oh"},          {"oklahoma", "ok"},
      {"oregon", "or"},         {"pennsylvania", "pa"},  {"rhode island", "ri"},
      {"south carolina", "sc"}, {"south dakota", "sd"},  {"tennessee", "tn"},
      {"texas", "tx"},          {"utah", "ut"},          {"vermont", "vt"},
      {"virginia", "va"},       {"washington", "wa"},    {"west virginia", "wv"},
      {"wisconsin", "wi"},      {"wyoming", "wy"}};
  if (const auto found = k_codes.find(key); found != k_codes.end()) {
    return found->second;
  }
  return std::nullopt;
}

constexpr std::string_view k_catalogue = "LC_MESSAGES/libgweather-4.0-locations.mo";
// At most this many zones are named in a message; the rest are counted.
constexpr std::size_t k_zones_shown = 4;

std::string read_text_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return {};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

void add_unique(std::vector<std::string> &list, std::string value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) {
    list.push_back(std::move(value));
  }
}

// "Europe/Moscow, Asia/Yekaterinburg, Asia/Omsk, Asia/Novosibirsk and 7 more".
std::string zone_list(const std::vector<std::string> &zones) {
  std::string out;
  for (std::size_t i = 0; i < zones.size() && i < k_zones_shown; ++i) {
    out += (i == 0 ? "" : ", ") + zones[i];
  }
  if (zones.size() > k_zones_shown) {
    out += fmt::format(" and {} more", zones.size() - k_zones_shown);
  }
  return out;
}

// The catalogue files of `dir`, `languages` first, then every other in
// name order.
std::vector<std::string> catalogue_paths(const std::string &dir,
                                         const std::vector<std::string> &languages) {
  std::vector<std::string> paths;
  for (const auto &language : languages) {
    paths.push_back(fmt::format("{}/{}/{}", dir, language, k_catalogue));
  }
  std::vector<std::string> others;
  std::error_code error;
  for (const auto &entry : std::filesystem::directory_iterator(dir, error)) {
    auto path = fmt::format("{}/{}", entry.path().string(), k_catalogue);
    if (std::find(paths.begin(), paths.end(), path) == paths.end()) {
      others.push_back(std::move(path));
    }
  }
  std::sort(others.begin(), others.end());
  paths.insert(paths.end(), others.begin(), others.end());
  return paths;
}

// "Britain (UK)" -> {"britain uk", "britain", "uk"}.
std::vector<std::string> iso3166_keys(std::string_view name) {
  std::vector<std::string> keys{place_key(name)};
  if (const auto paren = name.find(" ("); paren != std::string_view::npos && name.back() == ')') {
    keys.push_back(place_key(name.substr(0, paren)));
    keys.push_back(place_key(name.substr(paren + 2, name.size() - paren - 3)));
  }
  return keys;
}

// A part of a location and the keys it may be known by: its own, and the
// English names of what it translates.
struct Part {
  std::string_view text;
  std::vector<std::string> keys;
};

} // namespace

std::vector<std::string>
locale_languages(const std::function<std::optional<std::string>(const char *)> &getenv) {
  std::vector<std::string> languages;
  auto add_locale = [&languages](std::string_view locale) {
    locale = locale.substr(0, locale.find_first_of(".@"));
    if (locale.empty() || locale == "C" || locale == "POSIX") {
      return;
    }
    add_unique(languages, std::string(locale));
    add_unique(languages, std::string(locale.substr(0, locale.find('_'))));
  };
  for (const char *name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    if (auto value = getenv(name); value && !value->empty()) {
      // As gettext: LANGUAGE counts unless the locale is C.
      if (auto list = getenv("LANGUAGE");
          list && !list->empty() && *value != "C" && *value != "POSIX") {
        for (const auto language : core::text::split(*list, ':')) {
          add_locale(language);
        }
      }
      add_locale(*value);
      break;
    }
  }
  return languages;
}

struct PlaceGazetteer::Index {
  std::vector<Place> places;
  std::vector<std::string> zone;               // each place's zone (tz-hint, inherited)
  std::vector<std::vector<std::string>> zones; // countries and states: the zones within
  std::unordered_multimap<std::string, int> by_key;
  core::ZoneGazetteer tzdata;
  std::string locale_dir;
  std::vector<std::string> languages;

  void build(const std::string &iso3166_tab);
  void add_key(std::string key, int place);
  bool is_within(int place, int region) const;
  std::vector<int> matches(const Part &part, bool cities) const;
  std::string full_name(int place) const;
  std::string example_city(int region) const;
  void translate(std::vector<Part> &parts) const;
  core::PlaceZone resolve(std::vector<Part> &parts) const;
  std::optional<core::PlaceZone> city_zone(const std::vector<Part> &parts) const;
  std::optional<core::PlaceZone> region_zone(const std::vector<Part> &parts) const;
  std::vector<int> narrowed(std::vector<int> candidates, const std::vector<Part> &parts,
                            std::size_t self) const;
};

void PlaceGazetteer::Index::add_key(std::string key, int place) {
  if (key.empty()) {
    return;
  }
  const auto [first, last] = by_key.equal_range(key);
  if (std::none_of(first, last, [place](const auto &kv) { return kv.second == place; })) {
    by_key.emplace(std::move(key), place);
  }
}

void PlaceGazetteer::Index::build(const std::string &iso3166_tab) {
  std::unordered_map<std::string, std::string> code_name;
  for (const auto line : core::text::split(iso3166_tab, '\n')) {
    const auto fields = core::text::split(line, '\t');
    if (fields.size() >= 2 && !line.starts_with("#")) {
      code_name.emplace(std::string(core::text::trim(fields[0])),
                        std::string(core::text::trim(fields[1])));
    }
  }
  std::vector<MoCatalog> catalogues;
  for (const auto &language : languages) {
    if (auto catalogue =
            MoCatalog::load(fmt::format("{}/{}/{}", locale_dir, language, k_catalogue))) {
      catalogues.push_back(std::move(*catalogue));
    }
  }
  zone.resize(places.size());
  zones.resize(places.size());
  for (std::size_t i = 0; i < places.size(); ++i) {
    const Place &place = places[i];
    const int id = static_cast<int>(i);
    // Parents come first, so theirs is already known.
    zone[i] = place.tz_hint;
    if (zone[i].empty() && place.parent >= 0) {
      zone[i] = zone[static_cast<std::size_t>(place.parent)];
    }
    if (zone[i].empty() && place.zones.size() == 1) {
      zone[i] = place.zones.front();
    }
    const auto key = place_key(place.name);
    add_key(key, id);
    for (const auto &other : place.other_names) {
      add_key(place_key(other), id);
    }
    for (const auto &catalogue : catalogues) {
      add_key(place_key(catalogue.translate(place.context, place.name)), id);
    }
    if (place.kind != Place::Kind::city) {
      add_key(initials(key), id); // "dc", "us", "uk", "nsw"
    }
    if (place.kind == Place::Kind::state && place.parent >= 0 &&
        places[static_cast<std::size_t>(place.parent)].iso_code == "US") {
      if (const auto code = us_state_code(key)) {
        add_key(std::string(*code), id); // "Paris, TX"
      }
    }
    if (place.kind == Place::Kind::country) {
      add_key(place_key(place.iso_code), id);
      if (const auto name = code_name.find(place.iso_code); name != code_name.end()) {
        for (auto &other : iso3166_keys(name->second)) {
          add_key(std::move(other), id);
        }
      }
      if (place.iso_code == "US") {
        add_key("usa", id);
      }
      zones[i] = place.zones;
    }
    // A state's zones are its cities'; a country's also those of its cities.
    for (int up = place.parent; up >= 0; up = places[static_cast<std::size_t>(up)].parent) {
      add_unique(zones[static_cast<std::size_t>(up)], zone[i]);
    }
    if (place.kind == Place::Kind::state) {
      add_unique(zones[i], zone[i]);
    }
  }
}

bool PlaceGazetteer::Index::is_within(int place, int region) const {
  for (int up = places[static_cast<std::size_t>(place)].parent; up >= 0;
       up = places[static_cast<std::size_t>(up)].parent) {
    if (up == region) {
      return true;
    }
  }
  return false;
}

// The places `part` names: cities, or (cities false) states and countries.
std::vector<int> PlaceGazetteer::Index::matches(const Part &part, bool cities) const {
  std::vector<int> found;
  for (const auto &key : part.keys) {
    const auto [first, last] = by_key.equal_range(key);
    for (auto it = first; it != last; ++it) {
      const bool is_city = places[static_cast<std::size_t>(it->second)].kind == Place::Kind::city;
      if (is_city == cities && std::find(found.begin(), found.end(), it->second) == found.end()) {
        found.push_back(it->second);
      }
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

// Keeps the candidates that lie in the regions the other parts name. A part
// naming regions none of the candidates lies in contradicts them all:
// nothing is left. Parts that name no region (a building, a street) are
// passed over.
std::vector<int> PlaceGazetteer::Index::narrowed(std::vector<int> candidates,
                                                 const std::vector<Part> &parts,
                                                 std::size_t self) const {
  for (std::size_t i = 0; i < parts.size() && !candidates.empty(); ++i) {
    if (i == self) {
      continue;
    }
    const auto regions = matches(parts[i], false);
    if (regions.empty()) {
      continue;
    }
    std::vector<int> kept;
    for (const int candidate : candidates) {
      if (std::any_of(regions.begin(), regions.end(),
                      [&](int region) { return is_within(candidate, region); })) {
        kept.push_back(candidate);
      }
    }
    candidates = std::move(kept);
  }
  return candidates;
}

// "Washington, District of Columbia, United States".
std::string PlaceGazetteer::Index::full_name(int place) const {
  std::string name = places[static_cast<std::size_t>(place)].name;
  for (int up = places[static_cast<std::size_t>(place)].parent; up >= 0;
       up = places[static_cast<std::size_t>(up)].parent) {
    name += ", " + places[static_cast<std::size_t>(up)].name;
  }
  return name;
}

// A city of `region` to show in an example: the one its main zone is named
// after ("Moscow, Russia"), else the first with a zone of its own, else the
// first.
std::string PlaceGazetteer::Index::example_city(int region) const {
  const auto &hint = places[static_cast<std::size_t>(region)].tz_hint;
  const auto main_city = place_key(hint.substr(hint.rfind('/') + 1));
  std::optional<int> first;
  std::optional<int> first_with_zone;
  for (std::size_t i = 0; i < places.size(); ++i) {
    const int id = static_cast<int>(i);
    if (places[i].kind != Place::Kind::city || !is_within(id, region)) {
      continue;
    }
    if (place_key(places[i].name) == main_city) {
      first_with_zone = id;
      break;
    }
    if (!places[i].tz_hint.empty()) {
      first_with_zone = first_with_zone.value_or(id);
    }
    first = first.value_or(id);
  }
  if (first_with_zone) {
    first = first_with_zone;
  }
  return first ? fmt::format("{}, {}", places[static_cast<std::size_t>(*first)].name,
                             places[static_cast<std::size_t>(region)].name)
               : std::string{};
}

std::optional<core::PlaceZone>
PlaceGazetteer::Index::city_zone(const std::vector<Part> &parts) const {
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto cities = narrowed(matches(parts[i], true), parts, i);
    std::erase_if(cities, [this](int c) { return zone[static_cast<std::size_t>(c)].empty(); });
    if (cities.empty()) {
      continue;
    }
    std::vector<std::string> found;
    for (const int city : cities) {
      add_unique(found, zone[static_cast<std::size_t>(city)]);
    }
    if (found.size() > 1) {
      // "Paris" alone: the Paris a tzdata zone is named after.
      std::vector<int> named;
      for (const int city : cities) {
        const auto &z = zone[static_cast<std::size_t>(city)];
        const auto slash = z.rfind('/');
        if (slash != std::string::npos &&
            std::find(parts[i].keys.begin(), parts[i].keys.end(), place_key(z.substr(slash + 1))) !=
                parts[i].keys.end()) {
          named.push_back(city);
        }
      }
      if (!named.empty()) {
        cities = named;
        found = {zone[static_cast<std::size_t>(named.front())]};
        for (const int city : named) {
          add_unique(found, zone[static_cast<std::size_t>(city)]);
        }
      }
    }
    if (found.size() == 1) {
      return core::PlaceZone{core::PlaceZone::Kind::found, found.front(),
                             fmt::format("{} is in {}", full_name(cities.front()), found.front())};
    }
    std::string where;
    for (std::size_t c = 0; c < cities.size() && c < k_zones_shown; ++c) {
      where += fmt::format("{}{}: {}", c == 0 ? "" : "; ", full_name(cities[c]),
                           zone[static_cast<std::size_t>(cities[c])]);
    }
    if (cities.size() > k_zones_shown) {
      where += fmt::format("; and {} more", cities.size() - k_zones_shown);
    }
    return core::PlaceZone{
        core::PlaceZone::Kind::ambiguous,
        {},
        fmt::format("'{}' names places in {} time zones ({}); add the state or country "
                    "(\"{}\")",
                    parts[i].text, found.size(), where, full_name(cities.front()))};
  }
  return std::nullopt;
}

std::optional<core::PlaceZone>
PlaceGazetteer::Index::region_zone(const std::vector<Part> &parts) const {
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto regions = narrowed(matches(parts[i], false), parts, i);
    if (regions.empty()) {
      continue;
    }
    // "Georgia" alone is the country rather than the state.
    const bool any_country = std::any_of(regions.begin(), regions.end(), [this](int r) {
      return places[static_cast<std::size_t>(r)].kind == Place::Kind::country;
    });
    if (any_country) {
      std::erase_if(regions, [this](int r) {
        return places[static_cast<std::size_t>(r)].kind != Place::Kind::country;
      });
    }
    // The innermost: "Texas, United States" is Texas.
    const int region = regions.back();
    const auto &within = zones[static_cast<std::size_t>(region)];
    const auto &name = places[static_cast<std::size_t>(region)].name;
    if (within.size() == 1) {
      return core::PlaceZone{core::PlaceZone::Kind::found, within.front(),
                             fmt::format("{} has one time zone, {}", name, within.front())};
    }
    if (within.empty()) {
      continue;
    }
    const auto example = example_city(region);
    return core::PlaceZone{core::PlaceZone::Kind::ambiguous,
                           {},
                           fmt::format("{} has {} time zones ({}); name the city{}", name,
                                       within.size(), zone_list(within),
                                       example.empty() ? "" : fmt::format(" (\"{}\")", example))};
  }
  return std::nullopt;
}

// For parts in letters outside ASCII that no name matches ("Минск" when the
// user's language is not Russian): the English names that any catalogue
// translates that way. Stops at the first catalogue after which every such
// part has a name.
void PlaceGazetteer::Index::translate(std::vector<Part> &parts) const {
  std::unordered_map<std::string, std::vector<std::size_t>> wanted; // key -> parts
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (has_non_ascii(parts[i].text) && by_key.count(parts[i].keys.front()) == 0) {
      wanted[parts[i].keys.front()].push_back(i);
    }
  }
  if (wanted.empty()) {
    return;
  }
  std::set<std::string> named;
  for (const auto &path : catalogue_paths(locale_dir, languages)) {
    auto catalogue = MoCatalog::load(path);
    if (!catalogue) {
      continue;
    }
    catalogue->for_each([&](std::string_view, std::string_view original, std::string_view text) {
      const auto found = wanted.find(place_key(text));
      if (found == wanted.end()) {
        return;
      }
      for (const std::size_t i : found->second) {
        add_unique(parts[i].keys, place_key(original));
      }
      named.insert(found->first);
    });
    if (named.size() == wanted.size()) {
      return;
    }
  }
}

core::PlaceZone PlaceGazetteer::Index::resolve(std::vector<Part> &parts) const {
  if (auto city = city_zone(parts)) {
    return *city;
  }
  if (auto region = region_zone(parts)) {
    return *region;
  }
  return {};
}

namespace {

// "Washington DC" as "Washington" and "DC": the longest leading words that
// name a place, and the rest.
std::vector<Part> split_words(const Part &part,
                              const std::unordered_multimap<std::string, int> &by_key) {
  const auto &key = part.keys.front();
  for (auto space = key.rfind(' '); space != std::string::npos && space > 0;
       space = key.rfind(' ', space - 1)) {
    const std::string head = key.substr(0, space);
    if (by_key.count(head) != 0) {
      return {Part{part.text, {head}}, Part{part.text, {key.substr(space + 1)}}};
    }
  }
  return {part};
}

} // namespace

struct PlaceGazetteer::OnDemand {
  GazetteerFiles files;
  std::once_flag once;
  std::shared_ptr<const Index> index;
};

PlaceGazetteer PlaceGazetteer::from_places(std::vector<Place> places, core::ZoneGazetteer tzdata,
                                           GazetteerFiles files) {
  auto index = std::make_shared<Index>();
  index->places = std::move(places);
  index->tzdata = std::move(tzdata);
  index->locale_dir = files.locale_dir;
  index->languages = files.languages;
  index->build(read_text_file(files.zoneinfo_dir + "/iso3166.tab"));
  PlaceGazetteer g;
  g.m_index = std::move(index);
  return g;
}

PlaceGazetteer PlaceGazetteer::load(GazetteerFiles files) {
  auto places = read_locations_file(files.locations_xml);
  auto tzdata = core::ZoneGazetteer::load_system(files.zoneinfo_dir);
  // Without Locations.xml (or libxml2), tzdata's tables answer alone.
  return from_places(places ? std::move(*places) : std::vector<Place>{}, std::move(tzdata),
                     std::move(files));
}

PlaceGazetteer PlaceGazetteer::on_demand(GazetteerFiles files) {
  PlaceGazetteer g;
  g.m_on_demand = std::make_shared<OnDemand>();
  g.m_on_demand->files = std::move(files);
  return g;
}

const PlaceGazetteer::Index &PlaceGazetteer::index() const {
  if (m_index) {
    return *m_index;
  }
  OnDemand &on_demand = *m_on_demand;
  std::call_once(on_demand.once, [&on_demand] { on_demand.index = load(on_demand.files).m_index; });
  return *on_demand.index;
}

std::size_t PlaceGazetteer::size() const { return index().places.size(); }

core::PlaceZone PlaceGazetteer::zone_for(std::string_view location) const {
  const Index &index = this->index();
  std::vector<Part> parts;
  for (const auto text : location_parts(location)) {
    auto key = place_key(text);
    if (!key.empty()) {
      parts.push_back(Part{text, {std::move(key)}});
    }
  }
  if (parts.empty()) {
    return {};
  }
  index.translate(parts);
  const bool any_known = std::any_of(parts.begin(), parts.end(), [&index](const Part &part) {
    return std::any_of(part.keys.begin(), part.keys.end(),
                       [&index](const std::string &key) { return index.by_key.count(key) != 0; });
  });
  if (!any_known) {
    std::vector<Part> split;
    for (const auto &part : parts) {
      for (auto &piece : split_words(part, index.by_key)) {
        split.push_back(std::move(piece));
      }
    }
    parts = std::move(split);
  }
  auto found = index.resolve(parts);
  if (found.kind != core::PlaceZone::Kind::unknown) {
    return found;
  }
  return index.tzdata.zone_for(location);
}

} // namespace summit::places
