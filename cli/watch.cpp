#include "cli/watch.hpp"

#include "cli/app.hpp"
#include "cli/daemon_client.hpp"
#include "cli/desktop_notifier.hpp"
#include "cli/reminder_command.hpp"
#include "cli/reminder_view.hpp"
#include "core/rpc.hpp"

#include <fmt/format.h>

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <memory>

namespace summit::cli {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr auto k_first_backoff = std::chrono::milliseconds(200);
constexpr auto k_max_backoff = std::chrono::milliseconds(5000);

// What arrived on the signalfd.
struct Signals {
  bool stop = false;  // SIGINT or SIGTERM
  bool child = false; // SIGCHLD: an --exec command finished
};

// SIGINT, SIGTERM and SIGCHLD, blocked for this thread and read from a
// signalfd, so that the watch loop can poll() on them next to its socket.
// Restores the previous mask on destruction (run() is also called by
// tests, in a process that carries on).
class SignalWatch {
public:
  SignalWatch() {
    sigemptyset(&m_set);
    for (const int signal : {SIGINT, SIGTERM, SIGCHLD}) {
      sigaddset(&m_set, signal);
    }
    ::pthread_sigmask(SIG_BLOCK, &m_set, &m_previous);
    m_fd = ::signalfd(-1, &m_set, SFD_CLOEXEC | SFD_NONBLOCK);
  }
  ~SignalWatch() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    ::pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
  }
  SignalWatch(const SignalWatch &) = delete;
  SignalWatch &operator=(const SignalWatch &) = delete;

  [[nodiscard]] int fd() const { return m_fd; }

  // Every signal pending now, without waiting.
  [[nodiscard]] Signals drain() const {
    Signals got;
    signalfd_siginfo info{};
    while (::read(m_fd, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info))) {
      if (info.ssi_signo == SIGCHLD) {
        got.child = true;
      } else {
        got.stop = true;
      }
    }
    return got;
  }

  // Waits until `deadline` or a signal, whichever comes first.
  [[nodiscard]] Signals wait_until(Clock::time_point deadline) const {
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd waiting{m_fd, POLLIN, 0};
      const int ready = ::poll(&waiting, 1, static_cast<int>(std::max<long>(left.count(), 0)));
      if (ready < 0 && errno == EINTR) {
        continue;
      }
      return ready > 0 ? drain() : Signals{};
    }
  }

private:
  sigset_t m_set{};
  sigset_t m_previous{};
  int m_fd = -1;
};

