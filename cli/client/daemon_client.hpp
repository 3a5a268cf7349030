#pragma once

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <poll.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace summit::cli {

// Why a call did not return a result.
struct CallError {
  enum class Kind {
    unreachable, // no daemon answers on the socket, or it hung up
    refused,     // the daemon answered with a JSON-RPC error
    bad_reply,   // the daemon answered something that is not a reply to us
  };
  Kind kind = Kind::unreachable;
  int code = 0;        // the JSON-RPC error code (refused only)
  std::string message; // refused: the daemon's message; otherwise what failed
  // unreachable only: the request went out whole before the daemon stopped
  // answering (no reply in time, or it hung up), so it may still be, or
  // have been, applied.
  bool sent = false;
  // unreachable only: connect()'s errno (EACCES, ENOENT, ECONNREFUSED...),
  // which says why, or 0.
  int error_number = 0;
};

// A blocking JSON-RPC connection to summitd: one request line out, one reply
// line back, in turn. Connects on the first call; later calls reuse the
// connection. Each wait is bounded by `timeout`, so a wedged daemon cannot
// hang the CLI forever.
class DaemonClient {
public:
  explicit DaemonClient(std::string socket_path,
                        std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~DaemonClient();
  DaemonClient(const DaemonClient &) = delete;
  DaemonClient &operator=(const DaemonClient &) = delete;

  [[nodiscard]] const std::string &socket_path() const { return m_socket_path; }
  // The bound on each later wait (an import commit may take minutes).
  void set_timeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

  // Sends `method` with `params` and returns the reply's `result`.
  // Notifications (reminder.fired on a subscribed connection) that arrive
  // before the reply are kept for next_notification().
  tl::expected<nlohmann::json, CallError> call(std::string_view method, nlohmann::json params);

  // Work to do once, the first time a request is on its way and the reply
  // not yet here: the daemon's time (a query, an fsync) then pays for it.
  // The CLI reads the viewer's zone rules there (core::load_rules).
  void set_while_waiting(std::function<void()> work) { m_while_waiting = std::move(work); }
  // Called with each notification that arrives while a call() waits for its
  // reply (calendar.progress); returning true consumes it, false keeps it
  // for next_notification().
  void set_on_notification(std::function<bool(const nlohmann::json &)> handler) {
    m_on_notification = std::move(handler);
  }

  // The next notification (a JSON-RPC message with a method and no id) on
  // this connection; nothing when one of `wake` (poll() entries: fd and
  // events) is ready or `timeout_ms` (-1: no limit) passes while nothing
  // more has arrived from the daemon, so a caller can also serve a signal or
  // another connection. Fails (unreachable) when the daemon hangs up or the
  // connection breaks; lines that are not JSON objects are skipped. Call
  // after a successful call(): it does not connect.
  tl::expected<std::optional<nlohmann::json>, CallError>
  next_notification(std::span<const pollfd> wake, int timeout_ms = -1);

private:
  tl::expected<void, CallError> connect();
  // One recv() into m_buffer; fails on EOF or an error.
  tl::expected<void, CallError> receive_some();
  // A complete line from m_buffer, if there is one.
  std::optional<std::string> take_line();
  tl::expected<void, CallError> send_all(std::string_view data);
  tl::expected<std::string, CallError> read_line();

  std::string m_socket_path;
  std::chrono::milliseconds m_timeout;
  int m_fd = -1;
  std::int64_t m_next_id = 1;
  std::string m_buffer;                       // bytes read past the last line
  std::deque<nlohmann::json> m_notifications; // received while waiting for a reply
  std::function<void()> m_while_waiting;
  std::function<bool(const nlohmann::json &)> m_on_notification;
};

} // namespace summit::cli
