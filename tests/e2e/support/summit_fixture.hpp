#pragma once

#include "support/process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace summit::e2e {

// The real binaries, from tests/CMakeLists.txt.
inline const std::string k_summitd = SUMMITD_BIN;
inline const std::string k_summit = SUMMIT_BIN;

inline const std::string k_cis_title = "Council of Heads of Government of the CIS";

// A test with its own summitd on a socket and database in a fresh temporary
// directory. The daemon runs with TZ set to a zone far from everyone
// else's (Pacific/Chatham, UTC+12:45) so that a daemon guessing a zone from
// its host would give visibly wrong answers. It is killed, and the
// directory removed, even when the test fails; its log is printed then.
class SummitTest : public testing::Test {
protected:
  SummitTest();
  void SetUp() override;
  void TearDown() override;

  // Starts summitd on socket()/database() and waits (polling, bounded)
  // until it answers daemon.status. Fails the test otherwise.
  void start_daemon();
  // SIGTERM, then waits for it to end; its exit code, or -1 when it did
  // not stop in time (it is then killed).
  int stop_daemon();
  // A second summitd process on `socket` and `database`, its output
  // appended to `log_path`; not waited for.
  std::unique_ptr<BackgroundProcess> spawn_daemon(const std::string &socket,
                                                  const std::string &database,
                                                  const std::string &log_path) const;

  // Polls (bounded) until `process` answers daemon.status on `socket`;
  // false when it exits or the deadline passes.
  static bool wait_until_serving(const std::string &socket, BackgroundProcess &process);

  // Runs the real `summit` with SUMMIT_SOCKET pointing at our daemon and TZ
  // set explicitly (never the host's).
  ProcessResult summit(const std::vector<std::string> &args, const std::string &tz = "UTC") const;
  // `summit --json list` over all time: every event, as the CLI prints it.
  nlohmann::json all_events() const;
  // Adds the issue's two example events (ids 1 and 2).
  void add_issue_examples() const;

  std::string daemon_log() const;
  const std::string &socket() const { return m_socket; }
  const std::string &database() const { return m_database; }
  const TempDir &dir() const { return m_dir; }

  std::vector<std::string> daemon_environment() const;
  // The environment summit() runs the CLI with: SUMMIT_SOCKET, TZ, HOME and
  // XDG_RUNTIME_DIR inside the test directory.
  std::vector<std::string> cli_environment(const std::string &tz = "UTC") const;

  // Every later daemon start (start_daemon, spawn_daemon) reads this
  // configuration file (--config), written to dir()/summitd.toml. Call
  // before SummitTest::SetUp to apply it to the first start too.
  void use_daemon_config(const std::string &toml);

private:
  TempDir m_dir; // declared first: destroyed after the daemon is gone
  std::string m_socket;
  std::string m_database;
  std::string m_log;
  std::vector<std::string> m_config_args; // --config FILE, when one is used
  std::unique_ptr<BackgroundProcess> m_daemon;
};

// Lines of `text`, without their '\n'.
std::vector<std::string> lines_of(const std::string &text);

} // namespace summit::e2e
