#include "daemon/notify/log_channel.hpp"

#include "core/time_format.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace summit::notify {

std::string log_line(const scheduler::Firing &firing) {
  std::string line =
      fmt::format("reminder {} fired: '{}' (event {}) starts {} {}", firing.reminder_id,
                  firing.title, firing.event_id, firing.start_local, firing.tz);
  if (!firing.location.empty()) {
    line += fmt::format(", {}", firing.location);
  }
  line += fmt::format("; reminder {}, due {}", firing.reminder, core::format_iso_utc(firing.due));
  if (firing.late) {
    line += fmt::format(", late by {}", core::format_duration_short(firing.lateness));
  }
  if (firing.redelivery) {
    line += " [redelivery]";
  }
  return line;
}

void LogChannel::deliver(const scheduler::Firing &firing, std::function<void()> on_delivered) {
  spdlog::info("{}", log_line(firing));
  on_delivered();
}

} // namespace summit::notify
