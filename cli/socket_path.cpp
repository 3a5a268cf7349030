#include "cli/socket_path.hpp"

#include <fmt/format.h>

namespace summit::cli {

std::string user_socket_path(const std::optional<std::string> &xdg_runtime_dir, uid_t uid) {
  // Must match summitd's fallback, or `summit` and `scripts/run` would look
  // in different places on machines without a login session (containers, ssh
  // without pam_systemd).
  std::string runtime = xdg_runtime_dir && !xdg_runtime_dir->empty()
                            ? *xdg_runtime_dir
                            : fmt::format("/tmp/summit-{}", uid);
  return runtime + "/summit/summitd.sock";
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
