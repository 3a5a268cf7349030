#include "daemon/notify/exec_channel.hpp"
#include "daemon/notify/log_channel.hpp"

#include <boost/asio/io_context.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

namespace summit::notify {
namespace {

using namespace date::literals;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A fresh directory per test, removed afterwards.
class TempDir {
public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "summit-exec-XXXXXX").string();
    m_path = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(m_path, ignored);
  }
  const fs::path &path() const { return m_path; }

private:
  fs::path m_path;
};

fs::path write_script(const fs::path &path, const std::string &body) {
  std::ofstream(path) << "#!/bin/sh\n" << body;
  fs::permissions(path, fs::perms::owner_all);
  return path;
}

std::string read_file(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `env -0` output as a map: exact, whatever the values contain.
std::map<std::string, std::string> parse_env0(const std::string &text) {
  std::map<std::string, std::string> env;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\0', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    const auto entry = text.substr(start, end - start);
    const auto eq = entry.find('=');
    env[entry.substr(0, eq)] = eq == std::string::npos ? "" : entry.substr(eq + 1);
    start = end + 1;
  }
  return env;
}

scheduler::Firing sample_firing() {
  scheduler::Firing f;
  f.firing_id = 40;
  f.reminder_id = 12;
  f.event_id = 7;
  f.due = date::sys_days{2025_y / date::September / 25} + 7h;
  f.fired_at = f.due + 90s;
  f.lateness = 90s;
  f.title = "Council of Heads of Government of the CIS";
  f.start_local = "2025-09-26T10:00:00+03:00";
  f.start_utc = date::sys_days{2025_y / date::September / 26} + 7h;
  f.tz = "Europe/Minsk";
  f.location = "Minsk, Belarus";
  f.reminder = "P1D";
  return f;
}

bool run_until(boost::asio::io_context &io, const std::function<bool()> &done,
               std::chrono::steady_clock::duration limit = 60s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(20ms);
    io.restart();
  }
  return done();
}

struct Harness {
  boost::asio::io_context io;
  std::vector<ExecResult> results;
  int delivered = 0;

  std::shared_ptr<ExecChannel> channel(std::vector<ExecCommand> commands,
                                       ExecOptions options = {}) {
    options.on_finished = [this](const ExecResult &r) { results.push_back(r); };
    return std::make_shared<ExecChannel>(io.get_executor(), std::move(commands),
                                         std::move(options));
  }
  std::function<void()> on_delivered() {
    return [this] { ++delivered; };
  }
};

TEST(ExecChannel, environment_holds_exactly_the_base_and_the_firing_fields) {
  TempDir dir;
  ::setenv("SUMMIT_TEST_SECRET", "must-not-leak", 1);
  const auto out = dir.path() / "env";
  const auto script = write_script(dir.path() / "hook", "/usr/bin/env -0 > \"$1\"\n");
  Harness h;
  ExecOptions options;
  options.base_environment = {"PATH=/usr/bin:/bin", "HOME=" + dir.path().string(), "LANG=C.UTF-8"};
  auto channel = h.channel({{{script.string(), out.string()}}}, options);
  channel->deliver(sample_firing(), h.on_delivered());
  ASSERT_TRUE(run_until(h.io, [&] { return h.delivered == 1; }));
  ::unsetenv("SUMMIT_TEST_SECRET");

  auto env = parse_env0(read_file(out));
  // /bin/sh may add its own bookkeeping; nothing from the daemon may leak.
  for (const char *shell_own : {"PWD", "OLDPWD", "SHLVL", "_"}) {
    env.erase(shell_own);
  }
  const std::map<std::string, std::string> expected{
      {"PATH", "/usr/bin:/bin"},
      {"HOME", dir.path().string()},
      {"LANG", "C.UTF-8"},
      {"SUMMIT_REMINDER_ID", "12"},
      {"SUMMIT_EVENT_ID", "7"},
      {"SUMMIT_TITLE", "Council of Heads of Government of the CIS"},
      {"SUMMIT_START", "2025-09-26T10:00:00+03:00"},
      {"SUMMIT_START_UTC", "2025-09-26T07:00:00Z"},
      {"SUMMIT_TZ", "Europe/Minsk"},
      {"SUMMIT_LOCATION", "Minsk, Belarus"},
      {"SUMMIT_REMINDER", "P1D"},
      {"SUMMIT_LATE_SECONDS", "90"},
  };
  EXPECT_EQ(env, expected);
  ASSERT_EQ(h.results.size(), 1U);
  EXPECT_EQ(h.results[0].exit_code, 0);
  EXPECT_EQ(h.results[0].reminder_id, 12);
}

