#include "daemon/notify/log_channel.hpp"

#include "core/text.hpp"
#include "core/time_format.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <iterator>
#include <utility>

namespace summit::notify {

namespace {

// Title, place and zone came from a user or a file: shown escaped, so that a
// newline cannot forge a log line nor an escape sequence reach a terminal
// that tails the log. Printable ASCII (the usual case) is used as it is.
std::string_view shown(const std::string &text, std::string &escaped) {
  if (!core::text::may_need_escapes(text)) {
    return text;
  }
  escaped = core::text::escape_controls(text);
  return escaped;
}

} // namespace

std::string log_line(const scheduler::Firing &firing) {
  // One buffer, compiled formats: a burst logs 100,000 of these.
  fmt::memory_buffer line;
  const auto out = std::back_inserter(line);
  std::string title;
  std::string tz;
  fmt::format_to(out, FMT_COMPILE("reminder {} fired: '{}' (event {}) starts {} {}"),
                 firing.reminder_id, shown(firing.title, title), firing.event_id,
                 firing.start_local, shown(firing.tz, tz));
  if (!firing.location.empty()) {
    std::string location;
    fmt::format_to(out, FMT_COMPILE(", {}"), shown(firing.location, location));
  }
  fmt::format_to(out, FMT_COMPILE("; reminder {}, due {}"), firing.reminder,
                 core::format_iso_utc(firing.due));
  if (firing.late) {
    fmt::format_to(out, FMT_COMPILE(", late by {}"), core::format_duration_short(firing.lateness));
  }
  if (firing.redelivery) {
    fmt::format_to(out, FMT_COMPILE(" [redelivery]"));
  }
  return fmt::to_string(line);
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
