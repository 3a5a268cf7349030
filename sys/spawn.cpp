#include "sys/spawn.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace summit::sys {

namespace {

// posix_spawn takes char *const[]; it does not write through them.
std::vector<char *> c_strings(const std::vector<std::string> &strings) {
  std::vector<char *> out;
  out.reserve(strings.size() + 1);
  for (const auto &text : strings) {
    out.push_back(const_cast<char *>(text.c_str()));
  }
  out.push_back(nullptr);
  return out;
}

} // namespace

Spawned spawn(const SpawnRequest &request) {
  if (request.argv.empty()) {
    return {-1, -1, EINVAL, "posix_spawn"};
  }
  std::array<int, 2> pipe_fds{-1, -1};
  const bool stderr_pipe = request.stderr_to == SpawnRequest::Output::pipe;
  if (stderr_pipe && ::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
    return {-1, -1, errno, "pipe2"};
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  switch (request.stdout_to) {
  case SpawnRequest::Output::null:
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    break;
  case SpawnRequest::Output::to_stderr:
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
    break;
  case SpawnRequest::Output::inherit:
  case SpawnRequest::Output::pipe:
    break;
  }
  if (stderr_pipe) {
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  } else if (request.stderr_to == SpawnRequest::Output::null) {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  }

  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  sigset_t all;
  sigfillset(&all);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (request.own_process_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attributes, 0);
  }
  posix_spawnattr_setflags(&attributes, flags);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(
      &attributes, request.default_signals != nullptr ? request.default_signals : &all);

  const auto argv = c_strings(request.argv);
  const auto environment = c_strings(request.environment);
  pid_t pid = -1;
  // A bare name is looked up in the caller's PATH (posix_spawnp reads the
  // caller's, not the child's); anything with a slash is taken as written.
  const bool bare_name = request.argv[0].find('/') == std::string::npos;
  const int rc =
      bare_name
          ? ::posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), environment.data())
          : ::posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), environment.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (stderr_pipe) {
    ::close(pipe_fds[1]);
  }
  if (rc != 0) {
    if (stderr_pipe) {
      ::close(pipe_fds[0]);
    }
    return {-1, -1, rc, "posix_spawn"};
  }
  return {pid, stderr_pipe ? pipe_fds[0] : -1, 0, ""};
}

} // namespace summit::sys
