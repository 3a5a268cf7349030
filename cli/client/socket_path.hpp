#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>

namespace summit::cli {

// What the socket path is chosen from. The process supplies the real
// values (see from_process()); tests supply their own, so nothing here
// depends on the machine running the tests.
struct SocketPathInputs {
  std::optional<std::string> flag;            // --socket
  std::optional<std::string> summit_socket;   // $SUMMIT_SOCKET
  std::optional<std::string> xdg_runtime_dir; // $XDG_RUNTIME_DIR
  uid_t uid = 0;
  std::function<bool(const std::string &)> exists; // does a file exist there?
};

// The system daemon's socket (DESIGN.md, Running).
inline constexpr const char *k_system_socket = "/run/summit/summitd.sock";

// The user daemon's default socket, exactly as summitd computes it:
// `$XDG_RUNTIME_DIR/summit/summitd.sock`, or with XDG_RUNTIME_DIR unset or
// empty `/tmp/summit-$UID/summitd.sock` (docs/PROTOCOL.md).
std::string user_socket_path(const std::optional<std::string> &xdg_runtime_dir, uid_t uid);

// The socket to talk to: --socket, then $SUMMIT_SOCKET (when non-empty),
// then the user default; when that does not exist but the system socket
// does, the system socket. Never fails: an unreachable path is reported
// when connecting, naming the path chosen here.
std::string resolve_socket_path(const SocketPathInputs &inputs);

} // namespace summit::cli
