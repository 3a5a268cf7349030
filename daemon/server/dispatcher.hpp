#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "daemon/server/call_context.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace summit::server {

// The `result` member of a reply, or a failure; an invalid_params failure
// names its field (core::Error::field, sent as error.data.field).
using HandlerResult = core::Result<nlohmann::json>;

// One JSON-RPC method. `params` is always an object. Returns the `result`
// member of the reply, or an error. May throw: the dispatcher turns any
// exception into -32603 and logs it.
using Handler = std::function<HandlerResult(const nlohmann::json &params, const CallContext &)>;

class Dispatcher;

// The reply of a request whose handler answers later (calendar.import
// parses on the worker pool and writes in chunks): call it once, on the
// loop's thread, with the result. It goes out in its connection's request
// order: replies to later requests on the same connection wait behind it,
// other connections do not. Cheap to copy; the copies share one reply.
// A handler that writes commits its writes before it replies
// (EventStore::flush_group): a deferred reply does not wait for a group.
class DeferredReply {
public:
  void operator()(HandlerResult result) const;
  // A result whose JSON text is already made (core::rpc::to_text), so that
  // a large one is serialized where it was built, not on the loop.
  void result_text(std::string text) const;
  // The reply was given (by this copy or another).
  bool answered() const;

private:
  friend class Dispatcher;
  struct Slot;
  DeferredReply(Dispatcher *dispatcher, std::shared_ptr<Slot> slot)
      : m_dispatcher(dispatcher), m_slot(std::move(slot)) {}
  Dispatcher *m_dispatcher;
  std::shared_ptr<Slot> m_slot;
};

// A method whose handler may answer later, through `reply`: at once (bad
// params) or from a later turn of the loop.
using DeferredHandler =
    std::function<void(const nlohmann::json &params, const CallContext &, DeferredReply reply)>;

// Group commit as the dispatcher sees it (the store, through the daemon):
// while a group of writes is open, replies wait for its commit.
class CommitGroup {
public:
  virtual ~CommitGroup() = default;
  virtual bool open() const = 0;
  // Successful writes so far: a request that raised it wrote.
  virtual std::uint64_t writes() const = 0;
};

// Turns request lines into reply lines: the meaning of the protocol, with no
// transport. Each method is a handler registered by name, so the whole
// protocol is testable without a socket.
class Dispatcher {
public:
  explicit Dispatcher(core::Clock clock);

  // Registers (or replaces) the handler for `method`.
  void add(std::string_view method, Handler handler);
  // The same for a handler that may answer later (DeferredReply).
  void add_deferred(std::string_view method, DeferredHandler handler);
  bool has(std::string_view method) const;

  // Decodes one line (without '\n'; a trailing '\r' is ignored), runs its
  // handler and returns the reply line ('\n'-terminated), or nothing for a
  // notification. Never throws: undecodable lines get -32700/-32600, unknown
  // methods -32601, handler exceptions -32603. `connection`, when given, is
  // what the handler sees as CallContext::connection (reminder.subscribe).
  //
  // With a commit group set and open, the reply is held instead (nothing is
  // returned) and sent through `connection` by release(): a client is never
  // told of a write before it is durable, and a read sent after a write on
  // the same connection is not answered before it.
  std::optional<std::string> handle_line(std::string_view line, const Peer &peer,
                                         std::weak_ptr<Connection> connection = {});

  // Turns group commit on (`group` must outlive the dispatcher's use).
  void set_commit_group(const CommitGroup *group);
  // The group committed (or failed and rolled back): sends the held replies,
  // those of writes replaced by a storage error when it failed.
  void release(const core::Result<void> &committed);

  // The reply to a line that exceeded the size limit (-32600, id null).
  static std::string line_too_long_reply(std::size_t max_line);
  // The reply to a line still incomplete after the request timeout (-32600).
  static std::string request_timeout_reply(std::chrono::milliseconds timeout);
  // The only line a client gets when the connection limit is reached (-32005).
  static std::string too_many_connections_reply(std::size_t max_connections);
  // The reply to a connection past limits.max_connections_per_uid (-32005).
  static std::string too_many_connections_for_uid_reply(std::uint32_t uid, std::size_t max_per_uid);

  // At shutdown, after the last release(): forgets the replies still
  // waiting for a deferred one (and the connections they keep open).
  void drop_waiting();
  // Replies not sent yet: held for a group commit, or waiting for a
  // deferred reply before them on their connection. For tests.
  std::size_t waiting_replies() const;
  // A request of `connection` waits for its deferred reply (an import, a
  // list page on the worker). Sessions read no further request from that
  // connection until it has come, so that one client can queue at most one
  // job for the worker, however fast it sends.
  bool awaiting_reply(Connection *connection) const;

private:
  friend class DeferredReply;
  nlohmann::json call(const nlohmann::json &id, const std::string &method,
                      const nlohmann::json &params, const CallContext &context);

  using Slot = DeferredReply::Slot;
  // The reply of a request is known (`slot` holds it): sends it, holds it
  // for the group, or queues it behind its connection's earlier replies.
  std::optional<std::string> settle(const std::shared_ptr<Slot> &slot);
  // Sends the replies at the front of the connection's queue that are ready.
  void drain(Connection *connection);
  void answer_later(const std::shared_ptr<Slot> &slot, nlohmann::json reply);
  void answer_later_line(const std::shared_ptr<Slot> &slot, std::string line);

  core::Clock m_clock;
  std::map<std::string, Handler, std::less<>> m_handlers;
  std::map<std::string, DeferredHandler, std::less<>> m_deferred;
  const CommitGroup *m_group = nullptr;
  // Replies waiting for the open (or flushed, not yet reported) group.
  std::vector<std::shared_ptr<Slot>> m_held;
  // Per connection, its replies not sent yet, in request order.
  std::map<Connection *, std::deque<std::shared_ptr<Slot>>> m_queues;
};

} // namespace summit::server
