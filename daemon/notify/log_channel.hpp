#pragma once

#include "daemon/scheduler/channel.hpp"

namespace summit::notify {

// Writes one log line per firing (the journal, under systemd) and is done
// at once: logging never waits on anything a user controls.
class LogChannel final : public scheduler::Channel {
public:
  std::string_view name() const override { return "log"; }
  void deliver(const scheduler::Firing &firing, std::function<void()> on_delivered) override;
};

// The line LogChannel writes:
// "reminder 12 fired: 'Council of Heads of Government' (event 7) starts
// 2025-09-26T10:00:00+03:00 Europe/Minsk, Minsk, Belarus; reminder P1D,
// due 2025-09-25T07:00:00Z" plus ", late by 2h" / " [redelivery]".
std::string log_line(const scheduler::Firing &firing);

} // namespace summit::notify
