#include "daemon/server/session.hpp"

#include "daemon/server/dispatcher.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <vector>

namespace summit::server {
namespace {

// Replies queued for a client that does not read them: stop reading its
// requests until it catches up, so that it cannot grow our memory without
// bound. A few lines' worth, at least one full-size reply.
std::size_t pause_threshold(std::size_t max_line) {
  return std::max<std::size_t>(4 * max_line, 64 * 1024);
}

} // namespace

Session::Session(Socket socket, Dispatcher &dispatcher, std::size_t max_line, Peer peer)
    : m_socket(std::move(socket)), m_dispatcher(dispatcher), m_max_line(max_line), m_peer(peer) {}

void Session::start() {
  spdlog::debug("client connected (uid {}, pid {})", m_peer.uid, m_peer.pid);
  read_next();
}

void Session::read_next() {
  if (m_closed || m_reading || m_close_when_drained) {
    return;
  }
  if (m_queued_bytes > pause_threshold(m_max_line)) {
    m_read_paused = true;
    return;
  }
  m_read_paused = false;
  m_reading = true;
  // The buffer may hold at most the line limit plus its '\n'; a longer line
  // completes with not_found.
  boost::asio::async_read_until(
      m_socket, boost::asio::dynamic_buffer(m_buffer, m_max_line + 1), '\n',
      [self = shared_from_this()](const boost::system::error_code &error, std::size_t length) {
        self->on_read(error, length);
      });
}

void Session::on_read(const boost::system::error_code &error, std::size_t length) {
  m_reading = false;
  if (m_closed) {
    return;
  }
  if (error == boost::asio::error::not_found) {
    spdlog::warn("uid {}: request line over {} bytes; closing the connection", m_peer.uid,
                 m_max_line);
    m_buffer.clear();
    send(Dispatcher::line_too_long_reply(m_max_line));
    m_close_when_drained = true;
    return;
  }
  if (error == boost::asio::error::eof) {
    // A last line without its '\n' is still answered (`printf ... | socat`).
    if (!m_buffer.empty()) {
      std::string last = std::move(m_buffer);
      m_buffer.clear();
      handle_line(last);
    }
    m_close_when_drained = true;
    if (!m_writing) {
      on_drained();
    }
    return;
  }
  if (error) {
    if (error != boost::asio::error::operation_aborted) {
      spdlog::debug("uid {}: read failed: {}", m_peer.uid, error.message());
    }
    close();
    return;
  }
  handle_line(std::string_view(m_buffer).substr(0, length - 1));
  m_buffer.erase(0, length);
  read_next();
}

void Session::handle_line(std::string_view line) {
  if (line.empty() || line == "\r") {
    return; // blank lines between requests are harmless
  }
  if (auto reply = m_dispatcher.handle_line(line, m_peer, weak_from_this())) {
    send(std::move(*reply));
  }
}

void Session::send(std::string line) {
  if (m_closed) {
    return;
  }
  m_queued_bytes += line.size();
  m_queue.push_back(std::move(line));
  if (!m_writing) {
    write_next();
  }
}

std::size_t Session::notify(std::string line, std::size_t bound) {
  if (closed()) {
    return 0;
  }
  std::size_t dropped = 0;
  while (!m_notifications.empty() && m_notifications.size() >= std::max<std::size_t>(bound, 1)) {
    m_notifications.pop_front();
    ++dropped;
  }
  m_notifications.push_back(std::move(line));
  if (!m_writing) {
    write_next();
  }
  return dropped;
}

void Session::write_next() {
  // Everything waiting goes out in one gathered write: replies first (in
  // request order), then notifications (in firing order). A burst of
  // reminders then costs one system call per turn of the loop, not one per
  // line, and a subscriber that keeps reading keeps up.
  m_in_flight.clear();
  while (!m_queue.empty()) {
    m_in_flight.push_back(std::move(m_queue.front()));
    m_queue.pop_front();
  }
  while (!m_notifications.empty()) {
    m_queued_bytes += m_notifications.front().size();
    m_in_flight.push_back(std::move(m_notifications.front()));
    m_notifications.pop_front();
  }
  std::vector<boost::asio::const_buffer> buffers;
  buffers.reserve(m_in_flight.size());
  for (const auto &line : m_in_flight) {
    buffers.emplace_back(boost::asio::buffer(line));
  }
  m_writing = true;
  boost::asio::async_write(m_socket, buffers,
                           [self = shared_from_this()](const boost::system::error_code &error,
                                                       std::size_t) { self->on_write(error); });
}

void Session::on_write(const boost::system::error_code &error) {
  m_writing = false;
  if (error) {
    if (error != boost::asio::error::operation_aborted) {
      spdlog::debug("uid {}: write failed: {}", m_peer.uid, error.message());
    }
    close();
    return;
  }
  if (m_closed) {
    return;
  }
  for (const auto &line : m_in_flight) {
    m_queued_bytes -= line.size();
  }
  m_in_flight.clear();
  if (!m_queue.empty() || !m_notifications.empty()) {
    write_next();
    return;
  }
  on_drained();
}

void Session::on_drained() {
  if (m_close_when_drained) {
    close();
    return;
  }
  if (m_read_paused) {
    read_next();
  }
}

void Session::close() {
  if (m_closed) {
    return;
  }
  m_closed = true;
  boost::system::error_code ignored;
  m_socket.shutdown(Socket::shutdown_both, ignored);
  // The lines in flight stay: an aborted write may still point into them
  // until its handler runs; the session frees them.
  m_socket.close(ignored);
  spdlog::debug("client disconnected (uid {}, pid {})", m_peer.uid, m_peer.pid);
}

} // namespace summit::server
