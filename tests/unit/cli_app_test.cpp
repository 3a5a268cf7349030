#include "cli/app.hpp"
#include "cli/client/socket_path.hpp"
#include "cli/commands/watch.hpp"
#include "cli_test_support.hpp"
#include "core/event_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace summit::cli;
using namespace date::literals;
using namespace std::chrono_literals;
using nlohmann::json;
using testing::HasSubstr;
using namespace summit::cli::test_support;

TEST(App, add_infers_the_zone_from_the_location_says_so_and_prints_the_id) {
  FakeDaemon daemon([](const json &) {
    return json{
        {"result",
         {{"event", summit::core::event_to_json(minsk_meeting())}, {"notes", json::array()}}}};
  });
  auto outcome = run_summit({"add", "Council of Heads of Government of the CIS", "--at",
                             "2025-09-26 10:00", "--location", "Minsk, Belarus", "--remind", "7d"},
                            daemon.path());
  EXPECT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_THAT(outcome.err, HasSubstr("summit: using time zone Europe/Minsk ("));
  EXPECT_EQ(outcome.out, "Added event 2: Council of Heads of Government of the CIS, "
                         "Fri 26 Sep 2025 07:00  (10:00 Europe/Minsk)\n");
  ASSERT_EQ(daemon.requests().size(), 1U);
  const json &request = daemon.requests()[0];
  EXPECT_EQ(request["method"], "event.add");
  EXPECT_EQ(request["params"]["tz"], "Europe/Minsk");
  EXPECT_EQ(request["params"]["start"], "2025-09-26T10:00:00");
  EXPECT_EQ(request["params"]["reminders"], (json{"P7D"}));
}

TEST(App, add_sends_a_fresh_request_key_each_run_and_reuses_a_given_one) {
  // A fake daemon serves one connection: one per run.
  const auto request_of = [](const std::vector<std::string> &args) {
    FakeDaemon daemon([](const json &) {
      return json{
          {"result",
           {{"event", summit::core::event_to_json(minsk_meeting())}, {"notes", json::array()}}}};
    });
    EXPECT_EQ(run_summit(args, daemon.path()).code, k_exit_ok);
    EXPECT_EQ(daemon.requests().size(), 1U);
    return daemon.requests().empty() ? json() : daemon.requests()[0];
  };
  const std::vector<std::string> add{"add", "x", "--at", "2025-09-26 10:00", "--tz", "UTC"};
  const std::string first = request_of(add)["params"].value("request_key", "");
  const std::string second = request_of(add)["params"].value("request_key", "");
  std::vector<std::string> with_key = add;
  with_key.insert(with_key.end(), {"--request-key", "dentist-1"});
  EXPECT_EQ(request_of(with_key)["params"]["request_key"], "dentist-1");
  EXPECT_THAT(first, testing::MatchesRegex("[0-9a-f]{32}"));
  EXPECT_THAT(second, testing::MatchesRegex("[0-9a-f]{32}"));
  EXPECT_NE(first, second);

  with_key.back() = "no spaces allowed";
  const auto bad = run_summit(with_key, k_no_socket);
  EXPECT_EQ(bad.code, k_exit_usage);
  EXPECT_THAT(bad.err, HasSubstr("--request-key"));
}

TEST(App, daemon_notes_go_to_stderr) {
  FakeDaemon daemon([](const json &) {
    return json{{"result",
                 {{"event", summit::core::event_to_json(minsk_meeting())},
                  {"notes", {"02:30 does not exist on 2025-03-30; moved to 03:30"}}}}};
  });
  auto outcome =
      run_summit({"add", "x", "--at", "2025-09-26 10:00", "--tz", "Europe/Minsk"}, daemon.path());
  EXPECT_EQ(outcome.code, k_exit_ok);
  EXPECT_THAT(outcome.err, HasSubstr("summit: 02:30 does not exist"));
}

TEST(App, refusal_prints_the_daemons_message_and_exits_1) {
  FakeDaemon daemon([](const json &) {
    return json{{"error", {{"code", -32001}, {"message", "no event with id 9"}}}};
  });
  auto outcome = run_summit({"show", "9"}, daemon.path());
  EXPECT_EQ(outcome.code, k_exit_refused);
  EXPECT_EQ(outcome.err, "summit: no event with id 9\n");
}

