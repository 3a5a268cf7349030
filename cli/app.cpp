#include "cli/app.hpp"

#include "cli/client/command_session.hpp"
#include "cli/client/daemon_client.hpp"
#include "cli/client/socket_path.hpp"
#include "cli/commands/calendar_commands.hpp"
#include "cli/commands/calendar_set_commands.hpp"
#include "cli/commands/daemon_commands.hpp"
#include "cli/commands/event_commands.hpp"
#include "cli/commands/transfer_commands.hpp"
#include "cli/commands/watch.hpp"
#include "cli/commands/zone_choice.hpp"
#include "core/clock.hpp"
#include "core/text.hpp"
#include "core/zones.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace summit::cli {

namespace {

// An id as people type it: decimal digits, read as decimal whatever the
// leading zeros ("010" is 10, never octal 8; "0x10" is refused, never 16),
// at least 1. CLI11 alone reads "010" as octal, and `summit rm 010` would
// remove event 8.
CLI::Validator decimal_id() {
  return CLI::Validator(
      [](std::string &text) -> std::string {
        const bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
          return c >= '0' && c <= '9';
        });
        const auto first = text.find_first_not_of('0');
        if (!digits || first == std::string::npos || text.size() - first > 18) {
          return "'" + core::text::escape_controls(text) +
                 "' is not an id; give the number summit printed, such as 12";
        }
        text.erase(0, first);
        return {};
      },
      "ID");
}

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
  command
      .add_option("--tag", tags,
                  edit ? "The tags: replaces every tag (repeatable; see --add-tag)"
                       : "A tag (repeatable)")
      ->allow_extra_args(false);
  command
      .add_option("--remind", reminders,
                  edit ? "The reminders: replaces every reminder (repeatable; see --add-remind)"
                       : "A reminder: a duration before the start (7d, 1h) or a time "
                         "(repeatable)")
      ->allow_extra_args(false);
  command.add_option("--status", options.status, "confirmed, tentative or cancelled");
  auto *repeat = command.add_option(
      "--repeat", options.repeat,
      "Repeat: daily, weekly, monthly, yearly, weekdays, \"every 2 weeks\", each optionally with "
      "\"until 2027-12-31\" or \"count 10\" (\"weekly until 2027-12-31\"), or an RRULE such as "
      "FREQ=YEARLY;BYMONTH=9;BYDAY=-1FR");
  if (edit) {
    command.add_flag("--no-repeat", options.clear_repeat, "Stop repeating: a single event again")
        ->excludes(repeat);
    auto *clear_end = command.add_flag("--no-end", options.clear_end, "Remove the end or duration");
    clear_end->excludes(end);
    clear_end->excludes(duration);
    command.add_flag("--no-tags", options.clear_tags, "Remove every tag");
    command.add_flag("--no-reminders", options.clear_reminders, "Remove every reminder");
    command.add_option("--add-tag", options.add_tags, "Add a tag, keeping the others (repeatable)")
        ->allow_extra_args(false);
    command.add_option("--rm-tag", options.remove_tags, "Remove one tag (repeatable)")
        ->allow_extra_args(false);
    command
        .add_option("--add-remind", options.add_reminders,
                    "Add a reminder, keeping the others (repeatable)")
        ->allow_extra_args(false);
    command
        .add_option("--rm-remind", options.remove_reminders,
                    "Remove one reminder, as --remind wrote it (1h, 7d) (repeatable)")
        ->allow_extra_args(false);
  }
}

// "30", "0.5": seconds, at least a millisecond and at most a day.
std::optional<std::chrono::milliseconds> parse_timeout(const std::string &text) {
  char *end = nullptr;
  errno = 0;
  const double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !(seconds >= 0.001) ||
      seconds > 86400) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

std::optional<std::string> env_value(const CommandEnvironment &env, const char *name) {
  return env.getenv ? env.getenv(name) : std::nullopt;
}

// The command word: the first argument that is neither an option nor the
// value of a global option that takes one ("summit --tz UTC ls" -> "ls").
// Searches from argv[first].
std::optional<int> command_word(int argc, const char *const *argv, int first = 1) {
  for (int i = first; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--socket" || arg == "--tz") {
      ++i;
    } else if (arg.empty() || arg.front() != '-') {
      return i;
    }
  }
  return std::nullopt;
}

