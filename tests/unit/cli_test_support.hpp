#pragma once

// What the cli unit tests share: a stand-in summitd on a temporary socket
// and a way to run `summit` against it with a fixed clock, zone and
// terminal. Never the host's clock, TZ or terminal.

#include "cli/app.hpp"
#include "core/event.hpp"
#include "core/event_json.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace summit::cli::test_support {

using nlohmann::json;

// A stand-in for summitd on a temporary socket: answers each request line
// on its one connection with handler(request), and remembers the requests.
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

  FakeDaemon(const FakeDaemon &) = delete;
  FakeDaemon &operator=(const FakeDaemon &) = delete;

  const std::string &path() const { return m_path; }
  // Only read after the client has finished (run() returned).
  const std::vector<json> &requests() const { return m_requests; }
  // The methods of requests(), in order.
  std::vector<std::string> methods() const {
    std::vector<std::string> names;
    for (const json &request : m_requests) {
      names.push_back(request.value("method", ""));
    }
    return names;
  }

private:
  void serve() {
    const int fd = ::accept(m_listener, nullptr, nullptr);
    if (fd < 0) {
      return;
    }
    std::string buffer;
    char chunk[65536];
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

// A reply with `result`.
inline json result_of(json result) { return json{{"result", std::move(result)}}; }
// A JSON-RPC error reply.
inline json error_of(int code, const std::string &message) {
  return json{{"error", {{"code", code}, {"message", message}}}};
}

// What the process around `summit` looks like in a test.
struct RunContext {
  std::map<std::string, std::string> vars{{"TZ", "UTC"}};
  // Mon 1 Sep 2025 12:00 UTC unless a test says otherwise.
  core::SysSeconds now =
      date::sys_days{date::year{2025} / date::September / 1} + std::chrono::hours{12};
  bool stdout_is_terminal = false;
  bool stderr_is_terminal = false;
  std::optional<std::string> stdin_text; // none: no standard input
};

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

// Runs `summit args...` as `context` says, SUMMIT_SOCKET being `socket`.
inline Outcome run_summit(std::vector<std::string> args, const std::string &socket,
                          const RunContext &context = {}) {
  std::map<std::string, std::string> vars = context.vars;
  vars["SUMMIT_SOCKET"] = socket;
  CommandEnvironment env;
  env.now = context.now;
  env.getenv = [vars](const char *name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  env.uid = 1000;
  env.exists = [](const std::string &) { return false; };
  env.system_zone = [] { return date::locate_zone("UTC"); };
  env.load_gazetteer = []() -> std::unique_ptr<core::Gazetteer> {
    return std::make_unique<core::ZoneGazetteer>(core::ZoneGazetteer::parse(
        "BY\t+5354+02734\tEurope/Minsk\n", "BY\t+5354+02734\tEurope/Minsk\n", "BY\tBelarus\n"));
  };
  env.is_terminal = [context](int fd) {
    return fd == 1 ? context.stdout_is_terminal : fd == 2 && context.stderr_is_terminal;
  };
  std::istringstream in(context.stdin_text.value_or(""));
  if (context.stdin_text) {
    env.in = &in;
  }
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

inline const std::string k_no_socket = "/nonexistent/summit-test/summitd.sock";

// The meeting: Fri 26 Sep 2025 10:00 in Minsk (07:00 UTC), event 2.
inline core::Event minsk_meeting() {
  using namespace std::chrono_literals;
  core::Event event;
  event.id = 2;
  event.uid = "x@summit";
  event.title = "Council of Heads of Government of the CIS";
  event.tz = "Europe/Minsk";
  event.start_local = date::local_days{date::year{2025} / date::September / 26} + 10h;
  event.end_local = event.start_local;
  event.start_utc = date::sys_days{date::year{2025} / date::September / 26} + 7h;
  event.end_utc = event.start_utc;
  event.location = "Minsk, Belarus";
  event.tags = {"cis"};
  return event;
}

// A weekly series, event 5: "CIS working group", Fridays 10:00–11:00 in
// Minsk (UTC+3 all year), from Fri 3 Oct 2025.
inline core::Event weekly_working_group() {
  using namespace std::chrono_literals;
  core::Event event;
  event.id = 5;
  event.uid = "wg@summit";
  event.title = "CIS working group";
  event.tz = "Europe/Minsk";
  event.start_local = date::local_days{date::year{2025} / date::October / 3} + 10h;
  event.end_local = event.start_local + 1h;
  event.has_end = true;
  event.start_utc = date::sys_days{date::year{2025} / date::October / 3} + 7h;
  event.end_utc = event.start_utc + 1h;
  event.location = "Minsk, Belarus";
  event.recurrence = core::Recurrence{};
  event.recurrence->rrule = "FREQ=WEEKLY;BYDAY=FR";
  event.recurrence->description = "every week on Friday";
  return event;
}

// The occurrence of `series` `weeks` weeks after its first, as event.list
// gives it (no override).
inline core::Event weekly_occurrence(const core::Event &series, int weeks) {
  core::Event event = series;
  const auto shift = date::days{7 * weeks};
  event.start_local += shift;
  event.end_local += shift;
  event.start_utc += shift;
  event.end_utc += shift;
  event.occurrence = event.start_local;
  return event;
}

} // namespace summit::cli::test_support
