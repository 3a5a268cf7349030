#include "daemon/notify/exec_channel.hpp"

#include "core/hook_environment.hpp"
#include "core/time_format.hpp"
#include "sys/spawn.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434 // same number on every Linux architecture
#endif

namespace summit::notify {

namespace {

// Log text from a command's stderr on one line, control characters escaped,
// so that a hook cannot forge log lines.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  return out;
}

} // namespace

std::vector<std::string> safe_base_environment() {
  std::vector<std::string> base;
  const char *path = std::getenv("PATH");
  base.push_back(std::string("PATH=") + (path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin"));
  if (const char *home = std::getenv("HOME"); home != nullptr) {
    base.push_back(std::string("HOME=") + home);
  }
  const char *lang = std::getenv("LANG");
  base.push_back(std::string("LANG=") + (lang != nullptr ? lang : "C.UTF-8"));
  return base;
}

std::vector<std::string> firing_environment(const scheduler::Firing &firing,
                                            const std::vector<std::string> &base) {
  // In core::k_hook_variables' order.
  return core::hook_environment(
      base, {std::to_string(firing.reminder_id), std::to_string(firing.event_id), firing.title,
             firing.start_local, core::format_iso_utc(firing.start_utc), firing.tz, firing.location,
             firing.reminder, std::to_string(firing.lateness.count())});
}

struct ExecChannel::Job {
  std::size_t remaining = 0;
  std::function<void()> on_delivered;
};

struct ExecChannel::Run {
  explicit Run(const boost::asio::any_io_executor &executor)
      : stderr_pipe(executor), pidfd(executor), timeout(executor) {}

  ExecResult result;
  std::string label; // "command '/usr/local/bin/page-me' for reminder 12"
  pid_t pid = -1;
  bool exited = false;
  boost::asio::posix::stream_descriptor stderr_pipe;
  boost::asio::posix::stream_descriptor pidfd;
  boost::asio::steady_timer timeout;
  std::array<char, 1024> buffer{};
  std::shared_ptr<Job> job;
};

ExecChannel::ExecChannel(boost::asio::any_io_executor executor, std::vector<ExecCommand> commands,
                         ExecOptions options)
    : m_executor(std::move(executor)), m_options(std::move(options)), m_hold_timer(m_executor) {
  m_options.max_running = std::max<std::size_t>(m_options.max_running, 1);
  m_options.max_queued = std::max<std::size_t>(m_options.max_queued, 1);
  for (auto &command : commands) {
    // An empty argv cannot be run; refuse it here rather than at every firing.
    if (command.argv.empty() || command.argv[0].empty()) {
      spdlog::error("exec channel: ignoring a command with an empty argv");
      continue;
    }
    m_hooks.push_back(Hook{std::move(command), {}, {}, 0, 0, false, {}});
  }
}

std::size_t ExecChannel::running() const {
  std::size_t total = 0;
  for (const auto &hook : m_hooks) {
    total += hook.running;
  }
  return total;
}

std::size_t ExecChannel::queued() const {
  std::size_t total = 0;
  for (const auto &hook : m_hooks) {
    total += hook.queue.size();
  }
  return total;
}

void ExecChannel::deliver(const scheduler::Firing &firing, std::function<void()> on_delivered) {
  if (m_stopped) {
    return; // left pending: delivered again at the next start
  }
  if (m_hooks.empty()) {
    on_delivered();
    return;
  }
  auto job = std::make_shared<Job>(Job{m_hooks.size(), std::move(on_delivered)});
  auto environment = std::make_shared<const std::vector<std::string>>(
      firing_environment(firing, m_options.base_environment));
  for (std::size_t i = 0; i < m_hooks.size(); ++i) {
    Hook &hook = m_hooks[i];
    if (hook.queue.size() >= m_options.max_queued) {
      // Its slots are all taken and its queue is full: it is hanging or far
      // too slow. Its oldest waiting run goes; the other commands are not
      // concerned.
      Pending oldest = std::move(hook.queue.front());
      hook.queue.pop_front();
      ++m_dropped;
      ++hook.dropped_unlogged;
      const auto now = Clock::now();
      // One warning, then at most one every 10 s with the count.
      if (!hook.warned_of_drops || now - hook.last_drop_warning >= std::chrono::seconds(10)) {
        hook.warned_of_drops = true;
        spdlog::warn("command '{}' has {} runs running and {} waiting (its limit): dropped its "
                     "run for reminder {} ({} dropped since the last warning); is it hanging? "
                     "Runs end at its timeout ({})",
                     hook.command.argv[0], hook.running, hook.queue.size() + 1, oldest.reminder_id,
                     hook.dropped_unlogged, core::format_duration_short(hook.command.timeout));
        hook.dropped_unlogged = 0;
        hook.last_drop_warning = now;
      }
      complete(oldest.job, true);
    }
    hook.queue.push_back(Pending{environment, firing.firing_id, firing.reminder_id, job});
    take_slots(i);
  }
  // The processes start on later turns of the loop, never here: the
  // scheduler hands out the rest of its batch and tells the other channels
  // (subscribers) first, and a due reminder's timer gets a turn between two
  // process starts (posix_spawn takes milliseconds on a busy machine).
  post_start();
}

void ExecChannel::post_start() {
  if (m_start_posted || m_stopped) {
    return;
  }
  m_start_posted = true;
  boost::asio::post(m_executor, [self = shared_from_this()] { self->start_one_each(); });
}

void ExecChannel::start_one_each() {
  if (!m_stopped && m_options.hold_starts && m_options.hold_starts()) {
    // m_start_posted stays set: this wait is the one start pending.
    m_hold_timer.expires_after(k_held_start_pause);
    m_hold_timer.async_wait([weak = weak_from_this()](const boost::system::error_code &error) {
      if (const auto self = weak.lock(); self && !error) {
        self->start_one_each();
      }
    });
    return;
  }
  m_start_posted = false;
  bool more = false;
  for (std::size_t i = 0; i < m_hooks.size() && !m_stopped; ++i) {
    Hook &hook = m_hooks[i];
    if (!hook.starting.empty()) {
      auto pending = std::move(hook.starting.front());
      hook.starting.pop_front();
      start(i, std::move(pending));
    }
    more = more || !hook.starting.empty();
  }
  if (more) {
    post_start();
  }
}

void ExecChannel::stop() {
  m_stopped = true;
  m_hold_timer.cancel();
  m_start_posted = false;
  for (auto &hook : m_hooks) {
    hook.queue.clear();
    hook.running -= hook.starting.size();
    hook.starting.clear();
  }
  for (const auto &run : m_running) {
    if (!run->exited) {
      ::kill(-run->pid, SIGKILL);
    }
  }
}

void ExecChannel::take_slots(std::size_t index) {
  Hook &hook = m_hooks[index];
  while (!m_stopped && hook.running < m_options.max_running && !hook.queue.empty()) {
    hook.starting.push_back(std::move(hook.queue.front()));
    hook.queue.pop_front();
    ++hook.running;
  }
}

void ExecChannel::complete(const std::shared_ptr<Job> &job, bool defer) {
  // After stop() the firing stays pending: it goes out again next start.
  if (--job->remaining != 0 || m_stopped) {
    return;
  }
  auto on_delivered = std::exchange(job->on_delivered, nullptr);
  if (!on_delivered) {
    return;
  }
  if (defer) {
    // Never call the scheduler's completion from inside deliver().
    boost::asio::post(m_executor, std::move(on_delivered));
  } else {
    on_delivered();
  }
}

namespace {

void append_stderr(ExecResult &result, const char *data, std::size_t size, std::size_t limit) {
  const auto room = limit - std::min(limit, result.stderr_text.size());
  result.stderr_text.append(data, std::min(room, size));
  if (size > room) {
    result.stderr_truncated = true;
  }
}

} // namespace

void ExecChannel::start(std::size_t index, Pending pending) {
  Hook &hook = m_hooks[index];
  const auto &command = hook.command;
  auto run = std::make_shared<Run>(m_executor);
  run->job = std::move(pending.job);
  run->result.command = index;
  run->result.firing_id = pending.firing_id;
  run->result.reminder_id = pending.reminder_id;
  run->label = fmt::format("command '{}' for reminder {}", command.argv[0], pending.reminder_id);

  // stdin and stdout on /dev/null, stderr into a new pipe, a new process
  // group, no blocked signals and every signal at its default (the daemon
  // may ignore SIGPIPE; a hook should not inherit that).
  sys::SpawnRequest request;
  request.argv = command.argv;
  request.environment = *pending.environment;
  request.stdout_to = sys::SpawnRequest::Output::null;
  request.stderr_to = sys::SpawnRequest::Output::pipe;
  request.own_process_group = true;
  const auto spawned = sys::spawn(request);
  if (spawned.error != 0) {
    run->result.spawn_error = fmt::format("{}: {}", spawned.what, std::strerror(spawned.error));
    run->exited = true;
    m_running.push_back(run);
    // Finish on a later turn, like every other outcome: never call the
    // scheduler's completion from inside deliver().
    boost::asio::post(m_executor, [self = shared_from_this(), run] { self->finished(run); });
    return;
  }
  run->pid = spawned.pid;
  m_running.push_back(run);

  boost::system::error_code ec;
  run->stderr_pipe.assign(spawned.stderr_fd, ec);
  if (ec) {
    ::close(spawned.stderr_fd);
    spdlog::warn("{}: cannot watch its stderr: {}", run->label, ec.message());
  } else {
    read_stderr(run, m_options.stderr_limit);
  }

  run->timeout.expires_after(command.timeout);
  run->timeout.async_wait([run, timeout = command.timeout](const boost::system::error_code &e) {
    if (e) {
      return; // cancelled: it exited in time
    }
    if (run->exited) {
      return;
    }
    run->result.timed_out = true;
    spdlog::warn("{} still running after {}: killing its process group", run->label,
                 core::format_duration_short(timeout));
    // Not yet reaped, so the pid (and the group it leads) cannot have been
    // reused.
    ::kill(-run->pid, SIGKILL);
  });

  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, run->pid, 0));
  auto reap = [self = shared_from_this(), run] {
    int status = 0;
    const pid_t reaped = ::waitpid(run->pid, &status, WNOHANG);
    if (reaped == 0) {
      return false; // not yet: keep waiting
    }
    if (reaped < 0) {
      spdlog::error("{}: waitpid failed: {}", run->label, std::strerror(errno));
    } else if (WIFEXITED(status)) {
      run->result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      run->result.signal = WTERMSIG(status);
    }
    self->finished(run);
    return true;
  };
  if (pidfd >= 0) {
    run->pidfd.assign(pidfd);
    // Readable once the process has exited.
    struct Waiter {
      std::shared_ptr<Run> run;
      decltype(reap) reap_now;
      void operator()(const boost::system::error_code &e) {
        if (e) {
          if (e != boost::asio::error::operation_aborted) {
            spdlog::error("{}: waiting for exit failed: {}", run->label, e.message());
          }
          return;
        }
        if (!reap_now()) {
          run->pidfd.async_wait(boost::asio::posix::stream_descriptor::wait_read, *this);
        }
      }
    };
    run->pidfd.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                          Waiter{run, std::move(reap)});
    return;
  }
  // Kernels before 5.3 have no pidfd_open: wait on a thread of its own and
  // reap on the loop. waitid(WNOWAIT) leaves the zombie for reap() so the
  // pid stays ours until then.
  spdlog::debug("{}: pidfd_open unavailable ({}); waiting on a thread", run->label,
                std::strerror(errno));
  std::thread([executor = m_executor, pid = run->pid, reap = std::move(reap)]() mutable {
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) != 0 &&
           errno == EINTR) {
    }
    boost::asio::post(executor, [reap = std::move(reap)]() mutable { reap(); });
  }).detach();
}