TEST(App, edit_reads_the_event_then_sends_the_change_in_its_zone) {
  FakeDaemon daemon([](const json &) {
    return json{
        {"result",
         {{"event", summit::core::event_to_json(minsk_meeting())}, {"notes", json::array()}}}};
  });
  auto outcome = run_summit({"edit", "2", "--at", "2025-09-26 11:00"}, daemon.path());
  EXPECT_EQ(outcome.code, k_exit_ok) << outcome.err;
  ASSERT_EQ(daemon.requests().size(), 2U);
  EXPECT_EQ(daemon.requests()[0]["method"], "event.get");
  EXPECT_EQ(daemon.requests()[1]["method"], "event.update");
  EXPECT_EQ(daemon.requests()[1]["params"],
            (json{{"id", 2}, {"start", "2025-09-26T11:00:00"}, {"tz", "Europe/Minsk"}}));
}

TEST(App, json_list_prints_the_events_array) {
  const json event = summit::core::event_to_json(minsk_meeting());
  FakeDaemon daemon([&](const json &) {
    return json{{"result", {{"events", {event}}, {"more", false}}}};
  });
  auto outcome =
      run_summit({"--json", "list", "--from", "2025-01-01", "--tag", "cis"}, daemon.path());
  EXPECT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_EQ(json::parse(outcome.out), json::array({event}));
  EXPECT_EQ(
      daemon.requests()[0]["params"],
      (json{{"from", "2025-01-01T00:00:00Z"}, {"tag", "cis"}, {"tz", "UTC"}, {"limit", 100}}));
}

TEST(App, unreachable_daemon_exits_3_naming_the_socket_and_how_to_start_it) {
  auto outcome = run_summit({"status"}, k_no_socket);
  EXPECT_EQ(outcome.code, k_exit_unreachable);
  EXPECT_THAT(outcome.err, HasSubstr(k_no_socket));
  EXPECT_THAT(outcome.err, HasSubstr("systemctl --user start summitd"));
}

TEST(App, bad_input_is_a_usage_error_before_any_connection) {
  for (const std::vector<std::string> &args : std::vector<std::vector<std::string>>{
           {"add", "x", "--at", "2025-02-30"},
           {"add", "x", "--at", "25:00"},
           {"add", "x", "--at", "2025-09-26 10:00", "--tz", "Europe/Minks"},
           {"add", "x"},
           {"show", "abc"},
           {"frobnicate"},
           {}}) {
    auto outcome = run_summit(args, k_no_socket);
    EXPECT_EQ(outcome.code, k_exit_usage) << testing::PrintToString(args) << outcome.err;
  }
  auto outcome =
      run_summit({"add", "x", "--at", "2025-09-26 10:00", "--tz", "Europe/Minks"}, k_no_socket);
  EXPECT_THAT(outcome.err, HasSubstr("did you mean Europe/Minsk"));
}

TEST(App, help_exits_0) {
  auto outcome = run_summit({"--help"}, k_no_socket);
  EXPECT_EQ(outcome.code, k_exit_ok);
  EXPECT_THAT(outcome.out, HasSubstr("add"));
}

