#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace summit::daemon {

// The service manager's protocols, through libsystemd: readiness and status
// (sd_notify), socket activation (sd_listen_fds) and the watchdog. The
// library is loaded (dlopen) only when the environment names one of them
// (NOTIFY_SOCKET, LISTEN_FDS, WATCHDOG_USEC), which is when a service manager
// started summitd; otherwise each call answers what libsystemd answers
// without them (nothing passed, nothing to notify), and summitd does not map
// libsystemd and the six libraries it links (about 1 MB resident).
class ServiceManager {
public:
  // Throws Fatal when the environment names a protocol but libsystemd.so.0
  // cannot be loaded.
  static ServiceManager from_environment();

  // Whether libsystemd is loaded (a service manager started us).
  bool present() const { return m_library != nullptr; }
  // Whether sd_notify has a socket to send to: STATUS= lines are worth
  // computing.
  bool notifies() const { return m_notifies; }

  // sd_listen_fds(1): the number of sockets passed (from SD_LISTEN_FDS_START).
  int listen_fds() const;
  // sd_is_socket_unix(fd, SOCK_STREAM, listening, ...) > 0.
  bool is_listening_unix_stream(int fd) const;
  // sd_notify(0, state); nothing without a service manager.
  void notify(const std::string &state) const;
  // The watchdog interval systemd expects pings within, or 0 when it is off
  // (sd_watchdog_enabled).
  std::uint64_t watchdog_usec() const;

private:
  void *m_library = nullptr;
  bool m_notifies = false;
  int (*m_listen_fds)(int) = nullptr;
  int (*m_is_socket_unix)(int, int, int, const char *, std::size_t) = nullptr;
  int (*m_notify)(int, const char *) = nullptr;
  int (*m_watchdog_enabled)(int, std::uint64_t *) = nullptr;
};

} // namespace summit::daemon
