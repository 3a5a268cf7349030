#include "daemon/server/server.hpp"

#include "daemon/server/dispatcher.hpp"
#include "daemon/server/session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <list>
#include <vector>

namespace summit::server {
namespace {

using Protocol = boost::asio::local::stream_protocol;

core::Error server_error(std::string message) {
  return {core::ErrorCode::unavailable, std::move(message)};
}

// Closes a descriptor when it goes out of scope.
class FileDescriptor {
public:
  explicit FileDescriptor(int fd) : m_fd(fd) {}
  ~FileDescriptor() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  FileDescriptor(const FileDescriptor &) = delete;
  FileDescriptor &operator=(const FileDescriptor &) = delete;
  int get() const { return m_fd; }

private:
  int m_fd;
};

Peer peer_of(int fd) {
  ucred credentials{};
  socklen_t size = sizeof credentials;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &size) != 0) {
    // Cannot happen on a connected AF_UNIX socket; treat the caller as
    // nobody rather than as root.
    spdlog::warn("SO_PEERCRED failed: {}; treating the client as uid 65534", std::strerror(errno));
    return Peer{65534, 0};
  }
  return Peer{credentials.uid, credentials.pid};
}

// The path exists. Succeeds when it was a stale socket (nobody answers),
// which is then removed; fails when a daemon answers or the path is not a
// socket at all.
core::Result<void> clear_stale_socket(const std::filesystem::path &path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return {};
    }
    return tl::unexpected(
        server_error(fmt::format("cannot inspect {}: {}", path.string(), std::strerror(errno))));
  }
  if (!S_ISSOCK(st.st_mode)) {
    return tl::unexpected(server_error(
        fmt::format("{} exists and is not a socket; refusing to replace it (remove it or "
                    "choose another --socket)",
                    path.string())));
  }
  FileDescriptor probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (probe.get() < 0) {
    return tl::unexpected(
        server_error(fmt::format("cannot create a socket: {}", std::strerror(errno))));
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  if (::connect(probe.get(), reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0) {
    const auto peer = peer_of(probe.get());
    if (peer.pid > 0) {
      return tl::unexpected(server_error(
          fmt::format("summitd is already running on {} (pid {})", path.string(), peer.pid)));
    }
    return tl::unexpected(
        server_error(fmt::format("summitd is already running on {}", path.string())));
  }
  if (errno != ECONNREFUSED) {
    return tl::unexpected(server_error(
        fmt::format("{} exists and cannot be probed ({}); is another summitd running there?",
                    path.string(), std::strerror(errno))));
  }
  spdlog::info("removing stale socket {} (nobody is listening on it)", path.string());
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return tl::unexpected(server_error(
        fmt::format("cannot remove stale socket {}: {}", path.string(), std::strerror(errno))));
  }
  return {};
}

// Restores the process umask when it goes out of scope.
class ScopedUmask {
public:
  explicit ScopedUmask(mode_t mask) : m_previous(::umask(mask)) {}
  ~ScopedUmask() { ::umask(m_previous); }
  ScopedUmask(const ScopedUmask &) = delete;
  ScopedUmask &operator=(const ScopedUmask &) = delete;

private:
  mode_t m_previous;
};

} // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(boost::asio::io_context &io, Dispatcher &dispatcher, ServerOptions options)
      : m_io(io), m_dispatcher(dispatcher), m_options(std::move(options)), m_acceptor(io),
        m_retry_timer(io) {}

  core::Result<void> listen();
  core::Result<void> bind_path();
  void accept_next();
  void on_accept(const boost::system::error_code &error, Protocol::socket socket);
  // Past max_connections (or max_connections_per_uid): tells the client so
  // in `line` and closes.
  void refuse_connection(Protocol::socket socket, const std::string &line, bool per_uid);
  void stop();
  void remove_socket_file();

  boost::asio::io_context &m_io;
  Dispatcher &m_dispatcher;
  ServerOptions m_options;
  Protocol::acceptor m_acceptor;
  boost::asio::steady_timer m_retry_timer;
  std::list<std::weak_ptr<Session>> m_sessions;
  bool m_owns_file = false;
  dev_t m_file_dev = 0;
  ino_t m_file_ino = 0;
  bool m_stopped = false;
  std::size_t m_refused = 0;         // since the last warning
  std::size_t m_refused_per_uid = 0; // the same, for limits.max_connections_per_uid
  std::chrono::steady_clock::time_point m_last_refusal_log{};
  std::chrono::steady_clock::time_point m_last_uid_refusal_log{};
  std::chrono::steady_clock::time_point m_last_accept_error_log{};
};