TEST(ExecChannel, shell_metacharacters_in_the_title_arrive_verbatim_and_run_nothing) {
  TempDir dir;
  const auto home = dir.path() / "home";
  fs::create_directories(home);
  std::ofstream(home / "keep") << "still here";
  const auto marker = dir.path() / "x";
  const std::string title = "\"; rm -rf ~; $(touch " + marker.string() + ")";
  const auto out = dir.path() / "title";
  const auto script = write_script(dir.path() / "hook", "printf '%s' \"$SUMMIT_TITLE\" > \"$1\"\n");
  Harness h;
  ExecOptions options;
  options.base_environment = {"PATH=/usr/bin:/bin", "HOME=" + home.string()};
  auto channel = h.channel({{{script.string(), out.string()}}}, options);
  auto firing = sample_firing();
  firing.title = title;
  channel->deliver(firing, h.on_delivered());
  ASSERT_TRUE(run_until(h.io, [&] { return h.delivered == 1; }));
  EXPECT_EQ(read_file(out), title);
  EXPECT_FALSE(fs::exists(marker)) << "the title was executed";
  EXPECT_TRUE(fs::exists(home / "keep"));
}

TEST(ExecChannel, a_hanging_command_is_killed_at_its_timeout_while_another_completes) {
  TempDir dir;
  const auto out = dir.path() / "quick";
  Harness h;
  auto channel = h.channel({
      {{"/bin/sh", "-c", "sleep 60"}, 5s},
      {{"/bin/sh", "-c", "echo done > \"$0\"; echo quick >&2", out.string()}, 30s},
  });
  const auto started = std::chrono::steady_clock::now();
  channel->deliver(sample_firing(), h.on_delivered());
  // deliver() returns at once: both run while the loop is free.
  EXPECT_EQ(channel->running(), 2U);
  ASSERT_TRUE(run_until(
      h.io, [&] { return h.delivered == 1; }, 50s));
  const auto took = std::chrono::steady_clock::now() - started;

  ASSERT_EQ(h.results.size(), 2U);
  // The quick one ended first, undelayed by the sleeper.
  EXPECT_EQ(h.results[0].command, 1U);
  EXPECT_EQ(h.results[0].exit_code, 0);
  EXPECT_EQ(h.results[0].stderr_text, "quick\n");
  EXPECT_EQ(read_file(out), "done\n");
  EXPECT_EQ(h.results[1].command, 0U);
  EXPECT_TRUE(h.results[1].timed_out);
  EXPECT_EQ(h.results[1].signal, SIGKILL);
  EXPECT_LT(took, 50s) << "the sleeper ran its full minute";
  EXPECT_EQ(channel->running(), 0U);
}

TEST(ExecChannel, stderr_is_captured_up_to_the_limit_with_the_exit_status) {
  TempDir dir;
  // 100 KB of stderr: more than a pipe holds, so a reader that stopped at
  // the limit would leave the command blocked forever.
  const auto script =
      write_script(dir.path() / "hook", "echo 'first line' >&2\n"
                                        "head -c 100000 /dev/zero | tr '\\0' 'e' >&2\n"
                                        "exit 3\n");
  Harness h;
  ExecOptions options;
  options.stderr_limit = 4096;
  auto channel = h.channel({{{script.string()}}}, options);
  channel->deliver(sample_firing(), h.on_delivered());
  ASSERT_TRUE(run_until(h.io, [&] { return h.delivered == 1; }));
  ASSERT_EQ(h.results.size(), 1U);
  EXPECT_EQ(h.results[0].exit_code, 3);
  EXPECT_EQ(h.results[0].stderr_text.size(), 4096U);
  EXPECT_THAT(h.results[0].stderr_text, ::testing::StartsWith("first line\neee"));
  EXPECT_TRUE(h.results[0].stderr_truncated);
}

TEST(ExecChannel, a_command_that_cannot_start_is_reported_and_still_completes) {
  Harness h;
  auto channel = h.channel({{{"/nonexistent/summit-hook"}}});
  channel->deliver(sample_firing(), h.on_delivered());
  EXPECT_EQ(h.delivered, 0) << "never complete inside deliver()";
  ASSERT_TRUE(run_until(h.io, [&] { return h.delivered == 1; }));
  ASSERT_EQ(h.results.size(), 1U);
  EXPECT_THAT(h.results[0].spawn_error, HasSubstr("No such file"));
}

