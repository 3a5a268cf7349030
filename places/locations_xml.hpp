#pragma once

#include "core/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace summit::places {

// One country, state or city of libgweather's Locations.xml (its DTD:
// /usr/share/libgweather-4/locations.dtd). Weather stations (<location>)
// and named zones (<named-timezone>) are left out.
struct Place {
  enum class Kind { country, state, city };
  Kind kind = Kind::city;
  std::string name;    // the English name as written: "Kazan'"
  std::string context; // the name's msgctxt, which its translations are filed under
  std::vector<std::string> other_names; // names given with xml:lang
  std::string tz_hint;                  // its own <tz-hint>; may be empty
  std::string iso_code;                 // countries: "KZ"
  std::vector<std::string> zones;       // countries: the ids under <timezones>
  int parent = -1;                      // the state or country it is in (an index)
};

// The places of a Locations.xml file, parents before their children, read
// with libxml2's streaming reader (xmlTextReader), which is loaded with
// dlopen at the first call (sys::SharedLibrary: libxml2 links ICU, which a
// command that names no place must not pay for). No network, no DTD. Fails
// when libxml2 cannot be loaded or the file cannot be read or parsed.
core::Result<std::vector<Place>> read_locations_file(const std::string &path);
// The same from text in memory (tests).
core::Result<std::vector<Place>> read_locations_text(std::string_view xml);

} // namespace summit::places
