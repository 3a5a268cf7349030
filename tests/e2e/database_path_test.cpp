// Where summitd keeps its calendar: a --db (or `database`) whose folder does
// not exist and an empty file are refused as the mistakes they surely are,
// with nothing created; the default location's folders are made; the files
// summitd creates are private (0600) whatever the umask.
#include "support/summit_fixture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace summit::e2e;
using testing::HasSubstr;
namespace fs = std::filesystem;

namespace {

// Everything under `root`, as paths relative to it.
std::set<std::string> tree(const std::string &root) {
  std::set<std::string> found;
  for (const auto &entry : fs::recursive_directory_iterator(root)) {
    found.insert(fs::relative(entry.path(), root).string());
  }
  return found;
}

unsigned mode_of(const std::string &path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return 07777;
  }
  return info.st_mode & 07777;
}

// Sets the process's umask for one scope: the daemons spawned meanwhile
// inherit it. Each test runs in a process of its own (gtest_discover_tests).
class UmaskScope {
public:
  explicit UmaskScope(mode_t mask) : m_old(::umask(mask)) {}
  ~UmaskScope() { ::umask(m_old); }
  UmaskScope(const UmaskScope &) = delete;
  UmaskScope &operator=(const UmaskScope &) = delete;

private:
  mode_t m_old;
};

// The stderr of a refusal is one line: "summitd: ...\n".
void expect_one_line(const std::string &err) {
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_THAT(err, testing::StartsWith("summitd: ")) << err;
}

} // namespace

// No daemon is started by SetUp: each test starts its own.
class DatabasePath : public SummitTest {
protected:
  void SetUp() override { std::ofstream{config_path()}; } // empty: the host's is not read

  std::string config_path() const { return dir() / "empty.toml"; }

  // summitd on our socket with `args`, expected to exit (refusing).
  ProcessResult run_daemon(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--socket", socket()});
    return run_process(k_summitd, args, daemon_environment());
  }
};

TEST_F(DatabasePath, a_db_whose_folder_does_not_exist_is_refused_and_nothing_is_created) {
  const std::string folder = dir() / "nonexistent/dir";
  const auto before = tree(dir().path());
  const ProcessResult result = run_daemon({"--db", folder + "/x.db", "--config", config_path()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(result.err, "summitd: the folder '" + folder +
                            "' of --db does not exist; create it (mkdir -p " + folder +
                            ") or fix the path\n");
  expect_one_line(result.err);
  EXPECT_FALSE(fs::exists(dir() / "nonexistent"));
  EXPECT_FALSE(fs::exists(socket()));
  EXPECT_EQ(tree(dir().path()), before) << "summitd created something";
}

TEST_F(DatabasePath, a_configured_database_whose_folder_does_not_exist_is_refused_too) {
  const std::string folder = dir() / "typo";
  const std::string config = dir() / "summitd.toml";
  std::ofstream(config) << "database = \"" << folder << "/summit.db\"\n";
  const auto before = tree(dir().path());
  const ProcessResult result = run_daemon({"--config", config});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_THAT(result.err,
              HasSubstr("the folder '" + folder + "' of `database` in " + config +
                        " does not exist; create it (mkdir -p " + folder + ") or fix the path"));
  expect_one_line(result.err);
  EXPECT_EQ(tree(dir().path()), before) << "summitd created something";
}

TEST_F(DatabasePath, a_db_folder_with_a_space_is_quoted_in_the_suggested_command) {
  const std::string folder = dir() / "my calendars";
  const ProcessResult result = run_daemon({"--db", folder + "/x.db", "--config", config_path()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_THAT(result.err, HasSubstr("(mkdir -p '" + folder + "')"));
  EXPECT_FALSE(fs::exists(folder));
}

TEST_F(DatabasePath, the_default_location_is_still_created_private) {
  // XDG_DATA_HOME (dir()/data) does not exist yet: summitd makes
  // data/summit, each folder 0700, and the calendar in it.
  ASSERT_FALSE(fs::exists(dir() / "data"));
  BackgroundProcess daemon(k_summitd, {"--socket", socket(), "--config", config_path()},
                           daemon_environment(), dir() / "summitd.log");
  ASSERT_TRUE(wait_until_serving(socket(), daemon)) << daemon_log();
  const std::string database = dir() / "data/summit/summit.db";
  EXPECT_TRUE(fs::is_regular_file(database));
  EXPECT_EQ(mode_of(dir() / "data"), 0700U);
  EXPECT_EQ(mode_of(dir() / "data/summit"), 0700U);
  EXPECT_EQ(mode_of(database), 0600U);
  const ProcessResult added =
      summit({"add", "Dushanbe summit", "--at", "2030-10-10 09:30", "--tz", "Asia/Dushanbe"});
  EXPECT_EQ(added.exit_code, 0) << added.err;
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(std::chrono::seconds(15)), std::optional<int>(0));
}

TEST_F(DatabasePath, an_empty_file_is_refused_and_left_empty) {
  std::ofstream(database()).flush();
  ASSERT_EQ(fs::file_size(database()), 0U);
  const auto before = tree(dir().path());
  const ProcessResult result = run_daemon({"--db", database(), "--config", config_path()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(result.err, "summitd: the database '" + database() +
                            "' (--db) is an empty file (0 bytes), not a calendar (a typo, or a "
                            "truncated file); remove it to start a new calendar there (rm " +
                            database() + "), or restore it from a backup\n");
  EXPECT_EQ(fs::file_size(database()), 0U);
  EXPECT_EQ(tree(dir().path()), before) << "no -wal, -shm or socket";
}

TEST_F(DatabasePath, an_empty_file_at_the_default_location_is_refused_too) {
  const std::string database = dir() / "data/summit/summit.db";
  fs::create_directories(fs::path(database).parent_path());
  std::ofstream(database).flush();
  const ProcessResult result = run_daemon({"--config", config_path()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_THAT(result.err, HasSubstr("the database '" + database +
                                    "' (the default location) is an empty file (0 bytes)"));
  EXPECT_EQ(fs::file_size(database), 0U);
  EXPECT_FALSE(fs::exists(database + "-wal"));
}

TEST_F(DatabasePath, new_database_files_are_0600_whatever_the_umask) {
  for (const mode_t mask : {mode_t{022}, mode_t{0}}) {
    SCOPED_TRACE(testing::Message() << "umask " << std::oct << mask);
    const std::string database = dir() / ("umask" + std::to_string(mask) + ".db");
    std::unique_ptr<BackgroundProcess> daemon;
    {
      const UmaskScope umask(mask);
      daemon = spawn_daemon(socket(), database, dir() / "summitd.log");
    }
    ASSERT_TRUE(wait_until_serving(socket(), *daemon)) << daemon_log();
    const ProcessResult added = summit(
        {"add", k_cis_title, "--at", "2030-09-26 10:00", "--tz", "Europe/Minsk", "--remind", "1d"});
    ASSERT_EQ(added.exit_code, 0) << added.err;
    // The daemon holds the WAL open while it runs: all three files exist.
    for (const std::string &file : {database, database + "-wal", database + "-shm"}) {
      ASSERT_TRUE(fs::exists(file)) << file;
      EXPECT_EQ(mode_of(file), 0600U) << file << " is " << std::oct << mode_of(file);
    }
    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(std::chrono::seconds(15)), std::optional<int>(0));
    EXPECT_EQ(mode_of(database), 0600U);
  }
}
