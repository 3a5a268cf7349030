#include "cli/app.hpp"
#include "core/event_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace summit::cli;
using namespace date::literals;
using namespace std::chrono_literals;
using nlohmann::json;
using testing::HasSubstr;

namespace {

// A stand-in for summitd on a temporary socket: answers each request line
// with handler(request), and remembers the requests.
class FakeDaemon {
public:
  using Handler = std::function<json(const json &request)>;
  // Runs after each reply is written, with the connection: lets a test push
  // notifications the way a subscribed summitd does.
  using AfterReply = std::function<void(int fd, const json &request)>;

  explicit FakeDaemon(Handler handler, AfterReply after = {})
      : m_handler(std::move(handler)), m_after(std::move(after)) {
    char pattern[] = "/tmp/summit-cli-test-XXXXXX";
    m_dir = ::mkdtemp(pattern);
    m_path = m_dir + "/d.sock";
    m_listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, m_path.c_str(), sizeof(address.sun_path) - 1);
    EXPECT_EQ(::bind(m_listener, reinterpret_cast<sockaddr *>(&address), sizeof(address)), 0);
    EXPECT_EQ(::listen(m_listener, 4), 0);
    m_thread = std::thread([this] { serve(); });
  }

  ~FakeDaemon() {
    ::shutdown(m_listener, SHUT_RDWR);
    m_thread.join();
    ::close(m_listener);
    std::filesystem::remove_all(m_dir);
  }

  const std::string &path() const { return m_path; }
  // Only read after the client has finished (run() returned).
  const std::vector<json> &requests() const { return m_requests; }

private:
  void serve() {
    const int fd = ::accept(m_listener, nullptr, nullptr);
    if (fd < 0) {
      return;
    }
    std::string buffer;
    char chunk[4096];
    for (;;) {
      const ssize_t got = ::read(fd, chunk, sizeof(chunk));
      if (got <= 0) {
        break;
      }
      buffer.append(chunk, static_cast<std::size_t>(got));
      for (auto nl = buffer.find('\n'); nl != std::string::npos; nl = buffer.find('\n')) {
        const json request = json::parse(buffer.substr(0, nl));
        buffer.erase(0, nl + 1);
        m_requests.push_back(request);
        json reply = m_handler(request);
        reply["jsonrpc"] = "2.0";
        reply["id"] = request["id"];
        const std::string line = reply.dump() + "\n";
        EXPECT_EQ(::write(fd, line.data(), line.size()), static_cast<ssize_t>(line.size()));
        if (m_after) {
          m_after(fd, request);
        }
      }
    }
    ::close(fd);
  }

  Handler m_handler;
  AfterReply m_after;
  std::string m_dir;
  std::string m_path;
  int m_listener = -1;
  std::thread m_thread;
  std::vector<json> m_requests;
};

summit::core::Event minsk_meeting() {
  summit::core::Event event;
  event.id = 2;
  event.uid = "x@summit";
  event.title = "Council of Heads of Government of the CIS";
  event.tz = "Europe/Minsk";
  event.start_local = date::local_days{2025_y / date::September / 26} + 10h;
  event.end_local = event.start_local;
  event.start_utc = date::sys_days{2025_y / date::September / 26} + 7h;
  event.end_utc = event.start_utc;
  event.location = "Minsk, Belarus";
  event.tags = {"cis"};
  return event;
}

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

// Runs `summit args...` with a fixed clock, TZ=UTC and the given socket.
Outcome run_summit(std::vector<std::string> args, const std::string &socket) {
  std::map<std::string, std::string> vars{{"TZ", "UTC"}, {"SUMMIT_SOCKET", socket}};
  Environment env;
  env.now = date::sys_days{2025_y / date::September / 1} + 12h;
  env.getenv = [vars](const char *name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  env.uid = 1000;
  env.exists = [](const std::string &) { return false; };
  env.system_zone = [] { return date::locate_zone("UTC"); };
  env.load_gazetteer = [] {
    return summit::core::ZoneGazetteer::parse("BY\t+5354+02734\tEurope/Minsk\n",
                                              "BY\t+5354+02734\tEurope/Minsk\n", "BY\tBelarus\n");
  };
  args.insert(args.begin(), "summit");
  std::vector<const char *> argv;
  for (const std::string &arg : args) {
    argv.push_back(arg.c_str());
  }
  std::ostringstream out;
  std::ostringstream err;
  const int code = run(static_cast<int>(argv.size()), argv.data(), env, out, err);
  return {code, out.str(), err.str()};
}

const std::string k_no_socket = "/nonexistent/summit-test/summitd.sock";

} // namespace

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
  EXPECT_EQ(daemon.requests()[0]["params"],
            (json{{"from", "2025-01-01T00:00:00Z"}, {"tag", "cis"}, {"tz", "UTC"}}));
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

TEST(App, watch_prints_each_reminder_once_and_exits_0_on_sigterm) {
  const pthread_t watcher = ::pthread_self();
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
  FakeDaemon daemon(
      [](const json &) {
        return json{{"result", {{"subscribed", true}}}};
      },
      [&](int fd, const json &request) {
        EXPECT_EQ(request["method"], "reminder.subscribe");
        json redelivered = fired;
        redelivered["redelivery"] = true;
        std::string lines;
        for (const json &params : {fired, redelivered}) {
          lines +=
              json{{"jsonrpc", "2.0"}, {"method", "reminder.fired"}, {"params", params}}.dump() +
              "\n";
        }
        EXPECT_EQ(::write(fd, lines.data(), lines.size()), static_cast<ssize_t>(lines.size()));
        // Give watch time to print both before it is told to stop.
        std::this_thread::sleep_for(200ms);
        ::pthread_kill(watcher, SIGTERM);
      });
  auto outcome = run_summit({"watch", "--json"}, daemon.path());
  EXPECT_EQ(outcome.code, k_exit_ok) << outcome.err;
  EXPECT_EQ(outcome.out, fired.dump() + "\n");
  EXPECT_THAT(outcome.err, HasSubstr("reminder 12 was delivered again"));
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