TEST(App, watch_prints_each_reminder_once_keeps_its_place_and_exits_0_on_sigterm) {
  const pthread_t watcher = ::pthread_self();
  std::string state = (std::filesystem::temp_directory_path() / "summit-state-XXXXXX").string();
  ASSERT_NE(::mkdtemp(state.data()), nullptr);
  const json fired{{"reminder_id", 12},
                   {"firing_id", 30},
                   {"event_id", 2},
                   {"title", "Council of Heads of Government of the CIS"},
                   {"start", "2025-09-26T10:00:00+03:00"},
                   {"start_utc", "2025-09-26T07:00:00Z"},
                   {"tz", "Europe/Minsk"},
                   {"location", "Minsk, Belarus"},
                   {"reminder", "P1D"},
                   {"due", "2025-09-25T07:00:00Z"},
                   {"fired_at", "2025-09-25T07:00:02Z"},
                   {"late_seconds", 2},
                   {"late", false},
                   {"redelivery", false}};
  json next = fired;
  next["reminder_id"] = 13;
  next["firing_id"] = 31;
  std::optional<std::string> cursor_file;
  FakeDaemon daemon(
      [](const json &) {
        return json{{"result", {{"subscribed", true}, {"cursor", 29}, {"latest", 29}}}};
      },
      [&](int fd, const json &request) {
        EXPECT_EQ(request["method"], "reminder.subscribe");
        EXPECT_FALSE(request["params"].contains("after")) << "no place kept yet";
        json redelivered = fired;
        redelivered["redelivery"] = true;
        std::string lines;
        for (const json &params : {fired, redelivered, next}) {
          lines +=
              json{{"jsonrpc", "2.0"}, {"method", "reminder.fired"}, {"params", params}}.dump() +
              "\n";
        }
        EXPECT_EQ(::write(fd, lines.data(), lines.size()), static_cast<ssize_t>(lines.size()));
        // The watch keeps its place once it has shown a firing: when the
        // last one is kept, all three lines were handled, in order.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
        while (std::chrono::steady_clock::now() < deadline) {
          if (cursor_file) {
            std::ifstream in(*cursor_file);
            std::string text;
            std::getline(in, text);
            if (text == "00000000000000000031") {
              break;
            }
          }
          std::this_thread::sleep_for(10ms);
        }
        ::pthread_kill(watcher, SIGTERM);
      });
  cursor_file = summit::cli::watch_cursor_file(daemon.path(), state, std::nullopt);
  ASSERT_TRUE(cursor_file);
  RunContext context;
  context.vars["XDG_STATE_HOME"] = state;
  auto outcome = run_summit({"watch", "--json"}, daemon.path(), context);
  EXPECT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_EQ(outcome.out, fired.dump() + "\n" + next.dump() + "\n");
  EXPECT_THAT(outcome.err, HasSubstr("reminder 12 was delivered again"));
  std::filesystem::remove_all(state);
}

TEST(App, watch_against_a_daemon_without_reminder_subscribe_exits_1_saying_so) {
  FakeDaemon daemon([](const json &) {
    return json{{"error", {{"code", -32601}, {"message", "unknown method 'reminder.subscribe'"}}}};
  });
  auto outcome = run_summit({"watch"}, daemon.path());
  EXPECT_EQ(outcome.code, k_exit_refused);
  EXPECT_THAT(outcome.err, HasSubstr("too old for `summit watch`"));
}

TEST(App, watch_with_no_daemon_exits_3) {
  auto outcome = run_summit({"watch"}, k_no_socket);
  EXPECT_EQ(outcome.code, k_exit_unreachable);
  EXPECT_THAT(outcome.err, HasSubstr(k_no_socket));
}

TEST(App, watch_exec_needs_a_command) {
  auto outcome = run_summit({"watch", "--exec"}, k_no_socket);
  EXPECT_EQ(outcome.code, k_exit_usage);
  EXPECT_THAT(outcome.err, HasSubstr("--exec needs a command"));
}

TEST(App, snooze_checks_the_duration_sends_it_and_says_when_it_fires_again) {
  FakeDaemon daemon([](const json &) {
    return json{{"result", {{"reminder_id", 5}, {"due", "2025-09-01T12:15:00Z"}}}};
  });
  auto outcome = run_summit({"--tz", "Europe/Minsk", "snooze", "3", "15m"}, daemon.path());
  EXPECT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_EQ(outcome.out,
            "Snoozed reminder 3: it fires again at Mon 1 Sep 2025 15:15 as reminder 5\n");
  ASSERT_EQ(daemon.requests().size(), 1U);
  EXPECT_EQ(daemon.requests()[0]["method"], "reminder.snooze");
  EXPECT_EQ(daemon.requests()[0]["params"], (json{{"reminder_id", 3}, {"duration", "15m"}}));

  auto bad = run_summit({"snooze", "3", "soon"}, k_no_socket);
  EXPECT_EQ(bad.code, k_exit_usage);
  EXPECT_THAT(bad.err, HasSubstr("DURATION"));
}

