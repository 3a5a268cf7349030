#pragma once

#include <string>
#include <string_view>

namespace summit::core {

// What a free-text location says about an event's zone.
struct PlaceZone {
  enum class Kind {
    found,     // zone and reason are set
    ambiguous, // the place spans several zones, or names places in several:
               // reason says which and what to name instead ("...; name the
               // city (\"Kazan', Russia\")"), to which the caller adds its
               // own way to give a zone
    unknown,   // no place known by that name
  };
  Kind kind = Kind::unknown;
  std::string zone;   // "Europe/Minsk"
  std::string reason; // "Minsk, Belarus is in Europe/Minsk"
};

// The seam between what a location names and the zone an event takes:
// core::ZoneGazetteer answers from tzdata's tables alone, places::PlaceGazetteer
// (places/) from libgweather's Locations.xml and its translations as well.
class Gazetteer {
public:
  virtual ~Gazetteer() = default;
  // Thread-safe; never fails: a location it cannot tell is `unknown`.
  virtual PlaceZone zone_for(std::string_view location) const = 0;
};

} // namespace summit::core
