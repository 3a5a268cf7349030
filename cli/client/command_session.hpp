#pragma once

#include "cli/client/command_environment.hpp"
#include "cli/client/daemon_client.hpp"
#include "core/event.hpp"

#include <date/tz.h>
#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <cstdint>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>

namespace summit::cli {

// One run of a command once its command line is parsed: where output and
// messages go, the daemon connection, the viewer's zone, and how failures
// become exit codes. Every command (event_commands, daemon_commands,
// transfer_commands, calendar_commands) works through it.
class CommandSession {
public:
  CommandSession(const CommandEnvironment &env, std::ostream &out, std::ostream &err,
                 DaemonClient &client, const date::time_zone *viewer,
                 std::optional<std::string> global_tz, bool json_output);

  [[nodiscard]] const CommandEnvironment &env() const { return m_env; }
  [[nodiscard]] core::SysSeconds now() const { return m_env.now; }
  std::ostream &out() { return m_out; }
  std::ostream &err() { return m_err; }
  DaemonClient &client() { return m_client; }
  [[nodiscard]] const date::time_zone *viewer() const { return m_viewer; }
  // The global --tz as given (the viewer zone is derived from it).
  [[nodiscard]] const std::optional<std::string> &global_tz() const { return m_global_tz; }
  [[nodiscard]] bool json_output() const { return m_json; }
  // The width tables must fit: the terminal's on stdout, 0 (no limit) when
  // stdout is a pipe or a file.
  [[nodiscard]] std::size_t table_width() const {
    return m_env.terminal_columns ? m_env.terminal_columns(1) : 0;
  }
  // Whether fd 1 or 2 is a terminal, as CommandEnvironment::is_terminal says
  // (false when the environment cannot tell).
  [[nodiscard]] bool is_terminal(int fd) const;
  // An environment variable, or nothing.
  [[nodiscard]] std::optional<std::string> getenv(const char *name) const;

  // Calls `method`; on failure the failure is reported (report()) and the
  // exit code comes back instead of the result.
  tl::expected<nlohmann::json, int> call(std::string_view method, nlohmann::json params);
  // Defines, for this process, the zone a calendar file defined that a
  // reply names ("custom_zone" of event.get), when it is not known yet.
  void learn_zone(const nlohmann::json &result);

  // The event as the daemon has it now (event.get), or the exit code.
  tl::expected<core::Event, int> fetch(std::int64_t id);
  // An event object from a reply, or the exit code of a bad reply.
  tl::expected<core::Event, int> parse_event(const nlohmann::json &object);

  // Prints the `notes` of a reply to stderr, one "summit: <note>" each.
  void say_notes(const nlohmann::json &result);
  // The event of an add/update reply: its notes, then JSON or the
  // "<verb> event N: ..." line.
  // With `before` (an edit), the lines that say what changed follow.
  int print_event_result(const nlohmann::json &result, const char *verb,
                         const core::Event *before = nullptr);
  // Pretty JSON on stdout.
  void print_json(const nlohmann::json &value);
  // "summit: <sentence>" on stderr (nothing for an empty sentence, or for
  // one already said: the daemon repeats a note about a zone the CLI gave).
  void say(const std::string &sentence);
  // Counts `sentence` as said (printed before the session began).
  void said_already(const std::string &sentence);

  // Each prints the message and returns the exit code to use.
  int usage(const std::string &message);     // k_exit_usage
  int bad_reply(const std::string &message); // k_exit_refused
  int refused(const std::string &message);   // k_exit_refused
  int report(const CallError &error);        // by kind: refused, unreachable, bad reply

private:
  const CommandEnvironment &m_env;
  std::ostream &m_out;
  std::ostream &m_err;
  DaemonClient &m_client;
  const date::time_zone *m_viewer;
  std::optional<std::string> m_global_tz;
  std::set<std::string> m_said;
  bool m_json;
};

} // namespace summit::cli
