#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace summit::e2e {

// A bare connection to summitd's socket, for what the CLI never sends:
// malformed JSON, oversized lines, invalid UTF-8. Every wait is bounded.
class RawClient {
public:
  // Connects; check connected() (a failed connect is not an exception so
  // that readiness polling can use it).
  explicit RawClient(const std::string &socket_path);
  ~RawClient();
  RawClient(const RawClient &) = delete;
  RawClient &operator=(const RawClient &) = delete;

  bool connected() const { return m_fd >= 0; }

  // Writes all of `bytes`; false when the peer stopped reading (closed the
  // connection) or the write did not finish within `timeout`.
  bool send(std::string_view bytes, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The next line without its '\n', or nothing on EOF, error or timeout.
  std::optional<std::string>
  read_line(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // True when the peer has closed the connection (EOF or reset) within
  // `timeout`, discarding anything still unread.
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Shuts down the sending side (the daemon sees EOF) but keeps reading.
  void half_close();

  // Sends one request line and parses the reply line (null JSON on failure).
  nlohmann::json call(const std::string &method, const nlohmann::json &params,
                      const nlohmann::json &id = 1);
  // Sends `line` + '\n' and parses the reply line (null JSON on failure).
  nlohmann::json exchange(std::string_view line);

private:
  int m_fd = -1;
  std::string m_buffer;
};

} // namespace summit::e2e
