#include "cli/app.hpp"

#include "cli/daemon_client.hpp"
#include "cli/event_options.hpp"
#include "cli/event_view.hpp"
#include "cli/reminder_view.hpp"
#include "cli/socket_path.hpp"
#include "cli/watch.hpp"
#include "cli/zone_choice.hpp"
#include "core/clock.hpp"
#include "core/event_json.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zones.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace summit::cli {

namespace {

using nlohmann::json;

constexpr const char *k_start_hint =
    "is summitd running? start it with `summitd` or `systemctl --user start summitd`";

// The options add and edit share. `edit` adds the ones that clear a field.
void add_event_options(CLI::App &command, EventOptions &options, std::vector<std::string> &tags,
                       std::vector<std::string> &reminders, bool edit) {
  command.add_option("--at", options.at,
                     "Start: \"2025-09-26 10:00\", 2025-09-26 (all day), 2025-09 (month, date "
                     "TBA), \"tomorrow 9am\", \"next friday 14:30\", +2h, ...");
  auto *end = command.add_option("--end", options.end,
                                 "End (for an all-day event its last day, for a month event its "
                                 "last month)");
  auto *duration =
      command.add_option("--duration", options.duration, "Length: 90m, 2h, 3d, 1w, PT1H30M");
  end->excludes(duration);
  command.add_flag("--all-day", options.all_day, "A whole-day event (--at takes a date)");
  command.add_option("--tz", options.tz,
                     "The event's IANA time zone (default: the one --location names, else "
                     "yours)");
  command.add_option("--location", options.location, "Where it happens, e.g. \"Minsk, Belarus\"");
  command.add_option("--description", options.description, "Free text");
  command.add_option("--tag", tags, "A tag (repeatable)")->allow_extra_args(false);
  command
      .add_option("--remind", reminders,
                  "A reminder: a duration before the start (7d, 1h) or a time (repeatable)")
      ->allow_extra_args(false);
  command.add_option("--status", options.status, "confirmed, tentative or cancelled");
  if (edit) {
    auto *clear_end = command.add_flag("--no-end", options.clear_end, "Remove the end or duration");
    clear_end->excludes(end);
    clear_end->excludes(duration);
    command.add_flag("--no-tags", options.clear_tags, "Remove every tag");
    command.add_flag("--no-reminders", options.clear_reminders, "Remove every reminder");
  }
}

// One run of the program once its command line is parsed.
class Session {
public:
  Session(const Environment &env, std::ostream &out, std::ostream &err, DaemonClient &client,
          const date::time_zone *viewer, std::optional<std::string> global_tz, bool json_output)
      : m_env(env), m_out(out), m_err(err), m_client(client), m_viewer(viewer),
        m_global_tz(std::move(global_tz)), m_json(json_output) {}

  int add(const EventOptions &options) {
    auto zone = event_zone(options, m_viewer);
    if (!zone) {
      return usage(zone.error().message);
    }
    auto params = build_add_params(options, m_env.now, zone->zone);
    if (!params) {
      return usage(params.error().message);
    }
    say(zone->note);
    auto result = m_client.call("event.add", std::move(*params));
    if (!result) {
      return report(result.error());
    }
    return print_event_result(*result, "Added");
  }

  int edit(std::int64_t id, const EventOptions &options) {
    auto current = fetch(id);
    if (!current) {
      return current.error();
    }
    auto own_zone = core::find_zone(current->tz);
    auto zone = event_zone(options, own_zone ? *own_zone : m_viewer);
    if (!zone) {
      return usage(zone.error().message);
    }
    auto params = build_update_params(*current, options, m_env.now, zone->zone);
    if (!params) {
      return usage(params.error().message);
    }
    // Renaming the place within the same zone needs no comment.
    if (zone->zone->name() != current->tz) {
      say(zone->note);
    }
    auto result = m_client.call("event.update", std::move(*params));
    if (!result) {
      return report(result.error());
    }
    return print_event_result(*result, "Updated");
  }

