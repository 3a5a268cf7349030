#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace summit::e2e {

// A fresh directory under /tmp, removed with everything in it on
// destruction. Short paths on purpose: a Unix socket path must fit in 108
// bytes.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::string &path() const { return m_path; }
  std::string operator/(const std::string &name) const { return m_path + "/" + name; }

private:
  std::string m_path;
};

// How a finished program ended and what it wrote.
struct ProcessResult {
  int exit_code = -1; // -1 when killed by a signal or timed out
  int signal = 0;     // the signal that ended it, if any
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs `program` with `args` (argv[1...]) and exactly the environment `env`
// ("NAME=value" strings), stdin from /dev/null, and captures stdout and
// stderr. No shell is involved: arguments reach the program as given. A
// program still running after `timeout` is killed (timed_out is set).
ProcessResult run_process(const std::string &program, const std::vector<std::string> &args,
                          const std::vector<std::string> &env,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

// A program left running in the background, its stdout and stderr appended
// to `log_path`. Killed (SIGKILL) and reaped on destruction if still
// running, so a failing test never leaves it behind.
class BackgroundProcess {
public:
  BackgroundProcess(const std::string &program, const std::vector<std::string> &args,
                    const std::vector<std::string> &env, const std::string &log_path);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess &) = delete;
  BackgroundProcess &operator=(const BackgroundProcess &) = delete;

  pid_t pid() const { return m_pid; }
  bool running();
  // Sends `signal` (if still running).
  void signal(int signal);
  // Waits up to `timeout` for the process to end; its exit code (or
  // 128 + signal), or nothing when it is still running.
  std::optional<int> wait(std::chrono::milliseconds timeout);

private:
  pid_t m_pid = -1;
  std::optional<int> m_status; // set once reaped
};

// The environment variables worth passing on to every child: sanitizer
// options (so a developer's ASAN_OPTIONS apply) and PATH.
std::vector<std::string> inherited_environment();

} // namespace summit::e2e
