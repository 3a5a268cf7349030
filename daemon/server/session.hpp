#pragma once

// Internal to the server: included by session.cpp and server.cpp only, so
// that Asio stays out of the headers the rest of the daemon includes.

#include "daemon/server/call_context.hpp"
#include "daemon/server/session_limits.hpp"

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace summit::server {

class Dispatcher;

// One client connection: reads '\n'-framed request lines, hands each to the
// dispatcher and writes the replies in request order, one (gathered) write in
// flight with queues behind it: replies, and a bounded queue of
// notifications that lose their oldest when a client stops reading. A client
// that does not read its replies is not read from until it does; one that
// stays idle, or dribbles a request, is closed (SessionLimits). Owned by the
// shared_ptrs its pending operations hold; when the last one completes (peer
// gone, or close()) it is freed.
class Session final : public Connection, public std::enable_shared_from_this<Session> {
public:
  using Socket = boost::asio::local::stream_protocol::socket;

  // `dispatcher` must outlive every pending operation of the session.
  Session(Socket socket, Dispatcher &dispatcher, SessionLimits limits, Peer peer);

  // Starts reading. Call once, on a session owned by a shared_ptr.
  void start();
  // Queues a reply line (with its '\n') for the client.
  void send(std::string line);
  // Closes the connection now; pending operations complete as aborted.
  void close();

  // Connection
  std::size_t notify(std::string line, std::size_t bound) override;
  bool closed() const override { return m_closed || m_close_when_drained; }
  const Peer &peer() const override { return m_peer; }
  void keep_alive() override;
  void limit_send_buffer(std::size_t bytes) override;
  void hold_reply() override { ++m_replies_held; }
  std::size_t replies_held() const override { return m_replies_held; }
  void reply(std::string line) override;
  std::size_t notification_backlog() const override { return m_notification_bytes; }
  std::size_t unread_bytes() const override;
  void on_writable(std::function<void()> callback) override;

private:
  using Clock = std::chrono::steady_clock;

  void read_next();
  // The socket is readable: takes in what is there.
  void on_readable(const boost::system::error_code &error);
  // Answers the complete lines in the buffer, as long as the client keeps
  // reading its replies; false when the line limit was broken (closing).
  bool handle_buffered_lines();
  // Hands a non-blank line to the dispatcher; false for a blank line.
  bool handle_line(std::string_view line);
  // Closes once the replies queued are written; a client that does not read
  // them is closed anyway after flush_timeout().
  void close_after_flush();
  std::chrono::milliseconds flush_timeout() const;
  // Re-arms the timer for the nearest of the idle, request and flush deadlines.
  void arm_timer();
  void on_timer(const boost::system::error_code &error);
  void write_next();
  void on_write(const boost::system::error_code &error);
  // The queue is empty: close if that was the plan, resume reading if paused.
  void on_drained();

  Socket m_socket;
  Dispatcher &m_dispatcher;
  SessionLimits m_limits;
  Peer m_peer;
  boost::asio::steady_timer m_timer;
  std::string m_buffer;                             // received bytes not yet answered
  std::size_t m_scanned = 0;                        // m_buffer[0, m_scanned) holds no '\n'
  Clock::time_point m_last_activity;                // connected, or last complete request
  std::optional<Clock::time_point> m_partial_since; // first byte of an incomplete line
  bool m_kept_alive = false;
  bool m_input_ended = false;              // the client shut down its sending side
  std::deque<std::string> m_queue;         // replies waiting to be written
  std::deque<std::string> m_notifications; // notifications waiting (bounded)
  std::deque<bool> m_notification_bounded; // each: queued with a bound (may give way)
  std::size_t m_bounded_waiting = 0;       // how many of them
  std::string m_in_flight;                 // the lines the current write sends, end to end
  std::size_t m_queued_bytes = 0;
  std::size_t m_notification_bytes = 0; // queued or in flight
  std::size_t m_in_flight_notification_bytes = 0;
  std::function<void()> m_on_writable;
  bool m_writing = false;
  bool m_reading = false;
  bool m_read_paused = false; // too many replies queued: wait for the client
  bool m_close_when_drained = false;
  std::size_t m_replies_held = 0; // by the dispatcher until a group commit
  bool m_closed = false;
};

} // namespace summit::server
