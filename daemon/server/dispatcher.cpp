#include "daemon/server/dispatcher.hpp"

#include "core/rpc.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <exception>

namespace summit::server {
namespace rpc = core::rpc;
namespace {

bool is_field_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.';
}

// "start: 2025-02-30 is not a date" -> "start"; "params.limit must ..." ->
// "limit". Empty when the message names no field.
std::string field_of(std::string_view message) {
  constexpr std::string_view k_params = "params.";
  std::size_t begin = 0;
  if (message.starts_with(k_params)) {
    begin = k_params.size();
  }
  std::size_t end = begin;
  while (end < message.size() && is_field_char(message[end])) {
    ++end;
  }
  if (end == begin) {
    return {};
  }
  const bool colon = end < message.size() && message[end] == ':';
  const bool space = begin > 0 && end < message.size() && message[end] == ' ';
  if (!colon && !space) {
    return {};
  }
  return std::string(message.substr(begin, end - begin));
}

} // namespace

tl::unexpected<HandlerError> invalid_param(std::string field, std::string message) {
  return tl::unexpected(
      HandlerError{{core::ErrorCode::invalid_params, std::move(message)}, std::move(field)});
}

tl::unexpected<HandlerError> handler_error(core::Error error) {
  std::string field;
  if (error.code == core::ErrorCode::invalid_params) {
    field = field_of(error.message);
  }
  return tl::unexpected(HandlerError{std::move(error), std::move(field)});
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

std::optional<std::string> Dispatcher::handle_line(std::string_view line, const Peer &peer) {
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
    const CallContext context{peer, m_clock()};
    auto reply = call(request->id, request->method, request->params, context);
    if (request->is_notification) {
      return std::nullopt;
    }
    return rpc::to_line(reply);
  } catch (const std::exception &e) {
    // Only reached when encoding itself fails; still never kill the daemon.
    spdlog::error("uid {}: internal error while handling a request: {}", peer.uid, e.what());
    return rpc::to_line(
        rpc::make_error(nullptr, rpc::k_internal_error, "internal error; please report it"));
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
    if (failure.error.code == core::ErrorCode::internal ||
        failure.error.code == core::ErrorCode::storage) {
      spdlog::error("{} failed: {}", method, failure.error.message);
    }
    nlohmann::json data = nlohmann::json::object();
    if (!failure.field.empty()) {
      data["field"] = failure.field;
    }
    return rpc::make_error(id, rpc::code_for(failure.error.code), failure.error.message,
                           std::move(data));
  } catch (const std::exception &e) {
    spdlog::error("{} threw (a bug): {}", method, e.what());
    return rpc::make_error(id, rpc::k_internal_error,
                           fmt::format("internal error in {}: {}; please report it", method,
                                       e.what()));
  } catch (...) {
    spdlog::error("{} threw a non-standard exception (a bug)", method);
    return rpc::make_error(id, rpc::k_internal_error,
                           fmt::format("internal error in {}; please report it", method));
  }
}

} // namespace summit::server