  int list(const ListOptions &options) {
    auto params = build_list_params(options, m_env.now, m_viewer);
    if (!params) {
      return usage(params.error().message);
    }
    auto result = m_client.call("event.list", std::move(*params));
    if (!result) {
      return report(result.error());
    }
    const json events = result->value("events", json::array());
    if (m_json) {
      print_json(events);
    } else {
      std::vector<core::Event> parsed;
      for (const json &item : events) {
        auto event = core::event_from_json(item);
        if (!event) {
          return bad_reply(event.error().message);
        }
        parsed.push_back(std::move(*event));
      }
      m_out << format_event_table(parsed, m_viewer);
    }
    if (result->value("more", false)) {
      say(fmt::format("more events match; pass --limit (up to 10000) or narrow --from/--to "
                      "to see them"));
    }
    return k_exit_ok;
  }

  int show(std::int64_t id) {
    auto result = m_client.call("event.get", json{{"id", id}});
    if (!result) {
      return report(result.error());
    }
    const json event_json = result->value("event", json());
    if (m_json) {
      print_json(event_json);
      return k_exit_ok;
    }
    auto event = core::event_from_json(event_json);
    if (!event) {
      return bad_reply(event.error().message);
    }
    m_out << format_event_details(*event, m_viewer);
    return k_exit_ok;
  }

  int remove(std::int64_t id) {
    auto result = m_client.call("event.remove", json{{"id", id}});
    if (!result) {
      return report(result.error());
    }
    if (m_json) {
      print_json(*result);
    } else {
      m_out << fmt::format("Removed event {}\n", result->value("removed", id));
    }
    return k_exit_ok;
  }

  int status() {
    auto result = m_client.call("daemon.status", json::object());
    if (!result) {
      return report(result.error());
    }
    if (m_json) {
      print_json(*result);
    } else {
      m_out << format_status(*result, m_viewer);
    }
    return k_exit_ok;
  }

  int snooze(std::int64_t reminder_id, const std::string &duration) {
    // Checked here so that a typo is a usage error naming the argument; the
    // daemon reads the same forms.
    if (auto parsed = core::parse_duration(duration); !parsed) {
      return usage("DURATION: " + parsed.error().message);
    }
    auto result = m_client.call("reminder.snooze",
                                json{{"reminder_id", reminder_id}, {"duration", duration}});
    if (!result) {
      return report(result.error());
    }
    if (m_json) {
      print_json(*result);
      return k_exit_ok;
    }
    const std::string due_text = result->value("due", std::string());
    auto due = core::parse_iso(due_text);
    const std::string when = due && due->kind == core::When::Kind::instant
                                 ? core::format_human_datetime(
                                       date::floor<core::Seconds>(m_viewer->to_local(due->instant)))
                                 : due_text;
    m_out << fmt::format("Snoozed reminder {}: it fires again at {} as reminder {}\n", reminder_id,
                         when, result->value("reminder_id", std::int64_t{0}));
    return k_exit_ok;
  }

  int ack(std::int64_t reminder_id) {
    auto result = m_client.call("reminder.ack", json{{"reminder_id", reminder_id}});
    if (!result) {
      return report(result.error());
    }
    if (m_json) {
      print_json(*result);
    } else {
      m_out << fmt::format("Acknowledged reminder {}\n", result->value("acked", reminder_id));
    }
    return k_exit_ok;
  }

  int missed(int limit) {
    auto result = m_client.call("reminder.missed", json{{"limit", limit}});
    if (!result) {
      return report(result.error());
    }
    const json missed = result->value("missed", json::array());
    if (m_json) {
      print_json(missed);
    } else {
      m_out << format_missed_table(missed, m_viewer);
    }
    return k_exit_ok;
  }

