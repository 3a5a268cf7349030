// Starting, stopping and finding summitd: restart, a second daemon, the
// socket's mode, and what the CLI says when no daemon answers.
#include "support/raw_client.hpp"
#include "support/summit_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <vector>

using namespace summit::e2e;
using nlohmann::json;
using testing::HasSubstr;

using Lifecycle = SummitTest;

TEST_F(Lifecycle, restart_on_the_same_database_keeps_everything) {
  ASSERT_NO_FATAL_FAILURE(add_issue_examples());
  ASSERT_EQ(summit({"edit", "2", "--at", "2025-09-26 11:00"}).exit_code, 0);
  const json before = all_events();
  ASSERT_EQ(before.size(), 2U);

  EXPECT_EQ(stop_daemon(), 0) << "SIGTERM should be a clean shutdown";
  EXPECT_FALSE(std::filesystem::exists(socket())) << "clean shutdown removes the socket";
  ASSERT_NO_FATAL_FAILURE(start_daemon());

  EXPECT_EQ(all_events(), before);
  // New ids continue after the old ones.
  const ProcessResult added = summit({"add", "Next", "--at", "2025-12-01 10:00", "--tz", "UTC"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_THAT(added.out, testing::StartsWith("Added event 3: Next"));
}

TEST_F(Lifecycle, second_daemon_on_the_same_socket_refuses_and_the_first_keeps_serving) {
  ASSERT_NO_FATAL_FAILURE(add_issue_examples());
  const std::string second_log = dir() / "second.log";
  auto second = spawn_daemon(socket(), dir() / "other.db", second_log);
  const auto status = second->wait(std::chrono::seconds(30));
  ASSERT_TRUE(status.has_value()) << "the second summitd should exit, not run";
  EXPECT_NE(*status, 0);
  std::ifstream log(second_log);
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text, HasSubstr("already running"));

  EXPECT_TRUE(std::filesystem::exists(socket()));
  const ProcessResult shown = summit({"show", "2"});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(all_events().size(), 2U);
}

TEST_F(Lifecycle, socket_is_private_to_its_user) {
  struct stat info {};
  ASSERT_EQ(::stat(socket().c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0600U);
}

TEST_F(Lifecycle, no_daemon_means_exit_3_naming_the_socket_and_how_to_start_it) {
  ASSERT_EQ(stop_daemon(), 0);
  for (const std::vector<std::string> &args : std::vector<std::vector<std::string>>{
           {"status"}, {"list"}, {"add", "x", "--at", "2025-09-26 10:00", "--tz", "UTC"}}) {
    const ProcessResult result = summit(args);
    EXPECT_EQ(result.exit_code, 3) << result.err;
    EXPECT_THAT(result.err, HasSubstr(socket()));
    EXPECT_THAT(result.err,
                HasSubstr("start it with `summitd` or `systemctl --user start summitd`"));
    EXPECT_THAT(result.out, testing::IsEmpty());
  }
}

TEST_F(Lifecycle, status_reports_the_daemon) {
  ASSERT_NO_FATAL_FAILURE(add_issue_examples());
  const ProcessResult human = summit({"status"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_THAT(human.out, HasSubstr("pid:"));
  EXPECT_THAT(human.out, HasSubstr(socket()));

  const ProcessResult as_json = summit({"--json", "status"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  const json status = json::parse(as_json.out);
  EXPECT_EQ(status["events"], 2);
  EXPECT_EQ(status["socket"], socket());
  for (const char *field :
       {"version", "pid", "uptime_seconds", "schema_version", "tzdata", "database", "mode"}) {
    EXPECT_TRUE(status.contains(field)) << field;
  }
}

TEST_F(Lifecycle, many_clients_at_once_are_all_served) {
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 20; ++i) {
    clients.push_back(std::make_unique<RawClient>(socket()));
    ASSERT_TRUE(clients.back()->connected());
  }
  // Answer them in reverse order of connection: no client waits on another.
  for (auto it = clients.rbegin(); it != clients.rend(); ++it) {
    const json reply = (*it)->call("daemon.status", json::object());
    EXPECT_TRUE(reply.contains("result")) << reply.dump();
  }
}

TEST_F(Lifecycle, cli_finds_the_daemon_on_the_default_user_socket) {
  ASSERT_EQ(stop_daemon(), 0);
  // XDG_RUNTIME_DIR exists before any daemon starts (the login manager
  // makes it), private to its user.
  const std::string runtime = dir() / "run";
  std::filesystem::create_directory(runtime);
  std::filesystem::permissions(runtime, std::filesystem::perms::owner_all);

  BackgroundProcess daemon(k_summitd, {"--db", database()}, daemon_environment(),
                           dir() / "default.log");
  const std::string default_socket = runtime + "/summit/summitd.sock";
  ASSERT_TRUE(wait_until_serving(default_socket, daemon));

  std::vector<std::string> env = inherited_environment();
  env.push_back("XDG_RUNTIME_DIR=" + runtime);
  env.push_back("HOME=" + dir().path());
  env.push_back("TZ=UTC");
  const ProcessResult status = run_process(k_summit, {"--json", "status"}, env);
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(json::parse(status.out)["socket"], default_socket);
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(std::chrono::seconds(15)), std::optional<int>(0));
}
