#include "cli/client/socket_path.hpp"

#include <fmt/format.h>

namespace summit::cli {

std::string user_socket_path(const std::optional<std::string> &xdg_runtime_dir, uid_t uid) {
  // Must match summitd (daemon/app/paths.cpp, docs/PROTOCOL.md), or the CLI
  // would look elsewhere on machines without a login session (containers,
  // ssh without pam_systemd). Without XDG_RUNTIME_DIR the daemon's private
  // folder /tmp/summit-$UID holds the socket directly.
  if (xdg_runtime_dir && !xdg_runtime_dir->empty()) {
    return *xdg_runtime_dir + "/summit/summitd.sock";
  }
  return fmt::format("/tmp/summit-{}/summitd.sock", uid);
}

std::string resolve_socket_path(const SocketPathInputs &inputs) {
  if (inputs.flag) {
    return *inputs.flag;
  }
  if (inputs.summit_socket && !inputs.summit_socket->empty()) {
    return *inputs.summit_socket;
  }
  std::string user = user_socket_path(inputs.xdg_runtime_dir, inputs.uid);
  if (inputs.exists && !inputs.exists(user) && inputs.exists(k_system_socket)) {
    return k_system_socket;
  }
  return user;
}

} // namespace summit::cli