  int explain(std::int64_t id) {
    auto result = m_client.call("event.explain", json{{"id", id}});
    if (!result) {
      return report(result.error());
    }
    if (m_json) {
      print_json(*result);
    } else {
      m_out << format_explanation(*result, m_viewer);
    }
    return k_exit_ok;
  }

private:
  // --tz on the command counts as given, and so does the global --tz: both
  // say which zone the user means.
  core::Result<ZoneChoice> event_zone(const EventOptions &options,
                                      const date::time_zone *fallback) {
    const std::optional<std::string> &explicit_tz = options.tz ? options.tz : m_global_tz;
    std::optional<core::ZoneGazetteer> gazetteer;
    if (!explicit_tz && options.location && !options.location->empty() && m_env.load_gazetteer) {
      gazetteer = m_env.load_gazetteer();
    }
    auto choice = choose_event_zone(explicit_tz, options.location,
                                    gazetteer ? &*gazetteer : nullptr, fallback);
    if (!choice) {
      return core::fail(choice.error().code, "--tz: " + choice.error().message);
    }
    return choice;
  }

  // The event as the daemon has it now, or the exit code to return.
  tl::expected<core::Event, int> fetch(std::int64_t id) {
    auto result = m_client.call("event.get", json{{"id", id}});
    if (!result) {
      return tl::unexpected(report(result.error()));
    }
    auto event = core::event_from_json(result->value("event", json()));
    if (!event) {
      return tl::unexpected(bad_reply(event.error().message));
    }
    return std::move(*event);
  }

  int print_event_result(const json &result, const char *verb) {
    for (const json &note : result.value("notes", json::array())) {
      if (note.is_string()) {
        say(note.get<std::string>());
      }
    }
    const json event_json = result.value("event", json());
    if (m_json) {
      print_json(event_json);
      return k_exit_ok;
    }
    auto event = core::event_from_json(event_json);
    if (!event) {
      return bad_reply(event.error().message);
    }
    m_out << format_event_summary(verb, *event, m_viewer);
    return k_exit_ok;
  }

  void print_json(const json &value) {
    m_out << value.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  }

  void say(const std::string &sentence) {
    if (!sentence.empty()) {
      m_err << "summit: " << sentence << "\n";
    }
  }

  int usage(const std::string &message) {
    say(message);
    return k_exit_usage;
  }

  int bad_reply(const std::string &message) {
    say("unexpected reply from summitd: " + message);
    return k_exit_refused;
  }

  int report(const CallError &error) {
    switch (error.kind) {
    case CallError::Kind::unreachable:
      say(fmt::format("cannot reach summitd at {} ({}); {}", m_client.socket_path(), error.message,
                      k_start_hint));
      return k_exit_unreachable;
    case CallError::Kind::bad_reply:
      return bad_reply(error.message);
    case CallError::Kind::refused:
      break;
    }
    say(error.message);
    return k_exit_refused;
  }

