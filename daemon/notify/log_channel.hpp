#pragma once

#include "daemon/scheduler/channel.hpp"

#include <functional>
#include <string>
#include <vector>

namespace summit::notify {

// Writes one log line per firing, at info level, to the default spdlog
// logger's sinks (stderr, the journal under systemd): logging never waits on
// anything a user controls.
//
// Gathered: deliver() formats the line and keeps it; flush() (the scheduler
// calls it after each batch) hands the batch's lines to the sinks and flushes
// them once, so that a burst of reminders is written a few writes at a time
// instead of one write per line, and only then reports each firing
// delivered. Below info level a firing is done at once, with no line.
class LogChannel final : public scheduler::Channel {
public:
  std::string_view name() const override { return "log"; }
  void deliver(const scheduler::Firing &firing, std::function<void()> on_delivered) override;
  void flush() override;

private:
  std::vector<std::string> m_lines;
  std::vector<std::function<void()>> m_done;
};

// The line LogChannel writes:
// "reminder 12 fired: 'Council of Heads of Government' (event 7) starts
// 2025-09-26T10:00:00+03:00 Europe/Minsk, Minsk, Belarus; reminder P1D,
// due 2025-09-25T07:00:00Z" plus ", late by 2h" / " [redelivery]".
std::string log_line(const scheduler::Firing &firing);

} // namespace summit::notify
