#pragma once

#include "error.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace summit::core::rpc {

// JSON-RPC 2.0 error codes (docs/PROTOCOL.md).
inline constexpr int k_parse_error = -32700;
inline constexpr int k_invalid_request = -32600;
inline constexpr int k_method_not_found = -32601;
inline constexpr int k_invalid_params = -32602;
inline constexpr int k_internal_error = -32603;
inline constexpr int k_not_found = -32001;
inline constexpr int k_permission_denied = -32002;
inline constexpr int k_conflict = -32003;
inline constexpr int k_storage = -32004;
inline constexpr int k_unavailable = -32005;
inline constexpr int k_over_budget = -32010;

int code_for(ErrorCode code);
// The ErrorCode a JSON-RPC error code stands for (internal for unknown ones).
ErrorCode error_code_from(int rpc_code);

// A decoded request. `id` is null for notifications (no reply is sent).
struct Request {
  nlohmann::json id;
  bool is_notification = false;
  std::string method;
  nlohmann::json params = nlohmann::json::object();
};

// Why a line could not be decoded: the error reply to send (id may be null).
struct DecodeError {
  nlohmann::json id;
  int code;
  std::string message;
};

// Decodes one line (without its '\n'). Rejects non-UTF-8, non-JSON, non-object
// (including batches), a missing/invalid "jsonrpc", "method" or "id", and
// params that are not an object, with the JSON-RPC code that fits.
tl::expected<Request, DecodeError> decode_request(std::string_view line);

nlohmann::json make_request(const nlohmann::json &id, std::string_view method,
                            nlohmann::json params = nlohmann::json::object());
nlohmann::json make_notification(std::string_view method, nlohmann::json params);
nlohmann::json make_result(const nlohmann::json &id, nlohmann::json result);
// error.data carries {"kind": to_string(code)} plus `data` merged in.
nlohmann::json make_error(const nlohmann::json &id, int code, std::string_view message,
                          nlohmann::json data = nlohmann::json::object());
nlohmann::json make_error(const nlohmann::json &id, const Error &error);

// One wire line: compact JSON plus '\n'. Invalid UTF-8 inside strings is
// replaced (U+FFFD) rather than thrown on.
std::string to_line(const nlohmann::json &message);
// The line of a result whose JSON text is already made (`result_text`, the
// compact dump of the `result` member, e.g. on a worker thread): the same
// bytes as to_line(make_result(id, result)).
std::string result_line(const nlohmann::json &id, std::string_view result_text);
// The compact JSON text to_line() would write for `value`.
std::string to_text(const nlohmann::json &value);

} // namespace summit::core::rpc
