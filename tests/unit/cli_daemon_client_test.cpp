#include "cli/client/daemon_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <string>
#include <thread>

namespace summit::cli {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Answers every request line with an empty result, and says when the first
// request has arrived.
class EchoDaemon {
public:
  EchoDaemon() {
    char pattern[] = "/tmp/summit-client-test-XXXXXX";
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
  ~EchoDaemon() {
    ::shutdown(m_listener, SHUT_RDWR);
    m_thread.join();
    ::close(m_listener);
    std::filesystem::remove_all(m_dir);
  }
  const std::string &path() const { return m_path; }
  std::future<void> first_request() { return m_first.get_future(); }

private:
  void serve() {
    const int fd = ::accept(m_listener, nullptr, nullptr);
    if (fd < 0) {
      return;
    }
    std::string buffer;
    char chunk[4096];
    bool first = true;
    for (;;) {
      const ssize_t got = ::read(fd, chunk, sizeof(chunk));
      if (got <= 0) {
        break;
      }
      buffer.append(chunk, static_cast<std::size_t>(got));
      for (auto nl = buffer.find('\n'); nl != std::string::npos; nl = buffer.find('\n')) {
        const json request = json::parse(buffer.substr(0, nl));
        buffer.erase(0, nl + 1);
        if (std::exchange(first, false)) {
          m_first.set_value();
        }
        const std::string line =
            json{{"jsonrpc", "2.0"}, {"id", request["id"]}, {"result", json::object()}}.dump() +
            "\n";
        EXPECT_EQ(::write(fd, line.data(), line.size()), static_cast<ssize_t>(line.size()));
      }
    }
    ::close(fd);
  }

  std::string m_dir;
  std::string m_path;
  int m_listener = -1;
  std::thread m_thread;
  std::promise<void> m_first;
};

TEST(DaemonClient, work_while_waiting_runs_once_after_the_first_request_is_sent) {
  EchoDaemon daemon;
  auto arrived = daemon.first_request();
  DaemonClient client(daemon.path());
  int runs = 0;
  bool request_was_out = false;
  client.set_while_waiting([&] {
    ++runs;
    request_was_out = arrived.wait_for(10s) == std::future_status::ready;
  });
  ASSERT_TRUE(client.call("daemon.status", json::object()));
  ASSERT_TRUE(client.call("daemon.status", json::object()));
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(request_was_out);
}

TEST(DaemonClient, work_while_waiting_does_not_run_when_the_daemon_is_unreachable) {
  DaemonClient client("/nonexistent/summit-client-test.sock");
  int runs = 0;
  client.set_while_waiting([&] { ++runs; });
  const auto result = client.call("daemon.status", json::object());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, CallError::Kind::unreachable);
  EXPECT_EQ(runs, 0);
}

} // namespace
} // namespace summit::cli
