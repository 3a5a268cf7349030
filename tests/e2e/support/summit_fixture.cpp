#include "support/summit_fixture.hpp"

#include "support/raw_client.hpp"

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

namespace summit::e2e {

namespace {

// Start-up under ASan on a loaded machine can take a while; the loop below
// returns as soon as the daemon answers.
constexpr auto k_start_deadline = std::chrono::seconds(30);
constexpr auto k_stop_deadline = std::chrono::seconds(15);
constexpr auto k_poll_interval = std::chrono::milliseconds(10);

} // namespace

SummitTest::SummitTest()
    : m_socket(m_dir / "summitd.sock"), m_database(m_dir / "summit.db"),
      m_log(m_dir / "summitd.log") {}

void SummitTest::SetUp() { ASSERT_NO_FATAL_FAILURE(start_daemon()); }

void SummitTest::TearDown() {
  if (HasFailure()) {
    std::cerr << "---- summitd log (" << m_log << ") ----\n"
              << daemon_log() << "---- end of summitd log ----\n";
  }
  m_daemon.reset();
}

std::vector<std::string> SummitTest::daemon_environment() const {
  std::vector<std::string> env = inherited_environment();
  env.push_back("HOME=" + m_dir.path());
  env.push_back("XDG_RUNTIME_DIR=" + (m_dir / "run"));
  env.push_back("XDG_DATA_HOME=" + (m_dir / "data"));
  env.push_back("XDG_CONFIG_HOME=" + (m_dir / "config"));
  env.push_back("TZ=Pacific/Chatham");
  return env;
}

std::unique_ptr<BackgroundProcess> SummitTest::spawn_daemon(const std::string &socket,
                                                            const std::string &database,
                                                            const std::string &log_path) const {
  std::vector<std::string> args{"--socket", socket, "--db", database};
  args.insert(args.end(), m_config_args.begin(), m_config_args.end());
  return std::make_unique<BackgroundProcess>(k_summitd, args, daemon_environment(), log_path);
}

bool SummitTest::wait_until_serving(const std::string &socket, BackgroundProcess &process) {
  const auto deadline = std::chrono::steady_clock::now() + k_start_deadline;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process.running()) {
      return false;
    }
    RawClient probe(socket);
    if (probe.connected()) {
      const nlohmann::json reply = probe.call("daemon.status", nlohmann::json::object());
      if (reply.is_object() && reply.contains("result")) {
        return true;
      }
    }
    std::this_thread::sleep_for(k_poll_interval);
  }
  return false;
}

void SummitTest::start_daemon() {
  // A daemon still running (the one SetUp started, for a test that starts
  // its own) is killed and reaped first. Assigning over it killed it only
  // after the new one was spawned, and a new one that started quickly enough
  // found it still serving and refused ("already running").
  m_daemon.reset();
  m_daemon = spawn_daemon(m_socket, m_database, m_log);
  ASSERT_TRUE(wait_until_serving(m_socket, *m_daemon))
      << "summitd did not start serving on " << m_socket << " (see its log below)";
}

int SummitTest::stop_daemon() {
  if (!m_daemon) {
    return -1;
  }
  m_daemon->signal(SIGTERM);
  auto status = m_daemon->wait(k_stop_deadline);
  m_daemon.reset(); // kills it if it did not stop
  return status.value_or(-1);
}

std::vector<std::string> SummitTest::cli_environment(const std::string &tz) const {
  std::vector<std::string> env = inherited_environment();
  env.push_back("SUMMIT_SOCKET=" + m_socket);
  env.push_back("TZ=" + tz);
  env.push_back("HOME=" + m_dir.path());
  // Keep the CLI's default paths inside the test directory too.
  env.push_back("XDG_RUNTIME_DIR=" + (m_dir / "run"));
  return env;
}

void SummitTest::use_daemon_config(const std::string &toml) {
  const std::string path = m_dir / "summitd.toml";
  std::ofstream(path) << toml;
  m_config_args = {"--config", path};
}

ProcessResult SummitTest::summit(const std::vector<std::string> &args,
                                 const std::string &tz) const {
  return run_process(k_summit, args, cli_environment(tz));
}

nlohmann::json SummitTest::all_events() const {
  const ProcessResult listed =
      summit({"--json", "list", "--from", "1970-01-01", "--limit", "10000"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  auto events = nlohmann::json::parse(listed.out, nullptr, /*allow_exceptions=*/false);
  EXPECT_TRUE(events.is_array()) << listed.out;
  return events;
}

void SummitTest::add_issue_examples() const {
  const ProcessResult month = summit(
      {"add", k_cis_title, "--at", "2025-09", "--location", "Minsk, Belarus", "--tag", "cis"});
  ASSERT_EQ(month.exit_code, 0) << month.err;
  const ProcessResult timed =
      summit({"add", k_cis_title, "--at", "2025-09-26 10:00", "--tz", "Europe/Minsk", "--location",
              "Minsk, Belarus", "--remind", "7d", "--remind", "1d", "--tag", "cis"});
  ASSERT_EQ(timed.exit_code, 0) << timed.err;
}

std::string SummitTest::daemon_log() const {
  std::ifstream in(m_log);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string &text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

} // namespace summit::e2e
