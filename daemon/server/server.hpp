#pragma once

#include "core/error.hpp"
#include "daemon/server/session_limits.hpp"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>

namespace boost::asio {
class io_context;
}

namespace summit::server {

class Dispatcher;

struct ServerOptions {
  std::filesystem::path socket_path;
  // Per connection: line size, idle and request timeouts.
  SessionLimits limits;
  // Connections served at once; one more is told so (-32005) and closed.
  std::size_t max_connections = 4096;
  // Connections one uid may hold at once (root and the daemon's own uid
  // included); one more is told so (-32005) and closed, while other uids
  // still get in.
  std::size_t max_connections_per_uid = 64;
  // System mode: the socket is 0660 and group `summit` (when that group
  // exists); otherwise 0600.
  bool system_mode = false;
  // A listening Unix stream socket inherited from systemd (socket
  // activation; the caller has checked that it is one). It is used as is,
  // and its file is never removed by us.
  std::optional<int> adopted_fd;
};

// The Unix socket listener: accepts clients, gives each a session that feeds
// the dispatcher, and keeps weak references to the sessions so that stop()
// can close them. Single-threaded: everything runs on one io_context.
class Server {
public:
  // `dispatcher` must outlive the io_context's pending work.
  Server(boost::asio::io_context &io, Dispatcher &dispatcher, ServerOptions options);
  // Calls stop().
  ~Server();
  Server(const Server &) = delete;
  Server &operator=(const Server &) = delete;

  // Binds the socket (or adopts the inherited one). When the path exists:
  // a live daemon answering there is an error ("summitd is already running
  // on PATH (pid N)") and the file is left alone; a stale socket (connection
  // refused) is replaced; a file that is not a socket is never removed.
  core::Result<void> listen();
  // Starts accepting clients (after listen()).
  void start();
  // Stops accepting, closes every session and removes the socket file if we
  // created it. Idempotent. Pending operations complete as aborted the next
  // time the io_context runs.
  void stop();

  // Sessions still open (for tests and status).
  std::size_t session_count() const;
  const std::filesystem::path &socket_path() const;

private:
  struct Impl;
  std::shared_ptr<Impl> m_impl;
};

} // namespace summit::server
