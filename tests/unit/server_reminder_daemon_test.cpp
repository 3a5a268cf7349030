// The whole daemon in this process (daemon::run on a thread, real clock,
// real timerfd, real socket): a reminder due a few seconds ahead reaches a
// subscribed connection, not early.

#include "core/rpc.hpp"
#include "core/time_format.hpp"
#include "daemon/app/run.hpp"
#include "server_test_support.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace summit;
using nlohmann::json;

namespace {

// summitd's run() on a thread of its own; stopped with SIGTERM, as systemd
// would, when the test ends however it ends.
class InProcessDaemon {
public:
  explicit InProcessDaemon(std::vector<std::string> args) : m_args(std::move(args)) {
    m_thread = std::thread([this] {
      std::vector<const char *> argv{"summitd"};
      for (const auto &arg : m_args) {
        argv.push_back(arg.c_str());
      }
      try {
        m_exit.set_value(daemon::run(static_cast<int>(argv.size()), argv.data()));
      } catch (const std::exception &e) {
        m_error = e.what();
        m_exit.set_value(-1);
      }
    });
    m_exit_code = m_exit.get_future();
  }
  ~InProcessDaemon() { stop(); }
  InProcessDaemon(const InProcessDaemon &) = delete;
  InProcessDaemon &operator=(const InProcessDaemon &) = delete;

  // Its exit code, or nothing when it did not stop in time.
  std::optional<int> stop() {
    if (!m_thread.joinable()) {
      return m_stopped_with;
    }
    if (m_exit_code.wait_for(std::chrono::seconds{0}) != std::future_status::ready) {
      ::kill(::getpid(), SIGTERM);
    }
    if (m_exit_code.wait_for(std::chrono::seconds{30}) != std::future_status::ready) {
      // Stuck: the test fails, and the process cannot go on with it running.
      ADD_FAILURE() << "summitd did not stop within 30 s of SIGTERM";
      std::abort();
    }
    m_thread.join();
    m_stopped_with = m_exit_code.get();
    return m_stopped_with;
  }
  const std::string &error() const { return m_error; }

private:
  std::vector<std::string> m_args;
  std::promise<int> m_exit;
  std::future<int> m_exit_code;
  std::optional<int> m_stopped_with;
  std::string m_error;
  std::thread m_thread;
};

std::unique_ptr<test::Client> connect_when_ready(const std::filesystem::path &socket) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  while (std::chrono::steady_clock::now() < deadline) {
    auto client = std::make_unique<test::Client>(socket);
    if (client->connected()) {
      return client;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  return nullptr;
}

} // namespace

TEST(ReminderDaemon, a_reminder_due_two_seconds_ahead_reaches_a_subscriber_not_early) {
  test::TempDir dir;
  const auto socket = dir.path() / "summitd.sock";
  const auto config = dir.path() / "summitd.toml";
  std::ofstream(config) << "[reminders]\nlate_after = \"5s\"\n[subscribers]\nqueue = 64\n";
  InProcessDaemon summitd({"--socket", socket.string(), "--db", (dir.path() / "s.db").string(),
                           "--config", config.string(), "--log-level", "warning"});

  auto watcher = connect_when_ready(socket);
  ASSERT_TRUE(watcher) << "summitd did not come up: " << summitd.error();
  auto subscribed = watcher->call(core::rpc::make_request(1, "reminder.subscribe"));
  ASSERT_EQ(subscribed["result"]["subscribed"], true) << subscribed.dump();

  // Start = now + 1 day + 3 s with a 1-day reminder: due 3 s from now. An
  // add stored (its `created`, the daemon's clock) only once the reminder
  // was past plans none, as documented: then the event is removed and the
  // add tried again with twice the lead, so a slow machine waits longer
  // rather than failing.
  auto editor = connect_when_ready(socket);
  ASSERT_TRUE(editor);
  date::sys_seconds due;
  date::sys_seconds start;
  json event_id;
  for (std::chrono::seconds lead{3}; event_id.is_null(); lead *= 2) {
    ASSERT_LE(lead, std::chrono::seconds{120}) << "no add was stored before its reminder was due";
    due = date::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + lead;
    start = due + date::days{1};
    auto added = editor->call(
        core::rpc::make_request(1, "event.add",
                                {{"title", "Council of Heads of Government of the CIS"},
                                 {"start", core::format_iso_utc(start)},
                                 {"tz", "UTC"},
                                 {"reminders", {"1d"}}}));
    ASSERT_TRUE(added.contains("result")) << added.dump();
    if (added["result"]["event"]["created"].get<std::string>() < core::format_iso_utc(due)) {
      event_id = added["result"]["event"]["id"];
    } else {
      auto removed = editor->call(
          core::rpc::make_request(2, "event.remove", {{"id", added["result"]["event"]["id"]}}));
      ASSERT_TRUE(removed.contains("result")) << removed.dump();
    }
  }

  auto line = watcher->read_line(std::chrono::seconds{30});
  const auto arrived = std::chrono::system_clock::now();
  ASSERT_TRUE(line) << "no reminder.fired within 30 s";
  const auto message = json::parse(*line);
  EXPECT_EQ(message["method"], "reminder.fired");
  const auto &params = message["params"];
  EXPECT_EQ(params["event_id"], event_id);
  EXPECT_EQ(params["title"], "Council of Heads of Government of the CIS");
  EXPECT_EQ(params["reminder"], "P1D");
  EXPECT_EQ(params["due"], core::format_iso_utc(due));
  EXPECT_EQ(params["start_utc"], core::format_iso_utc(start));
  EXPECT_EQ(params["redelivery"], false);
  EXPECT_GE(arrived, due) << "the reminder arrived early";
  std::printf("[          ] reminder arrived %.3f s after its due instant\n",
              std::chrono::duration<double>(arrived - due).count());

  // The schedule moved on: nothing pending, one fired.
  auto status = editor->call(core::rpc::make_request(2, "daemon.status"));
  EXPECT_EQ(status["result"]["reminders"]["fired"], 1) << status.dump();
  EXPECT_EQ(status["result"]["reminders"]["pending"], 0);

  watcher.reset();
  editor.reset();
  EXPECT_EQ(summitd.stop(), 0) << summitd.error();
}
