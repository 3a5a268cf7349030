#pragma once

#include "core/error.hpp"

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

// When the system tzdata version, or the way summit reads zone files
// (core::k_zone_reading), differs from the one the store last used,
// recomputes every event's UTC instants from its wall time and zone and
// logs, at warning level, each event whose start moved. The store records
// "<version>+<reading>" ("2025b+footer-rules"). Returns the tzdata version
// now in use, "2025b" ("" when the system's cannot be read: the check is
// skipped).
core::Result<std::string> reconcile_tzdata(store::EventStore &store,
                                           const std::filesystem::path &tzdata_file);

} // namespace summit::daemon
