#include "daemon/app/service_manager.hpp"

#include "daemon/app/fatal.hpp"
#include "sys/shared_library.hpp"

#include <fmt/format.h>

#include <sys/socket.h>
#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <type_traits>

namespace summit::daemon {

namespace {

bool set(const char *name) {
  const char *value = std::getenv(name);
  return value != nullptr && *value != '\0';
}

} // namespace

ServiceManager ServiceManager::from_environment() {
  ServiceManager manager;
  manager.m_notifies = set("NOTIFY_SOCKET");
  if (!manager.m_notifies && !set("LISTEN_FDS") && !set("WATCHDOG_USEC")) {
    return manager;
  }
  auto library = sys::SharedLibrary::open("libsystemd.so.0");
  if (!library) {
    throw Fatal(fmt::format("started by a service manager (NOTIFY_SOCKET, LISTEN_FDS or "
                            "WATCHDOG_USEC is set) but libsystemd.so.0 cannot be loaded ({}); "
                            "install the libsystemd0 package",
                            library.error()));
  }
  library->find(manager.m_listen_fds, "sd_listen_fds");
  library->find(manager.m_is_socket_unix, "sd_is_socket_unix");
  library->find(manager.m_notify, "sd_notify");
  library->find(manager.m_watchdog_enabled, "sd_watchdog_enabled");
  if (const char *missing = library->missing()) {
    throw Fatal(fmt::format("libsystemd.so.0 has no {}; it is too old for summitd", missing));
  }
  // Checked against the declarations, so that a changed signature fails the build.
  static_assert(std::is_same_v<decltype(m_listen_fds), decltype(&sd_listen_fds)>);
  static_assert(std::is_same_v<decltype(m_is_socket_unix), decltype(&sd_is_socket_unix)>);
  static_assert(std::is_same_v<decltype(m_notify), decltype(&sd_notify)>);
  static_assert(std::is_same_v<decltype(m_watchdog_enabled), decltype(&sd_watchdog_enabled)>);
  manager.m_library = library->handle(); // stays loaded for the life of the process
  return manager;
}

int ServiceManager::listen_fds() const { return present() ? m_listen_fds(1) : 0; }

bool ServiceManager::is_listening_unix_stream(int fd) const {
  return present() && m_is_socket_unix(fd, SOCK_STREAM, 1, nullptr, 0) > 0;
}

void ServiceManager::notify(const std::string &state) const {
  if (present()) {
    m_notify(0, state.c_str());
  }
}

std::uint64_t ServiceManager::watchdog_usec() const {
  std::uint64_t usec = 0;
  if (!present() || m_watchdog_enabled(0, &usec) <= 0) {
    return 0;
  }
  return usec;
}

} // namespace summit::daemon
