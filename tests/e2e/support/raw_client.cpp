#include "support/raw_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace summit::e2e {

namespace {

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

} // namespace

RawClient::RawClient(const std::string &socket_path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof(address.sun_path)) {
    return;
  }
  std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
  // CLOEXEC: the daemons and CLIs the tests start must not inherit it.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return;
  }
  if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return;
  }
  m_fd = fd;
}

RawClient::~RawClient() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

bool RawClient::send(std::string_view bytes, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!bytes.empty()) {
    pollfd waiting{m_fd, POLLOUT, 0};
    const int ready = ::poll(&waiting, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0 || (waiting.revents & (POLLERR | POLLHUP)) != 0) {
      return false;
    }
    const ssize_t sent = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue;
      }
      return false; // EPIPE, ECONNRESET: the daemon closed it
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

std::optional<std::string> RawClient::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto newline = m_buffer.find('\n'); newline != std::string::npos) {
      std::string line = m_buffer.substr(0, newline);
      m_buffer.erase(0, newline + 1);
      return line;
    }
    pollfd waiting{m_fd, POLLIN, 0};
    const int ready = ::poll(&waiting, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      return std::nullopt;
    }
    char chunk[65536];
    const ssize_t got = ::recv(m_fd, chunk, sizeof(chunk), MSG_DONTWAIT);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
      continue;
    }
    if (got <= 0) {
      return std::nullopt;
    }
    m_buffer.append(chunk, static_cast<std::size_t>(got));
  }
}

bool RawClient::closed_by_peer(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  m_buffer.clear();
  for (;;) {
    pollfd waiting{m_fd, POLLIN, 0};
    const int ready = ::poll(&waiting, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      return false;
    }
    char chunk[65536];
    const ssize_t got = ::recv(m_fd, chunk, sizeof(chunk), MSG_DONTWAIT);
    if (got == 0) {
      return true;
    }
    if (got < 0 && errno != EINTR && errno != EAGAIN) {
      return true; // reset
    }
  }
}

void RawClient::half_close() {
  if (m_fd >= 0) {
    ::shutdown(m_fd, SHUT_WR);
  }
}

nlohmann::json RawClient::call(const std::string &method, const nlohmann::json &params,
                               const nlohmann::json &id) {
  const nlohmann::json request{
      {"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
  return exchange(request.dump());
}

nlohmann::json RawClient::exchange(std::string_view line) {
  if (!send(std::string(line) + "\n")) {
    return nullptr;
  }
  auto reply = read_line();
  if (!reply) {
    return nullptr;
  }
  auto parsed = nlohmann::json::parse(*reply, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? nlohmann::json(nullptr) : parsed;
}

} // namespace summit::e2e
