#include "cli/notify/reminder_command.hpp"

#include "core/hook_environment.hpp"
#include "sys/spawn.hpp"

#include <fmt/format.h>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <utility>

extern char **environ; // NOLINT(readability-redundant-declaration): POSIX gives no header

namespace summit::cli {

namespace {

using nlohmann::json;

std::string member_text(const json &params, const char *name) {
  if (!params.is_object()) {
    return {};
  }
  auto it = params.find(name);
  if (it == params.end() || it->is_null()) {
    return {};
  }
  return it->is_string() ? it->get<std::string>() : it->dump();
}

} // namespace

std::vector<std::string> reminder_environment(const json &params,
                                              const std::vector<std::string> &base) {
  std::array<std::string, core::k_hook_variables.size()> values;
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = member_text(params, core::k_hook_variables[i].field);
  }
  return core::hook_environment(base, values);
}

ReminderCommand::ReminderCommand(std::vector<std::string> argv, bool stdout_to_stderr)
    : m_argv(std::move(argv)), m_stdout_to_stderr(stdout_to_stderr) {}

tl::expected<pid_t, std::string> ReminderCommand::start(const json &params) {
  std::vector<std::string> base;
  for (char **entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    base.emplace_back(*entry);
  }
  sys::SpawnRequest request;
  request.argv = m_argv;
  request.environment = reminder_environment(params, base);
  request.stdout_to = m_stdout_to_stderr ? sys::SpawnRequest::Output::to_stderr
                                         : sys::SpawnRequest::Output::inherit;
  request.stderr_to = sys::SpawnRequest::Output::inherit;
  // watch blocks SIGINT, SIGTERM and SIGCHLD to read them from a signalfd;
  // the command must start with a clean mask and these at their default.
  sigset_t defaults;
  sigemptyset(&defaults);
  for (const int signal : {SIGINT, SIGTERM, SIGCHLD, SIGPIPE, SIGHUP}) {
    sigaddset(&defaults, signal);
  }
  request.default_signals = &defaults;
  const auto spawned = sys::spawn(request);
  if (spawned.error != 0) {
    return tl::unexpected(
        fmt::format("cannot run {}: {}", m_argv[0], std::strerror(spawned.error)));
  }
  std::int64_t reminder_id = 0;
  if (params.is_object() && params.contains("reminder_id") &&
      params["reminder_id"].is_number_integer()) {
    reminder_id = params["reminder_id"].get<std::int64_t>();
  }
  m_children.emplace(spawned.pid, reminder_id);
  return spawned.pid;
}

std::vector<std::string> ReminderCommand::reap() {
  std::vector<std::string> failures;
  for (auto it = m_children.begin(); it != m_children.end();) {
    int status = 0;
    const pid_t done = ::waitpid(it->first, &status, WNOHANG);
    if (done == 0 || (done < 0 && errno == EINTR)) {
      ++it;
      continue;
    }
    if (done > 0) {
      if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        failures.push_back(fmt::format("{} for reminder {} exited with status {}", m_argv[0],
                                       it->second, WEXITSTATUS(status)));
      } else if (WIFSIGNALED(status)) {
        failures.push_back(fmt::format("{} for reminder {} was killed by signal {}", m_argv[0],
                                       it->second, WTERMSIG(status)));
      }
    }
    it = m_children.erase(it);
  }
  return failures;
}

} // namespace summit::cli