// summit's commands, as run_parsed declares them. A command missing here
// still works: every command is then declared for it (slower, not wrong).
constexpr std::array<std::string_view, 17> k_commands{
    "add",  "edit",   "list",   "show",  "rm",     "status", "agenda", "cal",    "calendar",
    "sync", "import", "export", "watch", "snooze", "ack",    "missed", "explain"};

bool parsed(const CLI::App *command) { return command != nullptr && command->parsed(); }

const CLI::App *find_command(const CLI::App &app, std::string_view name) {
  for (const CLI::App *command : app.get_subcommands({})) {
    if (command->get_name() == name) {
      return command;
    }
  }
  return nullptr;
}

// The command a mistyped or foreign word most likely means: the words other
// tools use ("ls", "delete"), else the nearest command name by edit distance.
std::optional<std::string> suggested_command(const CLI::App &app, std::string_view word) {
  static const std::map<std::string_view, std::string_view> k_other_tools{
      {"ls", "list"},     {"delete", "rm"},          {"del", "rm"},      {"remove", "rm"},
      {"new", "add"},     {"create", "add"},         {"update", "edit"}, {"change", "edit"},
      {"modify", "edit"}, {"get", "show"},           {"info", "show"},   {"view", "show"},
      {"month", "cal"},   {"calendars", "calendar"}, {"tail", "watch"},  {"follow", "watch"}};
  const std::string lowered = core::text::to_lower(word);
  if (auto known = k_other_tools.find(lowered); known != k_other_tools.end()) {
    return std::string(known->second);
  }
  std::optional<std::string> best;
  std::size_t best_distance = 3; // more edits than this is another word
  for (const CLI::App *command : app.get_subcommands({})) {
    const std::size_t distance = core::text::edit_distance(lowered, command->get_name());
    if (distance < best_distance) {
      best_distance = distance;
      best = command->get_name();
    }
  }
  return best;
}

// CLI11's message for `e` as one line that names the command, says what is
// wrong in summit's words and where to look.
std::string parse_error_line(const CLI::App &app, const CLI::ParseError &e) {
  std::string what = e.what();
  std::replace(what.begin(), what.end(), '\n', ' ');
  const auto parsed = app.get_subcommands();
  if (parsed.empty()) {
    if (what.find("subcommand is required") != std::string::npos) {
      return "give a command, such as `summit list` or `summit add`; `summit --help` lists them";
    }
    return fmt::format("{}; see `summit --help`", what);
  }
  const std::string command = parsed.front()->get_name();
  constexpr std::string_view k_required = " is required";
  if (auto at = what.find(k_required);
      at != std::string::npos && at + k_required.size() == what.size()) {
    const std::string name = what.substr(0, at);
    what = name == "id" ? fmt::format("give the id, such as `summit {} 5`", command)
                        : fmt::format("give the {}", name);
  } else if (constexpr std::string_view k_extra = "The following argument was not expected: ";
             what.rfind(k_extra, 0) == 0) {
    what = fmt::format("unexpected argument '{}'", what.substr(k_extra.size()));
  } else if (constexpr std::string_view k_extras = "The following arguments were not expected: ";
             what.rfind(k_extras, 0) == 0) {
    what = fmt::format("unexpected arguments '{}'", what.substr(k_extras.size()));
  }
  return fmt::format("{}: {}; see `summit {} --help`", command, what, command);
}

