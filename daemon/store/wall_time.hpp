#pragma once

#include "core/time_range.hpp"

#include <optional>
#include <string_view>

namespace summit::store {

// A wall time as the store writes it ("%FT%T", "2025-09-26T10:00:00"): the
// events' start_local/end_local and reminder_instances.occurrence. The common
// form is read by hand (the outbox reads one per firing); anything else goes
// through date::parse. nullopt when it is not a wall time.
std::optional<core::LocalSeconds> parse_wall_time(std::string_view text);

} // namespace summit::store
