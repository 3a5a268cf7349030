#include "daemon/server/dispatcher.hpp"

#include "core/rpc.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <utility>

namespace summit::server {
namespace rpc = core::rpc;

Dispatcher::Dispatcher(core::Clock clock) : m_clock(std::move(clock)) {}

void Dispatcher::add(std::string_view method, Handler handler) {
  m_handlers.insert_or_assign(std::string(method), std::move(handler));
}

bool Dispatcher::has(std::string_view method) const {
  return m_handlers.find(method) != m_handlers.end();
}

std::string Dispatcher::line_too_long_reply(std::size_t max_line) {
  return rpc::to_line(rpc::make_error(
      nullptr, rpc::k_invalid_request,
      fmt::format("request line exceeds {} bytes; the connection will be closed", max_line)));
}

std::string Dispatcher::request_timeout_reply(std::chrono::milliseconds timeout) {
  return rpc::to_line(rpc::make_error(
      nullptr, rpc::k_invalid_request,
      fmt::format("request line not completed within {} ms (limits.request_timeout); the "
                  "connection will be closed",
                  timeout.count())));
}

std::string Dispatcher::too_many_connections_reply(std::size_t max_connections) {
  return rpc::to_line(rpc::make_error(
      nullptr, rpc::k_unavailable,
      fmt::format("summitd is serving its maximum of {} connections (limits.max_connections); "
                  "try again later",
                  max_connections)));
}

// One reply on its way: its place in its connection's order, and its line
// once known.
struct DeferredReply::Slot {
  std::shared_ptr<Connection> connection; // empty: nowhere to send it
  nlohmann::json id;
  std::string line;
  bool in_call = true;   // the handler has not returned yet
  bool answered = false; // `line` holds the reply
  bool ready = false;    // may go out (answered, and the group it waited for ended)
  bool wrote = false;    // its request wrote in the group it waits for
};

void DeferredReply::operator()(HandlerResult result) const {
  if (m_slot->answered) {
    return;
  }
  nlohmann::json reply;
  if (result) {
    reply = rpc::make_result(m_slot->id, std::move(*result));
  } else {
    const auto &failure = result.error();
    if (failure.code == core::ErrorCode::internal || failure.code == core::ErrorCode::storage) {
      spdlog::error("a request failed: {}", failure.message);
    }
    reply = rpc::make_error(m_slot->id, failure);
  }
  m_dispatcher->answer_later(m_slot, std::move(reply));
}

void DeferredReply::result_text(std::string text) const {
  if (m_slot->answered) {
    return;
  }
  m_dispatcher->answer_later_line(m_slot, rpc::result_line(m_slot->id, text));
}

bool DeferredReply::answered() const { return m_slot->answered; }

void Dispatcher::add_deferred(std::string_view method, DeferredHandler handler) {
  m_deferred.insert_or_assign(std::string(method), std::move(handler));
}

std::size_t Dispatcher::waiting_replies() const {
  std::size_t count = 0;
  for (const auto &[connection, slots] : m_queues) {
    count += slots.size();
  }
  return count;
}

bool Dispatcher::awaiting_reply(Connection *connection) const {
  const auto queue = m_queues.find(connection);
  return queue != m_queues.end() &&
         std::any_of(queue->second.begin(), queue->second.end(),
                     [](const std::shared_ptr<Slot> &slot) { return !slot->answered; });
}

std::string Dispatcher::too_many_connections_for_uid_reply(std::uint32_t uid,
                                                           std::size_t max_per_uid) {
  return rpc::to_line(rpc::make_error(
      nullptr, rpc::k_unavailable,
      fmt::format("uid {} already has {} connections open, the most one user may hold "
                  "(limits.max_connections_per_uid); close some, or raise "
                  "limits.max_connections_per_uid in summitd.toml",
                  uid, max_per_uid)));
}

std::optional<std::string> Dispatcher::handle_line(std::string_view line, const Peer &peer,
                                                   std::weak_ptr<Connection> connection) {
  if (line.ends_with('\r')) {
    line.remove_suffix(1);
  }
  try {
    auto request = rpc::decode_request(line);
    if (!request) {
      spdlog::debug("uid {}: undecodable request: {}", peer.uid, request.error().message);
      return rpc::to_line(
          rpc::make_error(request.error().id, request.error().code, request.error().message));
    }
    // The clock is read once per request, here at the edge.
    const std::uint64_t writes_before = m_group != nullptr ? m_group->writes() : 0;
    const CallContext context{peer, m_clock(), connection};
    auto slot = std::make_shared<Slot>();
    slot->id = request->id;
    if (!request->is_notification) {
      slot->connection = connection.lock();
    }
    if (const auto deferred = m_deferred.find(request->method); deferred != m_deferred.end()) {
      spdlog::debug("uid {}: {}", peer.uid, request->method);
      const DeferredReply reply(this, slot);
      try {
        deferred->second(request->params, context, reply);
      } catch (const std::exception &e) {
        spdlog::error("{} threw (a bug): {}", request->method, e.what());
        reply(core::fail(
            core::ErrorCode::internal,
            fmt::format("internal error in {}: {}; please report it", request->method, e.what())));
      }
      slot->in_call = false;
      if (!slot->answered) {
        // Answered later: its place in the connection's order is kept.
        if (slot->connection) {
          slot->connection->hold_reply();
          m_queues[slot->connection.get()].push_back(slot);
        }
        return std::nullopt;
      }
    } else {
      slot->line = rpc::to_line(call(request->id, request->method, request->params, context));
      slot->answered = true;
      slot->in_call = false;
    }
    if (request->is_notification) {
      return std::nullopt;
    }
    slot->wrote = m_group != nullptr && m_group->writes() != writes_before;
    return settle(slot);
  } catch (const std::exception &e) {
    // Only reached when encoding itself fails; still never kill the daemon.
    spdlog::error("uid {}: internal error while handling a request: {}", peer.uid, e.what());
    return rpc::to_line(
        rpc::make_error(nullptr, rpc::k_internal_error, "internal error; please report it"));
  }
}

std::optional<std::string> Dispatcher::settle(const std::shared_ptr<Slot> &slot) {
  const auto &connection = slot->connection;
  if (!connection) {
    return std::move(slot->line);
  }
  // Held while a group is open, and behind replies still held from one
  // (flushed early, its commit not yet reported), to keep their order.
  const bool for_group = m_group != nullptr && (m_group->open() || !m_held.empty());
  const auto queue = m_queues.find(connection.get());
  const bool behind = queue != m_queues.end() && !queue->second.empty();
  if (!for_group && !behind) {
    return std::move(slot->line);
  }
  // The held reply keeps its connection alive: a client that closed its
  // sending side leaves no other operation holding the session.
  connection->hold_reply();
  m_queues[connection.get()].push_back(slot);
  if (for_group) {
    m_held.push_back(slot);
  } else {
    slot->ready = true; // goes out when the replies before it have
  }
  return std::nullopt;
}

void Dispatcher::answer_later(const std::shared_ptr<Slot> &slot, nlohmann::json reply) {
  answer_later_line(slot, rpc::to_line(reply));
}

void Dispatcher::answer_later_line(const std::shared_ptr<Slot> &slot, std::string line) {
  slot->line = std::move(line);
  slot->answered = true;
  if (slot->in_call || !slot->connection) {
    return; // handle_line sends it; or there is nowhere to send it
  }
  if (m_group != nullptr && m_group->open()) {
    m_held.push_back(slot); // what this turn wrote commits first
    return;
  }
  slot->ready = true;
  drain(slot->connection.get());
}

void Dispatcher::drain(Connection *connection) {
  const auto queue = m_queues.find(connection);
  if (queue == m_queues.end()) {
    return;
  }
  auto &slots = queue->second;
  while (!slots.empty() && slots.front()->ready) {
    const auto slot = std::move(slots.front());
    slots.pop_front();
    slot->connection->reply(std::move(slot->line));
  }
  if (slots.empty()) {
    m_queues.erase(queue);
  }
}

void Dispatcher::set_commit_group(const CommitGroup *group) { m_group = group; }

void Dispatcher::release(const core::Result<void> &committed) {
  const auto held = std::exchange(m_held, {});
  for (const auto &slot : held) {
    if (!committed && slot->wrote) {
      slot->line = rpc::to_line(rpc::make_error(slot->id, committed.error()));
    }
    slot->ready = true;
  }
  for (const auto &slot : held) {
    drain(slot->connection.get());
  }
}

void Dispatcher::drop_waiting() {
  m_held.clear();
  m_queues.clear();
}

nlohmann::json Dispatcher::call(const nlohmann::json &id, const std::string &method,
                                const nlohmann::json &params, const CallContext &context) {
  const auto handler = m_handlers.find(method);
  if (handler == m_handlers.end()) {
    std::string known;
    for (const auto &[name, unused] : m_handlers) {
      known += known.empty() ? name : ", " + name;
    }
    spdlog::debug("uid {}: unknown method '{}'", context.peer.uid, method);
    return rpc::make_error(id, rpc::k_method_not_found,
                           fmt::format("unknown method '{}' (known: {})", method, known));
  }
  spdlog::debug("uid {}: {}", context.peer.uid, method);
  try {
    auto result = handler->second(params, context);
    if (result) {
      return rpc::make_result(id, std::move(*result));
    }
    const auto &failure = result.error();
    if (failure.code == core::ErrorCode::internal || failure.code == core::ErrorCode::storage) {
      spdlog::error("{} failed: {}", method, failure.message);
    }
    return rpc::make_error(id, failure);
  } catch (const std::exception &e) {
    spdlog::error("{} threw (a bug): {}", method, e.what());
    return rpc::make_error(
        id, rpc::k_internal_error,
        fmt::format("internal error in {}: {}; please report it", method, e.what()));
  } catch (...) {
    spdlog::error("{} threw a non-standard exception (a bug)", method);
    return rpc::make_error(id, rpc::k_internal_error,
                           fmt::format("internal error in {}; please report it", method));
  }
}

} // namespace summit::server
