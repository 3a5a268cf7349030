#include "cli/client/command_session.hpp"

#include "cli/client/socket_path.hpp"
#include "cli/views/event_view.hpp"
#include "cli/views/terminal_text.hpp"
#include "core/custom_zones.hpp"
#include "core/event_json.hpp"
#include "core/protocol.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <utility>

namespace summit::cli {

namespace {

using nlohmann::json;

} // namespace

CommandSession::CommandSession(const CommandEnvironment &env, std::ostream &out, std::ostream &err,
                               DaemonClient &client, const date::time_zone *viewer,
                               std::optional<std::string> global_tz, bool json_output)
    : m_env(env), m_out(out), m_err(err), m_client(client), m_viewer(viewer),
      m_global_tz(std::move(global_tz)), m_json(json_output) {}

bool CommandSession::is_terminal(int fd) const {
  return m_env.is_terminal && m_env.is_terminal(fd);
}

std::optional<std::string> CommandSession::getenv(const char *name) const {
  return m_env.getenv ? m_env.getenv(name) : std::nullopt;
}

tl::expected<json, int> CommandSession::call(std::string_view method, json params) {
  auto result = m_client.call(method, std::move(params));
  if (!result) {
    return tl::unexpected(report(result.error()));
  }
  learn_zone(*result);
  return std::move(*result);
}

void CommandSession::learn_zone(const json &result) {
  // event.get names the zone a calendar file defined when the event is in
  // one (PROTOCOL.md): defined here too, so that the event's wall times are
  // read and written in it, not in the viewer's zone.
  if (!result.is_object() || !result.contains("custom_zone") ||
      !result["custom_zone"].is_object()) {
    return;
  }
  const json &zone = result["custom_zone"];
  const auto name = zone.value("name", std::string());
  auto rules = core::parse_zone_rules(zone.value("rules", std::string()));
  if (name.empty() || !rules || core::is_custom_zone(std::string_view(name))) {
    return; // unreadable, or known: the event's zone then reads as before
  }
  (void)core::define_custom_zone(name, *rules, {}, /*exact=*/true);
}

tl::expected<core::Event, int> CommandSession::fetch(std::int64_t id) {
  auto result = call(core::protocol::event_get, json{{"id", id}});
  if (!result) {
    return tl::unexpected(result.error());
  }
  return parse_event(result->value("event", json()));
}

tl::expected<core::Event, int> CommandSession::parse_event(const json &object) {
  auto event = core::event_from_json(object);
  if (!event) {
    return tl::unexpected(bad_reply(event.error().message));
  }
  return std::move(*event);
}

void CommandSession::say_notes(const json &result) {
  if (!result.is_object()) {
    return;
  }
  for (const json &note : result.value("notes", json::array())) {
    if (note.is_string()) {
      say(note.get<std::string>());
    }
  }
}

int CommandSession::print_event_result(const json &result, const char *verb,
                                       const core::Event *before) {
  say_notes(result);
  const json event_json = result.value("event", json());
  if (m_json) {
    print_json(event_json);
    return k_exit_ok;
  }
  auto event = parse_event(event_json);
  if (!event) {
    return event.error();
  }
  m_out << format_event_summary(verb, *event, m_viewer);
  if (before != nullptr) {
    m_out << format_event_changes(*before, *event, m_viewer);
  }
  return k_exit_ok;
}

void CommandSession::print_json(const json &value) { m_out << json_text(value, 2) << "\n"; }

void CommandSession::say(const std::string &sentence) {
  if (!sentence.empty() && m_said.insert(sentence).second) {
    m_err << "summit: " << printable(sentence) << "\n";
  }
}

void CommandSession::said_already(const std::string &sentence) { m_said.insert(sentence); }

int CommandSession::usage(const std::string &message) {
  say(message);
  return k_exit_usage;
}

int CommandSession::bad_reply(const std::string &message) {
  say("unexpected reply from summitd: " + message);
  return k_exit_refused;
}

int CommandSession::refused(const std::string &message) {
  say(message);
  return k_exit_refused;
}

int CommandSession::report(const CallError &error) {
  switch (error.kind) {
  case CallError::Kind::unreachable:
    if (error.sent) {
      // Stopped or busy, not gone: what was sent may still be applied.
      say(fmt::format("summitd at {} took the request but did not answer ({}); it may still "
                      "apply it when it answers: check (`summit list`) before trying again",
                      m_client.socket_path(), error.message));
      return k_exit_unreachable;
    }
    say(fmt::format(
        "cannot reach summitd at {} ({}); {}", m_client.socket_path(), error.message,
        unreachable_advice(m_client.socket_path(),
                           inspect_socket_access(m_client.socket_path(), error.error_number))));
    return k_exit_unreachable;
  case CallError::Kind::bad_reply:
    return bad_reply(error.message);
  case CallError::Kind::refused:
    break;
  }
  return refused(error.message);
}

} // namespace summit::cli
