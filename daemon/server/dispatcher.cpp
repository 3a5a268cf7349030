#include "daemon/server/dispatcher.hpp"

#include "core/rpc.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

namespace summit::server {
namespace rpc = core::rpc;

tl::unexpected<core::Error> invalid_param(std::string field, std::string message) {
  return tl::unexpected(
      core::Error{core::ErrorCode::invalid_params, std::move(message), std::move(field)});
}

Dispatcher::Dispatcher(core::Clock clock) : m_clock(std::move(clock)) {}

void Dispatcher::add(std::string method, Handler handler) {
  m_handlers.insert_or_assign(std::move(method), std::move(handler));
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
    auto reply = call(request->id, request->method, request->params, context);
    if (request->is_notification) {
      return std::nullopt;
    }
    // Held while a group is open, and behind replies still held from one
    // (flushed early, its commit not yet reported), to keep their order.
    if (m_group != nullptr && (m_group->open() || !m_held.empty()) && !connection.expired()) {
      // The held reply keeps its connection alive: a client that closed its
      // sending side leaves no other operation holding the session.
      if (auto held = connection.lock()) {
        held->hold_reply();
        m_held.push_back(Held{std::move(held), rpc::to_line(reply), request->id,
                              m_group->writes() != writes_before});
        return std::nullopt;
      }
    }
    return rpc::to_line(reply);
  } catch (const std::exception &e) {
    // Only reached when encoding itself fails; still never kill the daemon.
    spdlog::error("uid {}: internal error while handling a request: {}", peer.uid, e.what());
    return rpc::to_line(
        rpc::make_error(nullptr, rpc::k_internal_error, "internal error; please report it"));
  }
}

void Dispatcher::set_commit_group(const CommitGroup *group) { m_group = group; }

void Dispatcher::release(const core::Result<void> &committed) {
  auto held = std::exchange(m_held, {});
  for (auto &reply : held) {
    const auto &connection = reply.connection;
    if (!committed && reply.wrote) {
      connection->reply(rpc::to_line(rpc::make_error(reply.id, committed.error())));
    } else {
      connection->reply(std::move(reply.line));
    }
  }
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