int run_parsed(int argc, const char *const *argv, const CommandEnvironment &env, std::ostream &out,
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
                 "$XDG_RUNTIME_DIR/summit/summitd.sock, or /tmp/summit-$UID/summitd.sock "
                 "without XDG_RUNTIME_DIR; the system daemon's /run/summit/summitd.sock when "
                 "only that exists)");
  app.add_flag("--json", json_output, "Print the daemon's objects as JSON (docs/PROTOCOL.md)");
  app.add_option("--tz", tz_flag, "Show times in this IANA zone (default: $TZ, else the system's)");

  // Only the invoked command is declared and given its options: building
  // every command's options and help flag was ~2 M instructions of a
  // 3.8 M-instruction `summit add` (issue 17). The invoked command is the
  // command word, or with `help`, its topic. Every command is declared when
  // that word is not a command (help, suggestions for a mistyped word) or
  // when there is none (`summit --help` lists them all).
  std::string_view invoked;
  if (const auto at = command_word(argc, argv)) {
    invoked = argv[*at];
    if (core::text::to_lower(invoked) == "help") {
      const auto topic = command_word(argc, argv, *at + 1);
      invoked = topic ? std::string_view(argv[*topic]) : std::string_view();
    }
  }
  const bool every_command =
      std::find(k_commands.begin(), k_commands.end(), invoked) == k_commands.end();
  const auto declare = [&](std::string_view name, std::string description) -> CLI::App * {
    if (!every_command && name != invoked) {
      return nullptr;
    }
    return app.add_subcommand(std::string(name), std::move(description));
  };

  EventOptions add_options;
  std::vector<std::string> add_tags;
  std::vector<std::string> add_reminders;
  auto *add = declare("add", "Add an event and print its id");
  if (invoked == "add") {
    add->add_option("title", add_options.title, "What the event is")->required();
    add_event_options(*add, add_options, add_tags, add_reminders, /*edit=*/false);
    add->get_option("--at")->required();
    add->add_option("--request-key", add_options.request_key,
                    "Retry an add safely: the key a previous `summit add` printed when summitd "
                    "did not answer in time (summitd adds the event at most once per key)");
    add->add_option("--calendar", add_options.calendar,
                    "The calendar it goes in (default personal; see `summit calendar list`)");
  }

  EventOptions edit_options;
  std::vector<std::string> edit_tags;
  std::vector<std::string> edit_reminders;
  std::int64_t edit_id = 0;
  OccurrenceOptions occurrence_options;
  auto *edit = declare("edit", "Change an event (only the fields given)");
  if (invoked == "edit") {
    edit->add_option("id", edit_id, "The event's id")->required()->transform(decimal_id());
    edit->add_option("--title", edit_options.title, "A new title");
    add_event_options(*edit, edit_options, edit_tags, edit_reminders, /*edit=*/true);
    auto *occurrence = edit->add_option(
        "--occurrence", occurrence_options.occurrence,
        "Change only the occurrence of a repeating event at WHEN, read in the event's zone "
        "(\"2025-10-31 10:00\", or a date): its --at, --end/--duration, --title, --location, "
        "--description, --status");
    auto *cancel = edit->add_option("--cancel-occurrence", occurrence_options.cancel_occurrence,
                                    "Remove the occurrence at WHEN (in the event's zone)");
    auto *from = edit->add_option(
        "--from-occurrence", occurrence_options.from_occurrence,
        "This and the following: end the series before WHEN and start a new one there with the "
        "changes given");
    occurrence->excludes(cancel)->excludes(from);
    cancel->excludes(from);
  }

  ListOptions list_options;
  auto *list = declare("list", "List events in start order (default: from now on)");
  if (invoked == "list") {
    list->add_option("--from", list_options.from, "From this time (a date means its start)");
    list->add_option("--to", list_options.to, "Up to this time (a date or month is included)");
    list->add_option("--tag", list_options.tag, "Only events with this tag");
    list->add_option("--search", list_options.search,
                     "Only events whose title, location or description has these words");
    list->add_option("--calendar", list_options.calendar, "Only the events of this calendar");
    list->add_option("--limit", list_options.limit, "At most this many events (default 100)")
        ->check(CLI::Range(1, std::numeric_limits<int>::max()));
  }

  std::int64_t show_id = 0;
  auto *show = declare("show", "Show every field of one event");
  if (invoked == "show") {
    show->add_option("id", show_id, "The event's id")->required()->transform(decimal_id());
  }

  std::int64_t rm_id = 0;
  auto *rm = declare("rm", "Remove an event");
  if (invoked == "rm") {
    rm->add_option("id", rm_id, "The event's id")->required()->transform(decimal_id());
  }

  auto *status = declare("status", "Show the daemon's status and reminder counts");

  int agenda_days = 7;
  auto *agenda = declare(
      "agenda", "Show the coming days' events under day headings (repeating events expanded)");
  if (invoked == "agenda") {
    agenda->add_option("--days", agenda_days, "How many days, today first (default 7)")
        ->check(CLI::Range(1, 366));
  }

  std::vector<std::string> cal_words;
  auto *cal =
      declare("cal", "Show a month as a grid, days with events marked, and the month's events");
  if (invoked == "cal") {
    cal->add_option("month", cal_words,
                    "The month: 2025-09, sep, \"sep 2026\", \"next month\", a date (default: this "
                    "month)");
  }

  // Calendars (issue 14; docs/SYNC.md). `cal` stays the month grid.
  auto *calendar = declare(
      "calendar", "Manage calendars: local ones, subscriptions to .ics URLs, CalDAV (two-way)");
  CalendarAddOptions calendar_add_options;
  std::string calendar_rm_name;
  std::optional<std::string> conflicts_name;
  std::int64_t resolve_id = 0;
  bool keep_local = false;
  bool keep_server = false;
  CLI::App *calendar_add = nullptr;
  CLI::App *calendar_list = nullptr;
  CLI::App *calendar_rm = nullptr;
  CLI::App *calendar_conflicts = nullptr;
  CLI::App *calendar_resolve = nullptr;
  if (calendar != nullptr) {
    calendar->require_subcommand(1);
    calendar_add = calendar->add_subcommand(
        "add", "Add a calendar: local, --subscribe URL (read-only, polled), or --caldav URL");
    calendar_list = calendar->add_subcommand(
        "list", "List the calendars: kind, events, last sync, state, URL (--json for all fields)");
    calendar_rm = calendar->add_subcommand("rm", "Remove a calendar and its events (not personal)");
    calendar_conflicts = calendar->add_subcommand(
        "conflicts", "List local CalDAV changes the server refused (someone else changed them)");
    calendar_resolve = calendar->add_subcommand(
        "resolve", "Settle a conflict: keep the local or the server's version");
  }
  if (invoked == "calendar") {
    calendar_add
        ->add_option("name", calendar_add_options.name,
                     "Its name: letters, digits, '-', '_', '.' (at most 64)")
        ->required();
    auto *subscribe = calendar_add->add_option(
        "--subscribe", calendar_add_options.subscribe,
        "Subscribe to a published .ics URL (http, https, webcal = https); its events are "
        "read-only");
    auto *caldav = calendar_add->add_option(
        "--caldav", calendar_add_options.caldav,
        "A CalDAV collection URL, or a server URL (discovery); synced two-way");
    subscribe->excludes(caldav);
    calendar_add->add_option("--collection", calendar_add_options.collection,
                             "With a server URL holding several calendars: which one (its name "
                             "or display name)");
    calendar_add->add_option("--every", calendar_add_options.every,
                             "How often to poll a subscription (default 6h) or sync a CalDAV "
                             "calendar (default 15m); 5m to 30d");
    calendar_add->add_option("--user", calendar_add_options.user, "CalDAV user name");
    calendar_add->add_option("--password-file", calendar_add_options.password_file,
                             "A file holding the CalDAV password (mode 600; never stored or "
                             "printed)");
    calendar_rm->add_option("name", calendar_rm_name, "The calendar's name")->required();
    calendar_conflicts->add_option("name", conflicts_name, "Only this calendar");
    calendar_resolve->add_option("id", resolve_id, "The conflict's id (calendar conflicts)")
        ->required();
    auto *keep_local_flag = calendar_resolve->add_flag(
        "--keep-local", keep_local, "Write the local version back; it is pushed at the next sync");
    auto *keep_server_flag = calendar_resolve->add_flag(
        "--keep-server", keep_server, "Keep the server's version; drop the local one");
    keep_local_flag->excludes(keep_server_flag);
  }

  std::optional<std::string> sync_name;
  bool allow_deletions = false;
  auto *sync = declare(
      "sync", "Fetch subscriptions and sync CalDAV calendars now (all, or NAME); print what "
              "changed");
  if (invoked == "sync") {
    sync->add_option("name", sync_name, "Only this calendar");
    sync->add_flag("--allow-deletions", allow_deletions,
                   "Let this sync of NAME remove what the server no longer lists, past the "
                   "mass-deletion guard");
  }

  ImportOptions import_options;
  auto *import =
      declare("import", "Add or update events from an iCalendar (.ics) file; a UID already in the "
                        "calendar is updated, so importing twice changes nothing");
  if (invoked == "import") {
    import->add_option("file", import_options.file, "The .ics file, or - for standard input")
        ->required();
    import->add_flag("--dry-run", import_options.dry_run,
                     "Say what would be added, updated and skipped; change nothing");
    import->add_option("--request-key", import_options.request_key,
                       "Retry an import safely: the key a previous `summit import` printed when "
                       "summitd did not answer in time");
  }

  ExportOptions export_options;
  auto *export_command = declare(
      "export", "Write events as an iCalendar (.ics) file (default: all of them, to stdout)");
  if (invoked == "export") {
    export_command->add_option("--from", export_options.from, "Events from this time on");
    export_command->add_option("--to", export_options.to,
                               "Events before this time (a date or month is included)");
    export_command->add_option("--tag", export_options.tag, "Only events with this tag");
    export_command->add_option("-o,--output", export_options.output,
                               "Write to FILE (replaced only once the whole calendar is written)");
  }

  WatchOptions watch_options;
  std::vector<std::string> exec_command;
  auto *watch = declare(
      "watch", "Print each reminder as it fires until interrupted (with --json: one JSON object "
               "per line); reconnects when summitd restarts");
  if (invoked == "watch") {
    watch->add_flag("--notify", watch_options.notify,
                    "Also raise a desktop notification (D-Bus session bus)");
    watch->add_flag("--from-now", watch_options.from_now,
                    "Start with reminders that fire from now on, not those that fired since the "
                    "last watch on this socket");
    watch->add_option("--exec", exec_command,
                      "CMD [ARG...]: run CMD for each reminder, no shell, with SUMMIT_* "
                      "environment variables; takes the rest of the command line, so put it "
                      "last");
  }

  std::int64_t snooze_id = 0;
  std::string snooze_duration;
  auto *snooze = declare("snooze", "Fire a fired reminder again after a while");
  if (invoked == "snooze") {
    snooze->add_option("id", snooze_id, "The reminder's id (from watch or missed)")
        ->required()
        ->transform(decimal_id());
    snooze->add_option("duration", snooze_duration, "How long: 15m, 1h, 1d, PT15M")->required();
  }

  std::int64_t ack_id = 0;
  auto *ack = declare("ack", "Acknowledge a fired or missed reminder");
  if (invoked == "ack") {
    ack->add_option("id", ack_id, "The reminder's id")->required()->transform(decimal_id());
  }

  int missed_limit = 100;
  auto *missed = declare(
      "missed", "List reminders that fell due while summitd was down, past the grace period");
  if (invoked == "missed") {
    missed->add_option("--limit", missed_limit, "At most this many (default 100)")
        ->check(CLI::Range(1, 10000));
  }

  std::int64_t explain_id = 0;
  auto *explain = declare(
      "explain", "Show when an event's reminders fire, in your zone and the event's, and the "
                 "zone changes before then");
  if (invoked == "explain") {
    explain->add_option("id", explain_id, "The event's id")->required()->transform(decimal_id());
  }

  if (const auto at = command_word(argc, argv); at && find_command(app, argv[*at]) == nullptr) {
    const std::string word = argv[*at];
    if (core::text::to_lower(word) == "help") {
      // "summit help" and "summit help add", as git and apt answer them.
      const auto topic = command_word(argc, argv, *at + 1);
      const CLI::App *command = topic ? find_command(app, argv[*topic]) : nullptr;
      if (topic && command == nullptr) {
        const auto suggestion = suggested_command(app, argv[*topic]);
        err << "summit: help: unknown command '" << core::text::escape_controls(argv[*topic]) << "'"
            << (suggestion ? " (did you mean " + *suggestion + "?)" : std::string())
            << "; `summit --help` lists the commands\n";
        return k_exit_usage;
      }
      out << (command != nullptr ? command->help() : app.help());
      return k_exit_ok;
    }
    const auto suggestion = suggested_command(app, word);
    err << "summit: unknown command '" << core::text::escape_controls(word) << "'"
        << (suggestion ? " (did you mean " + *suggestion + "?)" : std::string())
        << "; `summit --help` lists the commands\n";
    return k_exit_usage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    if (e.get_exit_code() == 0) {
      return app.exit(e, out, err) == 0 ? k_exit_ok : k_exit_usage; // --help, --version
    }
    err << "summit: " << core::text::escape_controls(parse_error_line(app, e)) << "\n";
    return k_exit_usage;
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
  if (parsed(add)) {
    take_list(add_options, *add, add_tags, add_reminders);
  }
  if (parsed(edit)) {
    take_list(edit_options, *edit, edit_tags, edit_reminders);
  }

  auto viewer = choose_viewer_zone(tz_flag, env_value(env, "TZ"), env.system_zone);
  if (!viewer) {
    err << "summit: --tz: " << viewer.error().message << "\n";
    return k_exit_usage;
  }
  if (!viewer->note.empty()) {
    err << "summit: " << viewer->note << "\n";
  }
  // Floating events are shown at their own wall time, whatever the zone.
  core::set_floating_zone(viewer->zone);
  const std::string socket_path =
      resolve_socket_path(SocketPathInputs{socket_flag, env_value(env, "SUMMIT_SOCKET"),
                                           env_value(env, "XDG_RUNTIME_DIR"), env.uid, env.exists});
  if (parsed(watch)) {
    watch_options.json = json_output;
    if (exec_split) {
      watch_options.exec = exec_split->command;
    } else if (!exec_command.empty()) {
      watch_options.exec = exec_command; // only reached when the split above missed it
    }
    watch_options.cursor_file =
        watch_cursor_file(socket_path, env_value(env, "XDG_STATE_HOME"), env_value(env, "HOME"));
    return run_watch(watch_options, socket_path, viewer->zone, out, err);
  }
  DaemonClient client(socket_path);
  // SUMMIT_TIMEOUT: how long to wait for each reply, in seconds (default 30).
  if (const auto timeout = env_value(env, "SUMMIT_TIMEOUT")) {
    const auto parsed = parse_timeout(*timeout);
    if (!parsed) {
      err << "summit: SUMMIT_TIMEOUT=" << *timeout
          << " is not a number of seconds between 0.001 and 86400 (such as 30 or 0.5)\n";
      return k_exit_usage;
    }
    client.set_timeout(*parsed);
  }
  // Every command shows times in the viewer's zone. find_zone has read its
  // one file already; a zone from elsewhere is read here (core::load_rules),
  // while the daemon works.
  client.set_while_waiting([zone = viewer->zone] { core::load_rules(zone); });
  CommandSession session(env, out, err, client, viewer->zone, tz_flag, json_output);
  session.said_already(viewer->note);
  if (parsed(add)) {
    return add_event(session, add_options);
  }
  if (parsed(edit)) {
    return edit_event(session, edit_id, edit_options, occurrence_options);
  }
  if (parsed(list)) {
    return list_events(session, list_options);
  }
  if (parsed(show)) {
    return show_event(session, show_id);
  }
  if (parsed(rm)) {
    return remove_event(session, rm_id);
  }
  if (parsed(status)) {
    return show_status(session);
  }
  if (parsed(agenda)) {
    return show_agenda(session, agenda_days);
  }
  if (parsed(cal)) {
    std::optional<std::string> month;
    for (const std::string &word : cal_words) {
      month = month ? *month + " " + word : word;
    }
    return show_month(session, month);
  }
  if (parsed(calendar_add)) {
    return add_calendar(session, calendar_add_options);
  }
  if (parsed(calendar_list)) {
    return list_calendars(session);
  }
  if (parsed(calendar_rm)) {
    return remove_calendar(session, calendar_rm_name);
  }
  if (parsed(calendar_conflicts)) {
    return list_conflicts(session, conflicts_name);
  }
  if (parsed(calendar_resolve)) {
    if (!keep_local && !keep_server) {
      return session.usage("say which version to keep: --keep-local or --keep-server");
    }
    return resolve_conflict(session, resolve_id, keep_local ? "local" : "server");
  }
  if (parsed(sync)) {
    return sync_calendars(session, sync_name, allow_deletions);
  }
  if (parsed(import)) {
    return import_calendar(session, import_options);
  }
  if (parsed(export_command)) {
    return export_calendar(session, export_options);
  }
  if (parsed(snooze)) {
    return snooze_reminder(session, snooze_id, snooze_duration);
  }
  if (parsed(ack)) {
    return ack_reminder(session, ack_id);
  }
  if (parsed(missed)) {
    return list_missed(session, missed_limit);
  }
  if (parsed(explain)) {
    return explain_event(session, explain_id);
  }
  err << app.help();
  return k_exit_usage;
}

} // namespace

int run(int argc, const char *const *argv, const CommandEnvironment &env, std::ostream &out,
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
