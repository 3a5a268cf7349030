#pragma once

// Internal to the server: included by session.cpp and server.cpp only, so
// that Asio stays out of the headers the rest of the daemon includes.

#include "daemon/server/call_context.hpp"

#include <boost/asio/local/stream_protocol.hpp>

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace summit::server {

class Dispatcher;

// One client connection: reads '\n'-framed request lines, hands each to the
// dispatcher and writes the replies in request order, one (gathered) write in
// flight with queues behind it: replies, and a bounded queue of
// notifications that lose their oldest when a client stops reading. Owned by the shared_ptrs its
// pending operations hold; when the last one completes (peer gone, or close()) it is freed.
class Session final : public Connection, public std::enable_shared_from_this<Session> {
public:
  using Socket = boost::asio::local::stream_protocol::socket;

  // `dispatcher` must outlive every pending operation of the session.
  Session(Socket socket, Dispatcher &dispatcher, std::size_t max_line, Peer peer);

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

private:
  void read_next();
  void on_read(const boost::system::error_code &error, std::size_t length);
  void handle_line(std::string_view line);
  void write_next();
  void on_write(const boost::system::error_code &error);
  // The queue is empty: close if that was the plan, resume reading if paused.
  void on_drained();

  Socket m_socket;
  Dispatcher &m_dispatcher;
  std::size_t m_max_line;
  Peer m_peer;
  std::string m_buffer;
  std::deque<std::string> m_queue;         // replies waiting to be written
  std::deque<std::string> m_notifications; // notifications waiting (bounded)
  std::vector<std::string> m_in_flight;    // the lines the current write sends
  std::size_t m_queued_bytes = 0;
  bool m_writing = false;
  bool m_reading = false;
  bool m_read_paused = false; // too many replies queued: wait for the client
  bool m_close_when_drained = false;
  bool m_closed = false;
};

} // namespace summit::server