TEST(ExecChannel, many_firings_run_concurrently_up_to_the_limit) {
  Harness h;
  ExecOptions options;
  options.max_running = 4;
  auto channel = h.channel({{{"/bin/sh", "-c", "sleep 0.2"}}}, options);
  std::size_t most = 0;
  for (int i = 0; i < 20; ++i) {
    auto firing = sample_firing();
    firing.reminder_id = i;
    channel->deliver(firing, h.on_delivered());
    most = std::max(most, channel->running());
  }
  EXPECT_EQ(channel->running(), 4U);
  EXPECT_EQ(channel->queued(), 16U);
  ASSERT_TRUE(run_until(h.io, [&] {
    most = std::max(most, channel->running());
    return h.delivered == 20;
  }));
  EXPECT_EQ(most, 4U);
  for (const auto &r : h.results) {
    EXPECT_EQ(r.exit_code, 0);
  }
}

// Issue 13: hooks are isolated. One command hangs on its first run (until
// its timeout kills it); the other records each run to a file. Every run of
// the quick one completes while the hung one is stuck; the hung one's
// waiting runs are bounded (the oldest dropped, its firings still done);
// then its timeout ends it and every firing is reported done exactly once.
// With one shared set of slots (max_running = 1 in all) the quick one's
// first run would have waited for the hung one's timeout.
TEST(ExecChannel, a_hung_command_delays_only_its_own_runs_and_every_firing_is_done_once) {
  TempDir dir;
  const auto quick_log = dir.path() / "quick.log";
  const auto slow_log = dir.path() / "slow.log";
  const auto slow = write_script(dir.path() / "slow",
                                 "if mkdir \"$0.hung\" 2>/dev/null; then exec sleep 1000; fi\n"
                                 "echo \"$SUMMIT_REMINDER_ID\" >> \"$1\"\n");
  Harness h;
  ExecOptions options;
  options.max_running = 1; // per command
  options.max_queued = 4;  // per command
  // The hung run's timeout is far beyond ten runs of /bin/sh, however
  // loaded the machine: the quick runs all end before it.
  auto channel = h.channel(
      {
          {{slow.string(), slow_log.string()}, 20s},
          {{"/bin/sh", "-c", "echo \"$SUMMIT_REMINDER_ID\" >> \"$0\"", quick_log.string()}, 30s},
      },
      options);
  std::vector<int> done;
  auto results_of = [&](std::size_t command) {
    return std::count_if(h.results.begin(), h.results.end(),
                         [&](const ExecResult &r) { return r.command == command; });
  };
  for (int i = 1; i <= 10; ++i) {
    auto firing = sample_firing();
    firing.firing_id = 100 + i;
    firing.reminder_id = i;
    channel->deliver(firing, [&done, i] { done.push_back(i); });
    ASSERT_TRUE(run_until(h.io, [&] { return results_of(1) == i; })) << "quick run " << i;
  }
  // Every quick run is done, in order; the hung one has not ended.
  EXPECT_EQ(read_file(quick_log), "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");
  EXPECT_EQ(results_of(0), 0);
  EXPECT_EQ(channel->running(0), 1U);
  EXPECT_EQ(channel->running(1), 0U);
  // Its queue is bounded: reminders 7..10 wait, 2..6 were dropped, and
  // those firings are done (their quick run ended, their slow run dropped).
  EXPECT_EQ(channel->queued(0), 4U);
  EXPECT_EQ(channel->dropped(), 5U);
  ASSERT_TRUE(run_until(h.io, [&] { return done.size() == 5; }));
  EXPECT_EQ(done, (std::vector<int>{2, 3, 4, 5, 6}));

  // The hung run is killed at its timeout; its firing and the waiting ones
  // are then done, each once.
  ASSERT_TRUE(run_until(
      h.io, [&] { return done.size() == 10; }, 120s));
  const auto hung = std::find_if(h.results.begin(), h.results.end(),
                                 [](const ExecResult &r) { return r.command == 0; });
  ASSERT_NE(hung, h.results.end());
  EXPECT_EQ(hung->reminder_id, 1);
  EXPECT_TRUE(hung->timed_out);
  EXPECT_EQ(hung->signal, SIGKILL);
  EXPECT_EQ(read_file(slow_log), "7\n8\n9\n10\n");
  std::vector<int> sorted = done;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  h.io.restart();
  h.io.run_for(100ms); // nothing more arrives
  EXPECT_EQ(done.size(), 10U);
  EXPECT_EQ(channel->running(), 0U);
  EXPECT_EQ(channel->queued(), 0U);
}

