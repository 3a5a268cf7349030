#pragma once

#include "cli/client/command_session.hpp"

#include <cstdint>
#include <string>

namespace summit::cli {

// `summit status`: daemon.status as "name: value" lines (or --json).
int show_status(CommandSession &session);

// `summit snooze ID DURATION`: checks DURATION here (a usage error names
// it), then reminder.snooze; says when the reminder fires again.
int snooze_reminder(CommandSession &session, std::int64_t reminder_id, const std::string &duration);

// `summit ack ID`: reminder.ack.
int ack_reminder(CommandSession &session, std::int64_t reminder_id);

// `summit missed`: reminder.missed as a table.
int list_missed(CommandSession &session, int limit);

// `summit explain ID`: event.explain, reminders and zone changes in time order.
int explain_event(CommandSession &session, std::int64_t id);

} // namespace summit::cli