std::int64_t id_member(const json &params, const char *name) {
  auto it = params.find(name);
  return it != params.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

class Watch {
public:
  Watch(const WatchOptions &options, const std::string &socket_path, const date::time_zone *viewer,
        std::ostream &out, std::ostream &err)
      : m_options(options), m_socket_path(socket_path), m_viewer(viewer), m_out(out), m_err(err) {}

  int run() {
    if (m_signals.fd() < 0) {
      say(fmt::format("watch: cannot read signals: {}", std::strerror(errno)));
      return k_exit_refused;
    }
    if (!m_options.exec.empty()) {
      m_command = std::make_unique<ReminderCommand>(m_options.exec, m_options.json);
    }
    bool first = true;
    bool reported_gone = false;
    auto backoff = k_first_backoff;
    for (;;) {
      DaemonClient client(m_socket_path);
      auto subscribed = client.call("reminder.subscribe", json::object());
      if (!subscribed) {
        const CallError &error = subscribed.error();
        if (error.kind == CallError::Kind::refused && error.code == core::rpc::k_method_not_found) {
          say(fmt::format("summitd at {} is too old for `summit watch` (it has no "
                          "reminder.subscribe); upgrade summitd and restart it",
                          m_socket_path));
          return k_exit_refused;
        }
        if (error.kind != CallError::Kind::unreachable) {
          say(fmt::format("summitd refused to subscribe: {}", error.message));
          return k_exit_refused;
        }
        if (first) {
          say(fmt::format("cannot reach summitd at {} ({}); is summitd running? start it with "
                          "`summitd` or `systemctl --user start summitd`",
                          m_socket_path, error.message));
          return k_exit_unreachable;
        }
        if (!reported_gone) {
          say("daemon gone; reconnecting…");
          reported_gone = true;
        }
        if (pause(backoff)) {
          return k_exit_ok;
        }
        backoff = std::min(backoff * 2, k_max_backoff);
        continue;
      }
      if (first && m_options.notify) {
        open_notifier();
      }
      // Tells a person (and a script waiting for it) that nothing fired
      // from now on will be missed.
      say(fmt::format("{} summitd at {}; waiting for reminders",
                      first ? "subscribed to" : "reconnected to", m_socket_path));
      first = false;
      backoff = k_first_backoff;
      if (listen(client)) {
        return k_exit_ok;
      }
      say("daemon gone; reconnecting…");
      reported_gone = true;
      if (pause(backoff)) {
        return k_exit_ok;
      }
      backoff = std::min(backoff * 2, k_max_backoff);
    }
  }

private:
  // Reads notifications until the connection ends (false) or a stop
  // signal arrives (true).
  bool listen(DaemonClient &client) {
    for (;;) {
      auto message = client.next_notification(m_signals.fd());
      if (!message) {
        return false;
      }
      if (!*message) {
        if (handle(m_signals.drain())) {
          return true;
        }
        continue;
      }
      deliver(**message);
    }
  }

  // Waits `span` unless a stop signal comes first (true).
  bool pause(std::chrono::milliseconds span) {
    const auto deadline = Clock::now() + span;
    while (Clock::now() < deadline) {
      if (handle(m_signals.wait_until(deadline))) {
        return true;
      }
    }
    return false;
  }

  // Reaps finished commands; true when it is time to stop.
  bool handle(const Signals &signals) {
    if (signals.child && m_command) {
      for (const std::string &failure : m_command->reap()) {
        say("--exec: " + failure);
      }
    }
    return signals.stop;
  }

  void open_notifier() {
    auto notifier = DesktopNotifier::connect();
    if (!notifier) {
      say("--notify: " + notifier.error());
      return;
    }
    m_notifier = std::move(*notifier);
  }

  void deliver(const json &message) {
    if (message.value("method", std::string()) != "reminder.fired") {
      return;
    }
    const json params = message.value("params", json::object());
    if (!params.is_object()) {
      return;
    }
    const std::int64_t reminder_id = id_member(params, "reminder_id");
    if (!m_seen.first_time(reminder_id, id_member(params, "firing_id"))) {
      say(fmt::format("reminder {} was delivered again after a daemon restart; shown above "
                      "already",
                      reminder_id));
      return;
    }
    if (m_options.json) {
      m_out << params.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
    } else {
      m_out << format_fired_line(params, m_viewer) << '\n';
    }
    m_out.flush();
    if (m_command) {
      if (auto started = m_command->start(params); !started) {
        say("--exec: " + started.error());
      }
    }
    if (m_notifier) {
      if (auto shown =
              m_notifier->notify(notification_summary(params), notification_body(params, m_viewer));
          !shown) {
        say("--notify: " + shown.error());
      }
    }
  }

  // One write per message, so that it never lands inside an output line.
  void say(const std::string &sentence) { m_err << ("summit: " + sentence + "\n") << std::flush; }

  const WatchOptions &m_options;
  const std::string &m_socket_path;
  const date::time_zone *m_viewer;
  std::ostream &m_out;
  std::ostream &m_err;
  SignalWatch m_signals;
  SeenFirings m_seen;
  std::unique_ptr<ReminderCommand> m_command;
  std::unique_ptr<DesktopNotifier> m_notifier;
};

} // namespace

bool SeenFirings::first_time(std::int64_t reminder_id, std::int64_t firing_id) {
  const auto key = std::make_pair(reminder_id, firing_id);
  if (!m_seen.insert(key).second) {
    return false;
  }
  m_order.push_back(key);
  if (m_order.size() > m_capacity) {
    m_seen.erase(m_order.front());
    m_order.pop_front();
  }
  return true;
}

std::optional<ExecSplit> split_watch_exec(const std::vector<std::string> &args) {
  std::size_t i = 0;
  // Global options before the command; the ones that take a value skip it.
  while (i < args.size() && args[i].starts_with('-')) {
    const bool takes_value = args[i] == "--socket" || args[i] == "--tz";
    i += takes_value ? 2 : 1;
  }
  if (i >= args.size() || args[i] != "watch") {
    return std::nullopt;
  }
  for (std::size_t j = i + 1; j < args.size(); ++j) {
    if (args[j] == "--exec") {
      ExecSplit split;
      split.parser_args.assign(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(j));
      split.command.assign(args.begin() + static_cast<std::ptrdiff_t>(j) + 1, args.end());
      return split;
    }
    if (args[j] == "--socket" || args[j] == "--tz") {
      ++j; // its value, even one spelled "--exec"
    }
  }
  return std::nullopt;
}

int run_watch(const WatchOptions &options, const std::string &socket_path,
              const date::time_zone *viewer, std::ostream &out, std::ostream &err) {
  Watch watch(options, socket_path, viewer, out, err);
  return watch.run();
}

} // namespace summit::cli
