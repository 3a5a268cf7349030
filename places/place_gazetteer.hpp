#pragma once

#include "core/gazetteer.hpp"
#include "core/zones.hpp"
#include "places/locations_xml.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace summit::places {

// Where the gazetteer's data lives, and whose names it reads.
struct GazetteerFiles {
  std::string locations_xml = "/usr/share/libgweather-4/Locations.xml";
  std::string locale_dir = "/usr/share/locale"; // <lang>/LC_MESSAGES/libgweather-4.0-locations.mo
  std::string zoneinfo_dir = "/usr/share/zoneinfo";
  // The user's languages, most preferred first ("ru_RU", "ru"): their
  // catalogues name places at load time. Others are read only for a
  // location with letters outside ASCII that no known name matches.
  std::vector<std::string> languages;
};

// The languages gettext would use for messages: LANGUAGE (a colon list),
// else LC_ALL, else LC_MESSAGES, else LANG; "ru_RU.UTF-8@x" gives "ru_RU"
// and "ru". C and POSIX give none.
std::vector<std::string>
locale_languages(const std::function<std::optional<std::string>(const char *)> &getenv);

// Places people meet in, and their zones: libgweather's Locations.xml
// (countries, states, cities, with their zones and names translated in
// libgweather-4.0-locations.mo), backed by tzdata's tables
// (core::ZoneGazetteer) for what it lacks and when it is absent.
//
// A location is read as parts ("Palace of Independence, Minsk, Belarus"):
// the first part naming a city is the place, and the parts naming states
// or countries choose among cities of that name ("Paris, Texas"). A city
// takes its own tz-hint, else its state's, else its country's. Without a
// city, a state or country with one zone names it, and one with several is
// `ambiguous` ("name the city"), as is a city name found in several zones
// that no other part decides (unless one of them is the city a tzdata zone
// is named after: "Paris" is Europe/Paris). Names match without regard to
// case, accents or punctuation (place_key) and also by a country's ISO
// code and initials ("US", "UK", "D.C.").
class PlaceGazetteer final : public core::Gazetteer {
public:
  // Reads the files now.
  static PlaceGazetteer load(GazetteerFiles files = {});
  // Reads them at the first zone_for() (once; copies share them), so that a
  // run that infers no zone never pays for them.
  static PlaceGazetteer on_demand(GazetteerFiles files = {});
  // From places already read (tests); `files` still names the catalogues.
  static PlaceGazetteer from_places(std::vector<Place> places, core::ZoneGazetteer tzdata,
                                    GazetteerFiles files);

  core::PlaceZone zone_for(std::string_view location) const override;

  // How many places were read from Locations.xml (0 when it is absent or
  // cannot be read: only tzdata's tables then answer).
  std::size_t size() const;

private:
  struct Index;
  struct OnDemand;
  const Index &index() const;

  std::shared_ptr<const Index> m_index;
  std::shared_ptr<OnDemand> m_on_demand;
};

} // namespace summit::places
