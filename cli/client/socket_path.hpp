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

// Why a socket could not be reached, as far as the machine tells.
struct SocketAccess {
  int error_number = 0;             // connect()'s errno
  std::optional<std::string> group; // the group the socket (or its folder) belongs to
  std::string user;                 // who is asking
  bool has_group = false;           // this process has that group
  bool listed_in_group = false;     // /etc/group lists the user (joined since logging in)
  // Something other than a socket is at the path: "folder", "file", ...
  std::optional<std::string> not_a_socket;
};

// Reads the facts above for `path` from the machine.
SocketAccess inspect_socket_access(const std::string &path, int error_number);

// What to do about an unreachable socket, by its cause: permission denied
// names the group to join (`sudo usermod -aG summit USER`, then log in
// again) or says to log in again when the user joined since; a missing
// socket or one nobody answers on names the unit to start, the system one
// for the system socket and the user one otherwise.
std::string unreachable_advice(const std::string &path, const SocketAccess &access);

} // namespace summit::cli
