#pragma once

#include <signal.h>
#include <sys/types.h>

#include <string>
#include <vector>

namespace summit::sys {

// How a command is started (summitd's [[notify.exec]] hooks, `summit watch
// --exec`): never through a shell; stdin on /dev/null; an empty signal
// mask; argv[0] a path, or a bare name looked up in the caller's PATH.
struct SpawnRequest {
  std::vector<std::string> argv;
  std::vector<std::string> environment; // the command's whole environment
  enum class Output {
    null,      // /dev/null
    inherit,   // the caller's
    to_stderr, // stdout only: onto the caller's stderr
    pipe,      // stderr only: a new pipe, its read end returned (Spawned::stderr_fd)
  };
  Output stdout_to = Output::null;
  Output stderr_to = Output::inherit;
  // Its own process group (so that a timeout can kill it and whatever it
  // started).
  bool own_process_group = false;
  // Signals set back to their default action in the command (the caller
  // may ignore or catch them). Null: every signal.
  const sigset_t *default_signals = nullptr;
};

struct Spawned {
  pid_t pid = -1;
  int stderr_fd = -1;    // Output::pipe: the read end (close-on-exec); else -1
  int error = 0;         // errno-style; 0 when it started
  const char *what = ""; // the call that failed: "pipe2" or "posix_spawn"
};

// Starts the command with posix_spawn (posix_spawnp for a bare name).
// Returns at once; the caller reaps the child.
Spawned spawn(const SpawnRequest &request);

} // namespace summit::sys
