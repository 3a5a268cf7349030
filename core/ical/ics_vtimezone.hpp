#pragma once

#include <set>
#include <string>

// VTIMEZONEs from the system tzdata, through libical's builtin zones, for
// an export (ics_export.hpp) and for the last page of calendar.export.
namespace summit::ical {

// A VTIMEZONE for each zone, built from the system tzdata.
std::string vtimezones(const std::set<std::string> &zones);

} // namespace summit::ical
