#include "cli/client/daemon_client.hpp"

#include "core/rpc.hpp"

#include <fmt/format.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

namespace summit::cli {

namespace {

// A reply larger than this is not one summitd would send (its own request
// limit is 1 MiB, a full list is at most 10000 events).
constexpr std::size_t k_max_reply = std::size_t{256} * 1024 * 1024;

tl::unexpected<CallError> failure(CallError::Kind kind, std::string message) {
  return tl::unexpected(CallError{kind, 0, std::move(message)});
}

std::string errno_text(int error) { return std::strerror(error); }

// A JSON-RPC notification: a method and no id.
bool is_notification(const nlohmann::json &message) {
  return message.is_object() && message.contains("method") && !message.contains("id");
}

} // namespace

DaemonClient::DaemonClient(std::string socket_path, std::chrono::milliseconds timeout)
    : m_socket_path(std::move(socket_path)), m_timeout(timeout) {}

DaemonClient::~DaemonClient() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

tl::expected<void, CallError> DaemonClient::connect() {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (m_socket_path.size() >= sizeof(address.sun_path)) {
    auto failed =
        failure(CallError::Kind::unreachable, fmt::format("the socket path is longer than {} bytes",
                                                          sizeof(address.sun_path) - 1));
    failed.value().error_number = ENAMETOOLONG;
    return failed;
  }
  std::memcpy(address.sun_path, m_socket_path.c_str(), m_socket_path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return failure(CallError::Kind::unreachable, errno_text(errno));
  }
  if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0) {
    const int error = errno;
    ::close(fd);
    auto failed = failure(CallError::Kind::unreachable, errno_text(error));
    failed.value().error_number = error;
    return failed;
  }
  m_fd = fd;
  return {};
}

tl::expected<void, CallError> DaemonClient::send_all(std::string_view data) {
  while (!data.empty()) {
    pollfd waiting{m_fd, POLLOUT, 0};
    const int ready = ::poll(&waiting, 1, static_cast<int>(m_timeout.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      return failure(CallError::Kind::unreachable, "summitd did not accept the request in time");
    }
    // MSG_NOSIGNAL: a daemon that went away must give an error, not SIGPIPE.
    const ssize_t sent = ::send(m_fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue;
      }
      return failure(CallError::Kind::unreachable,
                     fmt::format("sending failed: {}", errno_text(errno)));
    }
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return {};
}

std::optional<std::string> DaemonClient::take_line() {
  auto newline = m_buffer.find('\n');
  if (newline == std::string::npos) {
    return std::nullopt;
  }
  std::string line = m_buffer.substr(0, newline);
  m_buffer.erase(0, newline + 1);
  return line;
}

tl::expected<void, CallError> DaemonClient::receive_some() {
  for (;;) {
    // Not zeroed: recv writes what is read, and zeroing 64 KiB was 65,000
    // instructions and 16 pages of stack per reply (issue 17).
    std::array<char, 65536> chunk; // NOLINT(cppcoreguidelines-pro-type-member-init)
    const ssize_t got = ::recv(m_fd, chunk.data(), chunk.size(), 0);
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN) {
        return {};
      }
      return failure(CallError::Kind::unreachable,
                     fmt::format("reading the reply failed: {}", errno_text(errno)));
    }
    if (got == 0) {
      return failure(CallError::Kind::unreachable, "summitd closed the connection");
    }
    m_buffer.append(chunk.data(), static_cast<std::size_t>(got));
    return {};
  }
}

