#include "daemon/notify/log_channel.hpp"

#include "core/time_format.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

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
  if (!spdlog::should_log(spdlog::level::info)) {
    on_delivered(); // nothing to write at this level
    return;
  }
  m_lines.push_back(log_line(firing));
  m_done.push_back(std::move(on_delivered));
}

void LogChannel::flush() {
  if (m_lines.empty()) {
    return;
  }
  // Straight to the sinks, then one flush: the logger itself flushes after
  // every message (so that no line waits in a buffer), which for a batch
  // would be one write per line. Sinks that do not buffer write each line as
  // it comes; nothing is lost either way.
  spdlog::logger &logger = *spdlog::default_logger_raw();
  for (const auto &sink : logger.sinks()) {
    if (!sink->should_log(spdlog::level::info)) {
      continue;
    }
    try {
      for (const auto &line : m_lines) {
        sink->log(spdlog::details::log_msg(logger.name(), spdlog::level::info, line));
      }
      sink->flush();
    } catch (const std::exception &e) {
      // As the logger does with a sink that fails: say so, carry on. The
      // firings count as delivered, like a command that failed.
      spdlog::error("the log channel could not write {} reminder line(s): {}", m_lines.size(),
                    e.what());
    }
  }
  m_lines.clear();
  for (auto &done : std::exchange(m_done, {})) {
    done();
  }
}

} // namespace summit::notify
