#include "daemon/server/session.hpp"

#include "daemon/server/dispatcher.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

namespace summit::server {
namespace {

// Replies queued for a client that does not read them: stop reading its
// requests until it catches up, so that it cannot grow our memory without
// bound. A few lines' worth, at least one full-size reply.
// How long a connection being closed waits for its client to read the
// last replies when there is no idle timeout.
constexpr std::chrono::milliseconds k_default_flush_timeout = std::chrono::minutes(1);

std::size_t pause_threshold(std::size_t max_line) {
  return std::max<std::size_t>(4 * max_line, 64 * 1024);
}

} // namespace

Session::Session(Socket socket, Dispatcher &dispatcher, SessionLimits limits, Peer peer)
    : m_socket(std::move(socket)), m_dispatcher(dispatcher), m_limits(limits), m_peer(peer),
      m_timer(m_socket.get_executor()), m_last_activity(Clock::now()) {}

void Session::start() {
  spdlog::debug("client connected (uid {}, pid {})", m_peer.uid, m_peer.pid);
  boost::system::error_code error;
  m_socket.non_blocking(true, error); // reads happen only once it is readable
  if (error) {
    spdlog::warn("uid {}: cannot make the connection non-blocking: {}", m_peer.uid,
                 error.message());
    close();
    return;
  }
  arm_timer();
  read_next();
}

void Session::keep_alive() {
  m_kept_alive = true;
  arm_timer();
}

void Session::limit_send_buffer(std::size_t bytes) {
  // Linux doubles what it is given (for its own bookkeeping).
  const int asked = static_cast<int>(std::min<std::size_t>(bytes / 2, 1 << 20));
  if (::setsockopt(m_socket.native_handle(), SOL_SOCKET, SO_SNDBUF, &asked, sizeof asked) != 0) {
    spdlog::debug("cannot limit a client's send buffer: {}", std::strerror(errno));
  }
}

std::size_t Session::unread_bytes() const {
  int queued = 0; // what the peer has not read yet (SIOCOUTQ on a Unix socket)
  if (m_closed ||
      ::ioctl(const_cast<Session *>(this)->m_socket.native_handle(), SIOCOUTQ, &queued) != 0) {
    queued = 0;
  }
  return m_notification_bytes + static_cast<std::size_t>(std::max(queued, 0));
}

void Session::read_next() {
  if (m_closed || m_reading || m_close_when_drained) {
    return;
  }
  // Lines already received are answered before more is read.
  if (!handle_buffered_lines() || m_close_when_drained) {
    return;
  }
  if (m_queued_bytes > pause_threshold(m_limits.max_line) || m_dispatcher.awaiting_reply(this)) {
    // Resumed by on_drained(), once the replies (the deferred one too) are
    // written.
    m_read_paused = true;
    return;
  }
  m_read_paused = false;
  if (m_input_ended) {
    // Every whole line is answered; a last line without its '\n' is too
    // (`printf ... | socat`). Then close once the replies are out.
    if (!m_buffer.empty()) {
      const std::string last = std::exchange(m_buffer, {});
      m_scanned = 0;
      handle_line(last);
    }
    m_partial_since.reset();
    close_after_flush();
    if (!m_writing) {
      on_drained();
    }
    return;
  }
  m_reading = true;
  // Wait for data, then read it into a scratch buffer shared by all
  // sessions: an idle connection holds no read buffer of its own.
  m_socket.async_wait(Socket::wait_read,
                      [self = shared_from_this()](const boost::system::error_code &error) {
                        self->on_readable(error);
                      });
}

void Session::on_readable(const boost::system::error_code &wait_error) {
  m_reading = false;
  if (m_closed) {
    return;
  }
  boost::system::error_code error = wait_error;
  std::size_t length = 0;
  if (!error) {
    thread_local std::array<char, 64 * 1024> scratch;
    length = m_socket.read_some(boost::asio::buffer(scratch), error);
    if (error == boost::asio::error::would_block || error == boost::asio::error::try_again) {
      read_next(); // a spurious wake-up
      return;
    }
    if (!error) {
      m_buffer.append(scratch.data(), length);
    }
  }
  if (error == boost::asio::error::eof) {
    // The client is done sending (it may still read): answer what it sent.
    m_input_ended = true;
    read_next();
    return;
  }
  if (error) {
    if (error != boost::asio::error::operation_aborted) {
      spdlog::debug("uid {}: read failed: {}", m_peer.uid, error.message());
    }
    close();
    return;
  }
  read_next();
}

bool Session::handle_buffered_lines() {
  std::size_t begin = 0;
  bool answered = false;  // a line was taken, blank or not
  bool requested = false; // a request was handed to the dispatcher
  while (m_queued_bytes <= pause_threshold(m_limits.max_line) && !m_close_when_drained &&
         !m_closed && !m_dispatcher.awaiting_reply(this)) {
    const auto newline = m_buffer.find('\n', std::max(begin, m_scanned));
    if (newline == std::string::npos) {
      break;
    }
    if (newline - begin > m_limits.max_line) {
      break; // refused below, without being parsed
    }
    requested = handle_line(std::string_view(m_buffer).substr(begin, newline - begin)) || requested;
    begin = newline + 1;
    m_scanned = begin;
    answered = true;
  }
  m_buffer.erase(0, begin);
  m_scanned = m_scanned > begin ? m_scanned - begin : 0;
  if (m_closed || m_close_when_drained) {
    return false;
  }
  const auto newline = m_buffer.find('\n', m_scanned);
  const std::size_t line_length = newline == std::string::npos ? m_buffer.size() : newline;
  if (line_length > m_limits.max_line) {
    spdlog::warn("uid {}: request line over {} bytes; closing the connection", m_peer.uid,
                 m_limits.max_line);
    m_buffer.clear();
    m_buffer.shrink_to_fit();
    m_scanned = 0;
    send(Dispatcher::line_too_long_reply(m_limits.max_line));
    close_after_flush();
    return false;
  }
  if (newline == std::string::npos) {
    m_scanned = m_buffer.size();
  }
  const auto now = Clock::now();
  if (requested) {
    // Only a complete request counts as activity: bytes, blank lines and
    // pieces of a line do not keep a connection past the idle timeout.
    m_last_activity = now;
  }
  if (m_buffer.empty() || newline != std::string::npos || m_dispatcher.awaiting_reply(this)) {
    // Nothing, whole lines waiting, or reading paused behind a deferred
    // reply (the rest of the line is not read yet: not the client's delay).
    m_partial_since.reset();
  } else if (answered || !m_partial_since) {
    m_partial_since = now;
  }
  arm_timer();
  return true;
}

void Session::close_after_flush() {
  m_close_when_drained = true;
  m_last_activity = Clock::now();
  arm_timer();
}

std::chrono::milliseconds Session::flush_timeout() const {
  // As long as the idle timeout, but a connection being closed is never
  // kept for ever by a client that does not read.
  return m_limits.idle_timeout.count() > 0 ? m_limits.idle_timeout : k_default_flush_timeout;
}

void Session::arm_timer() {
  if (m_closed) {
    return;
  }
  std::optional<Clock::time_point> deadline;
  if (m_close_when_drained) {
    deadline = m_last_activity + flush_timeout();
  }
  if (m_partial_since && m_limits.request_timeout.count() > 0) {
    deadline = *m_partial_since + m_limits.request_timeout;
  }
  if (!m_kept_alive && m_limits.idle_timeout.count() > 0 && !m_close_when_drained) {
    const auto idle = m_last_activity + m_limits.idle_timeout;
    deadline = deadline ? std::min(*deadline, idle) : idle;
  }
  if (!deadline) {
    m_timer.cancel();
    return;
  }
  m_timer.expires_at(*deadline);
  m_timer.async_wait([weak = weak_from_this()](const boost::system::error_code &error) {
    if (auto self = weak.lock()) {
      self->on_timer(error);
    }
  });
}

void Session::on_timer(const boost::system::error_code &error) {
  if (error || m_closed) {
    return;
  }
  const auto now = Clock::now();
  if (m_close_when_drained) {
    if (now >= m_last_activity + flush_timeout()) {
      spdlog::debug("uid {} pid {}: not reading its last replies; closing the connection",
                    m_peer.uid, m_peer.pid);
      close();
    } else {
      arm_timer();
    }
    return;
  }
  if (m_partial_since && m_limits.request_timeout.count() > 0 &&
      now >= *m_partial_since + m_limits.request_timeout) {
    spdlog::info("uid {} pid {}: request not completed within {} ms; closing the connection",
                 m_peer.uid, m_peer.pid, m_limits.request_timeout.count());
    m_buffer.clear();
    m_scanned = 0;
    m_partial_since.reset();
    send(Dispatcher::request_timeout_reply(m_limits.request_timeout));
    close_after_flush();
    return;
  }
  if (!m_kept_alive && m_limits.idle_timeout.count() > 0 &&
      now >= m_last_activity + m_limits.idle_timeout) {
    spdlog::debug("uid {} pid {}: idle for {} ms; closing the connection", m_peer.uid, m_peer.pid,
                  m_limits.idle_timeout.count());
    close();
    return;
  }
  arm_timer();
}

bool Session::handle_line(std::string_view line) {
  if (line.empty() || line == "\r") {
    return false; // blank lines between requests are harmless, and not activity
  }
  if (auto reply = m_dispatcher.handle_line(line, m_peer, weak_from_this())) {
    send(std::move(*reply));
  }
  return true;
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
  // Only notifications queued with a bound give way, to one of their kind
  // (calendar.progress): a subscriber's reminder waiting behind them is
  // never dropped for their sake.
  const bool bounded = bound != k_unbounded;
  std::size_t dropped = 0;
  while (bounded && m_bounded_waiting > 0 && m_bounded_waiting >= std::max<std::size_t>(bound, 1)) {
    const auto oldest =
        std::find(m_notification_bounded.begin(), m_notification_bounded.end(), true);
    const auto at = oldest - m_notification_bounded.begin();
    m_notification_bytes -= m_notifications[at].size();
    m_notifications.erase(m_notifications.begin() + at);
    m_notification_bounded.erase(oldest);
    --m_bounded_waiting;
    ++dropped;
  }
  m_notification_bytes += line.size();
  m_notifications.push_back(std::move(line));
  m_notification_bounded.push_back(bounded);
  m_bounded_waiting += bounded ? 1 : 0;
  if (!m_writing) {
    write_next();
  }
  return dropped;
}

void Session::write_next() {
  // Everything waiting goes out in one write, copied end to end into one
  // buffer: replies first (in request order), then notifications (in firing
  // order). A burst of reminders then costs a system call or two per turn of
  // the loop, not one per line (nor one per 64 lines, Asio's limit for a
  // gathered write, each a turn of the loop of its own), and a subscriber that
  // keeps reading keeps up.
  std::size_t reply_bytes = 0;
  std::size_t notification_bytes = 0;
  for (const auto &line : m_queue) {
    reply_bytes += line.size();
  }
  for (const auto &line : m_notifications) {
    notification_bytes += line.size();
  }
  if (m_queue.size() + m_notifications.size() == 1) {
    // One line: sent as it is, no copy.
    auto &only = m_queue.empty() ? m_notifications.front() : m_queue.front();
    m_in_flight = std::move(only);
  } else {
    m_in_flight.clear();
    m_in_flight.reserve(reply_bytes + notification_bytes);
    for (const auto &line : m_queue) {
      m_in_flight += line;
    }
    for (const auto &line : m_notifications) {
      m_in_flight += line;
    }
  }
  m_queue.clear();
  m_notifications.clear();
  m_notification_bounded.clear();
  m_bounded_waiting = 0;
  m_in_flight_notification_bytes = notification_bytes;
  // Replies were counted when queued; notifications count from now on.
  m_queued_bytes += notification_bytes;
  m_writing = true;
  boost::asio::async_write(m_socket, boost::asio::buffer(m_in_flight),
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
  m_queued_bytes -= std::min(m_queued_bytes, m_in_flight.size());
  m_notification_bytes -= std::min(m_notification_bytes, m_in_flight_notification_bytes);
  m_in_flight_notification_bytes = 0;
  if (!m_kept_alive) {
    m_last_activity = Clock::now(); // it is reading what we send: not idle
  }
  // Not kept: an idle connection holds no write buffer either.
  std::string().swap(m_in_flight);
  if (!m_queue.empty() || !m_notifications.empty()) {
    write_next();
    return;
  }
  on_drained();
}

void Session::reply(std::string line) {
  if (m_replies_held > 0) {
    --m_replies_held;
  }
  send(std::move(line));
}

void Session::on_drained() {
  if (m_close_when_drained) {
    // A client that closed its sending side after a write still gets the
    // reply the dispatcher holds until the write is committed.
    if (m_replies_held == 0) {
      close();
    }
    return;
  }
  if (m_read_paused) {
    m_last_activity = Clock::now(); // it read its replies: not idle
    read_next();
  }
  if (m_on_writable && !m_closed && !m_writing) {
    // Copied: the callback may replace itself.
    const auto callback = m_on_writable;
    callback();
  }
}

void Session::on_writable(std::function<void()> callback) { m_on_writable = std::move(callback); }

void Session::close() {
  if (m_closed) {
    return;
  }
  m_closed = true;
  m_on_writable = nullptr; // it may hold what holds this session
  m_timer.cancel();
  boost::system::error_code ignored;
  m_socket.shutdown(Socket::shutdown_both, ignored);
  // The lines in flight stay: an aborted write may still point into them
  // until its handler runs; the session frees them.
  m_socket.close(ignored);
  spdlog::debug("client disconnected (uid {}, pid {})", m_peer.uid, m_peer.pid);
}

} // namespace summit::server