TEST(App, snoozing_an_unfired_reminder_prints_the_daemons_conflict) {
  FakeDaemon daemon([](const json &) {
    return json{{"error", {{"code", -32003}, {"message", "reminder 3 has not fired yet"}}}};
  });
  auto outcome = run_summit({"snooze", "3", "15m"}, daemon.path());
  EXPECT_EQ(outcome.code, k_exit_refused);
  EXPECT_EQ(outcome.err, "summit: reminder 3 has not fired yet\n");
}

TEST(App, ack_prints_what_the_daemon_acknowledged) {
  FakeDaemon daemon([](const json &) { return json{{"result", {{"acked", 3}}}}; });
  auto acked = run_summit({"ack", "3"}, daemon.path());
  EXPECT_EQ(acked.code, k_exit_ok) << acked.err;
  EXPECT_EQ(acked.out, "Acknowledged reminder 3\n");
}

TEST(App, missed_sends_the_limit_and_prints_the_table) {
  FakeDaemon daemon([](const json &) { return json{{"result", {{"missed", json::array()}}}}; });
  auto outcome = run_summit({"missed", "--limit", "5"}, daemon.path());
  EXPECT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_EQ(outcome.out, "No missed reminders.\n");
  ASSERT_EQ(daemon.requests().size(), 1U);
  EXPECT_EQ(daemon.requests()[0]["params"], (json{{"limit", 5}}));
}

TEST(App, status_shows_reminder_counts_and_the_next_one_in_the_viewers_zone) {
  FakeDaemon daemon([](const json &) {
    return json{{"result",
                 {{"version", "0.1.0"},
                  {"reminders",
                   {{"pending", 2},
                    {"fired", 5},
                    {"late", 1},
                    {"missed", 0},
                    {"undelivered", 0},
                    {"next_due", "2025-09-25T07:00:00Z"},
                    {"next_event_id", 2}}}}}};
  });
  auto outcome = run_summit({"--tz", "Europe/Minsk", "status"}, daemon.path());
  EXPECT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_THAT(outcome.out, HasSubstr("reminders:      2 pending, 5 fired (1 late), 0 missed, 0 "
                                     "undelivered\n"));
  EXPECT_THAT(outcome.out, HasSubstr("next reminder:  Thu 25 Sep 2025 10:00 +03 (event 2)\n"));
}

TEST(App, add_with_repeat_sends_the_rule_as_typed_and_says_how_it_repeats) {
  FakeDaemon daemon([](const json &) {
    return result_of(
        {{"event", summit::core::event_to_json(weekly_working_group())}, {"notes", json::array()}});
  });
  auto outcome = run_summit({"add", "CIS working group", "--at", "2025-10-03 10:00", "--duration",
                             "1h", "--tz", "Europe/Minsk", "--repeat", "weekly until 2027-12-31"},
                            daemon.path());
  ASSERT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_EQ(daemon.requests()[0]["params"]["repeat"], "weekly until 2027-12-31");
  EXPECT_EQ(outcome.out, "Added event 5: CIS working group, Fri 3 Oct 2025 07:00–08:00  "
                         "(10:00–11:00 Europe/Minsk) ↻ every week on Friday\n");
}

TEST(App, edit_no_repeat_sends_null_and_list_marks_every_occurrence) {
  {
    FakeDaemon daemon([](const json &request) {
      const summit::core::Event series = weekly_working_group();
      return request["method"] == "event.get"
                 ? result_of({{"event", summit::core::event_to_json(series)}})
                 : result_of({{"event", summit::core::event_to_json(minsk_meeting())},
                              {"notes", json::array()}});
    });
    auto outcome = run_summit({"edit", "5", "--no-repeat"}, daemon.path());
    ASSERT_EQ(outcome.code, k_exit_ok) << outcome.err;
    EXPECT_EQ(daemon.requests()[1]["params"],
              (json{{"id", 5}, {"repeat", nullptr}, {"tz", "Europe/Minsk"}}));
  }
  const summit::core::Event series = weekly_working_group();
  FakeDaemon daemon([&](const json &) {
    return result_of({{"events",
                       {summit::core::event_to_json(weekly_occurrence(series, 0)),
                        summit::core::event_to_json(weekly_occurrence(series, 1))}},
                      {"more", false}});
  });
  auto listed = run_summit({"--tz", "Europe/Minsk", "list"}, daemon.path());
  ASSERT_EQ(listed.code, k_exit_ok) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("5   Fri 3 Oct 2025 10:00–11:00   CIS working group ↻"));
  EXPECT_THAT(listed.out, HasSubstr("5   Fri 10 Oct 2025 10:00–11:00  CIS working group ↻"));
}