tl::expected<std::string, CallError> DaemonClient::read_line() {
  for (;;) {
    if (auto line = take_line()) {
      return std::move(*line);
    }
    if (m_buffer.size() > k_max_reply) {
      return failure(CallError::Kind::bad_reply, "the reply is too large");
    }
    pollfd waiting{m_fd, POLLIN, 0};
    const int ready = ::poll(&waiting, 1, static_cast<int>(m_timeout.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      return failure(CallError::Kind::unreachable, "summitd did not reply in time");
    }
    if (auto got = receive_some(); !got) {
      return tl::unexpected(got.error());
    }
  }
}

tl::expected<std::optional<nlohmann::json>, CallError>
DaemonClient::next_notification(std::span<const pollfd> wake, int timeout_ms) {
  std::vector<pollfd> waiting;
  for (;;) {
    if (!m_notifications.empty()) {
      nlohmann::json message = std::move(m_notifications.front());
      m_notifications.pop_front();
      return message;
    }
    if (m_fd < 0) {
      return failure(CallError::Kind::unreachable, "not connected");
    }
    while (auto line = take_line()) {
      nlohmann::json message = nlohmann::json::parse(*line, nullptr, /*allow_exceptions=*/false);
      if (is_notification(message)) {
        return message;
      }
      // A stray reply or a line that is not JSON: nothing waits for it.
    }
    if (m_buffer.size() > k_max_reply) {
      return failure(CallError::Kind::bad_reply, "a message from summitd is too large");
    }
    waiting.assign(1, pollfd{m_fd, POLLIN, 0});
    for (const pollfd &other : wake) {
      waiting.push_back(pollfd{other.fd, other.events, 0});
    }
    const int ready = ::poll(waiting.data(), waiting.size(), timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      return failure(CallError::Kind::unreachable,
                     fmt::format("waiting for summitd failed: {}", errno_text(errno)));
    }
    // What has arrived is handed over before an interruption is reported:
    // a watch told to stop still prints the reminders already received.
    if (waiting[0].revents != 0) {
      if (auto got = receive_some(); !got) {
        return tl::unexpected(got.error());
      }
      continue;
    }
    return std::nullopt; // one of `wake` is ready, or the time is up
  }
}

tl::expected<nlohmann::json, CallError> DaemonClient::call(std::string_view method,
                                                           nlohmann::json params) {
  if (m_fd < 0) {
    if (auto connected = connect(); !connected) {
      return tl::unexpected(connected.error());
    }
  }
  const std::int64_t id = m_next_id++;
  if (auto sent =
          send_all(core::rpc::to_line(core::rpc::make_request(id, method, std::move(params))));
      !sent) {
    return tl::unexpected(sent.error());
  }
  if (m_while_waiting) {
    std::exchange(m_while_waiting, {})();
  }
  nlohmann::json reply;
  for (;;) {
    auto line = read_line();
    if (!line) {
      CallError error = line.error();
      error.sent = error.kind == CallError::Kind::unreachable;
      return tl::unexpected(std::move(error));
    }
    reply = nlohmann::json::parse(*line, nullptr, /*allow_exceptions=*/false);
    if (reply.is_discarded() || !reply.is_object()) {
      return failure(CallError::Kind::bad_reply, "summitd sent a reply that is not JSON");
    }
    if (!is_notification(reply)) {
      break;
    }
    // Progress of the request under way (calendar.progress) is handed on
    // at once; a subscribed connection interleaves notifications with
    // replies, kept for next_notification().
    if (m_on_notification && m_on_notification(reply)) {
      continue;
    }
    m_notifications.push_back(std::move(reply));
  }
  if (auto error = reply.find("error"); error != reply.end()) {
    CallError refused{CallError::Kind::refused, 0, "summitd refused the request"};
    if (error->is_object()) {
      if (auto code = error->find("code"); code != error->end() && code->is_number_integer()) {
        refused.code = code->get<int>();
      }
      if (auto message = error->find("message"); message != error->end() && message->is_string()) {
        refused.message = message->get<std::string>();
      }
    }
    return tl::unexpected(std::move(refused));
  }
  if (reply.value("id", nlohmann::json()) != nlohmann::json(id)) {
    return failure(CallError::Kind::bad_reply, "summitd answered a different request");
  }
  auto result = reply.find("result");
  if (result == reply.end()) {
    return failure(CallError::Kind::bad_reply, "summitd's reply has no result");
  }
  return std::move(*result);
}

} // namespace summit::cli