core::Result<void> Server::Impl::listen() {
  if (m_options.adopted_fd) {
    // A listening Unix stream socket: app/run.cpp checked (ServiceManager).
    const int fd = *m_options.adopted_fd;
    boost::system::error_code error;
    m_acceptor.assign(Protocol(), fd, error);
    if (error) {
      return tl::unexpected(server_error(
          fmt::format("cannot use the socket passed by systemd: {}", error.message())));
    }
    auto endpoint = m_acceptor.local_endpoint(error);
    if (!error && !endpoint.path().empty()) {
      m_options.socket_path = endpoint.path();
    }
    spdlog::info("listening on {} (socket activation)", m_options.socket_path.string());
    return {};
  }
  return bind_path();
}

core::Result<void> Server::Impl::bind_path() {
  const auto &path = m_options.socket_path;
  if (path.string().size() >= sizeof(sockaddr_un::sun_path)) {
    return tl::unexpected(
        server_error(fmt::format("socket path {} is too long ({} bytes, at most {})", path.string(),
                                 path.string().size(), sizeof(sockaddr_un::sun_path) - 1)));
  }
  if (auto cleared = clear_stale_socket(path); !cleared) {
    return cleared;
  }

  boost::system::error_code error;
  m_acceptor.open(Protocol(), error);
  if (!error) {
    // The mode is right from the moment the file exists: no window in which
    // another user could connect.
    ScopedUmask mask(m_options.system_mode ? 0117 : 0177);
    m_acceptor.bind(Protocol::endpoint(path.string()), error);
  }
  if (error) {
    return tl::unexpected(
        server_error(fmt::format("cannot bind {}: {}", path.string(), error.message())));
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    m_owns_file = true;
    m_file_dev = st.st_dev;
    m_file_ino = st.st_ino;
  }
  ::chmod(path.c_str(), m_options.system_mode ? 0660 : 0600);
  if (m_options.system_mode) {
    group entry{};
    group *found = nullptr;
    std::vector<char> buffer(16384);
    if (::getgrnam_r("summit", &entry, buffer.data(), buffer.size(), &found) == 0 &&
        found != nullptr) {
      if (::chown(path.c_str(), static_cast<uid_t>(-1), found->gr_gid) != 0) {
        spdlog::warn("cannot give {} to group summit: {}", path.string(), std::strerror(errno));
      }
    } else {
      spdlog::warn("group 'summit' does not exist: only root can use {}", path.string());
    }
  }

  m_acceptor.listen(boost::asio::socket_base::max_listen_connections, error);
  if (error) {
    remove_socket_file();
    return tl::unexpected(
        server_error(fmt::format("cannot listen on {}: {}", path.string(), error.message())));
  }
  spdlog::info("listening on {}", path.string());
  return {};
}

void Server::Impl::accept_next() {
  if (m_stopped) {
    return;
  }
  m_acceptor.async_accept(
      [self = shared_from_this()](const boost::system::error_code &error, Protocol::socket socket) {
        self->on_accept(error, std::move(socket));
      });
}