void ExecChannel::read_stderr(const std::shared_ptr<Run> &run, std::size_t limit) {
  run->stderr_pipe.async_read_some(
      boost::asio::buffer(run->buffer),
      [run, limit](const boost::system::error_code &ec, std::size_t n) {
        if (ec) {
          // eof: the command (and all it started) closed stderr;
          // operation_aborted: we closed it after the exit.
          if (ec != boost::asio::error::eof && ec != boost::asio::error::operation_aborted) {
            spdlog::debug("{}: reading stderr: {}", run->label, ec.message());
          }
          return;
        }
        append_stderr(run->result, run->buffer.data(), n, limit);
        // Keep reading past the limit (discarding) so a chatty command never
        // blocks on a full pipe.
        read_stderr(run, limit);
      });
}

void ExecChannel::finished(const std::shared_ptr<Run> &run) {
  run->exited = true;
  run->timeout.cancel();
  if (run->stderr_pipe.is_open()) {
    // What it wrote just before exiting is still in the pipe; take it now
    // rather than wait for an EOF that a leftover grandchild could hold off.
    std::array<char, 4096> chunk{};
    for (;;) {
      const auto n = ::read(run->stderr_pipe.native_handle(), chunk.data(), chunk.size());
      if (n <= 0) {
        break;
      }
      append_stderr(run->result, chunk.data(), static_cast<std::size_t>(n), m_options.stderr_limit);
    }
    boost::system::error_code ignored;
    run->stderr_pipe.close(ignored);
  }
  if (run->pidfd.is_open()) {
    boost::system::error_code ignored;
    run->pidfd.close(ignored);
  }

  const auto &result = run->result;
  std::string stderr_note;
  if (!result.stderr_text.empty()) {
    std::string_view text = result.stderr_text;
    while (!text.empty() && text.back() == '\n') {
      text.remove_suffix(1); // the usual final newline says nothing
    }
    stderr_note = fmt::format("; stderr: {}{}", printable(text),
                              result.stderr_truncated ? " [truncated]" : "");
  }
  if (!result.spawn_error.empty()) {
    spdlog::error("{}: cannot run it: {}", run->label, result.spawn_error);
  } else if (result.timed_out) {
    spdlog::warn("{}: killed at its timeout{}", run->label, stderr_note);
  } else if (result.exit_code == 0) {
    spdlog::info("{}: exited with status 0{}", run->label, stderr_note);
  } else if (result.exit_code) {
    spdlog::warn("{}: exited with status {}{}", run->label, *result.exit_code, stderr_note);
  } else if (result.signal) {
    spdlog::warn("{}: killed by signal {} ({}){}", run->label, *result.signal,
                 ::strsignal(*result.signal), stderr_note);
  }
  if (m_options.on_finished) {
    m_options.on_finished(result);
  }

  std::erase(m_running, run);
  Hook &hook = m_hooks[result.command];
  --hook.running;
  complete(run->job, false);
  take_slots(result.command);
  post_start();
}

} // namespace summit::notify