TEST(ExecChannel, without_commands_a_firing_is_done_at_once) {
  Harness h;
  auto channel = h.channel({});
  channel->deliver(sample_firing(), h.on_delivered());
  EXPECT_EQ(h.delivered, 1);
}

TEST(ExecChannel, stop_kills_running_commands_and_leaves_the_firing_pending) {
  Harness h;
  auto channel = h.channel({{{"/bin/sh", "-c", "sleep 60"}}});
  channel->deliver(sample_firing(), h.on_delivered());
  h.io.poll(); // its process starts on the loop's next turn
  ASSERT_EQ(channel->started(), 1U);
  channel->stop();
  ASSERT_TRUE(run_until(h.io, [&] { return h.results.size() == 1; }));
  EXPECT_EQ(h.results[0].signal, SIGKILL);
  EXPECT_EQ(h.delivered, 0);
}

// A firing's processes start on later turns of the loop, one per command
// per turn: deliver() returns before any starts, so the scheduler tells
// the other channels (subscribers) first, and a due reminder's timer gets
// a turn between two process starts. The slots are taken at once all the
// same: what waits and what is dropped does not change.
TEST(ExecChannel, processes_start_on_later_turns_one_per_command_each) {
  Harness h;
  ExecOptions options;
  options.max_running = 2;
  auto channel =
      h.channel({{{"/bin/sh", "-c", "sleep 60"}}, {{"/bin/sh", "-c", "sleep 60"}}}, options);
  for (int i = 0; i < 3; ++i) {
    auto firing = sample_firing();
    firing.reminder_id = i;
    channel->deliver(firing, h.on_delivered());
  }
  EXPECT_EQ(channel->started(), 0U);
  EXPECT_EQ(channel->running(), 4U); // two slots per command, taken
  EXPECT_EQ(channel->queued(), 2U);  // the third firing, once per command
  ASSERT_EQ(h.io.poll_one(), 1U);
  EXPECT_EQ(channel->started(), 2U) << "one process per command in one turn";
  ASSERT_EQ(h.io.poll_one(), 1U);
  EXPECT_EQ(channel->started(), 4U);
  EXPECT_EQ(channel->queued(), 2U) << "no slot is free";
  channel->stop();
  ASSERT_TRUE(run_until(h.io, [&] { return h.results.size() == 4; }));
  EXPECT_EQ(h.delivered, 0);
}

// Issue 13 (bench class 7): a batch's processes wait while hold_starts
// says so (the daemon: until the subscribers that keep up have the batch),
// so that they do not compete with them for the CPU; once it lets go, they
// start, and nothing was dropped or done meanwhile.
TEST(ExecChannel, processes_wait_while_the_starts_are_held_then_all_run) {
  Harness h;
  bool held = true;
  int asked = 0;
  ExecOptions options;
  options.hold_starts = [&] {
    ++asked;
    return held;
  };
  auto channel = h.channel({{{"/bin/sh", "-c", "exit 0"}}}, options);
  for (int i = 0; i < 2; ++i) {
    auto firing = sample_firing();
    firing.reminder_id = i;
    channel->deliver(firing, h.on_delivered());
  }
  // Held: the loop comes back to it (a timer) and still starts nothing.
  ASSERT_TRUE(run_until(h.io, [&] { return asked >= 3; }));
  EXPECT_EQ(channel->started(), 0U);
  EXPECT_EQ(channel->running(), 2U) << "the slots stay taken";
  EXPECT_EQ(h.delivered, 0);
  held = false;
  ASSERT_TRUE(run_until(h.io, [&] { return h.results.size() == 2; }));
  EXPECT_EQ(h.results[0].exit_code, 0);
  ASSERT_TRUE(run_until(h.io, [&] { return h.delivered == 2; }));
}

TEST(FiringEnvironment, absolute_reminder_and_all_day_start) {
  auto firing = sample_firing();
  firing.reminder = "2025-09-20T08:00:00Z";
  firing.start_local = "2025-09-26";
  const auto env = firing_environment(firing, {});
  EXPECT_THAT(env, ::testing::Contains("SUMMIT_REMINDER=2025-09-20T08:00:00Z"));
  EXPECT_THAT(env, ::testing::Contains("SUMMIT_START=2025-09-26"));
}

// The default logger, writing to a string, while a test runs.
class CapturedLog {
public:
  explicit CapturedLog(spdlog::level::level_enum level) : m_previous(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(m_text);
    sink->set_pattern("%l: %v");
    auto logger = std::make_shared<spdlog::logger>("test", std::move(sink));
    logger->set_level(level);
    spdlog::set_default_logger(std::move(logger));
  }
  ~CapturedLog() { spdlog::set_default_logger(m_previous); }
  CapturedLog(const CapturedLog &) = delete;
  CapturedLog &operator=(const CapturedLog &) = delete;
  std::string text() const { return m_text.str(); }

private:
  std::shared_ptr<spdlog::logger> m_previous;
  std::ostringstream m_text;
};