void Server::Impl::on_accept(const boost::system::error_code &error, Protocol::socket socket) {
  if (error == boost::asio::error::operation_aborted || m_stopped) {
    return;
  }
  if (error) {
    // Out of descriptors or memory: back off briefly instead of spinning,
    // and say so once in a while rather than ten times a second.
    const auto now = std::chrono::steady_clock::now();
    if (now - m_last_accept_error_log >= std::chrono::seconds(10)) {
      spdlog::error("accept failed: {}; retrying every 100 ms (raise LimitNOFILE or lower "
                    "limits.max_connections)",
                    error.message());
      m_last_accept_error_log = now;
    }
    m_retry_timer.expires_after(std::chrono::milliseconds(100));
    m_retry_timer.async_wait([self = shared_from_this()](const boost::system::error_code &ec) {
      if (ec) {
        return;
      }
      self->accept_next();
    });
    return;
  }
  const auto peer = peer_of(socket.native_handle());
  // One pass over the sessions (at most max_connections): forget the freed
  // ones and count the caller's.
  std::size_t same_uid = 0;
  m_sessions.remove_if([&](const auto &weak) {
    const auto session = weak.lock();
    if (!session) {
      return true;
    }
    same_uid += session->peer().uid == peer.uid ? 1 : 0;
    return false;
  });
  if (m_sessions.size() >= m_options.max_connections) {
    refuse_connection(std::move(socket),
                      Dispatcher::too_many_connections_reply(m_options.max_connections), false);
    accept_next();
    return;
  }
  if (same_uid >= m_options.max_connections_per_uid) {
    refuse_connection(
        std::move(socket),
        Dispatcher::too_many_connections_for_uid_reply(peer.uid, m_options.max_connections_per_uid),
        true);
    accept_next();
    return;
  }
  auto session = std::make_shared<Session>(std::move(socket), m_dispatcher, m_options.limits, peer);
  m_sessions.push_back(session);
  session->start();
  accept_next();
}

void Server::Impl::refuse_connection(Protocol::socket socket, const std::string &line,
                                     bool per_uid) {
  // One short line into an empty send buffer never blocks; then close.
  const auto sent =
      ::send(socket.native_handle(), line.data(), line.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  (void)sent; // the client may already be gone; nothing to do about it
  boost::system::error_code ignored;
  socket.close(ignored);
  const auto now = std::chrono::steady_clock::now();
  if (per_uid) {
    ++m_refused_per_uid;
    if (now - m_last_uid_refusal_log >= std::chrono::seconds(10)) {
      spdlog::warn("a uid reached its connection limit ({} connections, "
                   "limits.max_connections_per_uid); refused {} connection(s) since the last "
                   "warning",
                   m_options.max_connections_per_uid, m_refused_per_uid);
      m_refused_per_uid = 0;
      m_last_uid_refusal_log = now;
    }
    return;
  }
  ++m_refused;
  if (now - m_last_refusal_log >= std::chrono::seconds(10)) {
    spdlog::warn("connection limit reached ({} connections, limits.max_connections); refused {} "
                 "connection(s) since the last warning",
                 m_options.max_connections, m_refused);
    m_refused = 0;
    m_last_refusal_log = now;
  }
}

void Server::Impl::stop() {
  if (m_stopped) {
    return;
  }
  m_stopped = true;
  boost::system::error_code ignored;
  m_acceptor.close(ignored);
  m_retry_timer.cancel();
  for (auto &weak : m_sessions) {
    if (auto session = weak.lock()) {
      session->close();
    }
  }
  m_sessions.clear();
  remove_socket_file();
}

void Server::Impl::remove_socket_file() {
  if (!m_owns_file) {
    return;
  }
  m_owns_file = false;
  // Only our own file: if someone replaced it meanwhile, it is theirs.
  struct stat st {};
  if (::lstat(m_options.socket_path.c_str(), &st) == 0 && st.st_dev == m_file_dev &&
      st.st_ino == m_file_ino) {
    ::unlink(m_options.socket_path.c_str());
  }
}

Server::Server(boost::asio::io_context &io, Dispatcher &dispatcher, ServerOptions options)
    : m_impl(std::make_shared<Impl>(io, dispatcher, std::move(options))) {}

Server::~Server() { stop(); }

core::Result<void> Server::listen() { return m_impl->listen(); }

void Server::start() { m_impl->accept_next(); }

void Server::stop() { m_impl->stop(); }

std::size_t Server::session_count() const {
  std::size_t count = 0;
  for (const auto &weak : m_impl->m_sessions) {
    count += weak.expired() ? 0 : 1;
  }
  return count;
}

const std::filesystem::path &Server::socket_path() const { return m_impl->m_options.socket_path; }

} // namespace summit::server