// ---- issue 15: a CLI that answers like a good one ----

TEST(App, an_unknown_command_is_one_line_with_a_suggestion) {
  const std::map<std::string, std::string> expected{
      {"ls", "summit: unknown command 'ls' (did you mean list?); `summit --help` lists the "
             "commands\n"},
      {"delete", "summit: unknown command 'delete' (did you mean rm?); `summit --help` lists "
                 "the commands\n"},
      {"lsit", "summit: unknown command 'lsit' (did you mean list?); `summit --help` lists the "
               "commands\n"},
      {"frobnicate", "summit: unknown command 'frobnicate'; `summit --help` lists the "
                     "commands\n"}};
  for (const auto &[word, message] : expected) {
    auto outcome = run_summit({"--tz", "UTC", word, "5"}, k_no_socket);
    EXPECT_EQ(outcome.code, k_exit_usage);
    EXPECT_EQ(outcome.err, message);
    EXPECT_EQ(outcome.out, "");
  }
}

TEST(App, help_as_a_command_prints_the_help_of_summit_or_of_a_command) {
  auto all = run_summit({"help"}, k_no_socket);
  EXPECT_EQ(all.code, k_exit_ok);
  EXPECT_THAT(all.out, HasSubstr("Usage: summit"));
  auto add = run_summit({"help", "add"}, k_no_socket);
  EXPECT_EQ(add.code, k_exit_ok);
  EXPECT_THAT(add.out, HasSubstr("--remind"));
}

TEST(App, every_parser_error_is_one_line_with_the_prefix_and_where_to_look) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{},
       "summit: give a command, such as `summit list` or `summit add`; `summit --help` "
       "lists them\n"},
      {{"edit"}, "summit: edit: give the id, such as `summit edit 5`; see `summit edit --help`\n"},
      {{"list", "extra"}, "summit: list: unexpected argument 'extra'; see `summit list --help`\n"},
  };
  for (const auto &[args, message] : cases) {
    auto outcome = run_summit(args, k_no_socket);
    EXPECT_EQ(outcome.code, k_exit_usage);
    EXPECT_EQ(outcome.err, message);
  }
  auto bad_limit = run_summit({"list", "--limit", "x"}, k_no_socket);
  EXPECT_EQ(bad_limit.code, k_exit_usage);
  EXPECT_THAT(bad_limit.err, testing::StartsWith("summit: list: --limit: "));
  EXPECT_EQ(std::count(bad_limit.err.begin(), bad_limit.err.end(), '\n'), 1);
}

TEST(App, a_missing_socket_names_the_unit_for_its_mode) {
  auto user = run_summit({"status"}, k_no_socket);
  EXPECT_THAT(user.err, HasSubstr("no summitd is running there; start it with `summitd` or "
                                  "`systemctl --user start summitd`"));
  SocketAccess missing;
  missing.error_number = ENOENT;
  EXPECT_EQ(unreachable_advice(k_system_socket, missing),
            "no summitd is running there; start it with `sudo systemctl start summitd` "
            "(`systemctl status summitd` says why it stopped)");
}

TEST(App, permission_denied_names_the_group_to_join_or_says_to_log_in_again) {
  SocketAccess access;
  access.error_number = EACCES;
  access.group = "summit";
  access.user = "alice";
  EXPECT_EQ(unreachable_advice(k_system_socket, access),
            "summitd is for members of group 'summit'; join it with `sudo usermod -aG summit "
            "alice`, then log in again");
  access.listed_in_group = true;
  EXPECT_EQ(unreachable_advice(k_system_socket, access),
            "you joined group 'summit' after this session began: log in again (or run `newgrp "
            "summit`)");
}

