#pragma once

#include "core/time_range.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace summit::server {

// Who is on the other end of a connection, from SO_PEERCRED.
struct Peer {
  std::uint32_t uid = 0;
  std::int32_t pid = 0; // 0 when unknown
};

// A client connection as the handlers and channels see it: something that
// can be pushed notification lines. Sessions implement it; tests use fakes.
// Owned by shared_ptr; whoever keeps one for later (a subscriber channel)
// keeps a weak_ptr, so a closed connection is freed at once.
class Connection {
public:
  virtual ~Connection() = default;

  // Queues a notification line ('\n'-terminated) behind any replies. At
  // most `bound` notifications queued with a bound wait (the one being
  // written does not count); past that the oldest of those is dropped to
  // make room. One queued with k_unbounded (a subscriber's) is never
  // dropped, nor counted against another's bound. Never blocks. Returns how
  // many were dropped; a closed connection drops nothing and queues nothing.
  static constexpr std::size_t k_unbounded = static_cast<std::size_t>(-1);
  virtual std::size_t notify(std::string line, std::size_t bound) = 0;
  // Told when the dispatcher holds back a reply to this connection until a
  // group commit: the connection stays open (even if the client has closed
  // its sending side) until reply() brings it.
  virtual void hold_reply() {}
  // Replies held back by the dispatcher and not yet queued (hold_reply()
  // calls not yet matched by reply()).
  virtual std::size_t replies_held() const { return 0; }
  // Queues a reply line ('\n'-terminated) held back by the dispatcher until
  // a group commit (replies keep their request order).
  virtual void reply(std::string line) = 0;
  virtual bool closed() const = 0;
  virtual const Peer &peer() const = 0;
  // The client waits for notifications (a subscriber): it is expected to
  // stay quiet, so the idle timeout no longer applies to it.
  virtual void keep_alive() {}
  // Caps what the kernel holds for this client in its socket's send buffer
  // (about `bytes`), for a client that may stop reading (a subscriber).
  virtual void limit_send_buffer(std::size_t bytes) { (void)bytes; }
  // Bytes of notification lines queued or being written: what this client
  // costs the daemon in notifications it has not read yet.
  virtual std::size_t notification_backlog() const { return 0; }
  // Bytes sent or queued that the client has not read yet: the backlog
  // plus what waits in the kernel's send queue. 0 for a client that keeps
  // up with what it is sent.
  virtual std::size_t unread_bytes() const { return notification_backlog(); }
  // `callback` runs on the connection's thread each time everything queued
  // has been written to the client (a feed sends more then). One callback
  // per connection; a later call replaces it. Never called after close.
  virtual void on_writable(std::function<void()> callback) { (void)callback; }
};

// What a handler knows about the request beyond its params: the caller and
// the instant the request arrived (the clock is read once, at the edge).
struct CallContext {
  Peer peer;
  core::SysSeconds now{};
  // The connection the request came on; empty outside a socket (tests).
  std::weak_ptr<Connection> connection = {};
};

} // namespace summit::server
