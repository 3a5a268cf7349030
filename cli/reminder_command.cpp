#include "cli/reminder_command.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <spawn.h>
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

std::string name_of(const std::string &entry) { return entry.substr(0, entry.find('=')); }

} // namespace

std::vector<std::string> reminder_environment(const json &params,
                                              const std::vector<std::string> &base) {
  static constexpr std::array<std::pair<const char *, const char *>, 9> k_variables{{
      {"SUMMIT_REMINDER_ID", "reminder_id"},
      {"SUMMIT_EVENT_ID", "event_id"},
      {"SUMMIT_TITLE", "title"},
      {"SUMMIT_START", "start"},
      {"SUMMIT_START_UTC", "start_utc"},
      {"SUMMIT_TZ", "tz"},
      {"SUMMIT_LOCATION", "location"},
      {"SUMMIT_REMINDER", "reminder"},
      {"SUMMIT_LATE_SECONDS", "late_seconds"},
  }};
  std::vector<std::string> env;
  env.reserve(base.size() + k_variables.size());
  for (const std::string &entry : base) {
    const std::string name = name_of(entry);
    bool ours = false;
    for (const auto &[variable, member] : k_variables) {
      ours = ours || name == variable;
    }
    if (!ours) {
      env.push_back(entry);
    }
  }
  for (const auto &[variable, member] : k_variables) {
    std::string value = member_text(params, member);
    value = value.substr(0, value.find('\0'));
    env.push_back(std::string(variable) + "=" + value);
  }
  return env;
}

ReminderCommand::ReminderCommand(std::vector<std::string> argv, bool stdout_to_stderr)
    : m_argv(std::move(argv)), m_stdout_to_stderr(stdout_to_stderr) {}

tl::expected<pid_t, std::string> ReminderCommand::start(const json &params) {
  std::vector<std::string> base;
  for (char **entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    base.emplace_back(*entry);
  }
  const std::vector<std::string> env = reminder_environment(params, base);
  std::vector<char *> envp;
  envp.reserve(env.size() + 1);
  for (const std::string &entry : env) {
    envp.push_back(const_cast<char *>(entry.c_str()));
  }
  envp.push_back(nullptr);
  std::vector<char *> argv;
  argv.reserve(m_argv.size() + 1);
  for (const std::string &arg : m_argv) {
    argv.push_back(const_cast<char *>(arg.c_str()));
  }
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (m_stdout_to_stderr) {
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  }
  // watch blocks SIGINT, SIGTERM and SIGCHLD to read them from a signalfd;
  // the command must start with a clean mask and default dispositions.
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attributes, &empty);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (const int signal : {SIGINT, SIGTERM, SIGCHLD, SIGPIPE, SIGHUP}) {
    sigaddset(&defaults, signal);
  }
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = -1;
  const int error = ::posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), envp.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    return tl::unexpected(fmt::format("cannot run {}: {}", m_argv[0], std::strerror(error)));
  }
  std::int64_t reminder_id = 0;
  if (params.is_object() && params.contains("reminder_id") &&
      params["reminder_id"].is_number_integer()) {
    reminder_id = params["reminder_id"].get<std::int64_t>();
  }
  m_children.emplace(pid, reminder_id);
  return pid;
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