TEST(App, edit_with_a_time_alone_keeps_the_events_day) {
  FakeDaemon daemon([](const json &) {
    summit::core::Event event = minsk_meeting(); // Fri 26 Sep 2025 10:00 Minsk
    event.start_local = date::local_days{2028_y / 9 / 26} + 10h;
    event.end_local = event.start_local;
    event.start_utc = date::sys_days{2028_y / 9 / 26} + 7h;
    event.end_utc = event.start_utc;
    return json{{"result", {{"event", summit::core::event_to_json(event)}}}};
  });
  RunContext context;
  context.now = date::sys_days{2026_y / 12 / 7} + 12h;
  auto outcome = run_summit({"edit", "2", "--at", "11:00"}, daemon.path(), context);
  EXPECT_EQ(outcome.code, k_exit_ok) << outcome.err;
  ASSERT_EQ(daemon.requests().size(), 2U);
  EXPECT_EQ(daemon.requests()[1]["params"]["start"], "2028-09-26T11:00:00");
}

// One run per fake daemon: it serves one connection.
Outcome edit_with(const std::vector<std::string> &args, json *sent = nullptr) {
  FakeDaemon daemon([](const json &) {
    summit::core::Event event = minsk_meeting();
    event.tags = {"cis", "minsk"};
    event.reminders = {summit::core::Reminder{24h, std::nullopt}};
    return json{{"result", {{"event", summit::core::event_to_json(event)}}}};
  });
  Outcome outcome = run_summit(args, daemon.path());
  if (sent != nullptr && daemon.requests().size() == 2) {
    *sent = daemon.requests()[1]["params"];
  }
  return outcome;
}

TEST(App, edit_tag_lists_one_at_a_time_and_says_what_replace_drops) {
  json sent;
  auto added = edit_with({"edit", "2", "--add-tag", "un", "--rm-tag", "minsk", "--add-remind", "1h",
                          "--rm-remind", "1d"},
                         &sent);
  EXPECT_EQ(added.code, k_exit_ok) << added.err;
  EXPECT_EQ(sent["tags"], (json{"cis", "un"}));
  EXPECT_EQ(sent["reminders"], (json{"PT1H"}));

  auto missing = edit_with({"edit", "2", "--rm-tag", "nope"});
  EXPECT_EQ(missing.code, k_exit_usage);
  EXPECT_EQ(missing.err, "summit: --rm-tag: event 2 has no tag 'nope' (its tags: cis, minsk)\n");

  auto both = edit_with({"edit", "2", "--tag", "x", "--add-tag", "y"});
  EXPECT_EQ(both.code, k_exit_usage);
  EXPECT_THAT(both.err, HasSubstr("give --tag/--no-tags (they replace every tag) or "
                                  "--add-tag/--rm-tag, not both"));

  auto replaced = edit_with({"edit", "2", "--tag", "cis"});
  EXPECT_EQ(replaced.code, k_exit_ok) << replaced.err;
  EXPECT_THAT(replaced.err, HasSubstr("summit: --tag replaces every tag of event 2: minsk "
                                      "removed; --add-tag adds one and keeps the others"));
}

TEST(App, list_says_how_many_earlier_events_it_hides_and_how_to_see_them) {
  FakeDaemon daemon([](const json &request) {
    if (request["method"] == "daemon.status") {
      return json{{"result", {{"events", 3}}}};
    }
    return json{{"result",
                 {{"events", json::array({summit::core::event_to_json(minsk_meeting())})},
                  {"series", json::object()},
                  {"more", false},
                  {"next", nullptr}}}};
  });
  auto outcome = run_summit({"list"}, daemon.path());
  EXPECT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_EQ(outcome.err,
            "summit: 2 earlier events are not shown; `summit list --from 1970-01-01` lists them\n");
  // A range the user chose says nothing of what lies outside it.
  EXPECT_EQ(daemon.requests().size(), 2U);
}

// From a hostile trial of issue 15's CLI.

