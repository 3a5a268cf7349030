#include "cli/commands/watch.hpp"
#include "cli/notify/reminder_command.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace summit::cli;
using nlohmann::json;
using testing::Contains;
using testing::ElementsAre;

TEST(SeenFirings, a_redelivered_firing_is_seen_once_and_a_new_firing_of_the_same_reminder_is_new) {
  SeenFirings seen;
  EXPECT_TRUE(seen.first_time(12, 30));
  EXPECT_FALSE(seen.first_time(12, 30));
  EXPECT_TRUE(seen.first_time(12, 31));
  EXPECT_TRUE(seen.first_time(13, 30));
}

TEST(SeenFirings, forgets_the_oldest_beyond_its_capacity) {
  SeenFirings seen(2);
  EXPECT_TRUE(seen.first_time(1, 1));
  EXPECT_TRUE(seen.first_time(2, 2));
  EXPECT_TRUE(seen.first_time(3, 3));
  EXPECT_FALSE(seen.first_time(3, 3));
  EXPECT_TRUE(seen.first_time(1, 1));
}

TEST(WatchExec, everything_after_exec_is_the_command_even_options) {
  auto split = split_watch_exec(
      {"--tz", "UTC", "watch", "--json", "--exec", "/bin/page-me", "--urgent", "--json", "x y"});
  ASSERT_TRUE(split);
  EXPECT_THAT(split->parser_args, ElementsAre("--tz", "UTC", "watch", "--json"));
  EXPECT_THAT(split->command, ElementsAre("/bin/page-me", "--urgent", "--json", "x y"));
}

TEST(WatchExec, only_the_watch_command_takes_exec) {
  EXPECT_FALSE(split_watch_exec({"add", "watch", "--exec", "x"}));
  EXPECT_FALSE(split_watch_exec({"watch", "--json"}));
  EXPECT_FALSE(split_watch_exec({"--socket", "watch", "list", "--exec", "x"}));
  auto empty = split_watch_exec({"watch", "--exec"});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->command.empty());
}

namespace {

json metachar_reminder() {
  return json{{"reminder_id", 12},
              {"firing_id", 30},
              {"event_id", 2},
              {"title", "\"; rm -rf ~; $(touch /tmp/x)"},
              {"start", "2025-09-26T10:00:00+03:00"},
              {"start_utc", "2025-09-26T07:00:00Z"},
              {"tz", "Europe/Minsk"},
              {"location", "Minsk, Belarus"},
              {"reminder", "P1D"},
              {"late_seconds", 42}};
}

} // namespace

TEST(ReminderCommand, environment_adds_every_summit_variable_and_replaces_inherited_ones) {
  const auto env =
      reminder_environment(metachar_reminder(), {"PATH=/usr/bin", "SUMMIT_TITLE=stale", "HOME=/h"});
  EXPECT_THAT(env, ElementsAre("PATH=/usr/bin", "HOME=/h", "SUMMIT_REMINDER_ID=12",
                               "SUMMIT_EVENT_ID=2", "SUMMIT_TITLE=\"; rm -rf ~; $(touch /tmp/x)",
                               "SUMMIT_START=2025-09-26T10:00:00+03:00",
                               "SUMMIT_START_UTC=2025-09-26T07:00:00Z", "SUMMIT_TZ=Europe/Minsk",
                               "SUMMIT_LOCATION=Minsk, Belarus", "SUMMIT_REMINDER=P1D",
                               "SUMMIT_LATE_SECONDS=42"));
}

TEST(ReminderCommand, runs_without_a_shell_and_reports_failures_when_reaped) {
  char pattern[] = "/tmp/summit-cli-exec-XXXXXX";
  const std::filesystem::path dir = ::mkdtemp(pattern);
  const std::string out = dir / "title";
  // The title is an argument to printf's %s, never shell code.
  ReminderCommand command({"/bin/sh", "-c", "printf '%s' \"$SUMMIT_TITLE\" > \"$0\"; exit 3", out},
                          /*stdout_to_stderr=*/true);
  auto pid = command.start(metachar_reminder());
  ASSERT_TRUE(pid) << pid.error();
  EXPECT_EQ(command.running(), 1U);
  std::vector<std::string> failures;
  for (int i = 0; i < 3000 && command.running() > 0; ++i) {
    auto reaped = command.reap();
    failures.insert(failures.end(), reaped.begin(), reaped.end());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(command.running(), 0U);
  EXPECT_THAT(failures, ElementsAre("/bin/sh for reminder 12 exited with status 3"));
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "\"; rm -rf ~; $(touch /tmp/x)");
  std::filesystem::remove_all(dir);
}

TEST(ReminderCommand, a_missing_program_is_a_sentence_not_a_crash) {
  ReminderCommand command({"/nonexistent/summit-page-me"}, false);
  auto pid = command.start(metachar_reminder());
  ASSERT_FALSE(pid);
  EXPECT_EQ(pid.error(), "cannot run /nonexistent/summit-page-me: No such file or directory");
  EXPECT_EQ(command.running(), 0U);
}

TEST(WatchCursor, one_file_per_socket_under_the_state_folder) {
  const auto user =
      watch_cursor_file("/run/user/1000/summit/summitd.sock", "/home/me/.state", "/home/me");
  const auto system = watch_cursor_file("/run/summit/summitd.sock", "/home/me/.state", "/home/me");
  ASSERT_TRUE(user);
  ASSERT_TRUE(system);
  EXPECT_TRUE(user->starts_with("/home/me/.state/summit/watch-")) << *user;
  EXPECT_TRUE(user->ends_with(".cursor")) << *user;
  EXPECT_NE(*user, *system);
  // FNV-1a of the path, written out here: the name must not change between
  // builds, or a watch would lose its place at an upgrade.
  EXPECT_EQ(*watch_cursor_file("/s", "/st", std::nullopt),
            "/st/summit/watch-07d65507b49cba97.cursor");
  EXPECT_EQ(*watch_cursor_file("/s", std::string(), "/home/me"),
            "/home/me/.local/state/summit/watch-07d65507b49cba97.cursor");
  EXPECT_FALSE(watch_cursor_file("/s", std::nullopt, std::nullopt));
}

TEST(WatchCursor, keeps_the_highest_firing_shown_and_reads_a_torn_file_as_none) {
  std::string dir = (std::filesystem::temp_directory_path() / "summit-cursor-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/state/summit/watch.cursor";
  {
    WatchCursor cursor(path);
    EXPECT_TRUE(cursor.problem().empty()) << cursor.problem();
    EXPECT_FALSE(cursor.load()) << "a new file holds no place";
    cursor.save(41);
    cursor.save(7); // an older firing does not move it back
    EXPECT_EQ(cursor.load(), 41);
    cursor.save(3, true); // the daemon's word (another database) does
    EXPECT_EQ(cursor.load(), 3);
    cursor.save(42);
  }
  EXPECT_EQ(WatchCursor(path).load(), 42) << "kept across runs";
  EXPECT_EQ(std::filesystem::status(dir + "/state/summit").permissions() &
                std::filesystem::perms::all,
            std::filesystem::perms::owner_all);
  {
    std::ofstream torn(path, std::ios::trunc);
    torn << "0000000004";
  }
  EXPECT_FALSE(WatchCursor(path).load());
  {
    std::ofstream junk(path, std::ios::trunc);
    junk << "0000000000000000x042\n";
  }
  EXPECT_FALSE(WatchCursor(path).load());
  EXPECT_FALSE(WatchCursor(std::nullopt).load());
  std::filesystem::remove_all(dir);
}