  const Environment &m_env;
  std::ostream &m_out;
  std::ostream &m_err;
  DaemonClient &m_client;
  const date::time_zone *m_viewer;
  std::optional<std::string> m_global_tz;
  bool m_json;
};

std::optional<std::string> env_value(const Environment &env, const char *name) {
  return env.getenv ? env.getenv(name) : std::nullopt;
}

int run_parsed(int argc, const char *const *argv, const Environment &env, std::ostream &out,
               std::ostream &err) {
  // `watch --exec CMD ARG...`: everything after --exec is the command, even
  // arguments that look like our options; the parser never sees them.
  std::vector<std::string> given(argv + std::min(argc, 1), argv + argc);
  const std::optional<ExecSplit> exec_split = split_watch_exec(given);
  std::vector<const char *> parser_argv;
  if (exec_split) {
    if (exec_split->command.empty()) {
      err << "summit: watch: --exec needs a command: --exec CMD [ARG...]\n";
      return k_exit_usage;
    }
    parser_argv.push_back(argc > 0 ? argv[0] : "summit");
    for (const std::string &arg : exec_split->parser_args) {
      parser_argv.push_back(arg.c_str());
    }
    argc = static_cast<int>(parser_argv.size());
    argv = parser_argv.data();
  }
  CLI::App app{"summit: the command-line client of summitd, the event calendar and reminder "
               "daemon",
               "summit"};
  app.set_version_flag("--version", SUMMIT_VERSION);
  // Global options also work after the command (`summit list --json`).
  app.fallthrough();
  app.require_subcommand(1);
  std::optional<std::string> socket_flag;
  std::optional<std::string> tz_flag;
  bool json_output = false;
  app.add_option("--socket", socket_flag,
                 "summitd's socket (default: $SUMMIT_SOCKET, else "
                 "$XDG_RUNTIME_DIR/summit/summitd.sock, else /run/summit/summitd.sock)");
  app.add_flag("--json", json_output, "Print the daemon's objects as JSON (docs/PROTOCOL.md)");
  app.add_option("--tz", tz_flag, "Show times in this IANA zone (default: $TZ, else the system's)");

  EventOptions add_options;
  std::vector<std::string> add_tags;
  std::vector<std::string> add_reminders;
  auto *add = app.add_subcommand("add", "Add an event and print its id");
  add->add_option("title", add_options.title, "What the event is")->required();
  add_event_options(*add, add_options, add_tags, add_reminders, /*edit=*/false);
  add->get_option("--at")->required();

  EventOptions edit_options;
  std::vector<std::string> edit_tags;
  std::vector<std::string> edit_reminders;
  std::int64_t edit_id = 0;
  auto *edit = app.add_subcommand("edit", "Change an event (only the fields given)");
  edit->add_option("id", edit_id, "The event's id")->required()->check(CLI::PositiveNumber);
  edit->add_option("--title", edit_options.title, "A new title");
  add_event_options(*edit, edit_options, edit_tags, edit_reminders, /*edit=*/true);

  ListOptions list_options;
  auto *list = app.add_subcommand("list", "List events in start order (default: from now on)");
  list->add_option("--from", list_options.from, "From this time (a date means its start)");
  list->add_option("--to", list_options.to, "Up to this time (a date or month is included)");
  list->add_option("--tag", list_options.tag, "Only events with this tag");
  list->add_option("--search", list_options.search,
                   "Only events whose title, location or description has these words");
  list->add_option("--limit", list_options.limit, "At most this many events (default 100)")
      ->check(CLI::Range(1, 10000));

  std::int64_t show_id = 0;
  auto *show = app.add_subcommand("show", "Show every field of one event");
  show->add_option("id", show_id, "The event's id")->required()->check(CLI::PositiveNumber);

  std::int64_t rm_id = 0;
  auto *rm = app.add_subcommand("rm", "Remove an event");
  rm->add_option("id", rm_id, "The event's id")->required()->check(CLI::PositiveNumber);

  auto *status = app.add_subcommand("status", "Show the daemon's status and reminder counts");

  WatchOptions watch_options;
  auto *watch = app.add_subcommand(
      "watch", "Print each reminder as it fires until interrupted (with --json: one JSON object "
               "per line); reconnects when summitd restarts");
  watch->add_flag("--notify", watch_options.notify,
                  "Also raise a desktop notification (D-Bus session bus)");
  std::vector<std::string> exec_command;
  watch->add_option("--exec", exec_command,
                    "CMD [ARG...]: run CMD for each reminder, no shell, with SUMMIT_* environment "
                    "variables; takes the rest of the command line, so put it last");

  std::int64_t snooze_id = 0;
  std::string snooze_duration;
  auto *snooze = app.add_subcommand("snooze", "Fire a fired reminder again after a while");
  snooze->add_option("id", snooze_id, "The reminder's id (from watch or missed)")
      ->required()
      ->check(CLI::PositiveNumber);
  snooze->add_option("duration", snooze_duration, "How long: 15m, 1h, 1d, PT15M")->required();

  std::int64_t ack_id = 0;
  auto *ack = app.add_subcommand("ack", "Acknowledge a fired or missed reminder");
  ack->add_option("id", ack_id, "The reminder's id")->required()->check(CLI::PositiveNumber);

  int missed_limit = 100;
  auto *missed = app.add_subcommand(
      "missed", "List reminders that fell due while summitd was down, past the grace period");
  missed->add_option("--limit", missed_limit, "At most this many (default 100)")
      ->check(CLI::Range(1, 10000));

  std::int64_t explain_id = 0;
  auto *explain = app.add_subcommand(
      "explain", "Show when an event's reminders fire, in your zone and the event's, and the "
                 "zone changes before then");
  explain->add_option("id", explain_id, "The event's id")->required()->check(CLI::PositiveNumber);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? k_exit_ok : k_exit_usage;
  }
  auto take_list = [](EventOptions &options, CLI::App &command, std::vector<std::string> &tags,
                      std::vector<std::string> &reminders) {
    if (command.count("--tag") > 0) {
      options.tags = tags;
    }
    if (command.count("--remind") > 0) {
      options.reminders = reminders;
    }
  };
  take_list(add_options, *add, add_tags, add_reminders);
  take_list(edit_options, *edit, edit_tags, edit_reminders);

