#pragma once

#include <libical/ical.h>

#include <cstdlib>
#include <memory>
#include <string>

// Owning handles for the libical objects core/ical creates, so that every
// path (errors included) frees what it made. Internal to core/ical.
namespace summit::ical::detail {

struct ComponentDeleter {
  void operator()(icalcomponent *component) const { icalcomponent_free(component); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentDeleter>;

struct ParserDeleter {
  void operator()(icalparser *parser) const { icalparser_free(parser); }
};
using ParserPtr = std::unique_ptr<icalparser, ParserDeleter>;

// A zone made from a VTIMEZONE of the file (not a builtin one, which
// libical owns).
struct TimezoneDeleter {
  void operator()(icaltimezone *zone) const { icaltimezone_free(zone, 1); }
};
using TimezonePtr = std::unique_ptr<icaltimezone, TimezoneDeleter>;

// A string libical returns from a *_r function (the caller frees it).
inline std::string take_string(char *text) {
  if (text == nullptr) {
    return {};
  }
  std::string copy(text);
  std::free(text);
  return copy;
}

} // namespace summit::ical::detail
