#include "cli/commands/watch.hpp"

#include "cli/client/command_environment.hpp"
#include "cli/client/daemon_client.hpp"
#include "cli/client/socket_path.hpp"
#include "cli/notify/desktop_notifier.hpp"
#include "cli/notify/notification_actions.hpp"
#include "cli/notify/reminder_command.hpp"
#include "cli/views/reminder_view.hpp"
#include "cli/views/terminal_text.hpp"
#include "core/protocol.hpp"
#include "core/rpc.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

namespace summit::cli {

namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

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
  [[nodiscard]] Signals wait_until(SteadyClock::time_point deadline) const {
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
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
    if (!m_cursor_file.problem().empty()) {
      say("watch: " + m_cursor_file.problem() +
          "; reminders fired while no watch runs will "
          "not be shown later");
    }
    if (!m_options.from_now) {
      m_cursor = m_cursor_file.load();
    }
    bool first = true;
    bool reported_gone = false;
    auto backoff = k_first_backoff;
    for (;;) {
      DaemonClient client(m_socket_path);
      json params = json::object();
      if (m_cursor) {
        params["after"] = *m_cursor;
      }
      auto subscribed = client.call(core::protocol::reminder_subscribe, std::move(params));
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
          say(fmt::format(
              "cannot reach summitd at {} ({}); {}", m_socket_path, error.message,
              unreachable_advice(m_socket_path,
                                 inspect_socket_access(m_socket_path, error.error_number))));
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
      take_cursor(*subscribed);
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
  // signal arrives (true); between them, serves the notification server's
  // signals (an action chosen on a notification).
  bool listen(DaemonClient &client) {
    for (;;) {
      serve_notifications(client);
      std::vector<pollfd> wake{pollfd{m_signals.fd(), POLLIN, 0}};
      int timeout_ms = -1;
      if (m_notifier) {
        wake.push_back(m_notifier->poll_entry());
        timeout_ms = m_notifier->poll_timeout_ms();
      }
      auto message = client.next_notification(wake, timeout_ms);
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

  // What the notification server said since last time: an action chosen
  // is sent to summitd on `client` (the subscribed connection); a closed
  // notification is forgotten. A lost bus ends the notifications until a
  // later reminder finds one again.
  void serve_notifications(DaemonClient &client) {
    if (!m_notifier) {
      return;
    }
    auto events = m_notifier->process();
    if (!events) {
      say("--notify: " + events.error() + "; trying again at the next reminder");
      m_notifier.reset();
      m_notifier_problem = events.error();
      return;
    }
    for (const NotificationEvent &event : *events) {
      if (event.kind == NotificationEvent::Kind::closed) {
        m_actions.forget(event.id);
      } else if (auto action = m_actions.take(event.id, event.action_key)) {
        act(client, *action);
      }
    }
  }

  // Asks summitd to snooze or acknowledge, and says what came of it.
  void act(DaemonClient &client, const ReminderAction &action) {
    auto result = client.call(action.method, action.params);
    if (!result) {
      say(NotificationActions::failed_line(action, result.error().message));
      return;
    }
    const std::string line = NotificationActions::done_line(action, *result, m_viewer);
    if (m_options.json) {
      say(line); // stdout keeps one JSON object per firing
    } else {
      m_out << line << '\n' << std::flush;
    }
  }

  // Waits `span` unless a stop signal comes first (true).
  bool pause(std::chrono::milliseconds span) {
    const auto deadline = SteadyClock::now() + span;
    while (SteadyClock::now() < deadline) {
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

  // Connects to the session bus; a failure is said once (until it changes
  // or a connection succeeds).
  void open_notifier() {
    auto notifier = DesktopNotifier::connect();
    if (!notifier) {
      if (notifier.error() != m_notifier_problem) {
        say("--notify: " + notifier.error());
        m_notifier_problem = notifier.error();
      }
      return;
    }
    m_notifier = std::move(*notifier);
    m_notifier_problem.clear();
  }

  // Where the daemon starts this subscription; a cursor it did not know
  // (another database) is replaced by the one it gives.
  void take_cursor(const json &reply) {
    const std::int64_t cursor = id_member(reply, "cursor");
    const std::int64_t latest = id_member(reply, "latest");
    if (m_cursor && cursor < *m_cursor) {
      say(fmt::format("the daemon's firing log ends at {}, before this watch's last ({}): it is "
                      "another or a new database; showing new reminders from here",
                      latest, *m_cursor));
    }
    if (latest > cursor) {
      say(fmt::format("showing up to {} reminder(s) that fired since the last watch (marked late)",
                      latest - cursor));
    }
    m_cursor = cursor;
    m_cursor_file.save(cursor, true);
  }

  void deliver(const json &message) {
    const std::string method = message.value("method", std::string());
    if (method == core::protocol::reminder_gap) {
      const json params = message.value("params", json::object());
      say(fmt::format("{} reminder(s) fired while this watch was away and are older than "
                      "summitd keeps (reminders.keep_firings); `summit missed` lists missed "
                      "ones, the journal every firing",
                      id_member(params, "missed")));
      note_shown(id_member(params, "resumes_after"));
      return;
    }
    if (method != core::protocol::reminder_fired) {
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
      m_out << json_text(params, -1) << '\n';
    } else {
      m_out << format_fired_line(params, m_viewer) << '\n';
    }
    m_out.flush();
    if (m_command) {
      if (auto started = m_command->start(params); !started) {
        say("--exec: " + started.error());
      }
    }
    if (m_options.notify && !m_notifier && !m_notifier_problem.empty()) {
      open_notifier(); // the bus was lost (or never there): try again
    }
    if (m_notifier) {
      auto shown =
          m_notifier->notify(notification_summary(params), notification_body(params, m_viewer),
                             NotificationActions::notify_actions());
      if (!shown) {
        say("--notify: " + shown.error());
      } else if (m_notifier->supports_actions()) {
        m_actions.remember(*shown, params);
      }
    }
    note_shown(id_member(params, "firing_id"));
  }

  // Kept once shown (printed and flushed): a watch that dies before shows
  // it again next time rather than never.
  void note_shown(std::int64_t firing_id) {
    if (!m_cursor || firing_id > *m_cursor) {
      m_cursor = firing_id;
      m_cursor_file.save(firing_id);
    }
  }

  // One write per message, so that it never lands inside an output line.
  void say(const std::string &sentence) {
    m_err << ("summit: " + printable(sentence) + "\n") << std::flush;
  }

  const WatchOptions &m_options;
  const std::string &m_socket_path;
  const date::time_zone *m_viewer;
  std::ostream &m_out;
  std::ostream &m_err;
  SignalWatch m_signals;
  SeenFirings m_seen;
  WatchCursor m_cursor_file{m_options.cursor_file};
  std::optional<std::int64_t> m_cursor;
  std::unique_ptr<ReminderCommand> m_command;
  std::unique_ptr<DesktopNotifier> m_notifier;
  std::string m_notifier_problem; // the last one said; empty once connected
  NotificationActions m_actions;  // the reminders behind notifications with actions
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

std::optional<std::string> watch_cursor_file(const std::string &socket_path,
                                             const std::optional<std::string> &xdg_state_home,
                                             const std::optional<std::string> &home) {
  std::filesystem::path state;
  if (xdg_state_home && !xdg_state_home->empty()) {
    state = *xdg_state_home;
  } else if (home && !home->empty()) {
    state = std::filesystem::path(*home) / ".local" / "state";
  } else {
    return std::nullopt;
  }
  // FNV-1a, 64 bits: stable across runs and builds (std::hash is not).
  std::uint64_t hash = 14695981039346656037ULL;
  for (const unsigned char c : socket_path) {
    hash = (hash ^ c) * 1099511628211ULL;
  }
  return (state / "summit" / fmt::format("watch-{:016x}.cursor", hash)).string();
}

namespace {
constexpr std::size_t k_cursor_digits = 20;
}

WatchCursor::WatchCursor(const std::optional<std::string> &path) {
  if (!path) {
    return;
  }
  const std::filesystem::path file(*path);
  std::error_code error;
  if (!std::filesystem::exists(file.parent_path(), error)) {
    std::filesystem::create_directories(file.parent_path(), error);
    if (!error) {
      std::filesystem::permissions(file.parent_path(), std::filesystem::perms::owner_all, error);
    }
  }
  m_fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (m_fd < 0) {
    m_problem = fmt::format("cannot keep the watch's place in {}: {}", *path, std::strerror(errno));
    return;
  }
  if (const auto kept = load()) {
    m_saved = *kept;
  }
}

WatchCursor::~WatchCursor() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

std::optional<std::int64_t> WatchCursor::load() const {
  if (m_fd < 0) {
    return std::nullopt;
  }
  std::array<char, k_cursor_digits + 1> text{};
  if (::pread(m_fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()) ||
      text.back() != '\n') {
    return std::nullopt;
  }
  std::int64_t value = 0;
  for (std::size_t i = 0; i < k_cursor_digits; ++i) {
    if (text[i] < '0' || text[i] > '9' || value > (INT64_MAX - 9) / 10) {
      return std::nullopt;
    }
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

void WatchCursor::save(std::int64_t firing_id, bool force) {
  if (m_fd < 0 || firing_id < 0 || (!force && firing_id <= m_saved)) {
    return;
  }
  const auto text = fmt::format("{:020}\n", firing_id);
  if (::pwrite(m_fd, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size())) {
    m_saved = firing_id;
  }
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
