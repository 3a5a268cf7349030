#include "cli/commands/daemon_commands.hpp"

#include "cli/views/event_view.hpp"
#include "cli/views/reminder_view.hpp"
#include "core/protocol.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zone_rules.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace summit::cli {

namespace {

using nlohmann::json;

} // namespace

int show_status(CommandSession &session) {
  auto result = session.call(core::protocol::daemon_status, json::object());
  if (!result) {
    return result.error();
  }
  if (session.json_output()) {
    session.print_json(*result);
  } else {
    session.out() << format_status(*result, session.viewer());
  }
  return k_exit_ok;
}

int snooze_reminder(CommandSession &session, std::int64_t reminder_id,
                    const std::string &duration) {
  // Checked here so that a typo is a usage error naming the argument; the
  // daemon reads the same forms.
  if (auto parsed = core::parse_duration(duration); !parsed) {
    return session.usage("DURATION: " + parsed.error().message);
  }
  auto result = session.call(core::protocol::reminder_snooze,
                             json{{"reminder_id", reminder_id}, {"duration", duration}});
  if (!result) {
    return result.error();
  }
  if (session.json_output()) {
    session.print_json(*result);
    return k_exit_ok;
  }
  const std::string due_text = result->value("due", std::string());
  auto due = core::parse_iso(due_text);
  const std::string when = due && due->kind == core::When::Kind::instant
                               ? core::format_human_datetime(date::floor<core::Seconds>(
                                     core::to_local(due->instant, session.viewer())))
                               : due_text;
  session.out() << fmt::format("Snoozed reminder {}: it fires again at {} as reminder {}\n",
                               reminder_id, when, result->value("reminder_id", std::int64_t{0}));
  return k_exit_ok;
}

int ack_reminder(CommandSession &session, std::int64_t reminder_id) {
  auto result = session.call(core::protocol::reminder_ack, json{{"reminder_id", reminder_id}});
  if (!result) {
    return result.error();
  }
  if (session.json_output()) {
    session.print_json(*result);
  } else {
    session.out() << fmt::format("Acknowledged reminder {}\n", result->value("acked", reminder_id));
  }
  return k_exit_ok;
}

int list_missed(CommandSession &session, int limit) {
  auto result = session.call(core::protocol::reminder_missed, json{{"limit", limit}});
  if (!result) {
    return result.error();
  }
  const json missed = result->value("missed", json::array());
  if (session.json_output()) {
    session.print_json(missed);
  } else {
    session.out() << format_missed_table(missed, session.viewer());
  }
  return k_exit_ok;
}

int explain_event(CommandSession &session, std::int64_t id) {
  auto result = session.call(core::protocol::event_explain, json{{"id", id}});
  if (!result) {
    return result.error();
  }
  if (session.json_output()) {
    session.print_json(*result);
  } else {
    session.out() << format_explanation(*result, session.viewer());
  }
  return k_exit_ok;
}

} // namespace summit::cli
