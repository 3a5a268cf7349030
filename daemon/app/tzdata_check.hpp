#pragma once

#include "core/error.hpp"

#include <date/tz.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace summit::store {
class EventStore;
}

namespace summit::daemon {

// "2026f" from the first line of tzdata.zi ("# version 2026f"); nothing when
// the file is missing or does not start that way.
std::optional<std::string> parse_tzdata_version(std::string_view first_line);
std::optional<std::string> read_tzdata_version(const std::filesystem::path &tzdata_file);

// summitd's local zone, in which floating events (core::k_floating) are
// read and remind: $TZ when it names an IANA zone (a leading ':' and a
// zoneinfo folder are dropped; anything else is logged and skipped), else
// /etc/localtime's, else UTC.
const date::time_zone *local_zone(const std::optional<std::string> &tz_env);

// When the system tzdata version, or the way summit reads zone files
// (core::k_zone_reading), differs from the one the store last used,
// recomputes every event's UTC instants from its wall time and zone and
// logs, at warning level, each event whose start moved. The store records
// "<version>+<reading>+floating=<zone>" ("2025b+footer-rules+floating=Europe/London":
// the zone floating events are read in, core::floating_zone(), also moves
// their instants). Returns the tzdata version
// now in use, "2025b" ("" when the system's cannot be read: the check is
// skipped).
core::Result<std::string> reconcile_tzdata(store::EventStore &store,
                                           const std::filesystem::path &tzdata_file);

} // namespace summit::daemon
