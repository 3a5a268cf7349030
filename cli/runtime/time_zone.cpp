// date::time_zone's constructor, for the summit CLI (issue 17, item 1).
//
// The CLI does not link libdate-tz: it links a stand-in that loads the
// library at the first call of one of its functions (cmake/LazyLibrary.cmake;
// cli/CMakeLists.txt). summit answers for a zone from the zone's own file
// (core/zone_rules.cpp) and needs date's code only for what that reader
// cannot answer (a file with leap seconds), a suggestion for an unknown
// name (the whole database) or a /etc/localtime that is a copy. Naming a
// zone, though, constructs a date::time_zone every time (core::find_zone),
// so the constructor is defined here instead of loading the library for it.
// It does what date 3.0.1 (Debian's libhowardhinnant-date, USE_OS_TZDB)
// does: keep the name; the zone's rules are read at its first use, by
// date's own code when it is asked (time_zone::init, in the library).

#include <date/tz.h>
#include <date/tz_private.h> // the complete types of time_zone's members

#include <mutex>
#include <string>

namespace date {

time_zone::time_zone(const std::string &s, detail::undocumented)
    : name_(s), adjusted_(new std::once_flag{}) {}

} // namespace date