// A command whose queue is full loses its oldest waiting run, with one
// warning for a burst, and the firings it dropped are done (the other
// commands had nothing to do with them).
TEST(ExecChannel, a_full_queue_drops_the_oldest_run_with_one_warning_and_its_firing_is_done) {
  CapturedLog log(spdlog::level::warn);
  Harness h;
  ExecOptions options;
  options.max_running = 1;
  options.max_queued = 1;
  auto channel = h.channel({{{"/bin/sh", "-c", "sleep 60"}, 30s}}, options);
  std::vector<int> done;
  for (int i = 1; i <= 5; ++i) {
    auto firing = sample_firing();
    firing.reminder_id = i;
    channel->deliver(firing, [&done, i] { done.push_back(i); });
  }
  EXPECT_TRUE(done.empty()) << "never complete inside deliver()";
  EXPECT_EQ(channel->running(0), 1U); // reminder 1
  EXPECT_EQ(channel->queued(0), 1U);  // reminder 5
  EXPECT_EQ(channel->dropped(), 3U);
  ASSERT_TRUE(run_until(h.io, [&] { return done.size() == 3; }));
  EXPECT_EQ(done, (std::vector<int>{2, 3, 4}));
  const auto text = log.text();
  std::size_t warnings = 0;
  for (auto at = text.find("dropped its run"); at != std::string::npos;
       at = text.find("dropped its run", at + 1)) {
    ++warnings;
  }
  EXPECT_EQ(warnings, 1U) << text;
  EXPECT_THAT(text, HasSubstr("command '/bin/sh' has 1 runs running and 1 waiting (its limit): "
                              "dropped its run for reminder 2 (1 dropped since the last "
                              "warning); is it hanging? Runs end at its timeout (30s)"));
  channel->stop();
  ASSERT_TRUE(run_until(h.io, [&] { return h.results.size() == 1; }));
  EXPECT_EQ(done.size(), 3U) << "stopped: the others stay pending";
}

TEST(LogChannel, a_title_or_place_cannot_forge_a_line_or_reach_a_terminal_raw) {
  auto firing = sample_firing();
  firing.title = "Council\nreminder 99 fired: 'forged' \x1b]0;owned\x07";
  firing.location = "Minsk\u2028\u202e";
  const auto line = log_line(firing);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\x1b'), std::string::npos);
  EXPECT_THAT(line, HasSubstr("'Council\\nreminder 99 fired: 'forged' \\x1b]0;owned\\x07'"));
  EXPECT_THAT(line, HasSubstr(", Minsk\\u2028\\u202e;"));
}

TEST(LogChannel, one_line_per_firing_written_and_done_when_the_batch_is_flushed) {
  auto firing = sample_firing();
  firing.late = true;
  const auto line = log_line(firing);
  EXPECT_EQ(line, "reminder 12 fired: 'Council of Heads of Government of the CIS' (event 7) "
                  "starts 2025-09-26T10:00:00+03:00 Europe/Minsk, Minsk, Belarus; reminder P1D, "
                  "due 2025-09-25T07:00:00Z, late by 90s");
  const CapturedLog log(spdlog::level::info);
  LogChannel channel;
  int delivered = 0;
  channel.deliver(firing, [&] { ++delivered; });
  auto second = firing;
  second.reminder_id = 13;
  second.late = false;
  channel.deliver(second, [&] { ++delivered; });
  // Nothing is reported delivered before its line is written.
  EXPECT_EQ(delivered, 0);
  EXPECT_EQ(log.text(), "");
  channel.flush();
  EXPECT_EQ(delivered, 2);
  EXPECT_EQ(log.text(), "info: " + line + "\ninfo: " + log_line(second) + "\n");
  channel.flush(); // an empty batch writes nothing and reports nothing
  EXPECT_EQ(delivered, 2);
}

TEST(LogChannel, below_info_level_a_firing_is_done_at_once_without_a_line) {
  const CapturedLog log(spdlog::level::warn);
  LogChannel channel;
  int delivered = 0;
  channel.deliver(sample_firing(), [&] { ++delivered; });
  EXPECT_EQ(delivered, 1);
  channel.flush();
  EXPECT_EQ(delivered, 1);
  EXPECT_EQ(log.text(), "");
}

} // namespace
} // namespace summit::notify
