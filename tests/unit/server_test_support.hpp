#pragma once

// Shared by the server_*_test.cpp files: temporary folders and a raw
// socket client.

#include <nlohmann/json.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace summit::test {

// A fresh folder under $TMPDIR (short, so socket paths fit in sun_path),
// removed with everything in it at scope exit.
class TempDir {
public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "summit-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    m_path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  const std::filesystem::path &path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

// A blocking test client on a raw socket, with timeouts so that a broken
// server fails the test instead of hanging it.
class Client {
public:
  explicit Client(const std::filesystem::path &path) {
    m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    m_connected =
        ::connect(m_fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0;
  }
  // Takes over a socket that is already connected.
  static std::unique_ptr<Client> adopt(int connected_fd) {
    return std::unique_ptr<Client>(new Client(connected_fd, true));
  }
  ~Client() { ::close(m_fd); }
  Client(const Client &) = delete;
  Client &operator=(const Client &) = delete;

  bool connected() const { return m_connected; }
  int fd() const { return m_fd; }
  void half_close() { ::shutdown(m_fd, SHUT_WR); }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto sent = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent <= 0) {
        return false;
      }
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

  // The next line without '\n', or nothing on EOF, error or timeout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = std::chrono::seconds{
                                           10}) {
    while (true) {
      if (const auto end = m_buffer.find('\n'); end != std::string::npos) {
        auto line = m_buffer.substr(0, end);
        m_buffer.erase(0, end + 1);
        return line;
      }
      pollfd waiting{m_fd, POLLIN, 0};
      if (::poll(&waiting, 1, static_cast<int>(timeout.count())) <= 0) {
        return std::nullopt;
      }
      char chunk[4096];
      const auto got = ::recv(m_fd, chunk, sizeof chunk, 0);
      if (got <= 0) {
        return std::nullopt;
      }
      m_buffer.append(chunk, static_cast<std::size_t>(got));
    }
  }

  nlohmann::json call(const nlohmann::json &request) {
    send(request.dump() + "\n");
    auto line = read_line();
    return line ? nlohmann::json::parse(*line) : nlohmann::json();
  }

  // True when the server closed the connection (EOF or reset) in time.
  bool closed_by_server() {
    pollfd waiting{m_fd, POLLIN, 0};
    if (::poll(&waiting, 1, 10000) <= 0) {
      return false;
    }
    char chunk[4096];
    while (true) {
      const auto got = ::recv(m_fd, chunk, sizeof chunk, MSG_DONTWAIT);
      if (got == 0 || (got < 0 && errno != EAGAIN)) {
        return true;
      }
      if (got < 0) {
        return false;
      }
    }
  }

private:
  Client(int fd, bool connected) : m_fd(fd), m_connected(connected) {}

  int m_fd = -1;
  bool m_connected = false;
  std::string m_buffer;
};

} // namespace summit::test