TEST(App, an_id_is_decimal_whatever_its_leading_zeros_and_nothing_else_is_an_id) {
  FakeDaemon daemon([](const json &) {
    return json{{"result", {{"event", summit::core::event_to_json(minsk_meeting())}}}};
  });
  auto shown = run_summit({"--json", "show", "010"}, daemon.path());
  EXPECT_EQ(shown.code, k_exit_ok) << shown.err;
  ASSERT_EQ(daemon.requests().size(), 1U);
  EXPECT_EQ(daemon.requests()[0]["params"]["id"], 10); // never octal 8
  for (const char *bad : {"0x10", "0", "-1", "abc", "99999999999999999999", "1e3"}) {
    auto refused = run_summit({"rm", bad}, k_no_socket);
    EXPECT_EQ(refused.code, k_exit_usage) << bad;
    EXPECT_THAT(refused.err, HasSubstr("is not an id; give the number summit printed, such as 12"))
        << bad;
    EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
  }
}

TEST(App, help_for_an_unknown_command_is_refused_and_a_missing_title_asked_for) {
  auto help = run_summit({"help", "lsit"}, k_no_socket);
  EXPECT_EQ(help.code, k_exit_usage);
  EXPECT_EQ(help.err, "summit: help: unknown command 'lsit' (did you mean list?); `summit "
                      "--help` lists the commands\n");
  auto add = run_summit({"add"}, k_no_socket);
  EXPECT_EQ(add.code, k_exit_usage);
  EXPECT_THAT(add.err, HasSubstr("summit: add: give the title"));
  EXPECT_EQ(add.err.find("summit add 5"), std::string::npos) << add.err;
}

TEST(App, a_time_alone_cannot_pick_the_day_of_a_month_event) {
  FakeDaemon daemon([](const json &) {
    summit::core::Event month = minsk_meeting();
    month.id = 1;
    month.precision = summit::core::Precision::month;
    month.start_local = date::local_days{2025_y / date::September / 1};
    month.end_local = date::local_days{2025_y / date::October / 1};
    month.start_utc = date::sys_days{2025_y / date::August / 31} + 21h;
    month.end_utc = date::sys_days{2025_y / date::September / 30} + 21h;
    month.has_end = true;
    return json{{"result", {{"event", summit::core::event_to_json(month)}}}};
  });
  auto outcome = run_summit({"edit", "1", "--at", "11:00"}, daemon.path());
  EXPECT_EQ(outcome.code, k_exit_usage);
  EXPECT_EQ(outcome.err, "summit: --at: the day of event 1 is not known yet (Sep 2025 (date "
                         "TBA)); give the day too, such as --at \"2025-09-01 11:00\"\n");
  EXPECT_EQ(daemon.requests().size(), 1U); // the read, and no change
}

TEST(App, text_that_is_not_utf8_is_refused_naming_the_option_and_byte) {
  auto outcome =
      run_summit({"add", "x", "--at", "2025-09-26 10:00", "--location", "Mi\xffnsk"}, k_no_socket);
  EXPECT_EQ(outcome.code, k_exit_usage);
  EXPECT_EQ(outcome.err, "summit: --location: byte 3 (0xff) is not UTF-8; give the text in "
                         "UTF-8 (iconv -t UTF-8 converts it)\n");
}

TEST(App, a_socket_path_that_is_a_folder_or_too_long_says_so) {
  SocketAccess folder;
  folder.error_number = ECONNREFUSED;
  folder.not_a_socket = "a folder";
  EXPECT_EQ(unreachable_advice("/tmp", folder),
            "/tmp is a folder, not summitd's socket; check --socket and SUMMIT_SOCKET");
  auto outcome = run_summit({"status"}, "/tmp");
  EXPECT_EQ(outcome.code, k_exit_unreachable);
  EXPECT_THAT(outcome.err, HasSubstr("/tmp is a folder, not summitd's socket"));
  auto too_long = run_summit({"status"}, "/tmp/" + std::string(200, 'x'));
  EXPECT_THAT(too_long.err, HasSubstr("a Unix socket path is at most 107 bytes"));
}