  auto viewer = choose_viewer_zone(tz_flag, env_value(env, "TZ"), env.system_zone);
  if (!viewer) {
    err << "summit: --tz: " << viewer.error().message << "\n";
    return k_exit_usage;
  }
  if (!viewer->note.empty()) {
    err << "summit: " << viewer->note << "\n";
  }
  const std::string socket_path =
      resolve_socket_path(SocketPathInputs{socket_flag, env_value(env, "SUMMIT_SOCKET"),
                                           env_value(env, "XDG_RUNTIME_DIR"), env.uid, env.exists});
  if (watch->parsed()) {
    watch_options.json = json_output;
    if (exec_split) {
      watch_options.exec = exec_split->command;
    } else if (!exec_command.empty()) {
      watch_options.exec = exec_command; // only reached when the split above missed it
    }
    return run_watch(watch_options, socket_path, viewer->zone, out, err);
  }
  DaemonClient client(socket_path);
  // Every command shows times in the viewer's zone; reading its rules costs
  // about a millisecond (core::load_rules), spent while the daemon works.
  client.set_while_waiting([zone = viewer->zone] { core::load_rules(zone); });
  Session session(env, out, err, client, viewer->zone, tz_flag, json_output);
  if (add->parsed()) {
    return session.add(add_options);
  }
  if (edit->parsed()) {
    return session.edit(edit_id, edit_options);
  }
  if (list->parsed()) {
    return session.list(list_options);
  }
  if (show->parsed()) {
    return session.show(show_id);
  }
  if (rm->parsed()) {
    return session.remove(rm_id);
  }
  if (status->parsed()) {
    return session.status();
  }
  if (snooze->parsed()) {
    return session.snooze(snooze_id, snooze_duration);
  }
  if (ack->parsed()) {
    return session.ack(ack_id);
  }
  if (missed->parsed()) {
    return session.missed(missed_limit);
  }
  if (explain->parsed()) {
    return session.explain(explain_id);
  }
  err << app.help();
  return k_exit_usage;
}

} // namespace

Environment Environment::from_process() {
  Environment env;
  env.now = core::system_now();
  env.getenv = [](const char *name) -> std::optional<std::string> {
    const char *value = std::getenv(name);
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
  env.uid = ::getuid();
  env.exists = [](const std::string &path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0;
  };
  // Null without /etc/localtime (minimal containers): the caller falls back to UTC.
  env.system_zone = [] { return core::system_zone(); };
  env.load_gazetteer = [] { return core::ZoneGazetteer::load_system(); };
  return env;
}

int run(int argc, const char *const *argv, const Environment &env, std::ostream &out,
        std::ostream &err) {
  try {
    return run_parsed(argc, argv, env, out, err);
  } catch (const std::exception &e) {
    // Nothing below should throw; if something does, say so instead of
    // dying with std::terminate's message.
    err << "summit: internal error: " << e.what() << "\n";
    return k_exit_refused;
  }
}

} // namespace summit::cli
